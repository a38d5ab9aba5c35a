"""The service around the pure engine: one transaction per event or timer.

Claim the event id (retries are handled once), load the state the engine asks for,
let it decide, apply the changes and write outbound messages to the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Protocol

import numpy as np
from sqlalchemy.exc import DBAPIError, IntegrityError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random

from bot import report
from bot.clause_reading import likeliest_proposal
from bot.recent import RecentMessages
from bot.store import Delivery, DueTimer, Store, UnitOfWork, quiet_reply_key
from rules.actions import (
    Action,
    Change,
    ClearNudge,
    EraseCorrectionText,
    ForgetProposal,
    ForgetWaitingQuotes,
    NoteDeleted,
    NoteEdited,
    NoteMember,
    Outbound,
    ReadAgain,
    RequestReport,
)
from rules.classifier import LABELS
from rules.engine import Engine
from rules.events import Event, MessagePosted, MessageReread, ProposalAdded, TimerFired
from rules.state import Reads, TableState
from rules.understanding import Command, Message, SecondReading, Understood

log = logging.getLogger(__name__)

# Writing these twice leaves the same rows, so a retried event carrying only them is
# harmless: it needs no claim. Not so a proposal: noted again, it would take back the
# yeses and the offer to record made since, or the place of a newer proposal.
REPEATABLE = (
    NoteMember, ForgetProposal, EraseCorrectionText, ForgetWaitingQuotes, NoteDeleted, NoteEdited,
)  # fmt: skip


# Attempts at a transaction that lost a race: with K processes recording agreements at
# once, each round of collisions lets one through.
RACE_ATTEMPTS = 10
# PostgreSQL's "try again" errors: a deadlock victim, a serialization failure.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def lost_a_race(error: BaseException) -> bool:
    """A transaction another one beat: the same agreement number, or a deadlock."""
    if isinstance(error, IntegrityError):
        return True
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, DBAPIError) and code in _RETRYABLE_SQLSTATES


def _race_retries() -> Retrying:
    """Attempts at one transaction, each after a short random wait, for as long as it
    loses a race (`lost_a_race`); the last loss is raised."""
    return Retrying(
        retry=retry_if_exception(lost_a_race),
        stop=stop_after_attempt(RACE_ATTEMPTS),
        wait=wait_random(0, 0.05),
        reraise=True,
    )


def _without_nul(event: Event) -> Event:
    """The event without NUL characters in its text: PostgreSQL stores no NUL in text,
    and no person means one."""
    cleaned = {
        f.name: value.replace("\x00", "")
        for f in fields(event)
        if isinstance(value := getattr(event, f.name), str) and "\x00" in value
    }
    return replace(event, **cleaned) if cleaned else event


def _as_posted(added: ProposalAdded) -> MessagePosted | None:
    """The proposal a nudge's form posted, as its author's message there."""
    if added.message_id is None:
        return None
    return MessagePosted(
        workspace=added.workspace, channel=added.channel, at=added.at,
        event_id=added.event_id, user=added.user, message_id=added.message_id,
        text=added.text, thread_id=added.thread_id,
    )  # fmt: skip


def event_of(understood: Understood) -> Event:
    return understood.event if isinstance(understood, Message | Command) else understood


class SecondReader(Protocol):
    """Reads again the messages a nudge hangs on (rules/classifier/encoder.py)."""

    second: SecondReading | None

    def scores(self, texts: Sequence[str]) -> np.ndarray: ...


class Service:
    def __init__(
        self,
        engine: Engine,
        store: Store,
        *,
        worker: str = "local",
        reader: SecondReader | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.worker = worker
        self.recent = RecentMessages()
        self.reader = reader
        # Inline, a second reading is done before `handle` returns (a replay, the
        # console); the runtime turns this off and reads in the background instead.
        self.read_inline = True
        # Live, the runtime's clock: an outbox item's lease counts from when it was
        # written, not from its cause (a platform's retry of an old message), so that no
        # other process takes it while this one delivers it. A replay has no clock.
        self.clock: Callable[[], datetime] | None = None

    def handle(self, event: Event) -> list[Delivery]:
        [understood] = self.interpret_many([event], remember=False)
        deliveries = self.handle_understood(understood)
        # Only once stored: an event that failed (the database did not answer) and is
        # handed in again is then not read as the reply to itself.
        self.recent.remember([understood])
        if isinstance(event, ProposalAdded) and (posted := _as_posted(event)) is not None:
            # The post of a nudge's proposal is the line the next reply answers, as the
            # author's own message would be: "sure" under it is read after it.
            self.interpret_many([posted])
        return deliveries

    def handle_many(self, events: Sequence[Event]) -> list[list[Delivery]]:
        return [self.handle_understood(u) for u in self.interpret_many(events)]

    def interpret_many(self, events: Sequence[Event], *, remember: bool = True) -> list[Understood]:
        """What the events mean, each message read after the one before it in its
        conversation; they then become the context of the next (unless not to
        `remember` them yet)."""
        events = [_without_nul(event) for event in events]
        understood = self.engine.interpret_many(events, previous=self.recent.previous(events))
        if remember:
            self.recent.remember(understood)
        return understood

    def handle_understood(self, understood: Understood) -> list[Delivery]:
        deliveries = self._handle_understood(understood)
        if not self.read_inline or not any(_is_reading(d) for d in deliveries):
            return deliveries
        settled: list[Delivery] = []
        for delivery in deliveries:
            settled += self.read_again(delivery) if _is_reading(delivery) else [delivery]
        return settled

    def read_again(self, delivery: Delivery, at: datetime | None = None) -> list[Delivery]:
        """Carry out a `ReadAgain`: the second reader's scores go back to the engine as
        a `MessageReread`; returns what that decided. `at`: when it was done (default:
        when its cause happened, as a replay counts time)."""
        action = delivery.action
        if not isinstance(action, ReadAgain):
            raise TypeError(f"not a second reading: {type(action).__name__}")
        if self.reader is None:  # asked for before a restart without the reader
            # The first reading stands: a reply it took for a proposal, held for this
            # reading, still answers (rules.problems.on_unread).
            followed = (
                self.handle_understood(_reread(action, {}, 0.0))
                if self.engine.second is None
                else []
            )
            self.store.mark_abandoned(delivery.outbox_id, at or delivery.at, "no second reader")
            return followed
        second = self.reader.scores([action.text])[0]
        clause = (
            likeliest_proposal(self.engine.classifier, self.reader, action.text, action.lang)
            if action.watched
            else None
        )
        scores = dict(zip(LABELS, second.tolist(), strict=True))
        reread = _reread(action, scores, 0.0 if clause is None else clause.proposal)
        followed = self.handle_understood(reread)
        self.store.mark_delivered(delivery.outbox_id, at or delivery.at)
        return followed

    def _handle_understood(self, understood: Understood) -> list[Delivery]:
        event = event_of(understood)
        reads = self.engine.reads(understood)
        decided = None
        if reads.nothing:
            # Most chat messages read nothing and change nothing the store does not
            # already know: no transaction at all. Handling such an event twice has no
            # effect, so it needs no claim either.
            decided = self.engine.decide(understood, TableState(event.workspace, event.channel))
            if self.store.absorb(decided):
                return []
        # Two processes may take the same agreement number, or deadlock on a timer and a
        # watch each locked first: the loser decides again, on the state as it is then.
        for attempt in _race_retries():
            with attempt, self.store.unit_of_work() as uow:
                if decided is None:
                    state = uow.load(event.workspace, event.channel, reads)
                    actions = self.engine.decide(understood, state)
                else:
                    actions = decided
                if not actions:
                    return []  # nothing to do: nothing to remember having done
                # Claimed in the same transaction as its effects: a retry that decided on
                # the same state finds the claim taken and changes nothing. Changes that
                # leave the same rows when written twice need no claim.
                repeatable = all(isinstance(a, REPEATABLE) for a in actions)
                if not repeatable and not uow.claim_event(
                    event.workspace, event.event_id, event.at
                ):
                    log.info("event %s already handled; skipped", event.event_id)
                    return []
                return self._carry_out(uow, actions, event.at)
        raise AssertionError("unreachable")

    def fire_next_timer(
        self,
        now: datetime | None,
        *,
        simulated: bool = False,
        prefixes: Sequence[str] | None = None,
    ) -> list[Delivery] | None:
        """Fire the earliest due timer, if any; None when nothing is due ([] when the one
        it took was rescheduled or fired elsewhere while it waited for its locks).

        Live, the timer fires at `now` (late if the bot was down), in a transaction of
        its own, so that one failing timer holds up no other. A replay passes
        `simulated=True`: the timer fires at its own due time. `prefixes`: only timers
        of workspaces whose ids start with one of them, those of the platforms this
        process delivers to (None: every workspace's).
        """
        for attempt in _race_retries():
            with attempt, self.store.unit_of_work() as uow:
                timer = uow.claim_due_timer(now, worker=self.worker, prefixes=prefixes)
                if timer is None:
                    return None
                fired = _fired(timer, now, simulated)
                reads = self.engine.reads(fired)
                if uow.take_locks(timer.workspace, timer.channel, reads, wait=False):
                    return self._fire(uow, timer, fired, reads)
            # `attempt` keeps what the transaction raised, for the next turn to retry or
            # raise: only a transaction that ended well let its timer go.
            if attempt.retry_state.outcome is None or attempt.retry_state.outcome.failed:
                continue
            # Another decision holds what this timer's takes (a Keep of its agreement,
            # say, about to reschedule this very timer). Waiting for it while holding the
            # timer would deadlock: the timer is let go, and claimed again after.
            return self._fire_after(timer, fired, reads)
        raise AssertionError("unreachable")

    def _fire_after(self, timer: DueTimer, fired: TimerFired, reads: Reads) -> list[Delivery]:
        """Fire `timer` once the decisions holding its locks are done, in the order they
        take them (locks, then the timer), if it is still due then: [] if not."""
        for attempt in _race_retries():
            with attempt, self.store.unit_of_work() as uow:
                uow.take_locks(timer.workspace, timer.channel, reads)
                if uow.claim_timer_again(timer) is None:
                    return []
                return self._fire(uow, timer, fired, reads)
        raise AssertionError("unreachable")

    def fire_simulated_until(
        self, limit: datetime | None
    ) -> tuple[list[Delivery], datetime | None]:
        """A replay's clock passing `limit`: every timer due by then fires at its own
        time, in due order, in one transaction (a replay has no one else to wait for).
        Also returns when the next pending timer is due, so the clock knows when to ask
        again."""
        deliveries: list[Delivery] = []
        with self.store.unit_of_work() as uow:
            # The earliest pending timer either fires or tells when to ask again.
            while (timer := uow.claim_due_timer(None, worker=self.worker)) is not None:
                if limit is not None and timer.due > limit:
                    return deliveries, timer.due
                fired = _fired(timer, limit, simulated=True)
                deliveries += self._fire(uow, timer, fired, self.engine.reads(fired))
            return deliveries, None

    def _fire(
        self, uow: UnitOfWork, timer: DueTimer, fired: TimerFired, reads: Reads
    ) -> list[Delivery]:
        state = uow.load(timer.workspace, timer.channel, reads)
        deliveries = self._carry_out(uow, self.engine.decide(fired, state), fired.at)
        uow.mark_fired(timer, fired.at, worker=self.worker)
        return deliveries

    def fire_due_timers(
        self, now: datetime, *, limit: int = 500, prefixes: Sequence[str] | None = None
    ) -> list[Delivery]:
        deliveries: list[Delivery] = []
        for _ in range(limit):
            fired = self.fire_next_timer(now, prefixes=prefixes)
            if fired is None:
                break
            deliveries += fired
        return deliveries

    def _carry_out(self, uow: UnitOfWork, actions: list[Action], at: datetime) -> list[Delivery]:
        deliveries = []
        leased = at if self.clock is None else max(at, self.clock())
        for action in actions:
            if isinstance(action, Change):
                uow.apply(action)
            elif isinstance(action, RequestReport):
                uow.session.flush()
                built = report.build(uow.session, action, at)
                deliveries.append(uow.enqueue(built, at, leased_from=leased))
            elif isinstance(action, ClearNudge):
                # Only a nudge that went in public has anything to clear.
                key = quiet_reply_key(action.channel, action.problem_id)
                if (posted := uow.take_posted(action.workspace, key)) is not None:
                    cleared = replace(action, message_id=posted)
                    deliveries.append(uow.enqueue(cleared, at, leased_from=leased))
            elif isinstance(action, Outbound):
                deliveries.append(uow.enqueue(action, at, leased_from=leased))
        return deliveries


def _fired(timer: DueTimer, now: datetime | None, simulated: bool) -> TimerFired:
    """Live, a timer fires at `now` (late if the bot was down); simulated, at its due time."""
    return TimerFired(
        workspace=timer.workspace,
        channel=timer.channel,
        at=timer.due if simulated or now is None else now,
        event_id=f"{timer.key}@{timer.due.isoformat()}",
        kind=timer.kind,
        subject=timer.subject,
        due=timer.due,
        key=timer.key,
    )


def _reread(action: ReadAgain, second: dict[str, float], clause_proposal: float) -> MessageReread:
    """The event a second reading of `action` comes back as (`second`: its scores)."""
    return MessageReread(
        workspace=action.workspace,
        channel=action.channel,
        at=action.posted_at,
        # One reading per message and version (an edit is read again too).
        event_id=f"reread:{action.channel}:{action.message_id}@{action.posted_at.isoformat()}",
        message_id=action.message_id,
        thread_id=action.thread_id,
        user=action.user,
        text=action.text,
        lang=action.lang,
        first=action.first,
        second=second,
        clause_proposal=clause_proposal,
    )


def _is_reading(delivery: Delivery) -> bool:
    return isinstance(delivery.action, ReadAgain)
