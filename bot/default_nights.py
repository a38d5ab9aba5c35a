"""The bot-wide quiet hours and zone (GROUNDRULES_QUIET_HOURS, GROUNDRULES_TIMEZONE) an
operator changed between two starts: the reminders and nudges the old quiet hours held
at the tables that follow them are set again for the new ones, as a table's own change
(/table quiet-hours, /table timezone) sets them at once (rules.night_timers.held_again).

The defaults last applied are kept in the database (applied_defaults, migration 0030),
so that a change is seen once: the first process to start with it locks that row, sets
the timers again and writes the new defaults; one starting beside it waits for the lock,
then finds nothing changed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, select, update

from bot.models import AppliedDefaultsRow, TableConfig, TimerRow, held_from_of
from rules.local_time import zone_or_default
from rules.night_timers import PRIVATE_TIMERS, held_again
from rules.quiet_hours import QuietHours
from rules.state import PendingTimer, TableSettings
from rules.table_quiet import NO_QUIET_HOURS, stored_quiet_hours

log = logging.getLogger(__name__)

_applied = AppliedDefaultsRow.__table__  # type: ignore[attr-defined]
_config = TableConfig.__table__  # type: ignore[attr-defined]
_timers = TimerRow.__table__  # type: ignore[attr-defined]


def stored(quiet: QuietHours | None) -> str:
    """Quiet hours as applied_defaults keeps them, as TableConfig does a table's."""
    return NO_QUIET_HOURS if quiet is None else str(quiet)


def held_for_new_defaults(
    database: Engine, zone: str, quiet: QuietHours | None, now: datetime
) -> int:
    """Set again, for the bot-wide `quiet` hours in `zone`, the private timers still to
    come that the defaults last applied held, at every table whose night those made
    (its own quiet hours in the bot's zone, the bot's in its own zone, or both); then
    remember these defaults. Run at start; the number of timers set again. The first
    start that knows no earlier defaults only remembers these."""
    with database.begin() as connection:
        # Locked to the end of the transaction: a process starting beside this one reads
        # the row once this one has written the new defaults (SQLite: its BEGIN IMMEDIATE
        # waits for the write lock the same way).
        row = connection.execute(
            select(_applied.c.timezone, _applied.c.quiet_hours)
            .where(_applied.c.id == 1)
            .with_for_update()
        ).first()
        if row is not None and (row.timezone, row.quiet_hours) == (zone, stored(quiet)):
            return 0
        moved = 0
        if row is not None and row.timezone is not None and row.quiet_hours is not None:
            old_quiet = stored_quiet_hours(row.quiet_hours, None)
            moved = _set_again(connection, (row.timezone, old_quiet), (zone, quiet), now)
        _remember(connection, zone, stored(quiet), known=row is not None)
    if moved:
        log.info(
            "%d held reminder(s) or nudge(s) set again for the quiet hours %s in %s",
            moved, stored(quiet), zone,
        )  # fmt: skip
    return moved


def _remember(connection: Connection, zone: str, quiet: str, *, known: bool) -> None:
    values = {"timezone": zone, "quiet_hours": quiet}
    if known:
        connection.execute(update(_applied).where(_applied.c.id == 1).values(**values))
    else:  # its row deleted by hand: written again
        connection.execute(_applied.insert().values(id=1, **values))


def _set_again(
    connection: Connection,
    old: tuple[str, QuietHours | None],
    new: tuple[str, QuietHours | None],
    now: datetime,
) -> int:
    pending = (
        select(_timers.c.workspace, _timers.c.channel, _timers.c.key, _timers.c.kind,
               _timers.c.subject, _timers.c.due, _timers.c.held_from, _timers.c.held_to,
               _config.c.timezone,
               _config.c.quiet_hours)
        .outerjoin(_config, and_(
            _config.c.workspace == _timers.c.workspace, _config.c.channel == _timers.c.channel
        ))
        .where(_timers.c.kind.in_(PRIVATE_TIMERS), _timers.c.fired_at.is_(None),
               _timers.c.due > now)
    )  # fmt: skip
    tables: dict[tuple[str, str, str | None, str | None], list[PendingTimer]] = defaultdict(list)
    for row in connection.execute(pending):
        table = (row.workspace, row.channel, row.timezone, row.quiet_hours)
        held_from = held_from_of(row.due, row.held_from, row.held_to)
        tables[table].append(PendingTimer(row.key, row.kind, row.subject, row.due, held_from))
    moved = 0
    for (workspace, _, own_zone, own_quiet), timers in tables.items():
        was_zone, was_quiet = _night(own_zone, own_quiet, old)
        now_zone, now_quiet = _night(own_zone, own_quiet, new)
        was = TableSettings(timezone=was_zone, quiet_hours=was_quiet)
        for timer, again in held_again(timers, was, now_quiet, now_zone, now):
            # Only as it was read: a ticker of a process still running may have fired it.
            moved += connection.execute(
                update(_timers)
                .where(_timers.c.workspace == workspace, _timers.c.key == timer.key,
                       _timers.c.due == timer.due, _timers.c.fired_at.is_(None))
                .values(due=again.due, held_to=again.due,
                        held_from=again.due if again.held_from is None else again.held_from)
            ).rowcount  # fmt: skip
    return moved


def _night(
    own_zone: str | None, own_quiet: str | None, defaults: tuple[str, QuietHours | None]
) -> tuple[str, QuietHours | None]:
    """A table's zone and quiet hours (as TableConfig stores them) under these defaults."""
    zone, quiet = defaults
    return zone_or_default(own_zone, zone), stored_quiet_hours(own_quiet, quiet)
