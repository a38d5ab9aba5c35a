"""Ground rule 4: every participant voices their concerns or reservations.

A concern round asks every member of the table about one proposal, shows progress,
reminds only those who have not answered, and closes when all have answered or at
its deadline, with a summary. No open concern at the close: propose an agreement;
at the deadline only when most of the table answered (silence is not consent).
Who asked for a round, or whose proposal it is, may withdraw it (/concerns cancel).
Who raised a concern may say it is resolved (/concern resolved): they count as having
none, and the round keeps what they raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType

from rules import snoozed_reminders
from rules.actions import (
    Action,
    CancelTimer,
    CloseRound,
    LeaveRound,
    NoteMember,
    NoteReminded,
    OpenRound,
    PostConcernRound,
    PostRoundSummary,
    RecordAnswer,
    RemindMembers,
    ScheduleTimer,
    UpdateRoundProgress,
)
from rules.consensus import STALE_AFTER
from rules.events import ConcernAnswered, Event, PlaceDeleted, TimerFired
from rules.grammar import (
    WHICH_PROPOSAL,
    WORDLESS,
    AnswerRound,
    ResolveConcern,
    StartRound,
    WithdrawRound,
    asked_in_form,
    nearly_none,
    unquoted,
)
from rules.held_timers import private_timer
from rules.language import clear_language, detect_language
from rules.local_time import later_by
from rules.say import N_, Lines, Member, Quote, Say
from rules.speech import language, private
from rules.state import ProposalSeen, Round, TableState
from rules.understanding import Command

REMINDER_TIMER = "round_reminder"
DEADLINE_TIMER = "round_deadline"


def round_id_for(event: Event) -> str:
    """Short, stable and the same on every replay: it ends up in button ids."""
    digest = hashlib.sha1(f"{event.workspace}|{event.channel}|{event.event_id}".encode())
    return digest.hexdigest()[:16]


def reminder_key(round_id: str, number: int) -> str:
    return f"round:{round_id}:reminder:{number}"


def deadline_key(round_id: str) -> str:
    return f"round:{round_id}:deadline"


def _latest_proposal(user: str, here: str, now: datetime, state: TableState) -> ProposalSeen | None:
    """What "/concerns" alone is about: the caller's latest proposal in the channel, in
    any thread (Slack runs no command in a thread, and the bot tells a proposer to type
    it), else the latest one here; one still known (not recorded, its words kept: one
    offered for recording may still be polled, as a proposer unsure of the offer does) and
    recent (a round polls everyone: not about last month's idea by mistake)."""
    known = [p for p in state.proposals.values() if p.text and now - p.posted_at <= STALE_AFTER]
    own = [p for p in known if p.user == user]
    if own:
        return max(own, key=lambda p: p.posted_at)
    return next((p for p in known if p.scope == here), None)


def start_round(command: Command, state: TableState) -> list[Action]:
    event = command.event
    assert isinstance(command.parsed, StartRound)
    lang = language(state, command.lang)
    proposal, proposer, thread_id = command.parsed.proposal, event.user, event.thread_id
    if proposal is None:
        latest = _latest_proposal(event.user, event.thread_id or "", event.at, state)
        if latest is None and state.open_round is not None:
            # Nothing of theirs to ask about, but a round is open: that one, not "which?".
            return [private(event, event.user, _already_open(state.open_round, event.user), lang)]
        if latest is None:
            return [private(event, event.user, WHICH_PROPOSAL, lang)]
        # The round goes where the proposal was made, in the language of its words if
        # they show one (the command had none of its own).
        proposal, proposer, thread_id = latest.text, latest.user, latest.scope or None
        lang = language(state, detect_language(proposal, fallback="") or command.lang)
    else:
        # A proposal is a sentence, read as the message above is: a command's words need a
        # clearer sign (they hold names), and "Zullen we vrijdag vrij nemen?" has too few.
        lang = language(state, detect_language(proposal, fallback="") or command.lang)
    if state.open_round is not None:
        return [private(event, event.user, _already_open(state.open_round, event.user), lang)]
    settings = state.settings
    participants = tuple(
        sorted(m for m in state.members if settings.poll_proposer or m != proposer)
    )
    if not participants:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_(
                        "There is nobody else at this table to ask yet. Members join the "
                        "table when they join the channel or speak in it."
                    )
                ),
                lang,
            )
        ]
    round_id = round_id_for(event)
    # "2 days" ends at the same clock time there, across a change to or from summer time.
    deadline = later_by(event.at, settings.round_deadline, settings.timezone)
    opened = Round(
        round_id=round_id,
        proposal=proposal,
        proposer=proposer,
        thread_id=thread_id,
        lang=lang,
        started_at=event.at,
        deadline=deadline,
        participants=participants,
        answers=MappingProxyType({}),
        reminders_sent=0,
        status="open",
        started_by=event.user,
    )
    actions: list[Action] = [
        NoteMember(workspace=event.workspace, channel=event.channel, user=event.user, at=event.at),
        OpenRound(
            workspace=event.workspace,
            channel=event.channel,
            round_id=round_id,
            proposal=opened.proposal,
            proposer=proposer,
            thread_id=thread_id,
            lang=lang,
            started_at=event.at,
            deadline=deadline,
            participants=participants,
            started_by=event.user,
        ),
        ScheduleTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=deadline_key(round_id),
            kind=DEADLINE_TIMER,
            subject=round_id,
            due=deadline,
        ),
    ]
    # A reminder is a DM: not in the night where the table sits, and not after the
    # deadline's summary (that one moves for nobody).
    first_reminder = private_timer(
        settings,
        workspace=event.workspace,
        channel=event.channel,
        key=reminder_key(round_id, 1),
        kind=REMINDER_TIMER,
        subject=round_id,
        due=later_by(event.at, settings.reminder_delay, settings.timezone),
    )
    if settings.max_reminders > 0 and first_reminder.due < deadline:
        actions.append(first_reminder)
    actions.append(
        PostConcernRound(
            workspace=event.workspace, channel=event.channel, lang=lang, round=opened.view()
        )
    )
    return actions


