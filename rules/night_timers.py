"""A timer that would send someone a private reminder or nudge while the table's quiet
hours last waits for their end, as it would have been set to (rules.quiet_hours). It
happens when a timer fires late: the bot was down or restarting in the evening, or the
table's quiet hours or zone changed after it was set. Deadlines and public posts are not
held back: only what the timer's decision sends privately holds it.
"""

from __future__ import annotations

from rules.actions import Action, AskRenewal, RemindMembers, ScheduleTimer, SendNudge
from rules.events import TimerFired
from rules.state import TableState

# What a timer sends someone privately: a round's reminder, a mandate's renewal, a
# problem's nudge (or its return after a snooze).
_PRIVATE = (RemindMembers, AskRenewal, SendNudge)


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
