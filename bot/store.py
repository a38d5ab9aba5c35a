"""Storage for the engine: load the state a decision reads, apply what it decides.

One `UnitOfWork` is one transaction: the event's id is claimed, state is loaded,
changes are applied and outbound messages are written to the outbox, all or nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    exists,
    false,
    func,
    or_,
    text,
    true,
    update,
)
from sqlmodel import Session, col, delete, select

from bot import (
    codec,
    fired_timers,
    forgetting_lock,
    known_members,
    moves,
    pacing_rows,
    views,
    workspaces,
)
from bot.in_chunks import in_chunks
from bot.models import (
    AgreementRow,
    AnswerRow,
    CorrectionRow,
    DecisionRow,
    DeletedMessageRow,
    EditedMessageRow,
    EvaluationRow,
    ForgottenPerson,
    MandateRow,
    MeetingRow,
    MemberRow,
    OutboxRow,
    PostedMessage,
    ProcessedEvent,
    ProposalRow,
    RenewalRow,
    RoleRow,
    RoundRow,
    SentStep,
    TableConfig,
    TimerRow,
    WatchRow,
    held_from_of,
)
from bot.statements import Statements, no_newer_edit
from rules import actions as act
from rules.grammar import MAX_SNOOZE
from rules.local_time import zone_or_default
from rules.night_timers import waits_out_the_night
from rules.problems import NUDGED_WAITING
from rules.state import (
    Agreement,
    Charter,
    Dismissal,
    Meeting,
    Pacing,
    PendingTimer,
    ProposalSeen,
    Reads,
    ReviewDecision,
    Role,
    Round,
    TableSettings,
    TableState,
    UnreadReply,
    Watch,
)
from rules.table_quiet import BOTS_QUIET_HOURS, with_own_quiet_hours

log = logging.getLogger(__name__)

# How many of a person's latest "Not a problem"s at a table an undo reads: it takes back
# one of the last hour (rules.dismissals), and nobody says so this often in an hour.
DISMISSALS_READ = 20

# A delivery not confirmed within this lease is tried again by the outbox sweep. The
# process delivering renews it for as long as it takes (bot.leases): a platform's client
# may wait out a rate limit of a minute or more, more than once. So the lease only
# bounds how long an item waits for another process when the one holding it died, and
# how long renewing may fail before the holder gives the item up.
DELIVERY_LEASE = timedelta(minutes=2)
MAX_DELIVERY_ATTEMPTS = 8


# The table's default pacing, for a sweep not told the setting (the tests').
_DEFAULT_PACING = TableSettings().nudge_pacing


class Undeliverable(Exception):
    """An adapter's word that the platform will never take this action (a Discord forum
    takes no messages, a member Slack lets the bot neither show a message in the channel
    nor DM): it is set aside with why, not tried again. `code`: the platform's word for
    it (`user_disabled`, `50007`), for the metrics; None where there is no one word."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.code = code


class TryLater(Exception):
    """An adapter's word that the platform asks for time (Discord's throttle on opening
    DMs): the action is offered again no sooner than `after`, and a try that got part of
    it out does not count toward giving up (a reminder to thousands gets there in
    throttled stretches)."""

    def __init__(self, reason: str, after: timedelta) -> None:
        super().__init__(reason)
        self.after = after


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbound action waiting in the outbox; `at` is when its cause happened.
    `claim`: the token of this process's claim on it (outbox.claim), and `leased_until`
    when that claim's lease ends, unless renewed (bot.leases). `again`: offered again by
    the outbox, so some of it may have reached its platform already (bot.sent_steps)."""

    outbox_id: int
    action: act.Outbound
    at: datetime
    claim: str | None = None
    leased_until: datetime | None = None
    again: bool = False


def new_claim() -> str:
    return uuid.uuid4().hex


def ref_key(action: act.Outbound) -> str | None:
    """Messages the bot will edit later are remembered under these keys."""
    if isinstance(action, act.PostConcernRound):
        return f"round:{action.round.round_id}"
    if isinstance(action, act.AnnounceReview):
        return review_message_key(action.agreement)
    if isinstance(action, act.SendNudge):  # a nudge posted in public (only Discord's quiet reply)
        return quiet_reply_key(action.channel, action.problem_id)
    return None


QUIET_REPLY = "quiet:"


def quiet_reply_key(channel: str, problem_id: str) -> str:
    """Where a nudge went in public, to clear once it is settled (ClearNudge)."""
    return f"{QUIET_REPLY}{channel}:{problem_id}"


def quiet_reply_problem(channel: str, key: str) -> str | None:
    """The problem a quiet reply remembered under `key` is beside; None: not one."""
    prefix = quiet_reply_key(channel, "")
    return key.removeprefix(prefix) if key.startswith(prefix) else None


def review_message_key(agreement: act.AgreementView) -> str:
    """A review message, by the version it shows: deciding closes that one's message."""
    return f"review:{agreement.number}:{agreement.version}"


def review_message_keys(agreement: act.AgreementView) -> tuple[str, str]:
    """Where a review message may be remembered: by number and version, or, when it was
    posted before messages named the version, by number alone."""
    return review_message_key(agreement), f"review:{agreement.number}"


@dataclass(frozen=True, slots=True)
class DueTimer:
    workspace: str
    channel: str
    key: str
    kind: str
    subject: str
    due: datetime