def _already_open(round_: Round, user: str) -> Say:
    """Why a second round waits, and that the open one can be withdrawn if it is no
    longer needed: by `user`, or by whoever asked for it or proposed it."""
    if user in (round_.proposer, round_.started_by):
        text = N_(
            "A concern round is already open here. Let it close first, so that everyone can "
            "answer one question at a time. If it is no longer needed, you can withdraw it "
            "with /concerns withdraw. It is about: {proposal}"
        )
    else:
        text = N_(
            "A concern round is already open here. Let it close first, so that everyone can "
            "answer one question at a time. Whoever asked for it or proposed it can withdraw "
            "it with /concerns withdraw. It is about: {proposal}"
        )
    # The proposal ends the message: a full stop after it would double its own.
    return Say.of(text, proposal=Quote(round_.proposal))


def withdraw_round(command: Command, state: TableState) -> list[Action]:
    """ "/concerns cancel": who asked for the open round, or whose proposal it is, stops
    it. It closes as withdrawn, once: no reminders, no deadline, no list of answers."""
    event = command.event
    assert isinstance(command.parsed, WithdrawRound)
    lang = language(state, command.lang)
    round_ = state.open_round
    if round_ is None:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_("No concern round is open here right now, so there is none to withdraw.")
                ),
                lang,
            )
        ]
    if event.user not in (round_.proposer, round_.started_by):
        return [private(event, event.user, _who_may_withdraw(round_), lang)]
    return close_round(event, round_, "withdrawn", by=event.user)


def _who_may_withdraw(round_: Round) -> Say:
    if round_.started_by is None or round_.started_by == round_.proposer:
        return Say.of(
            N_(
                "Only {proposer}, whose proposal it is, can withdraw this concern round. If "
                "you think it should stop, tell them; your answer is welcome meanwhile."
            ),
            proposer=Member(round_.proposer),
        )
    return Say.of(
        N_(
            "Only {asker}, who asked for this concern round, or {proposer}, whose proposal it "
            "is, can withdraw it. If you think it should stop, tell them; your answer is "
            "welcome meanwhile."
        ),
        asker=Member(round_.started_by),
        proposer=Member(round_.proposer),
    )


