"""A timer that would send someone a private reminder or nudge while the table's quiet
hours last waits for their end, as it would have been set to (rules.quiet_hours). It
happens when a timer fires late: the bot was down or restarting in the evening, or the
table's quiet hours or zone changed after it was set. A timer they held is set again
when the table's hours or zone change (held_anew), or the bot's own at a start
(held_again). Deadlines and public posts are not
held back: only what the timer's decision sends privately holds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rules.actions import (
    Action,
    AskRenewal,
    RemindMembers,
    ReviewToOwner,
    ScheduleTimer,
    SendNudge,
)
from rules.concerns import REMINDER_TIMER
from rules.events import Event, TimerFired
from rules.local_time import at_local_time, zone
from rules.meetings import RENEWAL_TIMER
from rules.problems import PROBLEM_TIMER, SNOOZE_TIMER
from rules.quiet_hours import QuietHours, after_quiet
from rules.state import PendingTimer, TableSettings, TableState

# What a timer sends someone privately: a round's reminder, a mandate's renewal, a
# problem's nudge (or its return after a snooze), an owner's word of a review (its public
# post waits with it: one review, asked once, in the morning).
_PRIVATE = (RemindMembers, AskRenewal, SendNudge, ReviewToOwner)
# The timers that decide those: a held one waits for the end of the quiet hours.
PRIVATE_TIMERS = (REMINDER_TIMER, RENEWAL_TIMER, PROBLEM_TIMER, SNOOZE_TIMER)


def waits_out_the_night(action: Action) -> bool:
    """Whether `action` is a reminder or nudge sent privately unasked, held in the quiet
    hours when it is retried as when a timer decides it. A renewal asked as a meeting
    ends answers its ending, which was now: it goes at once, as the first time."""
    if isinstance(action, AskRenewal):
        return action.reminder
    return isinstance(action, (RemindMembers, SendNudge, ReviewToOwner))


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
            held_from=fired.due,
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


def _held_from(timer: PendingTimer, settings: TableSettings) -> datetime | None:
    """When `timer` was due before the table's quiet hours held it; None if they did not.
    A timer set before the bot kept that (migration 0029) is guessed from its due: held
    if it waits for their end exactly, since the night began."""
    if timer.held_from is not None:
        return timer.held_from if timer.held_from < timer.due else None
    if settings.quiet_hours is None:
        return None
    return _night_held_through(timer.due, settings.quiet_hours, settings.timezone)


def held_anew(
    event: Event, state: TableState, quiet: QuietHours | None, zone_name: str
) -> list[ScheduleTimer]:
    """The table's private timers (Reads.pending_timers) that its quiet hours held, set
    again for its new ones (`quiet`, where it sits now: `zone_name`): see held_again."""
    moved = held_again(state.pending_timers, state.settings, quiet, zone_name, event.at)
    return [_again(event, timer, again) for timer, again in moved]


@dataclass(frozen=True, slots=True)
class SetAgain:
    """Where a held timer goes: `due`, and when it was due before a hold (None: not held
    now)."""

    due: datetime
    held_from: datetime | None


def held_again(
    timers: Iterable[PendingTimer],
    settings: TableSettings,
    quiet: QuietHours | None,
    zone_name: str,
    now: datetime,
) -> list[tuple[PendingTimer, SetAgain]]:
    """Of a table's pending `timers`, the private ones that its quiet hours (`settings`)
    held, set again for its new ones (`quiet`, where it sits now: `zone_name`): when they
    were due before the hold (PendingTimer.held_from). With no quiet hours now, or a
    night that ends sooner, they go then, or at once (`now`) if that has passed; in a
    night that lasts longer they wait longer. Timers not held stay: one that falls in the
    new hours is held as it fires (after_the_night). Used when a table changes its hours
    or zone, and when the bot starts with other defaults (bot.default_nights)."""
    if (settings.quiet_hours, settings.timezone) == (quiet, zone_name):
        return []
    again = []
    for timer in timers:
        if timer.kind not in PRIVATE_TIMERS or timer.due <= now:
            continue
        held_from = _held_from(timer, settings)
        if held_from is None:
            continue
        due = after_quiet(max(held_from, now), quiet, zone_name)
        if due != timer.due:
            again.append((timer, SetAgain(due, None if due == held_from else held_from)))
    return again


def _again(event: Event, timer: PendingTimer, again: SetAgain) -> ScheduleTimer:
    return ScheduleTimer(
        workspace=event.workspace, channel=event.channel, key=timer.key, kind=timer.kind,
        subject=timer.subject, due=again.due, held_from=again.held_from,
    )  # fmt: skip
