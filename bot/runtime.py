"""The live bot: platform adapters feed events in; the runtime decides (in a worker
thread of its own, since storage is synchronous), delivers through the owning adapter,
fires due timers and re-delivers anything a crash or an outage left in the outbox.
While the database does not answer it keeps the events nobody waits on, and workspaces
removing the bot or coming back, and hands them in again, in order, once it does
(`bot.outage` tells such an outage from other failures); they are written to a spool
file as well (`bot.spool`), which the next process hands in should this one stop first.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy import text

from bot import (
    codec,
    dm_once,
    metrics,
    person_data,
    proposing,
    review_messages,
    views,
    workspaces,
)
from bot.bootstrap import Groundrules
from bot.dm_once import Answering
from bot.health import HealthServer
from bot.leases import Held, LeaseLost
from bot.liveness import Heartbeat
from bot.member_languages import MemberLanguages
from bot.models import now_utc
from bot.outage import NotRecorded, Outage
from bot.round_messages import RoundMessages, progress_of
from bot.sent_steps import Delivering, delivering
from bot.spool import DROPPED, Record, Spool, spool_folder, waiting_by_platforms
from bot.store import Delivery, TryLater, Undeliverable, ref_key
from rules.actions import (
    AnnounceReview,
    CloseReview,
    Outbound,
    PostConcernRound,
    ReadAgain,
    RoundView,
    UpdateRoundProgress,
)
from rules.events import Event, MessagePosted, RosterSynced
from rules.understanding import Message

log = logging.getLogger(__name__)

# Retention sweeps are cheap but need not run on every tick.
SWEEP_EVERY_S = 3600.0
# Second readings waiting for the encoder (about 40 ms each). Beyond this the first
# reading stands for now and the outbox offers the reading again later.
READINGS_WAITING = 200
# A form must open within the platform's 3 seconds (Slack's trigger_id, Discord's
# interaction): a table's language slower to read than this is done without.
# What a form may wait for the database within a platform's 3 seconds.
FORM_READ_WAIT_S = 1.0
# Events heard while the database did not answer, kept in memory (and the spool) until
# it does (Slack acks an event before the bot handles it, and sends it only once). Beyond
# this many the oldest go: an outage that long is an operator's to notice.
KEPT_EVENTS = 1000
# Each tick reads the notes of people forgotten (bot.person_data) from this long before
# the latest one it read: a note's time is the forgetting process's clock as it began, so
# one committed later, or written on a machine whose clock is somewhat behind, is still
# read.
FORGOTTEN_READ_AGAIN = timedelta(hours=1)
SECOND_READER_THREAD = "groundrules-second-reader"
WORKER_THREAD = "groundrules-worker"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _KeptEvent:
    """`through`: what the platform's `table_again` reads the event's table again by
    when it is handed in (adapters.slack: the installation it came through)."""

    event: Event
    platform: str
    through: str | None = None

    @property
    def what(self) -> str:
        return type(self.event).__name__


@dataclass(frozen=True, slots=True)
class _KeptChange:
    """What a platform said that is no event for the engine (a workspace removing the
    bot, coming back), as a step to store it, or a question to ask the database in order
    with the events (whether a workspace is new); each step may be taken again. `record`:
    the step as the spool holds it (`Runtime._restored` makes the step again from it);
    None for a question a new process's platform asks again itself (Discord's READY)."""

    what: str
    step: Callable[[], Awaitable[object]]
    record: Record | None = None


def second_reader_thread() -> ThreadPoolExecutor:
    """The one thread the encoder reads in, off the path of every event. Always the same
    thread: the allocator keeps an arena per thread, and readings spread over the shared
    pool's threads held 20 MB more (training/RESULTS.md)."""
    return ThreadPoolExecutor(1, thread_name_prefix=SECOND_READER_THREAD)


def worker_thread() -> ThreadPoolExecutor:
    """The one thread that decides and stores, event after event, in the order they
    came. Not asyncio's shared pool: its six threads each grew an allocator arena of
    their own, 30 MB between them after 40,000 messages (training/RESULTS.md)."""
    return ThreadPoolExecutor(1, thread_name_prefix=WORKER_THREAD)


class Adapter(Protocol):
    """A platform edge. It owns the workspaces whose ids start with `prefix`. It may also
    have `forget_cached(workspace)`, to drop what it holds of a workspace that came back
    or was forgotten (a token, the channels it is in, the rosters it sent); and, for what
    a process kept before a restart (the spool): `table_again(through, event)`, a kept
    event as it stands when handed in (None: it is no table's any more);
    `removal_heard(workspace)`, what it forgets of a removal, as given to
    `Runtime.workspace_removed`'s `also`; `change_again(record)`, the step of a change it
    kept (`Runtime.change`'s `record`)."""

    name: str
    prefix: str

    async def start(self, runtime: Runtime) -> None:
        """Connect or start serving; return once running."""

    async def stop(self) -> None: ...

    async def deliver(self, action: Outbound) -> str | None:
        """Carry out one action; return the platform's id of a message it posted."""


def kind_of(action: Outbound) -> str:
    return type(action).__name__


