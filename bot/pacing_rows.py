"""How a person's pacing at a table (rules.state.Pacing) is kept in `nudge_pacing`, and
when their row is forgotten.

The conversation of their latest "Not a problem" stays in `quiet_scope`/`quiet_until`
(as 0024 kept it, so that going back to 0024 keeps it quiet); the earlier ones still
quiet are in `quiet_earlier` (0026).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from bot.models import PacingRow
from rules.actions import Quiet
from rules.grammar import MAX_SNOOZE
from rules.pacing import BACK_OFF_FOR, QUIET_AT_LEAST

# The longest a table's quiet hours can move a snooze's end.
_LONGEST_NIGHT = timedelta(days=1)


def quiet_of(scope: str | None, until: datetime | None, earlier: list | None) -> tuple[Quiet, ...]:
    """The conversations a row keeps quiet, newest first. (An undone one left the empty
    scope, which no conversation has.)"""
    latest = (Quiet(scope, until),) if scope and until is not None else ()
    return (*latest, *(Quiet(s, datetime.fromisoformat(u)) for s, u in earlier or ()))


def quiet_columns(quiet: tuple[Quiet, ...]) -> dict[str, object]:
    latest, *earlier = quiet or (None,)
    return {
        "quiet_scope": latest.scope if latest else "",
        "quiet_until": latest.until if latest else None,
        "quiet_earlier": [[q.scope, q.until.isoformat()] for q in earlier],
    }


def kept_for(nudge_pacing: timedelta) -> timedelta:
    """How long after its last time a row can still change a decision: a nudge holds the
    next a pacing span; a "Not a problem" counts towards backing off (and the backing off
    lasts) a week, and quiets its conversation for a pacing span; the /nudges fewer hint
    waits a week; a snooze asked for before the latest one may end up to the longest
    snooze (and a night) after it, and its reminder still goes first."""
    return max(BACK_OFF_FOR, nudge_pacing, QUIET_AT_LEAST, MAX_SNOOZE + _LONGEST_NIGHT)


def prune(connection: Connection, now: datetime, nudge_pacing: timedelta) -> int:
    """Forget the rows that change nothing any more (a person without one is paced as one
    never nudged): each of their times older than `kept_for`, and the latest quiet
    conversation's over (an earlier one ends a pacing span after its "Not a problem" at
    most, and the latest of those is older than `kept_for`). Returns how many."""
    before = now - kept_for(nudge_pacing)
    table = PacingRow.__table__
    times = ("nudged_at", "snoozed_until", "dismissed_at", "hinted_at")
    done = [table.c[name].is_(None) | (table.c[name] < before) for name in times]
    quiet_over = table.c.quiet_until.is_(None) | (table.c.quiet_until < now)
    return connection.execute(delete(table).where(*done, quiet_over)).rowcount