def answer_by_command(command: Command, state: TableState) -> list[Action]:
    event = command.event
    assert isinstance(command.parsed, AnswerRound)
    if state.open_round is None:
        return [
            private(
                event,
                event.user,
                Lines(
                    (
                        Say.of(N_("No concern round is open here right now.")),
                        # /concern and /concerns are two letters apart: whoever meant to
                        # ask the table hears how.
                        Say.of(
                            N_(
                                "To ask everyone for their concerns about a proposal: "
                                "/concerns <proposal>."
                            )
                        ),
                    )
                ),
                language(state, command.lang),
            )
        ]
    if command.parsed.nearly is not None and command.parsed.concern is not None:
        question = nearly_none(command.parsed.concern, command.parsed.nearly)
        return [private(event, event.user, question, language(state, command.lang))]
    if command.parsed.wordless:
        return [private(event, event.user, Say.of(WORDLESS), language(state, command.lang))]
    answered = ConcernAnswered(
        workspace=event.workspace,
        channel=event.channel,
        at=event.at,
        event_id=event.event_id,
        user=event.user,
        round_id=state.open_round.round_id,
        concern=command.parsed.concern,
    )
    # "/concern da's goed" shows no language of its own: the round's answers, as its
    # buttons do, not the member's client's (an English client at a Dutch table).
    return record_answer(answered, state.open_round, state, command.written)


def on_answered(event: ConcernAnswered, state: TableState) -> list[Action]:
    round_ = state.rounds_by_id.get(event.round_id)
    if round_ is None:
        return [
            private(
                event,
                event.user,
                Say.of(N_("I do not know that concern round.")),
                language(state, event.lang),
            )
        ]
    if event.concern is not None and round_.status == "open":
        # "non" in the form is asked about, as "/concern non" is; "\"non\"" is the concern.
        # So is "@anna" alone, as "/concern <@U1>" is.
        question = asked_in_form(event.concern)
        if question is not None:
            lang = language(state, event.lang or round_.lang)
            return [private(event, event.user, question, lang)]
        event = replace(event, concern=unquoted(event.concern))
    # The words written in the form, as a typed "/concern" is answered in; else the
    # language the button or form was shown in, else the round's.
    written = clear_language(event.concern) if event.concern else None
    return record_answer(event, round_, state, written or event.lang)


def record_answer(
    event: ConcernAnswered, round_: Round, state: TableState, hint: str | None
) -> list[Action]:
    lang = language(state, hint or round_.lang)
    if round_.status == "withdrawn":  # a button in an older message, a reminder's
        return [
            private(
                event,
                event.user,
                Say.of(N_("That concern round was withdrawn, so there is nothing to answer.")),
                lang,
            )
        ]
    if round_.status != "open":
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_(
                        "That concern round has closed. Start a new one with /concerns if the "
                        "proposal needs another look."
                    )
                ),
                lang,
            )
        ]
    if event.user not in round_.participants and event.user not in state.members:
        return [private(event, event.user, _not_at_the_table(), lang)]
    if (
        event.concern is None
        and event.user == round_.proposer
        and event.user not in round_.participants
    ):
        # Proposing is consenting (the record counts them): their "none" added a member to
        # wait for, "0 of 1" turning "1 of 2". A concern of their own is still heard.
        return [private(event, event.user, Say.of(PROPOSER_CONSENTS), lang)]
    answers = dict(round_.answers)
    answers[event.user] = event.concern
    participants = round_.participants
    if event.user not in participants:
        participants = (*participants, event.user)
    updated = replace(round_, answers=MappingProxyType(answers), participants=participants)
    closes = not updated.view().waiting
    actions: list[Action] = [
        RecordAnswer(
            workspace=event.workspace,
            channel=event.channel,
            round_id=round_.round_id,
            user=event.user,
            concern=event.concern,
            at=event.at,
            resolved=round_.resolved.get(event.user),
        ),
        private(
            event,
            event.user,
            _noted(event.concern, closes=closes)
            if event.concern
            else Say.of(N_("Thank you, noted: no concerns.")),
            lang,
        ),
    ]
    return actions + _progress(event, updated)


PROPOSER_CONSENTS = N_(
    "It is your own proposal, so you count as having no concerns already: this round asks "
    "the others."
)


def _noted(concern: str, *, closes: bool) -> Say | Lines:
    """A concern noted, and how its raiser says, later, that it no longer holds: not when
    their answer closes the round, which then can no longer change (its summary says
    what may follow)."""
    noted = Say.of(N_("Thank you, your concern is noted: {concern}"), concern=Quote(concern))
    if closes:
        return noted
    return Lines((noted, Say.of(N_("Once it is resolved, tell the round with /concern resolved."))))


