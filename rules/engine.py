"""The rules engine: understands an event, says what state it needs, decides actions.

Pure and deterministic: no I/O, no clock (time arrives on events), no platform.
The service around it (`bot.service`) loads the state it asks for and carries out
what it decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, time, timedelta

from rules import (
    agreements,
    charter,
    concerns,
    consensus,
    dismissals,
    edit_order,
    introductions,
    mandates,
    meetings,
    place_gone,
    problems,
    review_owner,
    reviews,
    roles,
    snoozed_reminders,
    table_quiet,
    tables,
)
from rules.actions import (
    Action,
    EraseCorrectionText,
    ForgetMember,
    ForgetProposal,
    ForgetWaitingQuotes,
    MoveTable,
    NoteMember,
    Reply,
    RequestReport,
)
from rules.classifier import LABELS, Classification, Classifier, Previous
from rules.date_order import month_first_zone
from rules.durations import DateError, NoSuchDay, UnclearDate, parse_date
from rules.events import (
    AgreementSubmitted,
    BotJoined,
    ChannelIdChanged,
    CommandInvoked,
    ConcernAnswered,
    EvaluationGiven,
    Event,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    MessageReread,
    NudgeSnoozed,
    PlaceBack,
    PlaceDeleted,
    ProposalAdded,
    RemindersSnoozed,
    RenewalAnswered,
    ReviewDecided,
    RosterSynced,
    TimerFired,
    UndoAsked,
    WhyAsked,
)
from rules.grammar import (
    FAR_REVIEW,
    LESSON_LIMIT,
    MAX_NUMBER,
    MAX_REVIEW_AHEAD,
    PAST_REVIEW,
    AddRole,
    Agree,
    AnswerRenewal,
    AnswerRound,
    AskWhy,
    AssignRole,
    CommandSpec,
    EndMeeting,
    Evaluate,
    HasProposal,
    JoinTable,
    ListAgreements,
    NotAProblem,
    NudgeMode,
    Parsed,
    ProblemWindow,
    RemoveRole,
    Report,
    ResolveConcern,
    ReviewAgreement,
    SetCharter,
    SetLanguage,
    SetMandate,
    SetQuietHours,
    SetRoleTasks,
    SetTimezone,
    ShowLanguage,
    ShowMandates,
    ShowQuietHours,
    ShowRoles,
    ShowRules,
    ShowTable,
    ShowTimezone,
    Snooze,
    StartMeeting,
    StartRound,
    UnassignRole,
    UndoHasProposal,
    UndoNotAProblem,
    UnknownCommand,
    UsageError,
    WithdrawRound,
    command_language,
    find_command,
    mistyped_command,
    nearest_command,
    no_such_day,
    parse_command,
    past_review,
    reached_command,
    role_named,
    shown_line,
    unreadable_review_date,
    which_date,
)
from rules.language import clear_language, detect_language, in_another_language
from rules.local_time import at_local_time, local_day
from rules.night_timers import PRIVATE_TIMERS, after_the_night
from rules.round_answers import means_no_concern
from rules.say import Quote, excerpt
from rules.speech import language, private
from rules.state import Reads, TableState, Watch
from rules.typed_names import named_nobody
from rules.understanding import Command, Message, SecondReading, Thresholds, Understood

_TIMER_HANDLERS = {
    problems.PROBLEM_TIMER: problems.on_timer,
    problems.SNOOZE_TIMER: problems.on_timer,
    concerns.REMINDER_TIMER: concerns.on_timer,
    concerns.DEADLINE_TIMER: concerns.on_timer,
    agreements.REVIEW_TIMER: review_owner.on_timer,
    meetings.RENEWAL_TIMER: meetings.on_timer,
}

# What each command reads, and who decides it.
_COMMANDS: dict[type, tuple[Reads, Callable[[Command, TableState], list[Action]]]] = {
    Agree: (
        # Its table's agreements: the same words twice are one agreement. The proposals
        # offered for recording: the words of one bring the yeses it was offered with.
        Reads(
            settings=True,
            round=True,
            numbering=True,
            roster=True,
            roles=True,
            agreements=True,
            offered_proposals=True,
        ),
        agreements.record,
    ),
    # The roster: consenters are shown with their organisations.
    ListAgreements: (Reads(settings=True, roster=True, agreements=True), agreements.listing),
    StartRound: (
        Reads(settings=True, members=True, round=True, opening=True),
        concerns.start_round,
    ),
    # Reads the open round locked, as an answer does: the two close it once.
    WithdrawRound: (Reads(settings=True, round=True), concerns.withdraw_round),
    # Members too: only those at the table answer (someone who left may still have a button).
    AnswerRound: (Reads(settings=True, members=True, round=True), concerns.answer_by_command),
    # The round that ended last too: why there is nothing to resolve.
    ResolveConcern: (Reads(settings=True, round=True, ended_round=True), concerns.resolve_concern),
    ProblemWindow: (Reads(settings=True), tables.problem_window),
    NudgeMode: (Reads(settings=True), tables.nudges),
    ShowRules: (Reads(settings=True), tables.show_rules),
    NotAProblem: (Reads(settings=True, watches=True), problems.on_command),
    # The caller's "Not a problem"s: `reads` names whose.
    UndoNotAProblem: (Reads(settings=True), dismissals.undo_by_command),
    UndoHasProposal: (Reads(settings=True), dismissals.undo_by_command),
    HasProposal: (Reads(settings=True, watches=True), problems.on_command),
    # The open round and the meetings too: with no nudge waiting, a snooze is "not now"
    # to the reminders of a round or a renewal that wait for the person.
    Snooze: (Reads(settings=True, watches=True, round=True, meetings=True), problems.on_command),
    AskWhy: (Reads(settings=True, watches=True), problems.on_command),
    ShowTable: (Reads(settings=True, roster=True), charter.show),
    SetCharter: (Reads(settings=True), charter.set_field),
    JoinTable: (Reads(settings=True), charter.join),
    SetLanguage: (Reads(settings=True), charter.set_language),
    ShowLanguage: (Reads(settings=True), charter.show_language),
    ShowTimezone: (Reads(settings=True), charter.show_timezone),
    # The agreements: their reviews still to come move to the new zone's 09:00; the
    # reminders held for the night, to the end of the same hours there.
    SetTimezone: (
        Reads(settings=True, agreements=True, pending_timers=PRIVATE_TIMERS),
        charter.set_timezone,
    ),
    ShowQuietHours: (Reads(settings=True), table_quiet.show),
    # The reviews still to come, and the reminders held for the night, move with them.
    SetQuietHours: (
        Reads(settings=True, agreements=True, pending_timers=PRIVATE_TIMERS),
        table_quiet.set_quiet_hours,
    ),
    ShowMandates: (Reads(settings=True, roster=True), mandates.show),
    SetMandate: (Reads(settings=True, roster=True, meetings=True), mandates.set_mandate),
    AnswerRenewal: (Reads(settings=True, roster=True, meetings=True), mandates.answer_renewal),
    StartMeeting: (Reads(settings=True, meetings=True, opening=True), meetings.start),
    EndMeeting: (Reads(settings=True, roster=True, meetings=True), meetings.end),
    Evaluate: (Reads(settings=True, meetings=True), meetings.evaluate),
    AddRole: (Reads(settings=True, roles=True), roles.add),
    AssignRole: (
        Reads(settings=True, roster=True, roles=True, agreements=True),
        roles.assign,
    ),
    SetRoleTasks: (Reads(settings=True, roles=True), roles.set_tasks),
    # Who is at the table: a holder who left no longer keeps a role from the table.
    UnassignRole: (
        Reads(settings=True, members=True, roles=True, agreements=True),
        roles.unassign,
    ),
    RemoveRole: (
        Reads(settings=True, members=True, roles=True, agreements=True),
        roles.remove,
    ),
    ShowRoles: (Reads(settings=True, members=True, roles=True, agreements=True), roles.show),
    Report: (Reads(settings=True), lambda command, state: _report(command, state)),
}


class Engine:
    def __init__(
        self,
        classifier: Classifier,
        thresholds: Thresholds | None = None,
        *,
        second: SecondReading | None = None,
    ) -> None:
        self.classifier = classifier
        self.thresholds = thresholds or Thresholds()
        # None: no second reader; the first reading decides alone.
        self.second = second

    # --- 1. understand ---------------------------------------------------------

    def interpret(self, event: Event, *, previous: Classification | None = None) -> Understood:
        """What an event means; a message is read after `previous`, the message before
        it in its conversation (rules.conversation), when the caller knows it."""
        return self.interpret_many([event], previous=[previous])[0]

    def interpret_many(
        self, events: Sequence[Event], *, previous: Sequence[Previous] | None = None
    ) -> list[Understood]:
        """Like `interpret`, classifying all messages in one batch (replay, benchmarks).

        `previous[i]` is the message before event i: a classification, the index of an
        earlier event of the batch, or None.
        """
        indexes = [i for i, e in enumerate(events) if isinstance(e, MessagePosted | MessageEdited)]
        position = {event_index: n for n, event_index in enumerate(indexes)}
        before: list[Previous] = []
        for i in indexes:
            given = previous[i] if previous is not None else None
            if isinstance(given, int):
                if given not in position:
                    raise ValueError(f"event {i} cannot follow event {given}: not a message")
                given = position[given]
            before.append(given)
        texts = [events[i].text for i in indexes]  # type: ignore[union-attr]
        results = [
            _unread(result) if in_another_language(text) else result
            for text, result in zip(
                texts, self.classifier.classify_many(texts, previous=before), strict=True
            )
        ]
        # What each message was read after (its own scores), kept with a watch for "Why?".
        read_after = [
            None
            if given is None
            else (results[given] if isinstance(given, int) else given).own_scores
            for given in before
        ]
        bars = self.thresholds if self.second is None else self.second.first_bars(self.thresholds)
        messages = iter(
            Message.of(events[i], result, bars, read_after=after)  # type: ignore[arg-type]
            for i, result, after in zip(indexes, results, read_after, strict=True)
        )
        return [
            next(messages) if isinstance(e, MessagePosted | MessageEdited) else _as_command(e)
            for e in events
        ]

    @property
    def fewer_helps(self) -> bool:
        """Whether /nudges fewer nudges less than normal: only with a surer bar (the rule
        classifier has none)."""
        return self.thresholds.surer is not None

    def problem_reasons(self, watch: Watch) -> problems.Reasons:
        """Why a watched message was read as a problem, read after what it was read
        after (the score the bot acted on, explained), and whether it was a doubtful
        problem another member confirmed."""
        words = self.classifier.reasons(watch.text, "problem", read_after=watch.read_after)
        return problems.Reasons(words, watch.doubted)

    # --- 2. what to read -------------------------------------------------------

    def reads(self, understood: Understood) -> Reads:
        match understood:
            case Message(event=MessageEdited(message_id=message_id) as edited) as message:
                return Reads(
                    settings=True,
                    watches=True,
                    watch_ids=(message_id,),
                    dismissed_fingerprints=_fingerprints(message),
                    # A yes or a concern read again may bring an offer; a proposal edited
                    # rewords its open round.
                    members=True,
                    round=True,
                    proposal_scopes=consensus.proposal_scopes_of_edit(edited),
                    taken_back=(message_id,),
                    deleted_ids=(message_id,),
                    edited_ids=(message_id,),
                )
            case Message() as message:
                stance = message.stance is not None
                # A problem in a thread reads the waiting watches: one may already
                # hold that thread's problem. A reaction may confirm a doubtful one.
                problem = message.is_problem or message.is_doubtful_problem
                in_thread = problem and message.event.thread_id is not None
                # A possible answer reads them too: only a waiting problem has it read again.
                may_answer = self.second is not None and self.second.may_answer(message)
                answers = message.is_proposal or may_answer
                return Reads(
                    # A stance may bring an offer or a word, in the table's language.
                    settings=problem or stance,
                    watches=answers or in_thread,
                    watch_ids=_thread_root(message.event.thread_id) if answers else (),
                    doubtful_watches=message.is_reaction,
                    members=stance,
                    proposal_scopes=consensus.proposal_scopes(message) if stance else (),
                    dismissed_fingerprints=_fingerprints(message),
                    # Deleted before its post arrived: it opens, answers and agrees to nothing.
                    deleted_ids=(message.event.message_id,) if problem or answers or stance else (),
                    # Or deleted while its post is handled: one waits for the other.
                    meets_taking_back=problem,
                    # Someone who corrected the bot often lately is nudged less (rules.pacing).
                    pacing_of=message.event.user if problem else None,
                )
            case Command(event=CommandInvoked(edited=True)):
                return Reads(settings=True)  # not run again: its author is told so
            case Command() as command:
                agree = command.spec is not None and command.spec.name == "agree"
                if agree and isinstance(command.parsed, UsageError):
                    return _agree_reads(command)
                if command.spec is None or isinstance(command.parsed, UsageError):
                    beside = _read_a_day_apart(command)
                    if beside is None:
                        return Reads(settings=True)
                    # Its date may be fine on the table's day: read what it needs there.
                    return replace(self.reads(beside), settings=True)
                if isinstance(command.parsed, StartRound) and command.parsed.proposal is None:
                    # About the caller's latest proposal, else the latest one here.
                    return replace(
                        _COMMANDS[StartRound][0],
                        proposal_scopes=(command.event.thread_id or "",),
                        proposal_of=command.event.user,
                    )
                if isinstance(command.parsed, Agree) and command.parsed.round_id is not None:
                    # The round whose summary offered the form, which may not be the last.
                    return replace(_COMMANDS[Agree][0], round_ids=(command.parsed.round_id,))
                if isinstance(command.parsed, ReviewAgreement):
                    number = command.parsed.number
                    # A revision may not say what another current agreement says, and
                    # takes the answers of a round held on it. A role's holder hears when
                    # someone else decides on the role's agreement.
                    revising = command.parsed.decision == "revise"
                    return Reads(
                        settings=True, roster=True, roles=True, agreement_numbers=(number,),
                        agreements=revising, round=revising,
                    )  # fmt: skip
                if isinstance(command.parsed, UndoNotAProblem | UndoHasProposal):
                    user = command.event.user
                    return replace(
                        _COMMANDS[type(command.parsed)][0], dismissals_of=user, pacing_of=user
                    )
                if isinstance(command.parsed, Evaluate | AnswerRenewal) and (
                    command.parsed.meeting_id is not None
                ):
                    # A button's meeting, which may no longer be the latest.
                    return replace(
                        _COMMANDS[type(command.parsed)][0],
                        meeting_ids=(command.parsed.meeting_id,),
                        scores_of=(
                            command.event.user if isinstance(command.parsed, Evaluate) else None
                        ),
                    )
                if isinstance(command.parsed, Evaluate):
                    return replace(_COMMANDS[Evaluate][0], scores_of=command.event.user)
                if isinstance(command.parsed, NotAProblem):
                    # "Not a problem"s in a row back off (rules.pacing).
                    return replace(_COMMANDS[NotAProblem][0], pacing_of=command.event.user)
                if isinstance(command.parsed, Snooze):
                    # A snooze already asked for ends no earlier: the problem's own
                    # reminder, or the person's snooze of the reminders here.
                    return replace(
                        _COMMANDS[Snooze][0],
                        pacing_of=command.event.user,
                        pending_timers=(problems.SNOOZE_TIMER,),
                    )
                return _COMMANDS[type(command.parsed)][0]
            case ConcernAnswered(round_id=round_id):
                return Reads(settings=True, members=True, round_ids=(round_id,))
            case TimerFired(kind=kind, subject=subject):
                if kind in (problems.PROBLEM_TIMER, problems.SNOOZE_TIMER):
                    # Not twice about one problem (one query with the watch itself); one
                    # nudge at a time to each person (rules.pacing); not before a reply
                    # that may answer it is read (its first nudge only).
                    return Reads(
                        settings=True,
                        watches=True,
                        watch_ids=(subject,),
                        pacing=True,
                        unread_replies=kind == problems.PROBLEM_TIMER,
                    )
                if kind == agreements.REVIEW_TIMER:
                    # Its owner hears too, if still at the table (a role's holder) and
                    # not snoozed here, once for all their agreements due that day
                    # (rules.review_owner).
                    return Reads(
                        settings=True, agreements=True, agreement_numbers=(int(subject),),
                        members=True, roles=True, pacing=True,
                    )  # fmt: skip
                # Pacing too: who said "not now" to reminders here (rules.snoozed_reminders).
                if kind == meetings.RENEWAL_TIMER:  # the roster: who has a mandate to renew
                    return Reads(settings=True, meetings=True, roster=True, pacing=True)
                if kind == concerns.REMINDER_TIMER:
                    return Reads(settings=True, round_ids=(subject,), pacing=True)
                return Reads(settings=True, round_ids=(subject,))
            case ProposalAdded(problem_id=pid):
                # The waiting ones too: it answers its author's copies of the same words.
                return Reads(settings=True, watches=True, watch_ids=(pid,))
            case NudgeSnoozed(problem_id=pid):
                # Its author's other waiting problems, the open round and the meetings: the
                # snooze holds them and their reminders too, and says so.
                # Its reminder's timer: a snooze already asked for ends no earlier.
                return Reads(
                    settings=True, watches=True, watch_ids=(pid,), round=True, meetings=True,
                    pending_timers=(problems.SNOOZE_TIMER,),
                )  # fmt: skip
            case RemindersSnoozed(user=user):
                # Whether the open round or the last meeting still waits for the person;
                # their snooze here, which ends no earlier.
                return Reads(settings=True, round=True, meetings=True, pacing_of=user)
            case WhyAsked(problem_id=pid):
                return Reads(settings=True, watch_ids=(pid,))
            case MessageRelabelled(message_id=message_id) as relabelled:
                # Not with a deletion of the message at once: its correction would keep
                # the words the deletion erased (and an Undo bring them back).
                return Reads(
                    settings=True, watches=True, watch_ids=(message_id,), meets_taking_back=True,
                    pacing_of=relabelled.user,  # "Not a problem"s in a row back off
                )  # fmt: skip
            case UndoAsked(user=user, message_id=message_id):
                # The problem too: an undo clicked twice finds it waiting again. (With an
                # "It has a proposal", the problems it answered: Reads.dismissals_of.)
                return Reads(
                    settings=True, watch_ids=(message_id,), dismissals_of=user, pacing_of=user
                )
            case MessageReread(message_id=message_id, thread_id=thread_id, user=user):
                return Reads(
                    settings=True,
                    pacing_of=user,
                    watches=True,
                    watch_ids=(message_id, *_thread_root(thread_id)),
                    # Deleted while it waited to be read: it answers nothing.
                    deleted_ids=(message_id,),
                )
            case RosterSynced():
                return Reads(members=True, round=True, watches=True)
            case BotJoined():
                return Reads(settings=True, introduced=True)
            case MemberLeft():
                return Reads(round=True, watches=True)
            case PlaceDeleted():
                # Its agreements and meetings: their reviews and renewals stop too.
                return Reads(
                    settings=True, round=True, watches=True, agreements=True, meetings=True
                )
            case PlaceBack():
                return Reads(settings=True, agreements=True)
            case MessageDeleted(message_id=message_id, thread_id=thread_id, at=at):
                # A yes or a concern deleted may bring an offer (the table's members).
                # At the top level it may have been a reply to an older proposal (which
                # a Discord deletion does not name): the day's open ones are read too.
                return Reads(
                    settings=True,
                    watch_ids=(message_id,),
                    members=True,
                    proposal_scopes=(thread_id or "",),
                    proposals_since=None if thread_id else at - consensus.STALE_AFTER,
                    taken_back=(message_id,),
                )
            case _:
                return Reads()

    # --- 3. decide -------------------------------------------------------------

    def decide(self, understood: Understood, state: TableState) -> list[Action]:
        if isinstance(understood, Command):
            understood = _on_the_tables_day(understood, state)
        match understood:
            case Message(event=MessageEdited() as edited) as message:
                return [
                    *edit_order.note_edit(edited, state),  # first: see edit_order.note_edit
                    *problems.on_message(message, state, self.second),
                    *consensus.on_edited(message, state),
                ]
            case Message() as message:
                return problems.on_message(message, state, self.second) + consensus.on_message(
                    message, state
                )
            case MessageReread() as reread:
                if self.second is None:  # asked before a restart without the second reader
                    return problems.on_unread(reread, state, self.thresholds)
                return problems.on_reread(reread, state, self.second)
            case Command(event=CommandInvoked(edited=True)) as command:
                return tables.edited(command, state)
            case Command(parsed=AskWhy() | NotAProblem() | HasProposal()) as command:
                return problems.on_command(
                    command, state, self.problem_reasons, fewer_helps=self.fewer_helps
                )
            case Command(parsed=NudgeMode()) as command:
                return tables.nudges(command, state, fewer_helps=self.fewer_helps)
            case Command() as command:
                return _answered_where_typed(command.event, _decide_command(command, state))
            case ConcernAnswered() as answered:
                return concerns.on_answered(answered, state)
            case TimerFired(kind=kind) as fired if kind in _TIMER_HANDLERS:
                return after_the_night(fired, state, _TIMER_HANDLERS[kind](fired, state))
            case ProposalAdded() as added:
                return _answered_where_typed(
                    added,
                    problems.on_proposal_added(added, state) + consensus.on_proposal_added(added),
                )
            case NudgeSnoozed() as snoozed:
                return problems.on_snoozed(snoozed, state)
            case RemindersSnoozed() as snoozed:
                return snoozed_reminders.on_snoozed(snoozed, state)
            case WhyAsked() as asked:
                return problems.on_why(asked, state, self.problem_reasons)
            case MessageRelabelled() as relabelled:
                return problems.on_relabelled(relabelled, state, fewer_helps=self.fewer_helps)
            case UndoAsked() as undo:
                return dismissals.on_undo_asked(undo, state)
            case MemberJoined(user=user) as joined:
                return [
                    NoteMember(
                        workspace=joined.workspace,
                        channel=joined.channel,
                        user=user,
                        at=joined.at,
                        joined=True,
                    )
                ]
            case MemberLeft(user=user) as left:
                forget = ForgetMember(workspace=left.workspace, channel=left.channel, user=user)
                return [forget, *_members_left(left, (user,), state)]
            case MessageDeleted() as deleted:
                where = {"workspace": deleted.workspace, "channel": deleted.channel,
                         "message_id": deleted.message_id}  # fmt: skip
                return [
                    *problems.on_deleted(deleted, state),
                    ForgetProposal(**where),
                    EraseCorrectionText(**where),
                    ForgetWaitingQuotes(**where, at=deleted.at),
                    *consensus.on_deleted(deleted, state),
                ]
            case RosterSynced() as synced:
                return _sync_roster(synced, state)
            case PlaceDeleted() as deleted:
                return [
                    *concerns.on_place_deleted(deleted, state),
                    *problems.on_place_deleted(deleted, state),
                    *place_gone.on_place_deleted(deleted, state),
                ]
            case PlaceBack() as back:
                return place_gone.on_place_back(back, state)
            case BotJoined() as joined:
                return introductions.introduce(joined, state)
            case ChannelIdChanged() as changed:
                return [
                    MoveTable(
                        workspace=changed.workspace,
                        channel=changed.channel,
                        old_channel=changed.old_channel,
                    )
                ]
            case _:
                return []


def _thread_root(thread_id: str | None) -> tuple[str, ...]:
    """The message a thread hangs on, read by its id: a problem posted there and swept
    since (no longer among the watched ones) is still answered by a proposal in its
    thread. One lookup by key, not every old problem of the table."""
    return () if thread_id is None else (thread_id,)


def _fingerprints(message: Message) -> tuple[str, ...]:
    return () if message.fingerprint is None else (message.fingerprint,)


def _agree_reads(command: Command) -> Reads:
    """What an /agree reads, also one refused for its date: read again on the table's
    day, the date may be fine."""
    form = command.form
    if isinstance(form, AgreementSubmitted) and form.round_id is not None:
        return replace(_COMMANDS[Agree][0], round_ids=(form.round_id,))
    return _COMMANDS[Agree][0]


def _read_a_day_apart(command: Command) -> Command | None:
    """A typed command refused on its UTC day, read on the day before or after if one
    takes it ("/review keep 1 review 2026-12-01" late on 30 November in New York), or
    with the month first ("/review keep 1 review 12/31/2026" in New York). The table's
    day and way of writing a date are among these, unknown until its settings are read,
    and the decision reads the command again as the table does (_on_the_tables_day);
    the reads depend on what the command does and to which agreement, not on its date."""
    if command.spec is None or command.form is not None:
        return None  # a name no command has; a button or form has no date to read again
    day = command.event.at.date()
    readings = [(day - timedelta(days=1), False), (day + timedelta(days=1), False)]
    readings += [(today, True) for today in (day, day - timedelta(days=1), day + timedelta(days=1))]
    for today, month_first in readings:
        beside = _as_command(command.event, today, month_first=month_first)
        if isinstance(beside, Command) and not isinstance(beside.parsed, UsageError):
            return beside
    return None


def _on_the_tables_day(command: Command, state: TableState) -> Command:
    """A command read again as the table reads dates, if that is not as it was first
    read (before the table's time zone was known): on the day it is where the table
    sits, if that is not the UTC day ("tomorrow" and "in 2 weeks" count from the table's
    today), and with the month first where the table may write it so ("05/03/2027" is
    asked about: rules.date_order)."""
    # A button or form other than an agreement's has no date to read again.
    source = command.form or command.event
    if not isinstance(source, CommandInvoked | AgreementSubmitted):
        return command
    today = local_day(source.at, state.settings.timezone)
    month_first = month_first_zone(state.settings.timezone)
    if today == source.at.date() and not month_first:
        return command
    understood = _as_command(source, today, month_first=month_first)
    assert isinstance(understood, Command)
    return understood


def _unread(result: Classification) -> Classification:
    """A message in a language the classifier was not taught (rules.language): what it
    scores there is a guess, and the bot neither nudges, answers, reacts nor counts
    consent on a guess. The message after it is read after it as the classifier read
    it (in a batch it is, before this is known)."""
    return Classification(
        frozenset(), dict.fromkeys(LABELS, 0.0), result.lang, text_scores=result.own_scores
    )


def _as_command(
    event: Event, today: date | None = None, *, month_first: bool = False
) -> Understood:
    """Typed commands are parsed; filled-in forms and buttons say the same as a typed
    command would, minus the parsing. Other events are understood as they are. Dates
    count from `today`, by default the UTC day of the event; `month_first`: as a table
    that may write the month first reads them (grammar.parse_command)."""
    today = today or event.at.date()
    match event:
        case CommandInvoked():
            return _parse(event, today, month_first)
        case AgreementSubmitted():
            return _submitted_agreement(event, today, month_first)
        case ConcernAnswered(concern=str() as concern):
            # Forms keep a person's line breaks; the bot quotes a concern inside a line. A
            # form's "no concerns, looks good" is read as a typed /concern would be.
            if means_no_concern(concern):
                return replace(event, concern=None)
            return replace(event, concern=shown_line(concern))
        case ReviewDecided():
            new_text, why = shown_line(event.new_text), shown_line(event.why)
            lesson = shown_line(event.lesson)
            parsed = ReviewAgreement(
                # The forms take no longer lesson; a forged one is cut, as none other is.
                event.number, event.decision, new_text, why, lesson and lesson[:LESSON_LIMIT],
                event.version, event.asked_at,
            )  # fmt: skip
            too_big = not 0 < event.number <= MAX_NUMBER  # a forged button's number
            if too_big or (event.decision == "revise" and not (new_text and why)):
                return _form(event, "review", UsageError(find_command("review")[0]))
            return _form(event, "review", parsed)
        case RenewalAnswered():
            return _form(event, "mandate", AnswerRenewal(event.outcome, event.meeting_id))
        case EvaluationGiven():
            spec = find_command("evaluate")[0]
            scores = " ".join(str(s) for s in event.scores)
            parsed = parse_command(spec, scores, today=today)
            if isinstance(parsed, Evaluate):
                parsed = replace(parsed, meeting_id=event.meeting_id)
            return _form(event, "evaluate", parsed, comment=event.comment)
    return event


def _parse(event: CommandInvoked, today: date, month_first: bool = False) -> Command:
    name, args = event.name, event.args
    # "/groundrules agree ..." reaches every command through one registered name.
    found = reached_command(name, args)
    if found is None:
        return _unknown(event, name, nearest_command(name))
    spec, named, args = found
    # What they wrote first (words, a Dutch name), then their client's language (Slack's
    # locale, Discord's), then an English name; a table's own language wins over all.
    written = command_language(name, event.args)
    lang = written or event.lang or named
    if spec.name == "groundrules" and args:
        # "/groundrules afsprak ..." or "@Groundrules agre ...": a command mistyped.
        mistyped = mistyped_command(args)
        if mistyped is not None:
            return _unknown(event, *mistyped, words=args.strip().partition(" ")[2])
    parsed = parse_command(spec, args, today=today, lang=lang, month_first=month_first)
    return Command(event, spec, parsed, lang, written=written)


def _unknown(
    event: CommandInvoked,
    name: str,
    near: tuple[CommandSpec, str | None] | None,
    *,
    words: str | None = None,
) -> Command:
    """A name no command has is answered in the language of the command it resembles
    ("/afsprak": Dutch), else in the language of the words typed after it. `words`:
    those typed after the name, where they are not the event's own."""
    lang = near[1] if near is not None else None
    if lang is None and event.args.strip():
        lang = detect_language(event.args, fallback="") or None
    lang = lang or event.lang
    parsed = UnknownCommand(
        name.lstrip("/"),
        near[0] if near is not None else None,
        words=(event.args if words is None else words).strip(),
    )
    return Command(event, None, parsed, lang)


def _form(
    event: ReviewDecided | RenewalAnswered | EvaluationGiven,
    name: str,
    parsed: Parsed | UsageError,
    comment=None,
) -> Command:
    """A button or form, read as its command typed in the language it was shown in."""
    spec = find_command(name)[0]
    if isinstance(parsed, Evaluate) and (shown := shown_line(comment)):
        parsed = replace(parsed, comment=shown[:1000])
    thread_id = event.thread_id if isinstance(event, ReviewDecided) else None
    as_typed = CommandInvoked(
        workspace=event.workspace, channel=event.channel, at=event.at, event_id=event.event_id,
        user=event.user, name=name, thread_id=thread_id,
    )  # fmt: skip
    return Command(as_typed, spec, parsed, event.lang, form=event)


def _submitted_agreement(
    event: AgreementSubmitted, today: date, month_first: bool = False
) -> Command:
    spec = find_command("agree")[0]
    as_typed = CommandInvoked(
        workspace=event.workspace, channel=event.channel, at=event.at, event_id=event.event_id,
        user=event.user, name="agree", thread_id=event.thread_id,
    )  # fmt: skip
    text, why = shown_line(event.text), shown_line(event.why)
    # The words written in the form, as a typed command's; else the form's language.
    lang = clear_language(f"{text or ''} {why or ''}") or event.lang
    if text is None or why is None:
        return Command(as_typed, spec, UsageError(spec), lang, form=event)
    review_on = event.review_on
    if event.review_text:  # typed words: "tomorrow" is the table's tomorrow
        try:
            review_on = parse_date(event.review_text, today=today, month_first=month_first)
        except UnclearDate as unclear:
            reason = which_date(unclear)
            return Command(as_typed, spec, UsageError(spec, reason), lang, form=event)
        except NoSuchDay as missing:  # "31 april"
            return Command(as_typed, spec, UsageError(spec, no_such_day(missing)), lang, form=event)
        except DateError:
            reason = unreadable_review_date(Quote(event.review_text), today)
            return Command(as_typed, spec, UsageError(spec, reason), lang, form=event)
    if review_on is not None and review_on <= today:
        # Typed in a form's field ("yesterday"), how it was read; picked, no more is needed.
        past = PAST_REVIEW
        if event.review_text:
            past = past_review(Quote(excerpt(event.review_text, 60)), review_on, today)
        return Command(as_typed, spec, UsageError(spec, past, again=True), lang, form=event)
    if review_on is not None and review_on - today > MAX_REVIEW_AHEAD:
        return Command(as_typed, spec, UsageError(spec, FAR_REVIEW), lang, form=event)
    owner = " ".join((event.owner or "").split()) or None
    if owner is not None and (role := role_named(owner)):
        owner = agreements.role_owner(role)  # "role night lead", as a typed /agree says it
    as_written = owner is not None and not owner.startswith(agreements.ROLE_OWNER)
    parsed = Agree(
        text, why, owner, review_on, owner_as_written=as_written,
        round_id=event.round_id, proposal=event.proposal,
    )  # fmt: skip
    return Command(as_typed, spec, parsed, lang, form=event)


def _answered_where_typed(event: Event, actions: list[Action]) -> list[Action]:
    """A command or a nudge's proposal typed in the bot's DM (`direct`) acts at its
    table; what it tells its author privately goes back to that DM, where they typed it."""
    if not (isinstance(event, CommandInvoked | ProposalAdded) and event.direct):
        return actions
    return [
        replace(action, direct=True)
        if isinstance(action, Reply) and action.private and action.user == event.user
        else action
        for action in actions
    ]


def _decide_command(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    if isinstance(parsed, UsageError | UnknownCommand):
        return tables.usage(command, state)
    if (nobody := named_nobody(parsed)) is not None:
        event = command.event
        return [private(event, event.user, nobody, language(state, command.lang))]
    if isinstance(parsed, ReviewAgreement):
        return reviews.review(command, state)
    return _COMMANDS[type(parsed)][1](command, state)


def _report(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, Report)
    event = command.event
    since = None
    if parsed.since is not None:
        since = at_local_time(parsed.since, time(0, 0), state.settings.timezone)
    return [
        RequestReport(
            workspace=event.workspace,
            channel=event.channel,
            lang=language(state, command.lang),
            user=event.user,
            since=since,
            private=True,
            timezone=state.settings.timezone,
        )
    ]


def _sync_roster(event: RosterSynced, state: TableState) -> list[Action]:
    joined = [
        NoteMember(
            workspace=event.workspace, channel=event.channel, user=user, at=event.at, joined=True
        )
        for user in sorted(event.members - state.members)
    ]
    gone = sorted(state.members - event.members)
    left = [
        ForgetMember(workspace=event.workspace, channel=event.channel, user=user) for user in gone
    ]
    return [*joined, *left, *_members_left(event, gone, state)]


def _members_left(event: Event, users: Sequence[str], state: TableState) -> list[Action]:
    """Who left is no longer waited for in a round, nor nudged about their problems."""
    return [*concerns.on_left(event, users, state), *problems.on_left(event, users, state)]