class Runtime:
    def __init__(
        self, app: Groundrules, adapters: Sequence[Adapter], *, spooling_for: str | None = None
    ) -> None:
        """`spooling_for`: the platforms this process's spool file is named for, if not
        those of `adapters` (`groundrules spool replay`, which serves none, keeps what
        it could not store for a process serving the platforms it came from; it says
        what it does itself, so keeping and handing in are told at INFO, its detail)."""
        self.app = app
        self.adapters = list(adapters)
        self._stopping = asyncio.Event()
        self._last_sweep = float("-inf")  # the first tick sweeps
        # Workspaces that removed the bot, and when (every tick reads them again, since
        # another process may have heard of a removal).
        self._removed: dict[str, datetime] = workspaces.removed(app.database)
        # People forgotten (bot.person_data) whose note this process read lately, and when
        # they were forgotten; each tick reads those noted since (`_read_forgotten`).
        self._forgotten: dict[tuple[str, str], datetime] = {}
        app.service.read_inline = False
        app.service.clock = now_utc
        self._readings: asyncio.Queue[Delivery] = asyncio.Queue(READINGS_WAITING)
        self.outage = Outage()
        self.member_languages = MemberLanguages(app.database)
        self.round_messages = RoundMessages(self._round_as_it_stands)
        self._kept: deque[_KeptEvent | _KeptChange] = deque()
        self._kept_handled = self._kept_dropped = 0
        # Kept events not stored: by people forgotten since (bot.person_data).
        self._kept_forgotten = 0
        # The kept thing being handed in now (`hand_in_kept`): the bound drops another.
        self._handing_in: _KeptEvent | _KeptChange | None = None
        self._keeping_told_at = logging.WARNING if spooling_for is None else logging.INFO
        platforms = spooling_for or (
            "+".join(sorted(adapter.name for adapter in self.adapters)) or "none"
        )
        self.spool = Spool(spool_folder(app.settings), platforms)
        self._reader_thread = second_reader_thread()
        self._worker = worker_thread()
        self.heartbeat = Heartbeat(app.settings.tick_interval)  # what /livez reports

    async def _in_worker(self, function: Callable[..., T], /, *args, **kwargs) -> T:
        """`asyncio.to_thread`, in the runtime's own worker."""
        call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    # --- events in ------------------------------------------------------------------

    async def submit(
        self, event: Event, *, platform: str = "unknown", keep: bool = False,
        through: str | None = None,
    ) -> list[Delivery]:  # fmt: skip
        """Decide on one event and deliver what follows. Returns what was delivered.

        Raises `NotRecorded` when it could not be decided and stored (the database did
        not answer, or a fault): the platform should tell whoever is waiting. Once
        stored, it returns, whatever became of delivering it (the outbox has that).
        `keep`: an event nobody waits on (a message) is instead kept while the database
        does not answer and handed in again once it does (`hand_in_kept`), after those
        before it; `through`: the platform's `table_again` then gives it as it stands by then.
        """
        if keep and self._kept:  # in the order they came: behind those still waiting
            self._keep(_KeptEvent(event, platform, through))
            return []
        try:
            deliveries = await self._decide(event, platform)
        except NotRecorded as error:
            if not (keep and error.unreachable):
                raise
            self._keep(_KeptEvent(event, platform, through))
            return []
        try:
            await self.deliver_all(deliveries)
        except Exception as error:  # decided and stored: the outbox delivers the rest later
            if not self.outage.noticed(error):
                log.exception("delivering what a %s decided failed; the outbox tries again",
                              type(event).__name__)  # fmt: skip
        return deliveries

    async def change(
        self, what: str, step: Callable[[], Awaitable[object]], *, record: Record | None = None
    ) -> None:
        """Store what a platform said that is no event for the engine (`what`, for the
        log): now, or, while the database does not answer, kept in order with the events
        and stored once it does. `record`: the step in JSON, {"change": kind, "workspace":
        ..., ...}, for the spool (the adapter owning the workspace makes it again with
        `change_again`). Raises `NotRecorded` only for a fault."""
        await self._change(
            _KeptChange(what, step, None if record is None else {**record, "what": what})
        )

    async def _change(self, change: _KeptChange) -> None:
        if self._kept:
            self._keep(change)
            return
        try:
            await self._take(change)
        except NotRecorded as error:
            if not error.unreachable:
                raise
            self._keep(change)

    async def _take(self, change: _KeptChange) -> None:
        try:
            await change.step()
        except Exception as error:
            self.outage.noticed(error)
            raise NotRecorded(change.what) from error
        self.outage.over()

    async def _decide(self, event: Event, platform: str) -> list[Delivery]:
        started = time.perf_counter()
        try:
            removed_at = self._removed.get(event.workspace)
            if removed_at is not None and event.at > removed_at:  # not a late retry
                await self.workspace_returned(event.workspace)
            deliveries = await self._in_worker(self.app.service.handle, event)
        except Exception as error:
            self.outage.noticed(error)
            raise NotRecorded(f"{type(event).__name__} {event.event_id}") from error
        self.outage.over()
        metrics.LATENCY.labels(platform).observe(time.perf_counter() - started)
        metrics.EVENTS.labels(platform, type(event).__name__).inc()
        return deliveries

    @property
    def kept(self) -> int:
        """Events waiting for the database to answer again."""
        return len(self._kept)

    @property
    def dropped(self) -> int:
        """Events dropped past the bound (also by processes whose spool this one took
        over) and not yet said: `hand_in_kept` says them once all is handed in."""
        return self._kept_dropped

    def _keep(self, kept: _KeptEvent | _KeptChange) -> None:
        if not self._kept:
            log.log(self._keeping_told_at, "keeping events until the database answers (at "
                    "most %d)", KEPT_EVENTS)  # fmt: skip
        dropped = len(self._kept) >= KEPT_EVENTS
        if dropped:
            self._drop_oldest()
        self._kept.append(kept)
        metrics.EVENTS_KEPT.set(len(self._kept))
        if (record := _record_of(kept)) is not None:
            self.spool.add(record)
        # The spool drops the oldest too, by writing what is kept afresh once it holds
        # twice the bound (read back, the same bound gives what memory holds).
        if dropped and self.spool.lines >= 2 * KEPT_EVENTS:
            self._spool_what_is_kept()

    def _drop_oldest(self) -> None:
        """The oldest event goes, not the one being handed in (it is stored, or kept, as
        it turns out); a workspace removing the bot or coming back stays. Said once an
        outage, when it starts; how many went, once handed in (`hand_in_kept`)."""
        waiting = (i for i, k in enumerate(self._kept)
                   if isinstance(k, _KeptEvent) and k is not self._handing_in)  # fmt: skip
        oldest = next(waiting, None)
        if oldest is None:  # only changes (and the one handed in): the oldest waiting one
            others = (i for i, k in enumerate(self._kept) if k is not self._handing_in)
            oldest = next(others, None)
        if oldest is None:  # nothing but the one handed in: it leaves soon
            return
        del self._kept[oldest]
        if not self._kept_dropped:
            log.warning("%d things kept for the database, the most kept: the oldest go from "
                        "now (how many, once it answers)", KEPT_EVENTS)  # fmt: skip
        self._kept_dropped += 1

    def _spool_what_is_kept(self) -> None:
        """The spool holds what is kept, and how many were dropped before (not yet said):
        a process taking it over says them with its own."""
        records = (_record_of(kept) for kept in self._kept)
        kept = [record for record in records if record is not None]
        note = [{DROPPED: self._kept_dropped}] if kept and self._kept_dropped else []
        self.spool.rewrite([*note, *kept])

    def take_over_spool(self, files: Sequence[Path] | None = None) -> int:
        """What processes that stopped before the database answered kept (their spool
        files; `files`: those), kept here first, in order, as if heard by this one: handed
        in once the database answers, before what this process hears. Returns how many
        (within the bound, as those processes held them). What waits for a platform this
        process does not serve is named in the log, with its counts."""
        if files is None:
            self._name_spools_waiting()
        taken = 0
        for record in self.spool.take_over(files):
            if DROPPED in record:  # dropped by a process before: said with this one's
                noted = _dropped_of(record)
                self._kept_dropped += noted
                if noted:
                    self.spool.add({DROPPED: noted})
                continue
            kept = self._restored(record)
            if kept is not None:
                self._keep(kept)
                taken += 1
        self.spool.settle_taken()
        taken = min(taken, len(self._kept))
        if taken:
            log.log(self._keeping_told_at, "%d event(s) kept before a restart, read from the "
                    "spool: handed in once the database answers", taken)  # fmt: skip
        return taken

    def _name_spools_waiting(self) -> None:
        """Once, at start: nothing a gone process kept waits on disk unseen."""
        waiting = self.spool_waiting()
        if waiting:
            counts = "; ".join(f"{count} for {platforms}" for platforms, count in waiting.items())
            log.warning("spool files in %s hold what processes serving other platforms kept "
                        "(%s): this process (%s) does not hand them in. A process serving "
                        "them does; or `groundrules spool replay` stores them now, `groundrules "
                        "spool drop` deletes them (`groundrules spool list` shows them)",
                        self.spool.folder, counts, self.spool.platforms)  # fmt: skip

    def spool_waiting(self) -> dict[str, int]:
        """What waits in spool files of platforms this process does not serve, by those
        platforms ("discord": 12): for the log at start and /healthz."""
        return waiting_by_platforms(self.spool.waiting_elsewhere())

    def _restored(self, record: Record) -> _KeptEvent | _KeptChange | None:
        """A spool line as it was kept; None (with a warning) if this version cannot
        read it."""
        try:
            if "event" in record:
                through = record.get("through")
                return _KeptEvent(
                    codec.event_of(record["event"]), str(record["platform"]),
                    None if through is None else str(through),
                )  # fmt: skip
            return self._restored_change(record)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("a line of the spool could not be read (%s); skipped", error)
            return None

    def _restored_change(self, record: Record) -> _KeptChange:
        kind, workspace = record["change"], str(record["workspace"])
        if kind == "removed":
            at = datetime.fromisoformat(str(record["at"]))
            self._removed.setdefault(workspace, at)  # as when it was heard
            self._forget_cached({workspace})
            heard = getattr(self.adapter_for(workspace), "removal_heard", None)
            return self._removal(workspace, at, heard(workspace) if heard else None)
        if kind == "returned":
            self._removed.pop(workspace, None)
            self._forget_cached({workspace})
            return self._return(workspace)
        again = getattr(self.adapter_for(workspace), "change_again", None)
        step = again(record) if again is not None else None
        if step is None:
            raise ValueError(f"no platform here makes a {kind!r} of {workspace} again")
        return _KeptChange(str(record.get("what", kind)), step, record)

    async def hand_in_kept(
        self, *, deliver: bool = True, progress: Callable[[int], None] | None = None
    ) -> int:
        """Decide on the events kept while the database did not answer, in the order
        they came; raises `NotRecorded` (keeping the rest) if it still does not. Each is
        handled once even if its first try was stored after all: an event's id is
        claimed with its effects. Returns how many were handed in. The spool then holds
        only what is still kept (none: it is removed). Not `deliver`: what follows waits
        in the outbox for a process serving its platform (`groundrules spool replay`);
        `progress`: told how many were handed in so far, after each."""
        done = taken_off = 0
        forgotten = await self._forgotten_now() if self._kept else {}
        try:
            while self._kept:
                kept = self._handing_in = self._kept[0]
                try:
                    deliveries = await self._hand_in(kept, forgotten)
                except NotRecorded as error:
                    if error.unreachable:
                        raise
                    # A fault in this event, not the database: it must not hold up the rest.
                    log.error("a kept %s could not be handled; dropped", kept.what,
                              exc_info=error.__cause__)  # fmt: skip
                    self._kept.popleft()
                    taken_off += 1
                    metrics.EVENTS_KEPT.set(len(self._kept))
                    continue
                finally:
                    self._handing_in = None
                # Still the first: what was heard meanwhile went behind it, and past the
                # bound the oldest other went.
                self._kept.popleft()
                taken_off += 1
                metrics.EVENTS_KEPT.set(len(self._kept))
                self._kept_handled += 1
                done += 1
                if progress is not None:
                    progress(done)
                if deliver:
                    await self.deliver_all(deliveries)
        finally:
            if taken_off:  # a restart must not hand in again what is stored
                self._spool_what_is_kept()
        if self._kept_handled or self._kept_dropped:
            log.info("handled %d event(s) kept while the database did not answer%s",
                     self._kept_handled,
                     f"; {self._kept_dropped} older one(s) were dropped" if self._kept_dropped
                     else "")  # fmt: skip
            self._kept_handled = self._kept_dropped = 0
        if self._kept_forgotten:
            log.info("%d of them by people forgotten since were not stored",
                     self._kept_forgotten)  # fmt: skip
            self._kept_forgotten = 0
        return done

    async def _hand_in(
        self, kept: _KeptEvent | _KeptChange, forgotten: Mapping[tuple[str, str], datetime]
    ) -> list[Delivery]:
        if isinstance(kept, _KeptChange):
            await self._take(kept)
            return []
        event = self._unless_forgotten(kept.event, forgotten)
        again = self._table_again(kept)
        if again is not None and event is not None:
            try:
                event = await again(event)
            except Exception as error:
                self.outage.noticed(error)
                raise NotRecorded(f"{kept.what} {kept.event.event_id}") from error
            if event is not None:  # its table's home may be where they were forgotten
                event = self._unless_forgotten(event, forgotten)
        if event is None:  # no table's any more (its home removed the bot, say)
            return []
        return await self._decide(event, kept.platform)

    def _unless_forgotten(
        self, event: Event, forgotten: Mapping[tuple[str, str], datetime]
    ) -> Event | None:
        """`_without_forgotten`, counting those not stored for `hand_in_kept` to say."""
        kept = _without_forgotten(event, forgotten)
        if kept is None:
            self._kept_forgotten += 1
        return kept

    async def _forgotten_now(self) -> dict[tuple[str, str], datetime]:
        """Every person forgotten as the notes stand (bot.person_data), read once for
        handing in what was kept: their events from before it are not stored."""
        try:
            return await self._in_worker(person_data.forgotten, self.app.database)
        except Exception as error:
            self.outage.noticed(error)
            raise NotRecorded("reading who was forgotten") from error

    def _table_again(self, kept: _KeptEvent) -> Callable[[Event], Awaitable[Event | None]] | None:
        if kept.through is None:
            return None
        adapter = next((a for a in self.adapters if a.name == kept.platform), None)
        again = getattr(adapter, "table_again", None)
        return None if again is None else functools.partial(again, kept.through)

    # --- workspaces coming and going -------------------------------------------------

    async def workspace_removed(
        self, workspace: str, *, at: datetime | None = None,
        also: Callable[[datetime], Awaitable[bool]] | None = None,
    ) -> None:  # fmt: skip
        """A platform says `workspace` removed the bot (at `at` if it says when: a retry
        comes late; else now): its data goes after the grace period
        (GROUNDRULES_REMOVED_RETENTION) unless the bot is back before. `also`: what the
        platform forgets of it in the database (given when it was removed), first; False
        if the bot was added again since, which leaves the removal moot. While the
        database does not answer it is kept with the events, in order."""
        at = at or now_utc()
        # Known here before it is written: from then on nothing is sent there, and a
        # message back (a re-install) finds it to cancel.
        self._removed.setdefault(workspace, at)
        await self._change(self._removal(workspace, at, also))

    def _removal(
        self, workspace: str, at: datetime,
        also: Callable[[datetime], Awaitable[bool]] | None,
    ) -> _KeptChange:  # fmt: skip
        return _KeptChange(
            f"removal from {workspace}",
            functools.partial(self._mark_removed, workspace, at, also),
            {"change": "removed", "workspace": workspace, "at": at.isoformat()},
        )  # fmt: skip

    async def _mark_removed(
        self, workspace: str, at: datetime,
        also: Callable[[datetime], Awaitable[bool]] | None = None,
    ) -> None:  # fmt: skip
        self._removed.setdefault(workspace, at)  # a tick may have read it over meanwhile
        if also is not None and not await also(at):
            self._removed.pop(workspace, None)
            return
        await self._in_worker(workspaces.mark_removed, self.app.database, workspace, at)
        log.info("removed from %s: its data is deleted after %s unless the bot is back",
                 workspace, self.app.settings.removed_retention)  # fmt: skip

    def has_removed(self, workspace: str) -> bool:
        """Whether `workspace` removed the bot, as this process last heard."""
        return workspace in self._removed

    async def workspace_returned(self, workspace: str, *, keep: bool = False) -> None:
        """The bot is back in `workspace`. `keep`: told by the platform rather than found
        by an event being decided, so kept like a removal (and after one still kept)."""
        if not keep:
            await self._mark_returned(workspace)
            return
        self._removed.pop(workspace, None)
        self._forget_cached({workspace})
        await self._change(self._return(workspace))

    def _return(self, workspace: str) -> _KeptChange:
        return _KeptChange(
            f"return to {workspace}", functools.partial(self._mark_returned, workspace),
            {"change": "returned", "workspace": workspace},
        )  # fmt: skip

    async def _mark_returned(self, workspace: str) -> None:
        self._removed.pop(workspace, None)
        # What was heard before the removal may be stale: who is in which channel, a token.
        self._forget_cached({workspace})
        if await self._in_worker(workspaces.mark_returned, self.app.database, workspace):
            log.info("back in %s: its data stays", workspace)

    async def workspaces_listed(self, prefix: str, listed: AbstractSet[str]) -> None:
        """A platform listed every workspace of its own (`prefix`) that the bot is in
        now, as Discord's READY does on connecting. One with data here that the list
        leaves out removed the bot while no process was connected to hear it: its grace
        period starts now, as for a removal heard live. One listed that was marked removed
        has the bot back, unless it was removed after the list was made (heard live
        meanwhile). Kept like a removal while the database does not answer."""
        at = now_utc()

        async def settle() -> None:
            holding = await self._in_worker(workspaces.holding, self.app.database, prefix)
            removed = await self._in_worker(workspaces.removed, self.app.database)
            for workspace in sorted(holding - set(listed) - set(removed)):
                await self._mark_removed(workspace, at)
            for workspace in sorted(w for w in listed if w in removed and removed[w] < at):
                await self._mark_returned(workspace)

        await self.change(f"the workspaces {prefix} lists", settle)

    async def never_heard_of(
        self, workspace: str, *, if_new_later: Callable[[], Awaitable[object]] | None = None
    ) -> bool | None:
        """Whether the database holds nothing at all of `workspace`: no table, member or
        removal. A platform that adds the bot with no process connected tells only by
        listing it, so this is how such a workspace is told from one known for long.

        None when it cannot be told now: the database does not answer, or events wait to
        be stored (one may be of it). Then, given `if_new_later`, the question is kept in
        order with those events and asked again once the database answers, before what is
        kept after it (its rosters, which make it known) is stored: `if_new_later` is
        called if nothing of it was stored by then. False for a fault: better no
        introduction than one to a known table."""
        if not self._kept:
            try:
                held = await self._in_worker(workspaces.holds, self.app.database, workspace)
            except Exception as error:
                if not self.outage.noticed(error):
                    log.exception("could not tell whether %s is new", workspace)
                    return False
            else:
                self.outage.over()
                return not held
        if if_new_later is not None:
            self._keep(_KeptChange(
                f"whether {workspace} is new",
                functools.partial(self._if_never_heard_of, workspace, if_new_later),
            ))  # fmt: skip
        return None

    async def _if_never_heard_of(
        self, workspace: str, then: Callable[[], Awaitable[object]]
    ) -> None:  # fmt: skip
        if not await self._in_worker(workspaces.holds, self.app.database, workspace):
            await then()

    async def forget_removed_workspaces(self, now: datetime) -> None:
        """Delete the data of workspaces removed longer than the grace period ago (as
        this tick read the removals)."""
        retention = self.app.settings.removed_retention
        expired = sorted(w for w, at in self._removed.items() if at < now - retention)
        for workspace in expired:
            deleted = await self._in_worker(self.app.store.forget_workspace, workspace)
            self._removed.pop(workspace, None)
            self._forget_cached({workspace})
            log.info("forgot %s, removed over %s ago: %s", workspace, retention, deleted)

    async def _read_forgotten(self) -> None:
        """The people forgotten since this process last read (at first, all whose note is
        kept), perhaps by another process (`groundrules person forget`): what it holds of
        each goes (`_forget_person`)."""
        since = max(self._forgotten.values(), default=None)
        if since is not None:
            since -= FORGOTTEN_READ_AGAIN
            # Those not read again need not be told apart from new ones: bounded.
            self._forgotten = {key: at for key, at in self._forgotten.items() if at >= since}
        read = await self._in_worker(person_data.forgotten, self.app.database, since)
        new = {key: at for key, at in read.items() if self._forgotten.get(key) != at}
        self._forgotten.update(new)
        for (workspace, user), at in sorted(new.items(), key=lambda item: item[1]):
            self._forget_person(workspace, user, at)

    def _forget_person(self, workspace: str, user: str, at: datetime) -> None:
        """`user` was forgotten in `workspace` at `at`: the store, the client languages and
        the adapters drop what they hold of them (ids only in the log)."""
        notes, tables = self.app.store.forget_person(workspace, user, at)
        self.member_languages.forget_person(workspace, user)
        for adapter in self.adapters:
            forget = getattr(adapter, "forget_person", None)
            if forget is not None and workspace.startswith(adapter.prefix):
                forget(workspace, user)
        if notes or tables:  # a process that just started held nothing: no word of each
            log.info("%s was forgotten in %s: dropped what this process held of them (%d "
                     "member note(s) not yet written, known at %d table(s))", user, workspace,
                     notes, tables)  # fmt: skip

    async def _read_removals(self) -> None:
        current = await self._in_worker(workspaces.removed, self.app.database)
        if settled := set(self._removed) - set(current):  # back, or forgotten elsewhere
            self._forget_cached(settled)
        self._removed = current

    async def _still_removed(self, workspace: str) -> bool:
        """Whether `workspace` still has the bot removed, as the database says now: another
        process may have seen it come back since this one last read the removals."""
        if await self._in_worker(workspaces.removed_at, self.app.database, workspace) is not None:
            return True
        self._removed.pop(workspace, None)
        self._forget_cached({workspace})
        return False

    def _forget_cached(self, names: set[str]) -> None:
        """Workspaces that came back or were forgotten: the store and the adapters read
        again what they held of them."""
        self.app.store.forget_cached(names)
        self.member_languages.forget(names)
        for adapter in self.adapters:
            forget = getattr(adapter, "forget_cached", None)
            for workspace in names:
                if forget is not None and workspace.startswith(adapter.prefix):
                    forget(workspace)

    # --- actions out ----------------------------------------------------------------

    def adapter_for(self, workspace: str) -> Adapter | None:
        return next((a for a in self.adapters if workspace.startswith(a.prefix)), None)

    async def deliver_all(
        self, deliveries: Sequence[Delivery], *, progress: Callable[[], None] = lambda: None
    ) -> None:
        """One after another, in order, each only while it is still this process's to
        deliver: their leases are renewed meanwhile (bot.leases). `progress` after each."""
        if not deliveries:
            return
        held = Held(self.app.store, deliveries, clock=now_utc, unreachable=self.outage.noticed)
        keeping = asyncio.create_task(held.keep())
        try:
            for delivery in deliveries:
                if held.ours(delivery):
                    await self.deliver(delivery, held)
                else:
                    _taken_over(delivery)
                held.done(delivery)
                progress()
        finally:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping

    async def deliver(self, delivery: Delivery, held: Held) -> None:
        action = delivery.action
        if isinstance(action, ReadAgain):
            self._queue_reading(delivery)
            return
        if action.workspace in self._removed and await self._still_removed(action.workspace):
            # Its tokens are gone: trying would only fail, eight times over two hours.
            await self._note(
                self.app.store.mark_abandoned, delivery.outbox_id, now_utc(),
                "the workspace removed the bot",
            )  # fmt: skip
            return
        if isinstance(action, CloseReview):
            action = await self._in_worker(
                review_messages.in_its_language, self.app.database, action
            )
        if isinstance(action, PostConcernRound | UpdateRoundProgress):
            # One at a time per round, each as the round stands (bot.round_messages).
            async with self.round_messages.turn(action) as current:
                if self.round_messages.shown_already(current):
                    await self._note(self.app.store.mark_delivered, delivery.outbox_id, now_utc())
                    return
                await self._carry_out(delivery, held, current)
            return
        await self._carry_out(delivery, held, action)

    async def _carry_out(self, delivery: Delivery, held: Held, action: Outbound) -> None:
        adapter = self.adapter_for(action.workspace)
        if adapter is None:
            log.warning("no adapter for workspace %s; %s stays in the outbox",
                        action.workspace, kind_of(action))  # fmt: skip
            return
        under_way = self._under_way(delivery, action)
        try:
            async with held.sending(delivery):
                with delivering(under_way):
                    ref = await adapter.deliver(action)
                if isinstance(action, PostConcernRound | UpdateRoundProgress):
                    self.round_messages.landed(action)
                if isinstance(action, UpdateRoundProgress):  # a failure here: tried again
                    await self.round_messages.settle(action, adapter.deliver)
        except LeaseLost:  # what was sent stays sent; the rest is the other process's
            _taken_over(delivery)
            return
        except Undeliverable as error:  # trying again would fail the same way
            log.warning("%s not delivered: %s", kind_of(action), error)
            metrics.UNDELIVERABLE.labels(adapter.name, kind_of(action), error.code or "other").inc()
            await self._note(
                self.app.store.mark_abandoned, delivery.outbox_id, now_utc(), str(error)
            )
            return
        except TryLater as error:  # the platform asks for time: the rest goes later
            log.info("delivering %s paused: %s", kind_of(action), error)
            at = now_utc()
            await self._note(
                self.app.store.mark_failed, delivery.outbox_id, at, str(error),
                not_before=at + error.after, progressed=under_way.progressed,
            )  # fmt: skip
            return
        except Exception as error:  # a platform outage must not lose the action
            log.warning("delivering %s failed: %s", kind_of(action), type(error).__name__)
            metrics.DELIVERY_FAILURES.labels(adapter.name, kind_of(action)).inc()
            await self._note(self.app.store.mark_failed, delivery.outbox_id, now_utc(), repr(error))
            return
        metrics.ACTIONS.labels(adapter.name, kind_of(action)).inc()
        await self._note(
            self.app.store.mark_delivered,
            delivery.outbox_id,
            now_utc(),
            ref_key=ref_key(action),
            ref=ref,
            lang=action.lang,
            steps_on_record=under_way.on_record,
        )
        if isinstance(action, PostConcernRound):
            await self._settle_post(adapter, action)
        if isinstance(action, AnnounceReview) and ref is not None:
            await self._close_if_decided_meanwhile(adapter, action)

    def _under_way(self, delivery: Delivery, action: Outbound) -> Delivering:
        """`action`, the outbox item `delivery`'s, as it is being delivered: each of its
        steps that reaches the platform is put on record at once, and a retry reads them
        first (bot.sent_steps)."""
        store, workspace, outbox_id = self.app.store, action.workspace, delivery.outbox_id

        async def note(steps: Mapping[str, str | None]) -> None:
            await self._in_worker(store.note_sent, workspace, outbox_id, dict(steps))

        async def load() -> dict[str, str | None]:
            return await self._in_worker(store.sent_steps, workspace, outbox_id)

        key = f"{workspace}:{outbox_id}"
        return Delivering(action, note, load if delivery.again else None, key)

    async def _note(self, mark: Callable[..., object], /, *args, **kwargs) -> None:
        """Store how a delivery went. While the database does not answer it is not
        stored (the outage is noticed): the item's lease runs out and the outbox offers
        it again, so nothing is lost; a public post or a DM is not sent twice for it (its
        going out is on record first: bot.sent_steps), an ephemeral message may be."""
        try:
            await self._in_worker(mark, *args, **kwargs)
        except Exception as error:
            if not self.outage.noticed(error):
                raise

    async def _settle_post(self, adapter: Adapter, post: PostConcernRound) -> None:
        """A round answered while its post was on its way (an update then found no message
        to edit) shows that answer; if showing it fails, the outbox shows it later."""
        try:
            await self.round_messages.settle(post, adapter.deliver)
        except Exception as error:
            if not self.outage.noticed(error):
                log.warning("updating a concern round just posted failed: %s",
                            type(error).__name__)  # fmt: skip
            # Its delivery reads the round as it stands then.
            await self._note(self.app.store.enqueue, progress_of(post), now_utc())

    async def _round_as_it_stands(
        self, workspace: str, round_id: str
    ) -> tuple[RoundView, str] | None:
        return await self._in_worker(self.app.store.round_as_it_stands, workspace, round_id)

    async def _close_if_decided_meanwhile(self, adapter: Adapter, posted: AnnounceReview) -> None:
        """A review decided while its message was being posted (the decision's close
        found no message to edit yet) is closed now: its buttons would only say
        "Already decided". Asked only once the message is remembered, so that one of
        the two closes it."""
        try:
            close = await self._in_worker(
                review_messages.decided_meanwhile, self.app.database, posted
            )
            if close is not None:
                await adapter.deliver(close)
        except Exception as error:  # the review stands; a click on it is told the decision
            if not self.outage.noticed(error):
                log.warning("closing a review decided meanwhile failed: %s", type(error).__name__)

    # --- second readings -----------------------------------------------------------

    def _queue_reading(self, delivery: Delivery) -> None:
        try:
            self._readings.put_nowait(delivery)
        except asyncio.QueueFull:
            # Its outbox row stays undelivered: a later tick offers it again.
            metrics.SECOND_READINGS.labels("deferred").inc()

    async def read_waiting(self) -> int:
        """Carry out the second readings queued so far; returns how many."""
        done = 0
        while not self._readings.empty():
            await self._read(self._readings.get_nowait())
            done += 1
        return done

    async def run_second_reader(self) -> None:
        while True:
            await self._read(await self._readings.get())

    async def _read(self, delivery: Delivery) -> None:
        try:
            followed = await asyncio.get_running_loop().run_in_executor(
                self._reader_thread, self.app.service.read_again, delivery, now_utc()
            )
        except Exception as error:
            # The first reading stands; the outbox offers this reading again later (its
            # lease runs out if the database cannot even be told it failed).
            if self.outage.noticed(error):
                return
            log.exception("second reading in %s failed", delivery.action.workspace)
            try:
                await self._in_worker(
                    self.app.store.mark_failed, delivery.outbox_id, now_utc(), repr(error)
                )
            except Exception as failed:  # the reader reads on: it must not end here
                if not self.outage.noticed(failed):
                    log.exception("marking a failed second reading failed")
            return
        metrics.SECOND_READINGS.labels("done").inc()
        # From the message's own time: a reading offered again after a restart counts whole.
        lag = (now_utc() - delivery.at).total_seconds()
        metrics.SECOND_READING_LAG.observe(max(lag, 0.0))
        await self.deliver_all(followed)

    async def message_ref(self, workspace: str, key: str, *fallbacks: str) -> str | None:
        return await self._in_worker(self.app.store.message_ref, workspace, key, *fallbacks)

    async def table_language(self, workspace: str, channel: str) -> str | None:
        """The language a table speaks whatever people type, for a form an adapter opens
        before the engine hears of it: its /table language, else the bot's configured one;
        None when neither is set, or when the read is slow."""
        chosen = await self._read_for_a_form(
            "a table's language", views.table_language, workspace, channel
        )
        return chosen or self.app.settings.language

    async def remember_client_language(self, workspace: str, user: str, lang: str) -> None:
        """`user`'s client speaks `lang` in `workspace` (bot.member_languages). Best
        effort, beside the worker: a database that does not answer now loses it, and
        the member's next command, button or form tells it again."""
        try:
            await asyncio.to_thread(self.member_languages.remember, workspace, user, lang)
        except Exception as error:
            if not self.outage.noticed(error):
                log.exception("remembering a member's client language failed")

    async def client_languages(self, workspace: str, users: Sequence[str]) -> dict[str, str]:
        """The remembered client language of each of `users` who has one, for a DM that
        answers none of their interactions (bot.member_languages)."""
        return await asyncio.to_thread(self.member_languages.of, workspace, users)

    async def table_roles(self, workspace: str, channel: str) -> frozenset[str] | None:
        """A table's role names (lower-cased), for a form to check before the platform's
        3 seconds are up; None when the read is slow (the engine checks them anyway)."""
        return await self._read_for_a_form("a table's roles", views.table_roles, workspace, channel)

    async def reads_as_proposal(self, posted: MessagePosted) -> bool:
        """Whether the engine takes `posted`'s words for a proposal (words written
        elsewhere, a nudge answered in a DM, before they are posted at the table)."""

        def read() -> bool:
            understood = self.app.service.engine.interpret(posted)
            return isinstance(understood, Message) and understood.is_proposal

        return await self._in_worker(read)

    def answering_dm(
        self, workspace: str, answer_id: str
    ) -> contextlib.AbstractAsyncContextManager[Answering | None]:
        """Words typed in the bot's DM, answered once (bot.dm_once): `answer_id` claimed
        among `workspace`'s processed events; None when it was already."""
        return dm_once.answered_once(
            dm_once.StoredLease(self.app.store, workspace, answer_id, clock=now_utc)
        )

    async def claim_proposal(
        self, workspace: str, channel: str, problem_id: str
    ) -> proposing.Claim | None:
        """Whether this process may post the proposal a nudge's form carries: its claim,
        or None when the problem waits for none or another form posts one now
        (bot.proposing)."""
        return await asyncio.to_thread(
            proposing.claim, self.app.database, workspace, channel, problem_id, now_utc()
        )

    async def release_proposal(
        self, workspace: str, channel: str, problem_id: str, until: datetime
    ) -> None:
        """The proposal could not be posted: another form may try."""
        await asyncio.to_thread(
            proposing.release, self.app.database, workspace, channel, problem_id, until
        )

    async def proposal_outcome_unknown(
        self, workspace: str, channel: str, problem_id: str, until: datetime
    ) -> None:
        """The proposal's post may have gone out (its answer was lost): the next form
        looks for it before posting (bot.proposing.outcome_unknown)."""
        await asyncio.to_thread(
            proposing.outcome_unknown, self.app.database, workspace, channel, problem_id, until
        )

    async def _read_for_a_form(self, what: str, read: Callable[..., T], *args: str) -> T | None:
        """A quick read for a form, beside the worker so that a busy engine does not hold
        it up; None when it takes longer than the form can wait."""
        try:
            async with asyncio.timeout(FORM_READ_WAIT_S):
                return await asyncio.to_thread(read, self.app.database, *args)
        except TimeoutError:
            log.warning("reading %s took over %ss; the form goes without it", what,
                        FORM_READ_WAIT_S)  # fmt: skip
            return None
        except Exception as error:  # the form opens; its submission will say if it failed
            if not self.outage.noticed(error):
                raise
            return None

    # --- time -----------------------------------------------------------------------

    async def tick(self) -> int:
        """Fire due timers, retry undelivered actions, sweep old data. Returns actions sent.
        Each start, delivery and end shows /livez that the process moves (bot.liveness)."""
        self.heartbeat.beat()
        try:
            return await self._tick()
        finally:
            self.heartbeat.beat()

    async def _tick(self) -> int:
        now = now_utc()
        # First: what fires now is delivered, or set aside, as the removals stand now.
        await self._read_removals()
        # Before any buffered member note is written: of people forgotten, none goes back.
        await self._read_forgotten()
        # What was heard while the database did not answer: it came before any timer.
        await self.hand_in_kept()
        # Sweeping first: what waited in the outbox past the retention period is given
        # up before it could be sent stale (a platform configured again, say).
        sweep = time.monotonic() - self._last_sweep > SWEEP_EVERY_S
        if sweep:
            self._last_sweep = time.monotonic()
            settings = self.app.settings
            swept = await self._in_worker(
                self.app.store.sweep,
                now,
                settings.retention,
                settings.correction_retention,
                settings.nudge_pacing,
            )
            noted = await self._in_worker(
                person_data.forget_notes_before,
                self.app.database,
                now - settings.forgotten_retention,
            )
            if noted:
                swept = {**swept, "forgotten_person": noted}
            log.info("retention sweep: %s", swept)
        # Only the timers and outbox items of the platforms this process serves: another
        # process (groundrules run discord beside groundrules run slack) delivers the rest.
        served = [adapter.prefix for adapter in self.adapters]
        fired = await self._in_worker(self.app.service.fire_due_timers, now, prefixes=served)
        if fired:
            metrics.TIMERS.inc(len(fired))
        await self._in_worker(self.app.store.flush)
        try:
            pending = await self._in_worker(self.app.store.claim_undelivered, now, prefixes=served)
        except Exception as error:  # what the timers just said goes out all the same
            if not self.outage.noticed(error):
                log.exception("claiming undelivered outbox items failed; trying again next tick")
            pending = []
        # In the order they were decided: a round's post that waited in the outbox goes
        # before the summary its deadline just wrote.
        await self.deliver_all(
            sorted([*fired, *pending], key=lambda d: d.outbox_id), progress=self.heartbeat.beat
        )
        if sweep:
            await self.forget_removed_workspaces(now)
        return len(fired) + len(pending)

    async def run_ticker(self) -> None:
        interval = self.app.settings.tick_interval.total_seconds()
        while not self._stopping.is_set():
            failures = self.outage.failures
            try:
                await self.tick()
            except Exception as error:
                if self.outage.noticed(error):
                    self.outage.missed_tick()
                else:
                    log.exception("tick failed; trying again next time")
            else:
                # A tick that went on past a step the database did not answer (claiming
                # the outbox, say) is no sign that it answers again.
                if self.outage.failures == failures:
                    self.outage.over()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=interval)

    # --- life cycle -------------------------------------------------------------------

    def healthy(self) -> bool:
        """The database answers: what /healthz reports."""
        try:
            with self.app.database.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def run(self) -> None:
        """Start every adapter and the ticker; run until `stop()`."""
        health = None
        if not any(getattr(adapter, "serves_http", False) for adapter in self.adapters):
            health = HealthServer(
                self.healthy, port=self.app.settings.http_port, heartbeat=self.heartbeat,
                waiting=self.spool_waiting,
            )  # fmt: skip
            await health.start()
        # What a process stopped during an outage kept comes before anything heard now.
        self.take_over_spool()
        started: list[Adapter] = []
        tasks: list[asyncio.Task[None]] = []
        try:
            if not await self._started(started):
                return
            tasks.append(asyncio.create_task(self.run_ticker()))
            if self.app.second_reader is not None:
                tasks.append(asyncio.create_task(self.run_second_reader()))
            await self._stopping.wait()
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self._reader_thread.shutdown(wait=False, cancel_futures=True)
            ended: SystemExit | None = None
            for adapter in reversed(started):
                try:
                    await adapter.stop()
                except SystemExit as refused:  # a platform that let the bot go mid-run
                    ended = refused
            # What the adapters handed in before they stopped is decided and stored.
            await asyncio.get_running_loop().run_in_executor(None, self._worker.shutdown)
            if self._kept and self.spool.path is not None:
                log.warning("%d event(s) kept for the database stay in %s: the next start "
                            "hands them in", len(self._kept), self.spool.path)  # fmt: skip
            self.spool.close()
            if health is not None:
                await health.stop()
            if ended is not None:  # said once all is stored and let go
                raise ended

    async def _started(self, started: list[Adapter]) -> bool:
        """Start the adapters in turn, each added to `started` as it begins (to be
        stopped, whatever became of its start); False when `stop()` came first. A start
        may wait for its platform for minutes (Slack's Socket Mode tries again for
        ever): it is cancelled then, not waited for."""

        async def start_all() -> SystemExit | None:
            for adapter in self.adapters:
                started.append(adapter)
                try:
                    await adapter.start(self)
                except SystemExit as refused:  # raised in a task, it would end the loop
                    return refused
                log.info("%s adapter running", adapter.name)
            return None

        starting = asyncio.create_task(start_all(), name="groundrules-start")
        stopping = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not starting.done():
                starting.cancel()
                if started:
                    log.info("stopped while the %s adapter was starting", started[-1].name)
            with contextlib.suppress(asyncio.CancelledError):
                await starting  # a start's own error ends the run here
        if starting.cancelled():
            return False
        if (refused := starting.result()) is not None:  # a platform's one-line refusal
            raise refused
        return True

    def stop(self) -> None:
        self._stopping.set()

    def close(self) -> None:
        """A runtime that never ran (`groundrules spool replay`) lets its threads and
        its spool file go; what it still keeps stays on disk."""
        self._reader_thread.shutdown(wait=False, cancel_futures=True)
        self._worker.shutdown()
        self.spool.close()