def _progress(event: Event, updated: Round) -> list[Action]:
    """The round's message shows an answer; the last one closes it."""
    view = updated.view()
    if not view.waiting:
        return close_round(event, updated, "answered")
    return [
        UpdateRoundProgress(
            workspace=event.workspace, channel=event.channel, lang=updated.lang, round=view
        )
    ]


def resolve_concern(command: Command, state: TableState) -> list[Action]:
    """ "/concern resolved": the concern this member raised in the open round no longer
    holds. They count as having no concerns, as if they had answered "none", and the
    round keeps the concern they raised, marked resolved (its summary and record show
    it). With every answer in and no other concern, the round closes as one answered
    without concerns does, and offers the proposal for recording."""
    event = command.event
    assert isinstance(command.parsed, ResolveConcern)
    lang = language(state, command.lang)
    round_ = state.open_round
    if round_ is None:
        return [private(event, event.user, _nothing_to_resolve(event.user, state), lang)]
    concern = round_.answers.get(event.user)
    if concern is None:
        return [private(event, event.user, _no_concern_raised(event.user, round_), lang)]
    answers = dict(round_.answers)
    answers[event.user] = None
    resolved = {**round_.resolved, event.user: concern}
    updated = replace(
        round_, answers=MappingProxyType(answers), resolved=MappingProxyType(resolved)
    )
    actions: list[Action] = [
        RecordAnswer(
            workspace=event.workspace,
            channel=event.channel,
            round_id=round_.round_id,
            user=event.user,
            concern=None,
            at=event.at,
            resolved=concern,
        ),
        private(
            event,
            event.user,
            Say.of(
                N_("Thank you, your concern is marked resolved, and you count as having no "
                   "concerns now. It was: {concern}"),
                concern=Quote(concern),
            ),
            lang,
        ),
    ]  # fmt: skip
    return actions + _progress(event, updated)


def _nothing_to_resolve(user: str, state: TableState) -> Say:
    """No round is open: the one the member raised a concern in has ended, or there is
    none to speak of."""
    ended = state.last_ended_round
    if ended is not None and ended.status == "withdrawn":
        return Say.of(
            N_("The last concern round here was withdrawn, so there is no concern in it to "
               "resolve.")
        )  # fmt: skip
    if ended is not None and ended.answers.get(user) is not None:
        return Say.of(
            N_("The concern round you raised your concern in has closed, so it can no longer "
               "change. If the proposal needs another look, start a new round with /concerns.")
        )  # fmt: skip
    return Say.of(N_("No concern round is open here right now, so there is no concern to resolve."))


def _no_concern_raised(user: str, round_: Round) -> Say:
    if user in round_.resolved and user in round_.answers:
        return Say.of(N_("Your concern in this round is already marked resolved."))
    if user in round_.answers:
        return Say.of(
            N_("You answered this concern round with no concerns, so there is nothing to "
               "resolve.")
        )  # fmt: skip
    return Say.of(
        N_("You have raised no concern in this round, so there is nothing to resolve. To "
           "answer it, type /concern none or /concern <your concern>.")
    )  # fmt: skip


def _not_at_the_table() -> Say:
    """Someone who left the table (a reminder stays in their messages), or never sat at
    it, answers: the round is the table's, so it does not count. Someone who joined
    after the round began is at the table, and welcome to answer."""
    return Say.of(
        N_(
            "This concern round is for the people at its table, and I do not see you there "
            "now, so I have not counted your answer. If you join the channel again, you are "
            "welcome to answer."
        )
    )


def on_left(event: Event, users: Iterable[str], state: TableState) -> list[Action]:
    """Members who left the table are no longer waited for in its open round; when the
    rest have all answered, it closes as answered."""
    round_ = state.open_round
    if round_ is None:
        return []
    waiting = round_.view().waiting
    gone = [u for u in users if u in waiting]
    if not gone:
        return []
    actions: list[Action] = [
        LeaveRound(workspace=event.workspace, channel=event.channel, round_id=round_.round_id,
                   user=user)
        for user in gone
    ]  # fmt: skip
    updated = replace(round_, participants=tuple(u for u in round_.participants if u not in gone))
    view = updated.view()
    if not view.waiting:
        return actions + close_round(event, updated, "answered")
    progress = UpdateRoundProgress(
        workspace=event.workspace, channel=event.channel, lang=round_.lang, round=view
    )
    return [*actions, progress]


