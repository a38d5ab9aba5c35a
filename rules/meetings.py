"""Meetings: the end of one brings its concise report, asks everyone to renew their
mandate (ground rule 3) and runs a short process evaluation on the relationship values."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from rules import snoozed_reminders
from rules.actions import (
    Action,
    AskEvaluation,
    AskRenewal,
    CloseMeeting,
    MandatesDue,
    NoteMeetingReminder,
    OpenMeeting,
    RecordEvaluation,
    RequestReport,
)
from rules.events import Event, TimerFired
from rules.grammar import EVALUATION_VALUES, EndMeeting, Evaluate, StartMeeting
from rules.held_timers import private_timer
from rules.language import clear_language
from rules.local_time import later_by, local_day
from rules.say import N_, Day, Member, Say
from rules.speech import language, private, public
from rules.state import Meeting, TableState
from rules.understanding import Command

RENEWAL_TIMER = "renewal_reminder"


def meeting_id_for(event: Event) -> str:
    digest = hashlib.sha1(f"meeting|{event.workspace}|{event.channel}|{event.event_id}".encode())
    return digest.hexdigest()[:16]


def renewal_key(meeting_id: str, number: int) -> str:
    return f"meeting:{meeting_id}:renewal:{number}"


def start(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, StartMeeting)
    event = command.event
    lang = language(state, command.lang)
    running = state.open_meeting
    if running is not None:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_("A meeting is already running here, started by {member}. End it with "
                       "/meeting end."),
                    member=Member(running.started_by),
                ),
                lang,
            )
        ]  # fmt: skip
    return [
        OpenMeeting(
            workspace=event.workspace,
            channel=event.channel,
            meeting_id=meeting_id_for(event),
            at=event.at,
            by=event.user,
        ),
        public(
            event,
            Say.of(
                N_(
                    "Meeting started. When it ends (/meeting end) I post its report, ask "
                    "everyone to renew their mandate and run a short evaluation."
                )
            ),
            lang,
        ),
    ]


def end(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, EndMeeting)
    event = command.event
    lang = language(state, command.lang)
    meeting = state.open_meeting
    if meeting is None:
        return [
            private(
                event,
                event.user,
                Say.of(N_("No meeting is running here. Start one with /meeting start.")),
                lang,
            )
        ]
    members = tuple(sorted(state.roster))
    actions: list[Action] = [
        CloseMeeting(
            workspace=event.workspace,
            channel=event.channel,
            meeting_id=meeting.meeting_id,
            at=event.at,
            by=event.user,
            renewals=members,
            lang=lang,
        ),
        RequestReport(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            user=None,
            since=meeting.started_at,
            private=False,
            title="meeting",
            timezone=state.settings.timezone,
        ),
    ]
    # Ground rule 3: every mandate is renewed in the light of the meeting's outcome. One
    # still being checked with the organisation stays so: that is what the table waits for.
    due = tuple(
        user
        for user in members
        if state.member(user).mandate is not None
        and state.member(user).mandate_status != "checking"
    )
    if due:
        actions.append(
            MandatesDue(workspace=event.workspace, channel=event.channel, users=due, at=event.at)
        )
    if members:
        unset = _without_mandate(state, members)
        renewal = AskRenewal(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            meeting_id=meeting.meeting_id,
            users=members,
            without_mandate=unset,
        )
        actions.append(renewal)
        # The table hears how many have no mandate yet; each of them, alone, is asked for
        # one, as a reminder asks (by DM, in their own language): a mandate not given is
        # nobody's failing to be named in public. One action for them all, however many.
        if unset:
            own_langs = _own_languages(state, unset)
            actions.append(
                replace(renewal, users=unset, reminder=True, first=True, own_langs=own_langs)
            )
        actions += _next_reminder(event, state, meeting.meeting_id, 1)
    actions.append(
        AskEvaluation(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            meeting_id=meeting.meeting_id,
            values=EVALUATION_VALUES,
        )
    )
    return actions


def _next_reminder(event: Event, state: TableState, meeting_id: str, number: int) -> list[Action]:
    if number > state.settings.max_reminders:
        return []
    return [
        # A DM: not in the night where the table sits.
        private_timer(
            state.settings,
            workspace=event.workspace,
            channel=event.channel,
            key=renewal_key(meeting_id, number),
            kind=RENEWAL_TIMER,
            subject=meeting_id,
            due=later_by(event.at, state.settings.reminder_delay, state.settings.timezone),
        )
    ]


def on_timer(event: TimerFired, state: TableState) -> list[Action]:
    """Remind, privately, only those who have not renewed or said they are checking."""
    meeting = state.last_meeting
    if meeting is None or meeting.meeting_id != event.subject:
        return []
    if state.open_meeting is not None:  # the next meeting has begun: too late to renew
        return []
    # Not those who have left the table since.
    waiting = tuple(u for u in meeting.awaiting_renewal if u in state.members)
    if not waiting:
        return []
    # Not those who said "not now" here; a later reminder may still reach them.
    reached = snoozed_reminders.reachable(state, waiting, event.at)
    # Each is reminded of what they have to do: renew their mandate, or set one.
    unset = _without_mandate(state, reached)
    groups = [tuple(u for u in reached if u not in unset), unset]
    return [
        *(
            AskRenewal(
                workspace=event.workspace,
                channel=event.channel,
                lang=language(state, meeting.lang),
                meeting_id=meeting.meeting_id,
                users=users,
                reminder=True,
                without_mandate=tuple(u for u in users if u in unset),
                own_langs=_own_languages(state, users),
            )
            for users in groups
            if users
        ),
        NoteMeetingReminder(
            workspace=event.workspace, channel=event.channel, meeting_id=meeting.meeting_id
        ),
        *_next_reminder(event, state, meeting.meeting_id, meeting.reminders_sent + 2),
    ]


def _own_languages(state: TableState, users: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """Each member's language for a DM about their own mandate, where the table chose
    none: that of their mandate's words where these clearly show one, else (None) their
    client's (the adapter knows it, or the meeting's language answers). The language of
    whoever ended the meeting says nothing about theirs."""
    if state.settings.language:
        return ()
    mandates = {u: state.member(u).mandate for u in users}
    return tuple((u, clear_language(m) if m else None) for u, m in mandates.items())


def _without_mandate(state: TableState, users: tuple[str, ...]) -> tuple[str, ...]:
    """Those who never said what they may agree to: they set a mandate, not renew one."""
    return tuple(u for u in users if state.member(u).mandate is None)


def evaluate(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, Evaluate)
    event = command.event
    latest = state.last_meeting
    # A form is about the meeting it was opened for, also once a later one has ended;
    # a typed /evaluate is about the latest.
    meeting = latest if parsed.meeting_id is None else state.meetings_by_id.get(parsed.meeting_id)
    # A form shown without a language answers in the meeting's own.
    lang = language(state, command.lang or (meeting.lang if meeting else None))
    if meeting is None and parsed.meeting_id is not None:
        return [
            private(
                event,
                event.user,
                Say.of(N_("I cannot find the meeting this evaluation is for; nothing is kept.")),
                lang,
            )
        ]
    if meeting is None:
        return [
            private(
                event,
                event.user,
                Say.of(N_("There is no ended meeting to evaluate here yet.")),
                lang,
            )
        ]
    thanks = _thanks(meeting, latest, state.settings.timezone)
    earlier = state.earlier_scores.get(meeting.meeting_id)
    return [
        RecordEvaluation(
            workspace=event.workspace,
            channel=event.channel,
            meeting_id=meeting.meeting_id,
            user=event.user,
            scores=parsed.scores,
            comment=parsed.comment,
            at=event.at,
        ),
        private(event, event.user, _replaced(thanks, earlier) if earlier else thanks, lang),
    ]


def _replaced(thanks: Say, earlier: tuple[int, ...]) -> Say:
    """One evaluation per member and meeting: a second one takes the first one's place,
    which the member is told, so a miscount corrected stays no secret."""
    return Say.of(
        N_("{thanks} It replaces your earlier evaluation of this meeting (scores {scores})."),
        thanks=thanks,
        scores=" ".join(str(score) for score in earlier),
    )


def _thanks(meeting: Meeting, latest: Meeting | None, zone: str) -> Say:
    if latest is None or meeting.meeting_id == latest.meeting_id:
        return Say.of(
            N_("Thank you. Your evaluation will show, with everyone's, in the next report.")
        )
    # Kept with its own meeting; reports show the latest meeting anyone scored (at a
    # meeting's end: the one before it, whose scores came after it).
    return Say.of(
        N_("Thank you. Your evaluation is kept with that earlier meeting (of {day}). Reports "
           "show the latest meeting anyone scored, so it shows only until someone scores a "
           "later one."),
        day=Day(local_day(meeting.started_at, zone)),
    )  # fmt: skip
