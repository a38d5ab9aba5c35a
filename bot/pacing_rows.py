"""How a person's pacing at a table (rules.state.Pacing) is kept in `nudge_pacing`.

The conversation of their latest "Not a problem" stays in `quiet_scope`/`quiet_until`
(as 0024 kept it, so that going back to 0024 keeps it quiet); the earlier ones still
quiet are in `quiet_earlier` (0025).
"""

from __future__ import annotations

from datetime import datetime

from rules.actions import Quiet


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
