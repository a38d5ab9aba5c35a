"""Each table's time zone where the bot works outside the engine (the App Home, the
register's export), and the reviews still to come kept at 09:00 of their day there.

A table's zone is its own (/table timezone), else the bot's default
(GROUNDRULES_TIMEZONE), which an operator may change between two starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    and_,
    case,
    cast,
    literal,
    select,
    update,
)

from bot.models import AgreementRow, TableConfig, TimerRow
from rules.agreements import REVIEW_TIMER, review_due
from rules.local_time import zone_or_default
from rules.quiet_hours import QuietHours
from rules.table_quiet import stored_quiet_hours

log = logging.getLogger(__name__)

_config = TableConfig.__table__  # type: ignore[attr-defined]
_timers = TimerRow.__table__  # type: ignore[attr-defined]
_agreements = AgreementRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TableZones:
    """The zones of the tables that set their own; every other table keeps `default`."""

    own: dict[tuple[str, str], str]
    default: str

    def of(self, workspace: str, channel: str) -> str:
        return zone_or_default(self.own.get((workspace, channel)), self.default)


def table_zones(connection: Connection, default: str) -> TableZones:
    """Read once: only the tables that set a zone have a row saying so (few of them)."""
    rows = connection.execute(
        select(_config.c.workspace, _config.c.channel, _config.c.timezone).where(
            _config.c.timezone.is_not(None)
        )
    )
    return TableZones({(r.workspace, r.channel): r.timezone for r in rows}, default)


def reviews_at_nine(database: Engine, default: str, quiet: QuietHours | None = None) -> int:
    """Move each review still to come to 09:00 of its day where its table sits, if it is
    not there: the default zone changed since it was scheduled. A review's day is its
    agreement's `review_on`, a day where the table sits, so the moment follows from it
    whatever zone it was scheduled in (later, if the table's quiet hours, its own or
    `quiet`, still hold at 09:00). Run at start, when GROUNDRULES_TIMEZONE may be new;
    the number moved."""
    # The timer of version v of agreement n is "review:n:v" (rules.agreements.review_key).
    key = (
        literal("review:") + cast(_agreements.c.number, String) + literal(":")
        + cast(_agreements.c.version, String)
    )  # fmt: skip
    # Its subject is n: the agreement is found by its number (an index lookup), not
    # among all its table's agreements, which made a start take the square of a table's
    # history. Numbers are the workspace's, so the key names the version and the table.
    number = case((_timers.c.kind == REVIEW_TIMER, cast(_timers.c.subject, Integer)))
    # Each review with its table's zone, in one read: read apart, a /table timezone
    # handled in between (another process) would pair the new due with the old zone,
    # and the review go back to 09:00 in the default zone.
    pending = (
        select(_timers.c.workspace, _timers.c.channel, _timers.c.key, _timers.c.due,
               _agreements.c.review_on, _config.c.timezone, _config.c.quiet_hours)
        .join(_agreements, and_(
            _agreements.c.workspace == _timers.c.workspace,
            _agreements.c.number == number,
            key == _timers.c.key,
        ))
        .outerjoin(_config, and_(
            _config.c.workspace == _timers.c.workspace, _config.c.channel == _timers.c.channel
        ))
        .where(_timers.c.kind == REVIEW_TIMER, _timers.c.fired_at.is_(None),
               _agreements.c.status == "current")
    )  # fmt: skip
    moved = 0
    with database.begin() as connection:
        for row in connection.execute(pending).all():
            zone = zone_or_default(row.timezone, default)
            due = review_due(row.review_on, zone, stored_quiet_hours(row.quiet_hours, quiet))
            if due == row.due:
                continue
            # Only as it was read: a ticker may have fired it meanwhile (another process).
            moved += connection.execute(
                update(_timers)
                .where(_timers.c.workspace == row.workspace, _timers.c.key == row.key,
                       _timers.c.due == row.due, _timers.c.fired_at.is_(None))
                .values(due=due)
            ).rowcount  # fmt: skip
    if moved:
        log.info("%d review(s) moved to 09:00 in their table's time zone", moved)
    return moved
