"""A timer that would send someone a private reminder or nudge while the table's quiet
hours last waits for their end, as it would have been set to (rules.quiet_hours). It
happens when a timer fires late: the bot was down or restarting in the evening, or the
table's quiet hours or zone changed after it was set. Deadlines and public posts are not
held back: only what the timer's decision sends privately holds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rules.actions import Action, AskRenewal, RemindMembers, ScheduleTimer, SendNudge
from rules.concerns import REMINDER_TIMER
from rules.events import Event, TimerFired
from rules.local_time import at_local_time, zone
from rules.meetings import RENEWAL_TIMER
from rules.problems import PROBLEM_TIMER, SNOOZE_TIMER
from rules.quiet_hours import QuietHours, after_quiet
from rules.state import PendingTimer, TableState

# What a timer sends someone privately: a round's reminder, a mandate's renewal, a
# problem's nudge (or its return after a snooze).
_PRIVATE = (RemindMembers, AskRenewal, SendNudge)
# The timers that decide those: a held one waits for the end of the quiet hours.
PRIVATE_TIMERS = (REMINDER_TIMER, RENEWAL_TIMER, PROBLEM_TIMER, SNOOZE_TIMER)


def waits_out_the_night(action: Action) -> bool:
    """Whether `action` is a reminder or nudge sent privately unasked, held in the quiet
    hours when it is retried as when a timer decides it. A renewal asked as a meeting
    ends answers its ending, which was now: it goes at once, as the first time."""
    if isinstance(action, AskRenewal):
        return action.reminder
    return isinstance(action, (RemindMembers, SendNudge))


def after_the_night(fired: TimerFired, state: TableState, actions: list[Action]) -> list[Action]:
    """`actions`, decided for `fired`; or, when they send someone a private word in the
    quiet hours, none but the same timer again at their end, decided afresh then (who
    still waits for a reminder, whether the round is still open). A decision that sends
    nothing privately (a nudge too late to send, withdrawn) stands."""
    if not any(isinstance(action, _PRIVATE) for action in actions):
        return actions
    morning = state.settings.after_quiet(fired.at)
    if morning <= fired.at:
        return actions
    return [
        ScheduleTimer(
            workspace=fired.workspace,
            channel=fired.channel,
            key=fired.key,
            kind=fired.kind,
            subject=fired.subject,
            due=morning,
        )
    ]


def _night_held_through(due: datetime, quiet: QuietHours, zone_name: str) -> datetime | None:
    """When the quiet hours that end at `due` began, if `due` is their end where the table
    sits (a timer held for them waits for exactly that moment); else None."""
    local = due.astimezone(zone(zone_name))
    # Their end that day, also one the clock skipped (the jump past it, as after_quiet).
    if due != at_local_time(local.date(), quiet.end, zone_name):
        return None
    day = local.date() - timedelta(days=1) if quiet.start > quiet.end else local.date()
    return at_local_time(day, quiet.start, zone_name)


def held_anew(
    event: Event, state: TableState, old: QuietHours | None, new: QuietHours | None
) -> list[ScheduleTimer]:
    """The table's private timers (Reads.pending_timers) held for the end of its `old`
    quiet hours, set again for its `new` ones: when they would have come, as far as it is
    known (a timer keeps only its due, not the moment before the night it was asked for).
    With no quiet hours now, or a night that ends sooner, they go at once (or as the
    night they were held for starts, if it has not yet); in a night that lasts longer
    they wait longer. Timers not held stay: one that falls in the new hours is held as
    it fires (after_the_night)."""
    if old is None or old == new:
        return []
    zone_name = state.settings.timezone
    again = []
    for timer in state.pending_timers:
        if timer.kind not in PRIVATE_TIMERS or timer.due <= event.at:
            continue
        began = _night_held_through(timer.due, old, zone_name)
        if began is None:
            continue
        due = after_quiet(max(began, event.at), new, zone_name)
        if due != timer.due:
            again.append(_again(event, timer, due))
    return again


def _again(event: Event, timer: PendingTimer, due: datetime) -> ScheduleTimer:
    return ScheduleTimer(
        workspace=event.workspace, channel=event.channel, key=timer.key, kind=timer.kind,
        subject=timer.subject, due=due,
    )  # fmt: skip