def _dropped_of(record: Record) -> int:
    """How many a spool's note of dropped events says (0: a note this cannot read)."""
    try:
        return max(int(str(record[DROPPED])), 0)
    except ValueError:
        log.warning("a note of dropped events in the spool could not be read; skipped")
        return 0


def _record_of(kept: _KeptEvent | _KeptChange) -> Record | None:
    """`kept` as a spool line; None: a question a new process asks again itself."""
    if isinstance(kept, _KeptChange):
        return kept.record
    record: Record = {"event": codec.event_data(kept.event), "platform": kept.platform}
    if kept.through is not None:
        record["through"] = kept.through
    return record


def _without_forgotten(event: Event, forgotten: Mapping[tuple[str, str], datetime]) -> Event | None:
    """`event` as it may be stored, people forgotten since it happened taken out: none if
    it is by one of them (their words, command or click, their joining or leaving), a
    table's member list without them."""
    if not forgotten:
        return event

    def since(user: str) -> bool:
        at = forgotten.get((event.workspace, user))
        return at is not None and event.at <= at

    user = getattr(event, "user", None)
    if isinstance(user, str) and since(user):
        return None
    if isinstance(event, RosterSynced) and any(map(since, event.members)):
        return replace(event, members=frozenset(m for m in event.members if not since(m)))
    return event


def _taken_over(delivery: Delivery) -> None:
    log.warning("outbox item %s (%s) is no longer this process's to deliver: its lease ran out",
                delivery.outbox_id, kind_of(delivery.action))  # fmt: skip