class Store:
    """Shared by every unit of work of one process."""

    def __init__(self, engine: Engine, defaults: TableSettings) -> None:
        self.engine = engine
        self.defaults = defaults
        self.sql = Statements(engine)
        self._insert = self.sql.insert
        # Members known to be active, by table, so an ordinary message costs no write; a
        # newly seen one is buffered and written with the next transaction (or `flush`).
        # Only a belief: another process may see someone leave, an operator may forget a
        # workspace or a person (the runtime tells `forget_person`). So a join is written
        # whatever it says, and whatever a decision reads of a table's members replaces it
        # (`_members_read`). Bounded (bot.known_members).
        self._known_members = known_members.KnownMembers(known_members.HELD)
        self._pending_members: dict[tuple[str, str, str], datetime] = {}
        self._lock = threading.Lock()
        # The earliest due time scheduled by this process since last asked (replay's
        # clock uses it to skip looking for due timers before every message).
        self._scheduled_hint: datetime | None = None
        # The transaction `one_transaction` shares, per thread: another thread's units
        # (a ticker, say) keep their own.
        self._batch = threading.local()
        # Outbox rows this version cannot read (claim_undelivered skips them).
        self._unreadable: set[int] = set()

    def absorb(self, actions: list[act.Action]) -> bool:
        """True when `actions` need no transaction of their own.

        That is the case when they only note members heard from: known ones need
        nothing, new ones are buffered for the next transaction. Members are soft state (a
        restart simply notes them again), and any decision that reads members flushes the
        buffer first. A join is no such note: it is written now, known or not.
        """
        if not all(isinstance(a, act.NoteMember) and not a.joined for a in actions):
            return False
        with self._lock:
            for note in actions:
                if self._known_members.add((note.workspace, note.channel), note.user):
                    self._pending_members[(note.workspace, note.channel, note.user)] = note.at
        return True

    def knows_member(self, workspace: str, channel: str, user: str) -> bool:
        with self._lock:
            return self._known_members.knows((workspace, channel), user)

    def _members_read(self, workspace: str, channel: str, active: frozenset[str]) -> None:
        """A table's active members as a transaction just read them: from now on this
        process knows exactly these, so that one another process saw leave, or one
        forgotten with the workspace, is written again when next heard from."""
        with self._lock:
            self._known_members.replace((workspace, channel), active)

    def forget_workspace(self, workspace: str) -> dict[str, int]:
        """Delete everything of `workspace` (bot.workspaces.forget), and what this
        process remembers of it."""
        with self._lock:
            self._pending_members = {
                k: v for k, v in self._pending_members.items() if k[0] != workspace
            }
        deleted = workspaces.forget(self.engine, workspace)
        self.forget_cached({workspace})
        return deleted

    def channel_moved(self, workspace: str, old: str, new: str) -> None:
        """A channel got a new id: members buffered under the old one are written under
        the new one, and who sits at either is no longer taken as known."""
        with self._lock:
            self._pending_members = {
                (w, new if (w, c) == (workspace, old) else c, u): at
                for (w, c, u), at in self._pending_members.items()
            }
            self._known_members.forget((workspace, old))
            self._known_members.forget((workspace, new))

    def forget_cached(self, names: set[str]) -> None:
        """Members this process knew in these workspaces (forgotten, perhaps by another
        process) are written again when next seen."""
        with self._lock:
            self._known_members.forget_workspaces(names)

    def forget_person(self, workspace: str, user: str, forgotten_at: datetime) -> tuple[int, int]:
        """`user` was forgotten in `workspace` at `forgotten_at` (bot.person_data), by this
        process or another: their member notes buffered from before then are not written,
        and they are no longer taken as known at any table, so that they are written again
        when next heard from. How many notes went, and at how many tables they were known.
        (Notes written before this is told are checked against who was forgotten as they
        are written: `UnitOfWork._not_forgotten_since`.)"""
        with self._lock:
            kept = {
                (w, c, u): at for (w, c, u), at in self._pending_members.items()
                if (w, u) != (workspace, user) or at > forgotten_at
            }  # fmt: skip
            dropped = len(self._pending_members) - len(kept)
            self._pending_members = kept
            known = self._known_members.discard_everywhere(workspace, user)
        return dropped, known

    def flush(self) -> None:
        """Write buffered member notes now (the ticker does this every tick)."""
        with self.unit_of_work():
            pass

    def _take_pending_members(self) -> dict[tuple[str, str, str], datetime]:
        with self._lock:
            pending, self._pending_members = self._pending_members, {}
        return pending

    def pop_scheduled_hint(self) -> datetime | None:
        hint, self._scheduled_hint = self._scheduled_hint, None
        return hint

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        shared = getattr(self._batch, "uow", None)
        if shared is not None:
            yield from self._inside_shared(shared)
            return
        pending = self._take_pending_members()
        uow = UnitOfWork(self)
        try:
            if pending:
                uow.write_members(pending)
            yield uow
            uow.commit()
        except BaseException:
            uow.rollback()
            with self._lock:
                self._pending_members = pending | self._pending_members
            raise
        finally:
            uow.close()
        self._settle(uow)

    def _inside_shared(self, uow: UnitOfWork) -> Iterator[UnitOfWork]:
        pending = self._take_pending_members()
        if pending:
            uow.write_members(pending)
        yield uow
        uow.flush()  # what the ORM holds, written for the next unit's statements to read
        self._settle(uow)

    def _settle(self, uow: UnitOfWork) -> None:
        """What a finished unit tells the process: members now known, timers scheduled."""
        with self._lock:
            for workspace, channel, user in uow.members_noted:
                self._known_members.add((workspace, channel), user)
            for workspace, channel, user in uow.members_forgotten:
                self._known_members.discard((workspace, channel), user)
        uow.members_noted, uow.members_forgotten = set(), set()
        if uow.earliest_scheduled is not None:
            hint = self._scheduled_hint
            self._scheduled_hint = min(hint or uow.earliest_scheduled, uow.earliest_scheduled)
            uow.earliest_scheduled = None

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        """Every unit of work inside shares one transaction, committed at the end.

        For a replay, which has no one else to wait for: one commit for a batch of
        events instead of one each. If anything fails, all of it is rolled back; that
        includes a conflict with another process, which live handling would retry.
        """
        if getattr(self._batch, "uow", None) is not None:
            yield
            return
        uow = UnitOfWork(self, shared=True)
        self._batch.uow = uow
        try:
            yield
            uow.commit()
        except BaseException:
            uow.rollback()
            with self._lock:
                self._known_members.clear()  # a cache: what it promised was rolled back
            raise
        finally:
            self._batch.uow = None
            uow.close()

    # --- events handled outside the engine, each its own short transaction -----

    def claim_event(self, workspace: str, event_id: str, at: datetime) -> bool:
        """`UnitOfWork.claim_event` on its own: True the first time its id is seen."""
        with self.unit_of_work() as uow:
            return uow.claim_event(workspace, event_id, at)

    def lease_event(
        self, workspace: str, event_id: str, claim: str, now: datetime, until: datetime
    ) -> bool:
        """Claim an event answered without the engine (words typed in the bot's DM,
        bot.dm_once) until `until`, under `claim`: True when this claim holds, being the
        first, or taking over one whose lease ran out unconfirmed (its process died before
        any of the answer went out). One confirmed, or the engine's, is never taken."""
        events = ProcessedEvent.__table__  # type: ignore[attr-defined]
        taken = self._insert(events).values(
            workspace=workspace, event_id=event_id, processed_at=now, claim=claim,
            leased_until=until,
        )  # fmt: skip
        taken = taken.on_conflict_do_update(
            index_elements=["workspace", "event_id"],
            set_={
                "processed_at": taken.excluded.processed_at,
                "claim": taken.excluded.claim,
                "leased_until": taken.excluded.leased_until,
            },
            where=events.c.leased_until.is_not(None) & (events.c.leased_until <= now),
        )
        with self.unit_of_work() as uow:
            return uow.connection.execute(taken.returning(events.c.event_id)).first() is not None

    def renew_event_lease(self, workspace: str, event_id: str, claim: str, until: datetime) -> bool:
        """Extend `claim`'s lease to `until`; False when it is no longer held unconfirmed
        (another process took it over after it ran out)."""
        return self._leased(workspace, event_id, claim, leased_until=until)

    def confirm_event(self, workspace: str, event_id: str, claim: str) -> bool:
        """Keep `claim` for good: its answer is under way, and a retry must not answer
        again. False when it is no longer held (another process took it over)."""
        return self._leased(workspace, event_id, claim, leased_until=None)

    def _leased(self, workspace: str, event_id: str, claim: str, **values: object) -> bool:
        events = ProcessedEvent.__table__  # type: ignore[attr-defined]
        with self.unit_of_work() as uow:
            changed = uow.connection.execute(
                update(events)
                .where(*_held_lease(workspace, event_id, claim))
                .values(**values)
                .returning(events.c.event_id)
            )
            return changed.first() is not None

    def release_event(self, workspace: str, event_id: str, claim: str) -> None:
        """`claim`, unconfirmed, whose answer failed before any of it went out: a retry
        of the event is answered (a claim another process took over since stays)."""
        with self.unit_of_work() as uow:
            uow.connection.execute(
                delete(ProcessedEvent).where(*_held_lease(workspace, event_id, claim))
            )

    # --- delivery bookkeeping, each its own short transaction ------------------

    def mark_delivered(
        self,
        outbox_id: int,
        at: datetime,
        *,
        ref_key: str | None = None,
        ref=None,
        lang: str | None = None,
        steps_on_record: bool = False,
    ) -> None:
        self.mark_delivered_many(
            [(outbox_id, at, ref_key, ref, lang)], steps_on_record=steps_on_record
        )

    def mark_delivered_many(
        self,
        items: list[tuple[int, datetime, str | None, object, str | None]],
        *,
        steps_on_record: bool = False,
    ) -> None:
        """Deliveries confirmed: (outbox id, when, the key of a message to edit later,
        the platform's id for it, the language it was posted in). A replay confirms all
        of an event's at once. `steps_on_record`: some of their steps were put on record
        on the way (bot.sent_steps); they go with them. What they said goes too: a
        delivered item keeps its kind alone (nothing reads it again)."""
        with self.unit_of_work() as uow:
            for outbox_id, at, key, ref, lang in items:
                # First: it locks the watch, as a settle does before it erases quotes.
                settled = (
                    key is not None
                    and ref is not None
                    and _settled_meanwhile(uow, outbox_id, key, str(ref), lang, at)
                )
                row = uow.connection.execute(
                    self.sql.mark_delivered, {"outbox_id": outbox_id, "delivered": at}
                ).first()
                if row is not None and row.payload != (done := codec.kind_only(row.payload)):
                    uow.connection.execute(
                        self.sql.erase_words, {"outbox_id": outbox_id, "payload": done}
                    )
                if row is not None and steps_on_record:
                    uow.connection.execute(
                        self.sql.forget_sent, {"workspace": row.workspace, "outbox_id": outbox_id}
                    )
                if row is not None and key and ref is not None and not settled:
                    posted = {"ref": str(ref), "posted_at": at, "lang": lang}
                    uow.upsert(
                        PostedMessage,
                        {"workspace": row.workspace, "key": key, "channel": row.channel,
                         **posted},
                        ("workspace", "key"),
                        posted,
                    )  # fmt: skip

    def enqueue(self, action: act.Outbound, at: datetime) -> None:
        """An action no decision made (a delivery's follow-up), for the outbox to deliver
        once its lease has run out."""
        with self.unit_of_work() as uow:
            uow.enqueue(action, at)

    def mark_failed(
        self,
        outbox_id: int,
        at: datetime,
        error: str,
        *,
        not_before: datetime | None = None,
        progressed: bool = False,
    ) -> None:
        """Offered again after a back-off (no sooner than `not_before`); `progressed`:
        part of it went out this time, so the try does not count toward giving up."""
        with self.unit_of_work() as uow:
            row = uow.session.get(OutboxRow, outbox_id)
            if row is None:
                return
            if not progressed:
                row.attempts += 1
            row.last_error = error[:500]
            # Released: a lease renewal already under way (bot.leases snapshots its
            # claims) then matches nothing, rather than set the back-off to its lease.
            row.claim = None
            if row.attempts >= MAX_DELIVERY_ATTEMPTS:
                # Give up but keep the row: an operator can see what was not delivered,
                # and why; not the words it carried.
                _set_aside(uow.session, row, at)
                log.error("giving up on outbox item %s after %s attempts", row.id, row.attempts)
            else:
                backoff = at + timedelta(seconds=min(3600, 15 * 2**row.attempts))
                row.next_attempt_at = uow.after_the_tables_quiet(
                    row, max(backoff, not_before or backoff)
                )

    def mark_abandoned(self, outbox_id: int, at: datetime, reason: str) -> None:
        """Not to be delivered at all (its workspace removed the bot); the row stays,
        with why, like one given up on."""
        with self.unit_of_work() as uow:
            row = uow.session.get(OutboxRow, outbox_id)
            if row is not None:
                _set_aside(uow.session, row, at, reason)

    def claim_undelivered(
        self, now: datetime, limit: int = 50, *, prefixes: Sequence[str] | None = None
    ) -> list[Delivery]:
        """Outbox items whose delivery was never confirmed (a crash, an outage); only of
        workspaces whose ids start with one of `prefixes` (None: of every workspace).
        Each is claimed under a token of its own, for the lease's length."""
        due = [col(OutboxRow.delivered_at).is_(None), OutboxRow.next_attempt_at <= now]
        with self._lock:
            if self._unreadable:
                due.append(col(OutboxRow.id).not_in(sorted(self._unreadable)))
        with self.unit_of_work() as uow:
            rows = uow.session.exec(
                select(OutboxRow)
                .where(*due)
                .where(_workspaces_starting(col(OutboxRow.workspace), prefixes))
                .order_by(col(OutboxRow.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            claimed = []
            for row in rows:
                action = self._readable(row)
                if action is not None:
                    row.next_attempt_at = now + DELIVERY_LEASE
                    row.claim = new_claim()
                    lease = row.next_attempt_at
                    claimed.append(
                        Delivery(row.id, action, row.created_at, row.claim, lease, again=True)
                    )
            return claimed

    def renew_claims(self, claims: Sequence[str], until: datetime) -> set[str]:
        """Extend the leases of undelivered items still held under these claims to
        `until`; returns the claims that held (another process took over the rest after
        their lease ran out, or one was delivered)."""
        if not claims:
            return set()
        # A transaction of its own, apart from the units of work: the runtime renews
        # beside its worker thread, which may be busy deciding.
        held: set[str] = set()
        with self.engine.begin() as connection:
            for chunk in in_chunks(claims):  # a burst of deliveries waiting out a rate limit
                held.update(
                    connection.execute(
                        self.sql.renew_claims, {"claims": chunk, "until": until}
                    ).scalars()
                )
        return held

    def sent_steps(self, workspace: str, outbox_id: int) -> dict[str, str | None]:
        """What of an outbox item is on record as having reached its platform."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                self.sql.sent_steps, {"workspace": workspace, "outbox_id": outbox_id}
            )
            return {row.step: row.ref for row in rows}

    def note_sent(self, workspace: str, outbox_id: int, steps: Mapping[str, str | None]) -> None:
        """Put on record that these steps of an outbox item reached its platform."""
        with self.engine.begin() as connection:
            connection.execute(
                self.sql.note_sent,
                [{"workspace": workspace, "outbox_id": outbox_id, "step": step, "ref": ref}
                 for step, ref in steps.items()],
            )  # fmt: skip

    def _readable(self, row: OutboxRow) -> act.Outbound | None:
        """The action in an outbox row, or None if this version cannot read it (written
        by a newer one, in a rolling deploy). Such a row is left unclaimed for a process
        that can, and skipped here from then on (it would read no better next tick); the
        retention sweep gives it up if none ever does."""
        try:
            return codec.loads(row.payload)
        except Exception as error:
            assert row.id is not None
            with self._lock:
                self._unreadable.add(row.id)
            log.error("outbox item %s cannot be read by this version, left for another: %r",
                      row.id, error)  # fmt: skip
            return None

    def round_as_it_stands(self, workspace: str, round_id: str) -> tuple[act.RoundView, str] | None:
        """A round as it is now, and its status (open, closed, withdrawn); None if unknown."""
        with self.unit_of_work() as uow:
            row = uow.session.get(RoundRow, (workspace, round_id))
            if row is None:
                return None
            return uow._round(row).view(), row.status

    def message_ref(self, workspace: str, key: str, *fallbacks: str) -> str | None:
        """The message remembered under `key`, else under the first fallback that has one."""
        with Session(self.engine) as session:
            for each in (key, *fallbacks):
                row = session.get(PostedMessage, (workspace, each))
                if row is not None:
                    return row.ref
            return None

    def sweep(
        self,
        now: datetime,
        retention: timedelta,
        correction_retention: timedelta | None = None,
        nudge_pacing: timedelta = _DEFAULT_PACING,
    ) -> dict[str, int]:
        """Forget what is no longer needed: old event ids, kept texts, delivered items,
        timers fired (bot.fired_timers), corrections older than `correction_retention`
        (None: kept), and how people were paced long enough ago that it changes nothing
        (`nudge_pacing`: the setting)."""
        cutoff = now - retention
        with self.unit_of_work() as uow:
            session = uow.session
            events = session.exec(
                delete(ProcessedEvent).where(ProcessedEvent.processed_at < cutoff)
            ).rowcount
            # Counted from the nudge. A snoozed problem keeps its text until its reminder
            # has quoted it (and made it "nudged" again); the longest snooze bounds that.
            snooze_cutoff = cutoff - MAX_SNOOZE
            lapsing = (WatchRow.status == "nudged") & (col(WatchRow.closed_at) < cutoff) | (
                WatchRow.status == "snoozed"
            ) & (col(WatchRow.closed_at) < snooze_cutoff)
            _clear_quiet_replies(uow, session.exec(select(WatchRow).where(lapsing)).all(), now)
            texts = session.exec(
                update(WatchRow).where(lapsing).values(text=None, status="expired")
            ).rowcount
            session.exec(
                update(ProposalRow)
                .where(ProposalRow.posted_at < cutoff, col(ProposalRow.text).is_not(None))
                .values(text=None)
            )
            # A deletion's marker outlives any late delivery of what it deleted.
            session.exec(delete(DeletedMessageRow).where(DeletedMessageRow.deleted_at < cutoff))
            session.exec(delete(EditedMessageRow).where(EditedMessageRow.edited_at < cutoff))
            outbox = session.exec(
                delete(OutboxRow).where(
                    col(OutboxRow.delivered_at).is_not(None), OutboxRow.delivered_at < cutoff
                )
            ).rowcount
            given_up = _give_up_undelivered(session, before=cutoff, at=now)
            # The steps of items done or gone (their delivery's own delete missed them):
            # before an item's id could be given to another (SQLite reuses the highest).
            session.exec(
                delete(SentStep).where(
                    ~exists().where(
                        OutboxRow.id == SentStep.outbox_id,
                        OutboxRow.workspace == SentStep.workspace,
                        col(OutboxRow.delivered_at).is_(None),
                    )
                )
            )
            corrections = 0
            if correction_retention is not None:
                corrections = session.exec(
                    delete(CorrectionRow).where(
                        CorrectionRow.created_at < now - correction_retention
                    )
                ).rowcount
            paced = pacing_rows.prune(session.connection(), now, nudge_pacing)
        # Batches of their own: a year's timers are many rows.
        timers = fired_timers.forget(self.engine, before=cutoff)
        return {"events": events, "texts": texts, "outbox": outbox, "given_up": given_up,
                "corrections": corrections, "pacing": paced, "timers": timers}  # fmt: skip


def _clear_quiet_replies(uow: UnitOfWork, lapsing: Sequence[WatchRow], now: datetime) -> None:
    """Problems the sweep lets go unanswered: a public nudge beside one (Discord's quiet
    reply, naming its author) goes with them; its button would only say it is settled.
    Due at once, so the tick that swept delivers it."""
    for watch in lapsing:
        posted = uow.take_posted(watch.workspace, quiet_reply_key(watch.channel, watch.problem_id))
        if posted is not None:
            cleared = act.ClearNudge(
                workspace=watch.workspace, channel=watch.channel, lang=watch.lang,
                problem_id=watch.problem_id, thread_id=watch.thread_id, message_id=posted,
            )  # fmt: skip
            uow.enqueue(cleared, now, leased_from=now - DELIVERY_LEASE)


def _settled_meanwhile(
    uow: UnitOfWork, outbox_id: int, key: str, posted: str, lang: str | None, at: datetime
) -> bool:
    """Whether a nudge that went in public under `key` (Discord's quiet reply) was
    settled while it was on its way: the process that settled it found no reply to
    clear yet (it is remembered only now). Then it is cleared at once instead of
    remembered. The watch is read locked: a settle under way elsewhere is waited for,
    and one after this finds the reply remembered."""
    if not key.startswith(QUIET_REPLY):
        return False
    row = uow.session.get(OutboxRow, outbox_id)
    if row is None:
        return False
    workspace, channel = row.workspace, row.channel
    problem_id = quiet_reply_problem(channel, key)
    if problem_id is None:
        return False
    watch = uow.session.exec(
        select(WatchRow.status, WatchRow.thread_id, WatchRow.lang)
        .where(
            WatchRow.workspace == workspace,
            WatchRow.channel == channel,
            WatchRow.problem_id == problem_id,
        )
        .with_for_update()
    ).first()
    if watch is not None and watch.status in NUDGED_WAITING:
        return False
    cleared = act.ClearNudge(
        workspace=workspace, channel=channel,
        lang=(watch.lang if watch is not None else None) or lang or "en",
        problem_id=problem_id, thread_id=watch.thread_id if watch is not None else None,
        message_id=posted,
    )  # fmt: skip
    uow.enqueue(cleared, at, leased_from=at - DELIVERY_LEASE)
    return True


def _give_up_undelivered(session: Session, *, before: datetime, at: datetime) -> int:
    """Outbox items still undelivered after the retention period (for a platform no
    process serves any more, say) are given up, and the words they carry erased like
    every other kept text: a platform configured again later gets no stale messages.
    The row stays a while, with its kind, so an operator can see what was not sent."""
    rows = session.exec(
        select(OutboxRow).where(
            col(OutboxRow.delivered_at).is_(None), OutboxRow.created_at < before
        )
    ).all()
    for row in rows:
        _set_aside(session, row, at, "given up: not delivered within the retention period")
        log.warning("outbox item %s (%s) not delivered within the retention period: given up",
                    row.id, json.loads(row.payload)["$"])  # fmt: skip
    return len(rows)


def _set_aside(session: Session, row: OutboxRow, at: datetime, why: str | None = None) -> None:
    """An outbox item not to be delivered (any more): done with at `at`, `why` (else its
    last error) kept for the operator, with its kind; the words it carried are erased."""
    row.payload = codec.kind_only(row.payload)
    row.delivered_at = at
    if why is not None:
        row.last_error = why[:500]
    _forget_sent(session, row)


def _forget_sent(session: Session, row: OutboxRow) -> None:
    """An outbox item is done with (delivered, given up, set aside): so are its steps."""
    session.exec(
        delete(SentStep).where(SentStep.workspace == row.workspace, SentStep.outbox_id == row.id)
    )


class UnitOfWork:
    """One transaction, opened on first use. The hot path runs prepared Core statements
    on the connection; an ORM session on the same transaction is made only when a
    (rarer) change needs one, since creating and committing it costs more than the SQL."""

    def __init__(self, store: Store, *, shared: bool = False) -> None:
        self.store = store
        # A replay's batch (Store.one_transaction): many events, no one else writing.
        self.shared = shared
        # Per workspace, whether it holds any deletion marker (read once by a batch).
        self._any_deleted: dict[str, bool] = {}
        self.members_noted: set[tuple[str, str, str]] = set()
        self.members_forgotten: set[tuple[str, str, str]] = set()
        self.earliest_scheduled: datetime | None = None
        self._table_settings: dict[tuple[str, str], tuple[TableSettings, Charter]] = {}
        self._connection: Connection | None = None
        self._transaction = None
        self._session: Session | None = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = self.store.engine.connect()
            self._transaction = self._connection.begin()
        return self._connection

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def commit(self) -> None:
        self.flush()
        if self._transaction is not None:
            self._transaction.commit()

    def rollback(self) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        if self._connection is not None:
            self._connection.close()

    # --- helpers -----------------------------------------------------------------

    def write_members(self, notes: dict[tuple[str, str, str], datetime]) -> None:
        notes = self._not_forgotten_since(notes)
        if not notes:
            return
        self.connection.execute(
            self.store.sql.note_member,
            [
                {"workspace": w, "channel": c, "user": u, "active": True, "joined_at": at}
                for (w, c, u), at in notes.items()
            ],
        )

    def _not_forgotten_since(
        self, notes: dict[tuple[str, str, str], datetime]
    ) -> dict[tuple[str, str, str], datetime]:
        """Buffered notes, but for those of people forgotten since (bot.person_data),
        perhaps by another process whose word this one has not read yet: not written, and
        those people no longer taken as known here."""
        marks = ForgottenPerson.__table__  # type: ignore[attr-defined]
        # Until this transaction ends, no forgetting commits between the read and the write.
        forgetting_lock.hold_to_write_notes(self.connection)
        users: dict[str, set[str]] = {}
        for workspace, _, user in notes:
            users.setdefault(workspace, set()).add(user)
        forgotten: dict[tuple[str, str], datetime] = {}
        for workspace, theirs in users.items():
            for chunk in in_chunks(sorted(theirs)):
                rows = self.connection.execute(
                    select(marks.c.user, marks.c.forgotten_at).where(
                        marks.c.workspace == workspace, marks.c.user.in_(chunk)
                    )
                )
                forgotten.update(((workspace, user), at) for user, at in rows)
        if not forgotten:
            return notes
        gone = {
            (w, c, u) for (w, c, u), at in notes.items()
            if (when := forgotten.get((w, u))) is not None and at <= when
        }  # fmt: skip
        with self.store._lock:
            for workspace, channel, user in gone:
                self.store._known_members.discard((workspace, channel), user)
        return {key: at for key, at in notes.items() if key not in gone}

    def upsert(self, model, values: dict, keys: tuple[str, ...], changes: dict | None) -> bool:
        """Insert, or on conflict update `changes` (or do nothing); True if a row was written.

        RETURNING tells what happened: psycopg reports no rowcount for these statements.
        """
        statement = self.store._insert(model.__table__).values(**values)
        if changes:
            statement = statement.on_conflict_do_update(index_elements=list(keys), set_=changes)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=list(keys))
        key_column = model.__table__.c[keys[0]]
        return self.session.execute(statement.returning(key_column)).first() is not None

    def claim_event(self, workspace: str, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen: platform retries are handled once.

        RETURNING tells what happened: psycopg reports no rowcount for this statement.
        """
        values = {"workspace": workspace, "event_id": event_id, "processed_at": at}
        return self.connection.execute(self.store.sql.claim_event, values).first() is not None

    # --- loading -------------------------------------------------------------------

    def load(self, workspace: str, channel: str, reads: Reads) -> TableState:
        parts: dict[str, object] = {}
        self.take_locks(workspace, channel, reads)
        if reads.settings:
            parts["settings"], parts["charter"] = self._settings(workspace, channel)
        if reads.roster or reads.members:
            if reads.roster:
                parts["roster"] = roster = self._roster(workspace, channel)
                members = frozenset(roster)
            else:
                members = frozenset(
                    self.connection.execute(
                        self.store.sql.active_members, {"w": workspace, "c": channel}
                    ).scalars()
                )
            parts["members"] = members
            self.store._members_read(workspace, channel, members)
        if reads.dismissals_of is not None:
            parts["dismissals"] = dismissals = self._dismissals(
                workspace, channel, reads.dismissals_of
            )
            # The problems they settled, to bring back; and those an "It has a proposal"
            # answered, as a proposal taken back brings them back.
            ids = dict.fromkeys((*reads.watch_ids, *(d.message_id for d in dismissals)))
            answered = (*reads.taken_back, *(d.message_id for d in dismissals if d.proposes))
            reads = replace(reads, watch_ids=tuple(ids), taken_back=answered)
        if reads.watches or reads.watch_ids or reads.doubtful_watches or reads.taken_back:
            parts["watches"] = self._watches(workspace, channel, reads)
        if reads.pacing or reads.pacing_of is not None:
            parts["pacing"] = self._pacing(workspace, channel, reads)
        rounds: dict[str, Round] = {}
        if reads.round:
            open_row = self.session.exec(
                select(RoundRow)
                .where(
                    RoundRow.workspace == workspace,
                    RoundRow.channel == channel,
                    RoundRow.status == "open",
                )
                .with_for_update()  # as for the rounds read by id, below
            ).first()
            closed_row = self.session.exec(
                select(RoundRow)
                .where(
                    RoundRow.workspace == workspace,
                    RoundRow.channel == channel,
                    RoundRow.status == "closed",
                )
                .order_by(col(RoundRow.closed_at).desc())
                .limit(1)
            ).first()
            if open_row:
                parts["open_round"] = rounds.setdefault(open_row.round_id, self._round(open_row))
            if closed_row:
                parts["last_closed_round"] = rounds.setdefault(
                    closed_row.round_id, self._round(closed_row)
                )
        if reads.ended_round:
            ended_row = self.session.exec(
                select(RoundRow)
                .where(
                    RoundRow.workspace == workspace,
                    RoundRow.channel == channel,
                    RoundRow.status != "open",
                )
                # Rounds withdrawn before 0008 kept no closing time.
                .order_by(func.coalesce(RoundRow.closed_at, RoundRow.started_at).desc())
                .limit(1)
            ).first()
            if ended_row:
                parts["last_ended_round"] = rounds.setdefault(
                    ended_row.round_id, self._round(ended_row)
                )
        for round_id in reads.round_ids:
            # Locked: answers arriving at once in several processes decide one after
            # another, so the last one sees every answer and closes the round once.
            row = self.session.get(RoundRow, (workspace, round_id), with_for_update=True)
            if row is not None and row.channel == channel:
                rounds.setdefault(round_id, self._round(row))
        if rounds:
            parts["rounds_by_id"] = MappingProxyType(rounds)
        if reads.agreements or reads.agreement_numbers:
            parts.update(self._agreements(workspace, channel, reads))
        if reads.meetings:
            parts.update(self._meetings(workspace, channel))
        if reads.meeting_ids:
            parts["meetings_by_id"] = MappingProxyType(
                {
                    row.meeting_id: self._meeting(row)
                    for row in self.session.exec(
                        select(MeetingRow).where(
                            MeetingRow.workspace == workspace,
                            MeetingRow.channel == channel,
                            col(MeetingRow.meeting_id).in_(reads.meeting_ids),
                        )
                    ).all()
                }
            )
        if reads.scores_of is not None:
            latest = (parts.get("open_meeting"), parts.get("last_meeting"))
            ids = {m.meeting_id for m in latest if isinstance(m, Meeting)}
            parts["earlier_scores"] = self._earlier_scores(
                workspace, reads.scores_of, ids | set(reads.meeting_ids)
            )
        if reads.roles:
            parts["roles"] = tuple(
                Role(r.name, r.tasks, r.holder)
                for r in self.session.exec(
                    select(RoleRow)
                    .where(RoleRow.workspace == workspace, RoleRow.channel == channel)
                    .order_by(col(RoleRow.key))
                ).all()
            )
        if (
            reads.proposal_scopes
            or reads.proposal_of
            or reads.proposals_since
            or reads.offered_proposals
        ):
            parts["proposals"] = self._proposals(workspace, channel, reads)
        if reads.dismissed_fingerprints:
            parts["dismissed"] = frozenset(
                self.connection.execute(
                    self.store.sql.dismissed_fingerprints,
                    {"w": workspace, "c": channel, "f": list(reads.dismissed_fingerprints)},
                ).scalars()
            )
        if reads.deleted_ids and self._may_hold_deletions(workspace):
            parts["deleted"] = frozenset(
                self.connection.execute(
                    self.store.sql.deleted_ids,
                    {"w": workspace, "c": channel, "ids": list(reads.deleted_ids)},
                ).scalars()
            )
        if reads.edited_ids:
            rows = self.connection.execute(
                self.store.sql.edit_times,
                {"w": workspace, "c": channel, "ids": list(reads.edited_ids)},
            )
            parts["edited"] = MappingProxyType({r.message_id: r.edited_at for r in rows})
        if reads.introduced:
            config = self.session.get(TableConfig, (workspace, channel))
            parts["introduced_at"] = config.introduced_at if config is not None else None
        if reads.pending_timers:
            parts["pending_timers"] = tuple(
                PendingTimer(
                    row.key,
                    row.kind,
                    row.subject,
                    row.due,
                    held_from_of(row.due, row.held_from, row.held_to),
                )
                for row in self.session.exec(
                    select(TimerRow)
                    .where(
                        TimerRow.workspace == workspace,
                        TimerRow.channel == channel,
                        col(TimerRow.fired_at).is_(None),
                        col(TimerRow.kind).in_(reads.pending_timers),
                    )
                    .order_by(col(TimerRow.due), col(TimerRow.key))
                ).all()
            )
        if reads.unread_replies:
            parts["unread_replies"] = self._unread_replies(workspace, channel)
        if reads.numbering:
            highest = self.session.exec(
                select(func.max(AgreementRow.number)).where(AgreementRow.workspace == workspace)
            ).one()
            parts["next_agreement_number"] = (highest or 0) + 1
        return TableState(workspace=workspace, channel=channel, **parts)

    def _may_hold_deletions(self, workspace: str) -> bool:
        """Whether `workspace` may hold deletion markers. A batch asks once per workspace,
        not for every message: a replay's transcript deletes nothing, and a marker read
        per message cost it some 3%. A unit of its own reads the marker itself, which is
        one read either way."""
        if not self.shared:
            return True
        known = self._any_deleted.get(workspace)
        if known is None:
            found = self.connection.execute(self.store.sql.any_deleted, {"w": workspace})
            known = self._any_deleted[workspace] = found.first() is not None
        return known

    def after_the_tables_quiet(self, row: OutboxRow, retry: datetime) -> datetime:
        """When a failed delivery is offered again: at `retry`, or, for a private reminder
        or nudge, as the quiet hours of its table end if `retry` falls in them (it was
        held for them the first time; a retry does not slip through in the night)."""
        action = self.store._readable(row)
        if action is None or not waits_out_the_night(action):
            return retry
        return self._settings(row.workspace, row.channel)[0].after_quiet(retry)

    def _settings(self, workspace: str, channel: str) -> tuple[TableSettings, Charter]:
        # Read once per transaction and table: a replay's batch asks for every event.
        known = self._table_settings.get((workspace, channel))
        if known is not None:
            return known
        row = self.connection.execute(
            self.store.sql.table_config, {"w": workspace, "c": channel}
        ).first()
        if row is None:
            found = self.store.defaults, Charter()
        else:
            window = timedelta(seconds=row.problem_window_s) if row.problem_window_s else None
            settings = self.store.defaults.with_overrides(
                problem_window=window,
                language=row.language,
                nudges=row.nudges,
                timezone=zone_or_default(row.timezone, self.store.defaults.timezone),
            )
            settings = with_own_quiet_hours(settings, row.quiet_hours)
            found = settings, Charter(row.about, row.not_about, row.routing)
        self._table_settings[(workspace, channel)] = found
        return found

    def _roster(self, workspace: str, channel: str) -> MappingProxyType:
        return MappingProxyType({m.user: m for m in views.roster(self.session, workspace, channel)})

    def _meetings(self, workspace: str, channel: str) -> dict[str, object]:
        rows = self.session.exec(
            select(MeetingRow)
            .where(MeetingRow.workspace == workspace, MeetingRow.channel == channel)
            .order_by(col(MeetingRow.started_at).desc())
            .limit(2)
        ).all()
        parts: dict[str, object] = {}
        for row in rows:
            if row.status == "open" and "open_meeting" not in parts:
                parts["open_meeting"] = self._meeting(row)
            elif row.status == "ended" and "last_meeting" not in parts:
                parts["last_meeting"] = self._meeting(row)
        return parts

    def _earlier_scores(self, workspace: str, user: str, ids: set[str]) -> MappingProxyType:
        """The scores `user` gave these meetings, by meeting id."""
        if not ids:
            return MappingProxyType({})
        rows = self.session.exec(
            select(EvaluationRow.meeting_id, EvaluationRow.scores).where(
                EvaluationRow.workspace == workspace,
                EvaluationRow.user == user,
                col(EvaluationRow.meeting_id).in_(ids),
            )
        ).all()
        return MappingProxyType({meeting_id: tuple(scores) for meeting_id, scores in rows})

    def _meeting(self, row: MeetingRow) -> Meeting:
        renewals = self.session.exec(
            select(RenewalRow.user, RenewalRow.outcome).where(
                RenewalRow.workspace == row.workspace, RenewalRow.meeting_id == row.meeting_id
            )
        ).all()
        return Meeting(
            meeting_id=row.meeting_id,
            started_at=row.started_at,
            started_by=row.started_by,
            status=row.status,
            ended_at=row.ended_at,
            renewals=MappingProxyType(dict(renewals)),
            reminders_sent=row.reminders_sent,
            lang=row.lang,
        )

    def _proposals(self, workspace: str, channel: str, reads: Reads) -> MappingProxyType:
        sql, where = self.store.sql, {"w": workspace, "c": channel}
        rows = []
        if reads.proposal_scopes:
            scopes = list(reads.proposal_scopes)
            rows += self.connection.execute(sql.proposals, {**where, "scopes": scopes}).all()
        if reads.proposal_of:
            latest = {**where, "u": reads.proposal_of}
            rows += self.connection.execute(sql.latest_proposal_of, latest).all()
        if reads.proposals_since:
            since = {**where, "since": reads.proposals_since}
            rows += self.connection.execute(sql.open_proposals_since, since).all()
        if reads.offered_proposals:
            rows += self.connection.execute(sql.offered_proposals, where).all()
        return MappingProxyType(
            {
                r.scope: ProposalSeen(
                    scope=r.scope,
                    message_id=r.message_id,
                    user=r.user,
                    text=r.text or "",
                    posted_at=r.posted_at,
                    stances=MappingProxyType(dict(r.stances)),
                    suggested=r.suggested,
                    stance_messages=MappingProxyType(dict(r.stance_messages or {})),
                )
                for r in rows
            }
        )

    def _watches(self, workspace: str, channel: str, reads: Reads) -> tuple[Watch, ...]:
        sql = self.store.sql
        # The watched ones include the doubtful ones: the narrow read only alone.
        if reads.watches and reads.watch_ids:
            statement = sql.watched_or_by_id
        elif reads.watches:
            statement = sql.watched
        elif reads.watch_ids:
            statement = sql.watches_by_id
        else:
            statement = sql.doubtful_watches
        params = {"w": workspace, "c": channel, "ids": list(reads.watch_ids)}
        rows = []
        if reads.watches or reads.watch_ids or reads.doubtful_watches:
            rows = self.connection.execute(statement, params).all()
        if reads.taken_back:
            seen = {r.problem_id for r in rows}
            params = {"w": workspace, "c": channel, "ids": list(reads.taken_back)}
            rows += [
                r
                for r in self.connection.execute(sql.taken_back, params).all()
                if r.problem_id not in seen
            ]
        return tuple(
            Watch(
                problem_id=r.problem_id,
                thread_id=r.thread_id,
                user=r.user,
                text=r.text or "",
                lang=r.lang,
                posted_at=r.posted_at,
                deadline=r.deadline,
                status=r.status,
                read_after=None if r.read_after is None else MappingProxyType(r.read_after),
                doubted=r.doubted,
                answered_by=r.answered_by,
                closed_at=r.closed_at,
            )
            for r in rows
        )

    def _pacing(self, workspace: str, channel: str, reads: Reads) -> Mapping[str, Pacing]:
        sql = self.store.sql
        params = {"w": workspace, "c": channel, "u": reads.pacing_of}
        statement = sql.pacing if reads.pacing else sql.pacing_of
        return MappingProxyType(
            {
                r.user: Pacing(
                    user=r.user,
                    nudged_at=r.nudged_at,
                    snoozed_until=r.snoozed_until,
                    quiet=pacing_rows.quiet_of(r.quiet_scope, r.quiet_until, r.quiet_earlier),
                    dismissals=r.dismissals,
                    dismissed_at=r.dismissed_at,
                    hinted_at=r.hinted_at,
                )
                for r in self.connection.execute(statement, params).all()
            }
        )

    def _dismissals(self, workspace: str, channel: str, user: str) -> tuple[Dismissal, ...]:
        """`user`'s latest "Not a problem"s and "It has a proposal"s here, newest first.
        (Corrections stored before migration 0009 name no message: none is read.)"""
        rows = self.session.exec(
            select(CorrectionRow)
            .where(
                CorrectionRow.workspace == workspace,
                CorrectionRow.channel == channel,
                CorrectionRow.user == user,
                or_(
                    and_(CorrectionRow.label == "problem", CorrectionRow.applies == false()),
                    and_(CorrectionRow.label == "proposal", CorrectionRow.applies == true()),
                ),
                col(CorrectionRow.message_id).is_not(None),
            )
            .order_by(col(CorrectionRow.created_at).desc(), col(CorrectionRow.id).desc())
            .limit(DISMISSALS_READ)
        ).all()
        return tuple(
            Dismissal(
                str(row.message_id), row.user, row.text, row.created_at,
                proposes=row.label == "proposal",
            )
            for row in rows
        )  # fmt: skip

    def _round(self, row: RoundRow) -> Round:
        # Plain rows, not ORM objects: each answer at a table of thousands reads them all.
        answers = self.connection.execute(
            self.store.sql.round_answers, {"w": row.workspace, "r": row.round_id}
        ).all()
        return Round(
            round_id=row.round_id,
            proposal=row.proposal,
            proposer=row.proposer,
            thread_id=row.thread_id,
            lang=row.lang,
            started_at=row.started_at,
            deadline=row.deadline,
            participants=tuple(a.user for a in answers),
            answers=MappingProxyType(
                {a.user: a.concern for a in answers if a.answered_at is not None}
            ),
            reminders_sent=row.reminders_sent,
            status=row.status,
            agreement_number=row.agreement_number,
            closed_at=row.closed_at,
            started_by=row.started_by,
            reworded=row.reworded,
            resolved=MappingProxyType(
                {a.user: a.resolved_concern for a in answers if a.resolved_concern is not None}
            ),
        )

    def take_locks(self, workspace: str, channel: str, reads: Reads, *, wait: bool = True) -> bool:
        """The locks a decision reading `reads` holds until it commits (`load` takes them
        first of all). Not to `wait`: False at once when another transaction holds one,
        and the caller ends this transaction (which lets go of what it took).

        A decision that records, reviews or revises agreements waits for any other in
        the same workspace, and then reads what it wrote: two identical /agree in two
        processes would otherwise both pass the same-words check, with numbers one
        apart, and two crossing Keep clicks would both keep. A decision that may open a
        round or a meeting waits for any other at the same table: two /meeting start at
        once would otherwise both find none open and open two, one of which would stay
        open for good. An undo of "Not a problem" waits for any other, and for an edit or
        deletion of a message, at the same table: a double click would otherwise undo
        twice, and a deletion read before the undo brought its problem back would leave
        the deleted words kept. So does a message that may open a problem, and a "Not a
        problem" (Reads.meets_taking_back). (SQLite has one writer at a time already.)"""
        if self.connection.dialect.name != "postgresql":
            return True
        keys = []
        if reads.numbering or reads.agreement_numbers:
            keys.append(f"groundrules:agreements:{workspace}")
        if reads.opening:
            keys.append(f"groundrules:opening:{workspace}:{channel}")
        if reads.dismissals_of is not None or reads.taken_back or reads.meets_taking_back:
            keys.append(f"groundrules:taking-back:{workspace}:{channel}")
        lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        for key in keys:
            taken = self.connection.execute(
                text(f"SELECT {lock}(hashtextextended(:key, 0))"), {"key": key}
            ).scalar()
            if not wait and not taken:
                return False
        return True

    def _agreements(self, workspace: str, channel: str, reads: Reads) -> dict[str, object]:
        # Numbers are counted per workspace, but an agreement belongs to its table: one
        # channel cannot see, keep, revise or retire another's (a private one, say).
        query = select(AgreementRow).where(
            AgreementRow.workspace == workspace, AgreementRow.channel == channel
        )
        if not reads.agreements:
            query = query.where(col(AgreementRow.number).in_(reads.agreement_numbers))
        rows = self.session.exec(
            query.order_by(col(AgreementRow.number), col(AgreementRow.version))
        ).all()
        agreements = tuple(_agreement(r) for r in rows)
        latest = {a.number: a for a in agreements}  # ordered by version: last one wins
        parts: dict[str, object] = {
            "agreements": agreements if reads.agreements else (),
            "agreements_by_number": MappingProxyType(latest),
        }
        if reads.agreement_numbers:
            parts["last_decisions"] = MappingProxyType(
                self._last_decisions(workspace, channel, reads.agreement_numbers)
            )
        return parts

    def _last_decisions(
        self, workspace: str, channel: str, numbers: Sequence[int]
    ) -> dict[int, ReviewDecision]:
        """Who decided these agreements' latest reviews, and when: a review button that
        crossed that decision says so."""
        rows = self.session.exec(
            select(DecisionRow)
            .where(
                DecisionRow.workspace == workspace,
                DecisionRow.channel == channel,
                col(DecisionRow.number).in_(numbers),
            )
            .order_by(col(DecisionRow.at), col(DecisionRow.id))
        ).all()
        return {r.number: ReviewDecision(r.number, r.decision, r.user, r.at) for r in rows}

    # --- applying --------------------------------------------------------------------

    def apply(self, change: act.Change) -> None:
        handler = getattr(self, "_apply_" + type(change).__name__)
        handler(change)

    def enqueue(
        self, action: act.Outbound, at: datetime, *, leased_from: datetime | None = None
    ) -> Delivery:
        """`at`: when its cause happened; the delivery lease counts from `leased_from`
        (default `at`)."""
        leased_until = (at if leased_from is None else leased_from) + DELIVERY_LEASE
        claim = new_claim()  # the process that writes it delivers it once committed
        outbox_id = self.connection.execute(
            self.store.sql.enqueue,
            {"workspace": action.workspace, "channel": action.channel,
             "payload": codec.dumps(action), "created_at": at,
             "next_attempt_at": leased_until, "attempts": 0, "claim": claim},
        ).scalar_one()  # fmt: skip
        return Delivery(outbox_id, action, at, claim, leased_until)

    def take_posted(self, workspace: str, key: str) -> str | None:
        """The message posted under `key`, which is forgotten: the caller clears it."""
        return self.connection.execute(
            delete(PostedMessage)
            .where(col(PostedMessage.workspace) == workspace, col(PostedMessage.key) == key)
            .returning(col(PostedMessage.ref))
        ).scalar()

    def _apply_NoteMember(self, c: act.NoteMember) -> None:
        key = (c.workspace, c.channel, c.user)
        if key in self.members_noted:
            return
        if not c.joined and self.store.knows_member(*key):
            return
        self.connection.execute(
            self.store.sql.note_member,
            {"workspace": c.workspace, "channel": c.channel, "user": c.user, "active": True,
             "joined_at": c.at},
        )  # fmt: skip
        self.members_noted.add(key)

    def _apply_ForgetMember(self, c: act.ForgetMember) -> None:
        self.session.exec(
            update(MemberRow)
            .where(
                MemberRow.workspace == c.workspace,
                MemberRow.channel == c.channel,
                MemberRow.user == c.user,
            )
            .values(active=False)
        )
        key = (c.workspace, c.channel, c.user)
        self.members_noted.discard(key)
        self.members_forgotten.add(key)
        with self.store._lock:
            self.store._pending_members.pop(key, None)

    def _apply_MoveTable(self, c: act.MoveTable) -> None:
        self.flush()  # what the ORM holds is written before its rows move
        moved = moves.move_table(self.connection, c.workspace, c.old_channel, c.channel)
        log.info("channel %s of %s is %s now: moved %s", c.old_channel, c.workspace, c.channel,
                 moved or "nothing")  # fmt: skip
        self._table_settings.pop((c.workspace, c.old_channel), None)
        self._table_settings.pop((c.workspace, c.channel), None)
        self.store.channel_moved(c.workspace, c.old_channel, c.channel)

    def _apply_ForgetProposal(self, c: act.ForgetProposal) -> None:
        self.session.exec(
            delete(ProposalRow).where(
                ProposalRow.workspace == c.workspace,
                ProposalRow.channel == c.channel,
                ProposalRow.message_id == c.message_id,
            )
        )

    def _apply_RewordProposal(self, c: act.RewordProposal) -> None:
        self.session.exec(
            update(ProposalRow)
            .where(
                ProposalRow.workspace == c.workspace,
                ProposalRow.channel == c.channel,
                ProposalRow.message_id == c.message_id,
                # Offered already, the offer quoted its words: the yeses were to them.
                col(ProposalRow.text).is_not(None),
                col(ProposalRow.suggested).is_(False),
                no_newer_edit(c.workspace, c.channel, c.message_id, c.at),
            )
            .values(text=c.text)
        )

    def _apply_RewordRound(self, c: act.RewordRound) -> None:
        self.session.exec(
            update(RoundRow)
            .where(
                RoundRow.workspace == c.workspace,
                RoundRow.round_id == c.round_id,
                RoundRow.status == "open",
            )
            # A typo fixed leaves the round as it was: reworded only if it was already.
            .values(proposal=c.text, **({} if c.answers_hold else {"reworded": True}))
        )

    def _apply_LeaveRound(self, c: act.LeaveRound) -> None:
        self.session.exec(
            delete(AnswerRow).where(
                AnswerRow.workspace == c.workspace,
                AnswerRow.round_id == c.round_id,
                AnswerRow.user == c.user,
                col(AnswerRow.answered_at).is_(None),
            )
        )

    def _apply_WatchProblem(self, c: act.WatchProblem) -> None:
        self.connection.execute(
            self.store.sql.watch_problem,
            {"workspace": c.workspace, "channel": c.channel, "problem_id": c.problem_id,
             "thread_id": c.thread_id, "user": c.user, "text": c.text, "lang": c.lang,
             "posted_at": c.posted_at, "deadline": c.deadline,
             "status": "joined" if c.joined else "doubtful" if c.doubtful else "open",
             "doubted": c.doubtful,
             "read_after": None if c.read_after is None else dict(c.read_after)},
        )  # fmt: skip

    def _apply_ConfirmWatch(self, c: act.ConfirmWatch) -> None:
        self.connection.execute(
            self.store.sql.confirm_watch, {"w": c.workspace, "c": c.channel, "p": c.problem_id}
        )

    def _apply_ReviseWatch(self, c: act.ReviseWatch) -> None:
        self.connection.execute(
            self.store.sql.revise_watch,
            {"w": c.workspace, "c": c.channel, "p": c.problem_id,
             "status": "doubtful" if c.doubtful else "open", "doubted": c.doubtful},
        )  # fmt: skip

    def _apply_RewordWatch(self, c: act.RewordWatch) -> None:
        self.connection.execute(
            self.store.sql.reword_watch,
            {"w": c.workspace, "c": c.channel, "p": c.problem_id, "text": c.text,
             "read_after": None if c.read_after is None else dict(c.read_after),
             "edited_at": c.at},
        )  # fmt: skip

    def _apply_ReopenWatch(self, c: act.ReopenWatch) -> None:
        self.connection.execute(
            self.store.sql.reopen_watch,
            {"w": c.workspace, "c": c.channel, "p": c.problem_id, "by": c.answered_by},
        )

    def _apply_RestoreWatch(self, c: act.RestoreWatch) -> None:
        # Nudged: its settling time stands for its nudge's, from which the retention
        # sweep counts how long its words are kept.
        closed = {} if c.nudged else {"closed_at": None}
        self.session.exec(
            update(WatchRow)
            .where(
                WatchRow.workspace == c.workspace,
                WatchRow.channel == c.channel,
                WatchRow.problem_id == c.problem_id,
                WatchRow.status == c.settled,
            )
            .values(
                status="nudged" if c.nudged else "open", text=c.text, answered_by=None, **closed
            )
        )

    def _apply_NoteDeleted(self, c: act.NoteDeleted) -> None:
        self._any_deleted[c.workspace] = True
        self.connection.execute(
            self.store.sql.note_deleted,
            {"workspace": c.workspace, "channel": c.channel, "message_id": c.message_id,
             "deleted_at": c.at},
        )  # fmt: skip

    def _apply_NotePacing(self, c: act.NotePacing) -> None:
        given = {
            name: value
            for name in ("nudged_at", "snoozed_until", "dismissals", "dismissed_at",
                         "hinted_at")
            if (value := getattr(c, name)) is not None
        }  # fmt: skip
        if c.quiet is not None:
            given |= pacing_rows.quiet_columns(c.quiet)
        if not given:
            return
        sql = self.store.sql
        row = {"workspace": c.workspace, "channel": c.channel, "user": c.user, **given}
        statement = sql.insert(sql.pacing_table).values(row)
        self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["workspace", "channel", "user"],
                set_={name: statement.excluded[name] for name in given},
            )
        )

    def _apply_NoteEdited(self, c: act.NoteEdited) -> None:
        self.connection.execute(
            self.store.sql.note_edited,
            {"workspace": c.workspace, "channel": c.channel, "message_id": c.message_id,
             "edited_at": c.at},
        )  # fmt: skip

    def _apply_PromoteWatch(self, c: act.PromoteWatch) -> None:
        self.connection.execute(
            self.store.sql.promote_watch, {"w": c.workspace, "c": c.channel, "p": c.problem_id}
        )

    def _apply_ForgetWatchText(self, c: act.ForgetWatchText) -> None:
        self.connection.execute(
            self.store.sql.forget_watch_text, {"w": c.workspace, "c": c.channel, "p": c.problem_id}
        )

    def _apply_CloseWatch(self, c: act.CloseWatch) -> None:
        self.connection.execute(
            self.store.sql.close_watch[c.keep_text],
            {"w": c.workspace, "c": c.channel, "p": c.problem_id, "status": c.outcome,
             "closed_at": c.at, "answered_by": c.answered_by},
        )  # fmt: skip

    def _apply_OpenRound(self, c: act.OpenRound) -> None:
        self.session.add(
            RoundRow(
                workspace=c.workspace,
                round_id=c.round_id,
                channel=c.channel,
                proposal=c.proposal,
                proposer=c.proposer,
                thread_id=c.thread_id,
                lang=c.lang,
                started_at=c.started_at,
                deadline=c.deadline,
                started_by=c.started_by,
            )
        )
        for position, user in enumerate(c.participants):
            self.session.add(
                AnswerRow(workspace=c.workspace, round_id=c.round_id, user=user, position=position)
            )
        self.session.flush()

    def _apply_RecordAnswer(self, c: act.RecordAnswer) -> None:
        # Through the session: the round's rows may not be flushed yet (opened just now).
        polled = self.session.execute(
            self.store.sql.record_answer,
            {"w": c.workspace, "r": c.round_id, "u": c.user, "said": c.concern, "at": c.at,
             "resolved": c.resolved},
        ).first()  # fmt: skip
        if polled is not None:
            return
        # Someone the round did not poll (its proposer, a member who joined since): their
        # row goes after the others'.
        position = self.session.exec(
            select(func.count()).where(
                AnswerRow.workspace == c.workspace, AnswerRow.round_id == c.round_id
            )
        ).one()
        self.upsert(
            AnswerRow,
            {"workspace": c.workspace, "round_id": c.round_id, "user": c.user,
             "position": position, "concern": c.concern, "answered_at": c.at,
             "resolved_concern": c.resolved},
            ("workspace", "round_id", "user"),
            {"concern": c.concern, "answered_at": c.at, "resolved_concern": c.resolved},
        )  # fmt: skip

    def _apply_NoteReminded(self, c: act.NoteReminded) -> None:
        self.session.exec(
            update(RoundRow)
            .where(RoundRow.workspace == c.workspace, RoundRow.round_id == c.round_id)
            .values(reminders_sent=RoundRow.reminders_sent + 1)
        )

    def _apply_CloseRound(self, c: act.CloseRound) -> None:
        # A withdrawn round is no closed one: no agreement takes its answers as consent.
        withdrawn = c.outcome == "withdrawn"
        self.session.exec(
            update(RoundRow)
            .where(
                RoundRow.workspace == c.workspace,
                RoundRow.round_id == c.round_id,
                RoundRow.status == "open",
            )
            .values(
                status="withdrawn" if withdrawn else "closed",
                outcome=c.outcome,
                closed_at=c.at,
                withdrawn_by=c.by if withdrawn else None,
            )
        )

    def _apply_LinkRound(self, c: act.LinkRound) -> None:
        self.session.exec(
            update(RoundRow)
            .where(RoundRow.workspace == c.workspace, RoundRow.round_id == c.round_id)
            .values(agreement_number=c.number)
        )

    def _apply_RecordAgreement(self, c: act.RecordAgreement) -> None:
        self.session.add(
            AgreementRow(
                workspace=c.workspace,
                channel=c.channel,
                number=c.number,
                version=c.version,
                text=c.text,
                why=c.why,
                recorded_by=c.recorded_by,
                owner=c.owner,
                consenters=list(c.consenters),
                concerns=[list(pair) for pair in c.concerns],
                resolved_concerns=[list(pair) for pair in c.resolved_concerns],
                review_on=c.review_on,
                lang=c.lang,
                replaces=c.replaces,
                round_id=c.round_id,
                recorded_at=c.at,
                mandates=[list(pair) for pair in c.mandates],
                lesson=c.lesson,
            )
        )
        # Surface a number taken by another process now, inside the retry.
        self.session.flush()

    def _apply_ConfigureTable(self, c: act.ConfigureTable) -> None:
        changes: dict[str, object] = {}
        if c.problem_window is not None:
            changes["problem_window_s"] = int(c.problem_window.total_seconds())
        for field in ("nudges", "language", "about", "not_about", "routing", "timezone"):
            if getattr(c, field) is not None:
                changes[field] = getattr(c, field)
        if c.quiet_hours is not None:
            changes["quiet_hours"] = None if c.quiet_hours == BOTS_QUIET_HOURS else c.quiet_hours
        self._table_settings.pop((c.workspace, c.channel), None)
        row = self.session.get(TableConfig, (c.workspace, c.channel))
        if row is None:
            row = TableConfig(workspace=c.workspace, channel=c.channel, updated_at=c.at)
        for key, value in changes.items():
            setattr(row, key, value)
        row.updated_at = c.at
        self.session.add(row)

    def _apply_NoteIntroduced(self, c: act.NoteIntroduced) -> None:
        row = self.session.get(TableConfig, (c.workspace, c.channel))
        if row is None:
            row = TableConfig(workspace=c.workspace, channel=c.channel, updated_at=c.at)
        row.introduced_at = c.at
        self.session.add(row)

    def _apply_ScheduleTimer(self, c: act.ScheduleTimer) -> None:
        earliest = self.earliest_scheduled
        self.earliest_scheduled = min(earliest or c.due, c.due)
        self.connection.execute(
            self.store.sql.schedule_timer,
            {"workspace": c.workspace, "key": c.key, "channel": c.channel, "kind": c.kind,
             "subject": c.subject, "due": c.due, "fired_at": None, "fired_by": None,
             # Written for every timer: NULL is kept for "not known" (rows set before 0028).
             "held_from": c.due if c.held_from is None else c.held_from, "held_to": c.due},
        )  # fmt: skip

    def _apply_CancelTimer(self, c: act.CancelTimer) -> None:
        self.connection.execute(self.store.sql.cancel_timer, {"w": c.workspace, "k": c.key})

    def _apply_StoreCorrection(self, c: act.StoreCorrection) -> None:
        self.session.add(
            CorrectionRow(
                workspace=c.workspace,
                channel=c.channel,
                user=c.user,
                text=c.text,
                label=c.label,
                applies=c.applies,
                created_at=c.at,
                fingerprint=c.fingerprint,
                message_id=c.message_id,
                lang=c.lang,
            )
        )

    def _apply_ForgetDismissal(self, c: act.ForgetDismissal) -> None:
        said = (
            # "It has a proposal", and the "problem" label stored with it.
            or_(
                and_(CorrectionRow.label == "proposal", CorrectionRow.applies == true()),
                and_(
                    CorrectionRow.label == "problem",
                    CorrectionRow.applies == true(),
                    CorrectionRow.created_at == c.at,
                ),
            )
            if c.proposes
            else and_(CorrectionRow.label == "problem", CorrectionRow.applies == false())
        )
        self.session.exec(
            delete(CorrectionRow).where(
                CorrectionRow.workspace == c.workspace,
                CorrectionRow.channel == c.channel,
                CorrectionRow.message_id == c.message_id,
                CorrectionRow.user == c.user,
                said,
            )
        )

    def _apply_EraseCorrectionText(self, c: act.EraseCorrectionText) -> None:
        self.session.exec(
            update(CorrectionRow)
            .where(
                CorrectionRow.workspace == c.workspace,
                CorrectionRow.channel == c.channel,
                CorrectionRow.message_id == c.message_id,
            )
            .values(text="")
        )

    def _apply_ForgetWaitingQuotes(self, c: act.ForgetWaitingQuotes) -> None:
        # Few wait at any time (they go out within moments, unless a platform is down).
        waiting = self.session.exec(
            select(OutboxRow).where(
                col(OutboxRow.delivered_at).is_(None),
                OutboxRow.workspace == c.workspace,
                OutboxRow.channel == c.channel,
            )
        ).all()
        for row in waiting:
            try:
                action = codec.loads(row.payload)
            except Exception:
                continue  # a newer version's: left to it (Store._readable)
            if act.quoted_message(action) == c.message_id:
                _set_aside(self.session, row, c.at, "not sent: its message was deleted")

    def _apply_RewordCorrection(self, c: act.RewordCorrection) -> None:
        self.session.exec(
            update(CorrectionRow)
            .where(
                CorrectionRow.workspace == c.workspace,
                CorrectionRow.channel == c.channel,
                CorrectionRow.message_id == c.message_id,
                CorrectionRow.text != "",
                no_newer_edit(c.workspace, c.channel, c.message_id, c.at),
            )
            .values(text=c.text)
        )

    # --- the whole table: charter, mandates, meetings, roles, reviews, consensus ---------

    def _apply_SetOrganisation(self, c: act.SetOrganisation) -> None:
        self.session.exec(
            update(MemberRow)
            .where(
                MemberRow.workspace == c.workspace,
                MemberRow.channel == c.channel,
                MemberRow.user == c.user,
            )
            .values(organisation=c.organisation)
        )

    def _apply_SetMandate(self, c: act.SetMandate) -> None:
        changes: dict[str, object] = {"status": c.status, "updated_at": c.at}
        if c.status == "current":
            changes["renewed_at"] = c.at
        if c.text is not None:
            changes["text"] = c.text
            self.upsert(
                MandateRow,
                {"workspace": c.workspace, "channel": c.channel, "user": c.user, **changes},
                ("workspace", "channel", "user"),
                changes,
            )
            return
        self.session.exec(
            update(MandateRow)
            .where(
                MandateRow.workspace == c.workspace,
                MandateRow.channel == c.channel,
                MandateRow.user == c.user,
            )
            .values(**changes)
        )

    def _apply_MandatesDue(self, c: act.MandatesDue) -> None:
        # A statement per chunk, not per member: a meeting's end at a table of thousands.
        for chunk in in_chunks(c.users):
            self.session.exec(
                update(MandateRow)
                .where(
                    MandateRow.workspace == c.workspace,
                    MandateRow.channel == c.channel,
                    col(MandateRow.user).in_(chunk),
                )
                .values(status="renewal_due", updated_at=c.at)
            )

    def _apply_ConfirmMandates(self, c: act.ConfirmMandates) -> None:
        """Where this member consented with their mandate pending, it is now known."""
        rows = self.session.exec(
            select(AgreementRow).where(
                AgreementRow.workspace == c.workspace,
                AgreementRow.channel == c.channel,
                AgreementRow.status == "current",
            )
        ).all()
        for row in rows:
            if any(user == c.user and mandate is None for user, mandate in row.mandates):
                row.mandates = [
                    [user, c.mandate if user == c.user and mandate is None else mandate]
                    for user, mandate in row.mandates
                ]
                self.session.add(row)

    def _apply_OpenMeeting(self, c: act.OpenMeeting) -> None:
        self.session.add(
            MeetingRow(
                workspace=c.workspace,
                meeting_id=c.meeting_id,
                channel=c.channel,
                started_at=c.at,
                started_by=c.by,
            )
        )
        self.session.flush()

    def _apply_CloseMeeting(self, c: act.CloseMeeting) -> None:
        self.session.exec(
            update(MeetingRow)
            .where(MeetingRow.workspace == c.workspace, MeetingRow.meeting_id == c.meeting_id)
            .values(status="ended", ended_at=c.at, ended_by=c.by, lang=c.lang)
        )
        for user in c.renewals:
            self.session.add(RenewalRow(workspace=c.workspace, meeting_id=c.meeting_id, user=user))
        self.session.flush()

    def _apply_RecordRenewal(self, c: act.RecordRenewal) -> None:
        self.session.exec(
            update(RenewalRow)
            .where(
                RenewalRow.workspace == c.workspace,
                RenewalRow.meeting_id == c.meeting_id,
                RenewalRow.user == c.user,
            )
            .values(outcome=c.outcome, answered_at=c.at)
        )

    def _apply_NoteMeetingReminder(self, c: act.NoteMeetingReminder) -> None:
        self.session.exec(
            update(MeetingRow)
            .where(MeetingRow.workspace == c.workspace, MeetingRow.meeting_id == c.meeting_id)
            .values(reminders_sent=MeetingRow.reminders_sent + 1)
        )

    def _apply_RecordEvaluation(self, c: act.RecordEvaluation) -> None:
        values = {"scores": list(c.scores), "comment": c.comment, "given_at": c.at}
        self.upsert(
            EvaluationRow,
            {"workspace": c.workspace, "meeting_id": c.meeting_id, "user": c.user, **values},
            ("workspace", "meeting_id", "user"),
            values,
        )

    def _apply_AddRole(self, c: act.AddRole) -> None:
        self.session.add(
            RoleRow(
                workspace=c.workspace,
                channel=c.channel,
                key=c.name.lower(),
                name=c.name,
                tasks=c.tasks,
                created_at=c.at,
            )
        )
        self.session.flush()

    def _apply_AssignRole(self, c: act.AssignRole) -> None:
        self.session.exec(
            update(RoleRow)
            .where(
                RoleRow.workspace == c.workspace,
                RoleRow.channel == c.channel,
                RoleRow.key == c.name.lower(),
            )
            .values(holder=c.user, assigned_at=c.at)
        )

    def _apply_ChangeRoleTasks(self, c: act.ChangeRoleTasks) -> None:
        self.session.exec(update(RoleRow).where(*_the_role(c)).values(tasks=c.tasks))

    def _apply_VacateRole(self, c: act.VacateRole) -> None:
        self.session.exec(
            update(RoleRow).where(*_the_role(c)).values(holder=None, assigned_at=None)
        )

    def _apply_DeleteRole(self, c: act.DeleteRole) -> None:
        self.session.exec(delete(RoleRow).where(*_the_role(c)))

    def _apply_SetAgreementStatus(self, c: act.SetAgreementStatus) -> None:
        values: dict[str, object] = {"status": c.status}
        if c.review_on is not None:
            values["review_on"] = c.review_on
        self.session.exec(
            update(AgreementRow)
            .where(
                AgreementRow.workspace == c.workspace,
                AgreementRow.channel == c.channel,
                AgreementRow.number == c.number,
                AgreementRow.version == c.version,
            )
            .values(**values)
        )

    def _apply_RecordDecision(self, c: act.RecordDecision) -> None:
        self.session.add(
            DecisionRow(
                workspace=c.workspace,
                channel=c.channel,
                number=c.number,
                decision=c.decision,
                user=c.user,
                why=c.why,
                lesson=c.lesson,
                at=c.at,
            )
        )

    def _apply_NoteProposal(self, c: act.NoteProposal) -> None:
        self.connection.execute(
            self.store.sql.note_proposal,
            {"workspace": c.workspace, "channel": c.channel, "scope": c.scope,
             "message_id": c.message_id, "user": c.user, "text": c.text, "posted_at": c.at,
             "stances": {}, "suggested": False, "stance_messages": {}},
        )  # fmt: skip

    def _apply_NoteStance(self, c: act.NoteStance) -> None:
        self.connection.execute(
            self.store.sql.note_stances,
            {"w": c.workspace, "c": c.channel, "s": c.scope, "stances": dict(c.stances),
             "messages": dict(c.messages)},
        )  # fmt: skip

    def _apply_MarkSuggested(self, c: act.MarkSuggested) -> None:
        sql = self.store.sql
        marked = sql.mark_suggested_forgotten if c.forget_text else sql.mark_suggested
        self.connection.execute(marked, {"w": c.workspace, "c": c.channel, "s": c.scope})

    def claim_due_timer(
        self, now: datetime | None, *, worker: str, prefixes: Sequence[str] | None = None
    ) -> DueTimer | None:
        """Lock the earliest due timer; other tickers skip it (FOR UPDATE SKIP LOCKED).
        Only of workspaces whose ids start with one of `prefixes` (None: of every one).

        `now` None means any pending timer (a replay draining its future).
        """
        sql = self.store.sql
        if now is None:
            row = self.connection.execute(sql.next_pending_timer).first()
        else:
            due = sql.next_due_timer
            if prefixes is not None:
                due = due.where(_workspaces_starting(sql.timer_workspace, prefixes))
            row = self.connection.execute(due, {"now": now}).first()
        if row is None:
            return None
        return DueTimer(row.workspace, row.channel, row.key, row.kind, row.subject, row.due)

    def _unread_replies(self, workspace: str, channel: str) -> tuple[UnreadReply, ...]:
        """The replies whose second reading is asked for here and not carried out yet
        (a watched problem's own reading answers nothing: left out)."""
        payloads = self.session.exec(
            select(OutboxRow.payload).where(
                OutboxRow.workspace == workspace,
                OutboxRow.channel == channel,
                col(OutboxRow.delivered_at).is_(None),
                col(OutboxRow.payload).startswith(codec.payload_prefix(act.ReadAgain)),
            )
        ).all()
        replies = []
        for payload in payloads:
            try:
                action = codec.loads(payload)
            except Exception:  # written by a newer version (Store._readable): not ours
                continue
            if isinstance(action, act.ReadAgain) and not action.watched:
                replies.append(UnreadReply(action.message_id, action.thread_id, action.posted_at))
        return tuple(replies)

    def claim_timer_again(self, timer: DueTimer) -> DueTimer | None:
        """`timer`, locked, if it is still pending as it was when first claimed: not
        fired by another ticker meanwhile, nor rescheduled (a Keep) or cancelled."""
        row = self.connection.execute(
            self.store.sql.pending_timer, {"w": timer.workspace, "k": timer.key, "d": timer.due}
        ).first()
        return None if row is None else timer

    def next_timer_due(self) -> datetime | None:
        """The earliest pending timer's due time (UTC), if any."""
        due = self.connection.execute(self.store.sql.earliest_pending_due).scalar_one()
        if isinstance(due, str):  # SQLite returns aggregates of dates as text
            due = datetime.fromisoformat(due)
        return due if due is None or due.tzinfo else due.replace(tzinfo=UTC)

    def mark_fired(self, timer: DueTimer, at: datetime, *, worker: str) -> None:
        self.connection.execute(
            self.store.sql.mark_fired,
            {"w": timer.workspace, "k": timer.key, "d": timer.due, "fired_at": at,
             "fired_by": worker},
        )  # fmt: skip


def _held_lease(workspace: str, event_id: str, claim: str) -> tuple[ColumnElement[bool], ...]:
    """Where `claim` still holds an event unconfirmed (Store.lease_event)."""
    return (
        col(ProcessedEvent.workspace) == workspace,
        col(ProcessedEvent.event_id) == event_id,
        col(ProcessedEvent.claim) == claim,
        col(ProcessedEvent.leased_until).is_not(None),
    )


def _agreement(row: AgreementRow) -> Agreement:
    return Agreement(
        number=row.number,
        text=row.text,
        why=row.why,
        owner=row.owner,
        recorded_by=row.recorded_by,
        consenters=tuple(row.consenters),
        concerns=tuple((pair[0], pair[1]) for pair in row.concerns),
        resolved_concerns=tuple((pair[0], pair[1]) for pair in row.resolved_concerns or ()),
        review_on=row.review_on,
        version=row.version,
        replaces=row.replaces,
        status=row.status,
        recorded_at=row.recorded_at,
        lang=row.lang,
        mandates=tuple((pair[0], pair[1]) for pair in row.mandates),
        channel=row.channel,
        lesson=row.lesson,
    )


def _workspaces_starting(
    workspace: ColumnElement[str], prefixes: Sequence[str] | None
) -> ColumnElement[bool]:
    """A process that serves one platform leaves the others' outbox items and timers to
    theirs (`groundrules run slack` beside `groundrules run discord`): it could not
    deliver them, and claiming would hold each for its lease."""
    if prefixes is None:
        return true()
    served = (workspace.startswith(p, autoescape=True) for p in prefixes)
    return or_(false(), *served)


def _the_role(
    c: act.ChangeRoleTasks | act.VacateRole | act.DeleteRole,
) -> tuple[ColumnElement[bool], ...]:
    """Where a role's row is: its key is its name as added, lower-cased (`_apply_AddRole`)."""
    return (
        RoleRow.workspace == c.workspace,
        RoleRow.channel == c.channel,
        RoleRow.key == c.name.lower(),
    )
