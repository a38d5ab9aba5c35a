"""A timer whose decision sends someone a word by DM (a nudge, a reminder) is set where
the table's quiet hours allow: at its time, or as they end (rules.quiet_hours). One they
hold keeps the moment it was due before (ScheduleTimer.held_from): a later change of the
table's hours or zone sets it again from there (rules.night_timers.held_anew). Its due
alone cannot tell: a timer due at 08:00 sharp looks the same as one held until then.
"""

from __future__ import annotations

from datetime import datetime

from rules.actions import ScheduleTimer
from rules.state import TableSettings


def private_timer(
    settings: TableSettings,
    *,
    workspace: str,
    channel: str,
    key: str,
    kind: str,
    subject: str,
    due: datetime,
) -> ScheduleTimer:
    """Timer `key`, due at `due`, or as the table's quiet hours end if `due` falls in
    them."""
    held = settings.after_quiet(due)
    return ScheduleTimer(
        workspace=workspace, channel=channel, key=key, kind=kind, subject=subject, due=held,
        held_from=None if held == due else due,
    )  # fmt: skip