def close_round(
    event: Event, round_: Round, outcome: str, *, by: str | None = None
) -> list[Action]:
    """Close an open round: answered, at its deadline, or withdrawn `by` someone."""
    view = round_.view()
    withdrawn = outcome == "withdrawn"
    actions = _closing(event, round_, outcome, by=by)
    # Silence is not consent: at the deadline, most of the table must have answered.
    enough = outcome == "answered" or len(view.answered) * 2 > len(view.participants)
    # A withdrawn round asked nothing that could become an agreement; nor did one whose
    # proposal changed while it was open (answers were given to other words).
    unopposed = not withdrawn and not view.concerns and not round_.reworded
    actions.append(
        PostRoundSummary(
            workspace=event.workspace,
            channel=event.channel,
            lang=round_.lang,
            round=view,
            outcome=outcome,
            suggest_agreement=unopposed and enough and bool(view.answered),
            withdrawn_by=by if withdrawn else None,
            too_few_answered=unopposed and not enough,
        )
    )
    return actions


def _closing(event: Event, round_: Round, outcome: str, *, by: str | None) -> list[Action]:
    """The round closed in the record, its deadline and next reminder cancelled."""
    return [
        CloseRound(
            workspace=event.workspace,
            channel=event.channel,
            round_id=round_.round_id,
            outcome=outcome,
            at=event.at,
            by=by,
        ),
        CancelTimer(
            workspace=event.workspace, channel=event.channel, key=deadline_key(round_.round_id)
        ),
        # Only the next reminder is ever scheduled; the ones before it have fired.
        CancelTimer(
            workspace=event.workspace,
            channel=event.channel,
            key=reminder_key(round_.round_id, round_.reminders_sent + 1),
        ),
    ]


def on_place_deleted(event: PlaceDeleted, state: TableState) -> list[Action]:
    """The round's channel (or its thread) was deleted or archived: nobody can see or
    answer it any more. It is withdrawn without a word there (no summary: there is
    nowhere to post it); whoever asked for it hears privately why it ended."""
    round_ = state.open_round
    if round_ is None or (event.thread_id is not None and round_.thread_id != event.thread_id):
        return []
    asker = round_.started_by or round_.proposer
    if event.archived:
        told = Say.of(
            N_("The concern round you asked for has ended without a summary: its channel "
               "was archived, so nobody can answer it any more. If the channel is brought "
               "back, you can start a new round there. It was about: {proposal}"),
            proposal=Quote(round_.proposal),
        )  # fmt: skip
    else:
        told = Say.of(
            N_("The concern round you asked for has ended without a summary: its channel or "
               "thread was deleted, so nobody can answer it any more. It was about: {proposal}"),
            proposal=Quote(round_.proposal),
        )  # fmt: skip
    closing = _closing(event, round_, "withdrawn", by=None)
    return [*closing, private(event, asker, told, round_.lang)]


def on_timer(event: TimerFired, state: TableState) -> list[Action]:
    round_ = state.rounds_by_id.get(event.subject)
    if round_ is None or round_.status != "open":
        return []
    if event.kind == DEADLINE_TIMER:
        return close_round(event, round_, "deadline")
    if event.at >= round_.deadline:  # fired late: the deadline's summary follows instead
        return []
    waiting = round_.view().waiting
    if not waiting:
        return []
    sent = round_.reminders_sent + 1
    # Not those who said "not now" here; a later reminder may still reach them.
    reached = snoozed_reminders.reachable(state, waiting, event.at)
    actions: list[Action] = [
        NoteReminded(
            workspace=event.workspace, channel=event.channel, round_id=round_.round_id, at=event.at
        ),
    ]
    if reached:
        actions.insert(
            0,
            RemindMembers(
                workspace=event.workspace,
                channel=event.channel,
                lang=round_.lang,
                round=round_.view(),
                users=reached,
            ),
        )
    next_reminder = private_timer(
        state.settings,
        workspace=event.workspace,
        channel=event.channel,
        key=reminder_key(round_.round_id, sent + 1),
        kind=REMINDER_TIMER,
        subject=round_.round_id,
        due=later_by(event.at, state.settings.reminder_delay, state.settings.timezone),
    )
    if sent < state.settings.max_reminders and next_reminder.due < round_.deadline:
        actions.append(next_reminder)
    return actions
