"""The rules engine: understands an event, says what state it needs, decides actions.

Pure and deterministic: no I/O, no clock (time arrives on events), no platform.
The service around it (`bot.service`) loads the state it asks for and carries out
what it decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules import agreements, concerns, problems, tables
from rules.actions import Action, ForgetMember, NoteMember
from rules.classifier import Classifier
from rules.events import (
    AgreementSubmitted,
    CommandInvoked,
    ConcernAnswered,
    Event,
    MemberJoined,
    MemberLeft,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    ProposalAdded,
    RosterSynced,
    TimerFired,
)
from rules.grammar import (
    MAX_FIELD,
    PAST_REVIEW,
    Agree,
    AnswerRound,
    ListAgreements,
    NotAProblem,
    ProblemWindow,
    ShowRules,
    Snooze,
    StartRound,
    UnknownCommand,
    UsageError,
    find_command,
    parse_command,
)
from rules.state import Reads, TableState
from rules.understanding import Command, Message, Thresholds, Understood

_TIMER_HANDLERS = {
    problems.PROBLEM_TIMER: problems.on_timer,
    problems.SNOOZE_TIMER: problems.on_timer,
    concerns.REMINDER_TIMER: concerns.on_timer,
    concerns.DEADLINE_TIMER: concerns.on_timer,
    agreements.REVIEW_TIMER: agreements.on_timer,
}


class Engine:
    def __init__(self, classifier: Classifier, thresholds: Thresholds | None = None) -> None:
        self.classifier = classifier
        self.thresholds = thresholds or Thresholds()

    # --- 1. understand ---------------------------------------------------------

    def interpret(self, event: Event) -> Understood:
        if isinstance(event, MessagePosted | MessageEdited):
            return Message.of(event, self.classifier.classify(event.text), self.thresholds)
        if isinstance(event, CommandInvoked):
            return self._parse(event)
        if isinstance(event, AgreementSubmitted):
            return _submitted_as_command(event)
        return event

    def interpret_many(self, events: Sequence[Event]) -> list[Understood]:
        """Like `interpret`, classifying all messages in one batch (replay, benchmarks)."""
        messages = [e for e in events if isinstance(e, MessagePosted | MessageEdited)]
        results = iter(self.classifier.classify_many(e.text for e in messages))
        return [
            Message.of(e, next(results), self.thresholds)
            if isinstance(e, MessagePosted | MessageEdited)
            else self.interpret(e)
            for e in events
        ]

    def _parse(self, event: CommandInvoked) -> Command:
        name, args = event.name, event.args
        found = find_command(name)
        # "/groundrules agree ..." reaches every command through one registered name.
        if found is not None and found[0].name == "groundrules" and args.strip():
            first, _, rest = args.strip().partition(" ")
            inner = find_command(first)
            if inner is not None and inner[0].name != "groundrules":
                found, args = inner, rest
        if found is None:
            return Command(event, None, UnknownCommand(name.lstrip("/")), None)
        spec, lang = found
        return Command(event, spec, parse_command(spec, args, today=event.at.date()), lang)

    # --- 2. what to read -------------------------------------------------------

    def reads(self, understood: Understood) -> Reads:
        match understood:
            case Message(event=MessageEdited(message_id=message_id)):
                return Reads(settings=True, watches=True, watch_ids=(message_id,))
            case Message() as message:
                return Reads(settings=message.is_problem, watches=message.is_proposal)
            case Command() as command:
                return _command_reads(command)
            case ConcernAnswered(round_id=round_id):
                return Reads(settings=True, round_ids=(round_id,))
            case TimerFired(kind=kind, subject=subject):
                if kind in (problems.PROBLEM_TIMER, problems.SNOOZE_TIMER):
                    return Reads(settings=True, watch_ids=(subject,))
                if kind == agreements.REVIEW_TIMER:
                    return Reads(settings=True, agreement_numbers=(int(subject),))
                return Reads(settings=True, round_ids=(subject,))
            case ProposalAdded(problem_id=pid) | NudgeSnoozed(problem_id=pid):
                return Reads(settings=True, watch_ids=(pid,))
            case MessageRelabelled(message_id=message_id):
                return Reads(settings=True, watches=True, watch_ids=(message_id,))
            case RosterSynced():
                return Reads(members=True)
            case _:
                return Reads()

    # --- 3. decide -------------------------------------------------------------

    def decide(self, understood: Understood, state: TableState) -> list[Action]:
        match understood:
            case Message() as message:
                return problems.on_message(message, state)
            case Command() as command:
                return _decide_command(command, state)
            case ConcernAnswered() as answered:
                return concerns.on_answered(answered, state)
            case TimerFired(kind=kind) as fired if kind in _TIMER_HANDLERS:
                return _TIMER_HANDLERS[kind](fired, state)
            case ProposalAdded() as added:
                return problems.on_proposal_added(added, state)
            case NudgeSnoozed() as snoozed:
                return problems.on_snoozed(snoozed, state)
            case MessageRelabelled() as relabelled:
                return problems.on_relabelled(relabelled, state)
            case MemberJoined(user=user) as joined:
                return [
                    NoteMember(
                        workspace=joined.workspace, channel=joined.channel, user=user, at=joined.at
                    )
                ]
            case MemberLeft(user=user) as left:
                return [ForgetMember(workspace=left.workspace, channel=left.channel, user=user)]
            case RosterSynced() as synced:
                return _sync_roster(synced, state)
            case _:
                return []


def _submitted_as_command(event: AgreementSubmitted) -> Command:
    """A filled-in form says the same as a typed /agree, minus the parsing."""
    spec = find_command("agree")
    assert spec is not None
    as_typed = CommandInvoked(
        workspace=event.workspace,
        channel=event.channel,
        at=event.at,
        event_id=event.event_id,
        user=event.user,
        name="agree",
        thread_id=event.thread_id,
    )
    text, why = " ".join(event.text.split()), " ".join(event.why.split())
    if not text or not why:
        return Command(as_typed, spec[0], UsageError(spec[0]), None)
    if event.review_on is not None and event.review_on <= event.at.date():
        return Command(as_typed, spec[0], UsageError(spec[0], PAST_REVIEW), None)
    parsed = Agree(text[:MAX_FIELD], why[:MAX_FIELD], event.owner or None, event.review_on)
    return Command(as_typed, spec[0], parsed, None)


def _command_reads(command: Command) -> Reads:
    match command.parsed:
        case Agree():
            return Reads(settings=True, round=True, numbering=True)
        case ListAgreements():
            return Reads(settings=True, agreements=True)
        case StartRound():
            return Reads(settings=True, members=True, round=True)
        case AnswerRound():
            return Reads(settings=True, round=True)
        case NotAProblem() | Snooze():
            return Reads(settings=True, watches=True)
        case _:
            return Reads(settings=True)


def _decide_command(command: Command, state: TableState) -> list[Action]:
    match command.parsed:
        case Agree():
            return agreements.record(command, state)
        case ListAgreements():
            return agreements.listing(command, state)
        case StartRound():
            return concerns.start_round(command, state)
        case AnswerRound():
            return concerns.answer_by_command(command, state)
        case ProblemWindow():
            return tables.problem_window(command, state)
        case ShowRules():
            return tables.show_rules(command, state)
        case NotAProblem() | Snooze():
            return problems.on_command(command, state)
        case UsageError() | UnknownCommand():
            return tables.usage(command, state)
    raise AssertionError(f"unhandled command {command.parsed!r}")


def _sync_roster(event: RosterSynced, state: TableState) -> list[Action]:
    joined = [
        NoteMember(workspace=event.workspace, channel=event.channel, user=user, at=event.at)
        for user in sorted(event.members - state.members)
    ]
    left = [
        ForgetMember(workspace=event.workspace, channel=event.channel, user=user)
        for user in sorted(state.members - event.members)
    ]
    return joined + left
