"""What else stops when a table's whole channel is gone (deleted, or archived on Slack):
the reminders and prompts the bot would otherwise send about a place nobody can open.

Its round and its waiting problems end in rules.concerns and rules.problems. Here: the
next reminder to renew a mandate after the last meeting (a DM whose buttons answer a
table that is gone), and the review of each agreement still current (its prompt is
posted in the channel; its owner would hear of it by a refusal at best). The agreements
themselves stay on record, as they were: an export still has them, review day and all.
A Slack channel brought back resumes its reviews (`on_place_back`)."""

from __future__ import annotations

from rules.actions import Action, CancelTimer
from rules.agreements import review_key, review_timer
from rules.events import PlaceBack, PlaceDeleted
from rules.meetings import renewal_key
from rules.state import TableState


def on_place_deleted(event: PlaceDeleted, state: TableState) -> list[Action]:
    """A thread gone ends only what was in it: reviews and renewals belong to the
    table's channel, which is still there."""
    if event.thread_id is not None:
        return []
    where = {"workspace": event.workspace, "channel": event.channel}
    actions: list[Action] = [
        CancelTimer(**where, key=review_key(agreement.number, agreement.version))
        for agreement in state.agreements
        if agreement.status == "current"
    ]
    meeting = state.last_meeting
    if meeting is not None and meeting.status == "ended":
        # Only the next reminder is ever scheduled; the ones before it have fired.
        actions.append(
            CancelTimer(**where, key=renewal_key(meeting.meeting_id, meeting.reminders_sent + 1))
        )
    return actions


def on_place_back(event: PlaceBack, state: TableState) -> list[Action]:
    """An archived channel brought back: its agreements are still in force, so their
    reviews come again, on their review day (one whose day passed meanwhile: at once,
    also when it had been asked before the archiving: the channel's people see it again
    where they talk). Mandate renewals do not: the next meeting asks again."""
    zone, quiet = state.settings.timezone, state.settings.quiet_hours
    return [
        review_timer(event, agreement.number, agreement.version, agreement.review_on, zone, quiet)
        for agreement in state.agreements
        if agreement.status == "current"
    ]
