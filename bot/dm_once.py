"""Words typed in the bot's DM are answered once, however often the platform delivers them.

Slack delivers an event again when it missed the ack (X-Slack-Retry-Num), and may do so
without saying (a Socket Mode reconnect); Discord gives a message to every session of
the bot (two processes during a deploy). Like every other event, such words are claimed
by their delivery's id in processed_event (bot.store) before anything is said: only the
first delivery, in whichever process, answers. One whose answer failed before any of
it reached its author (Slack refused the post, the database stopped answering) gives
its claim back, and one the database did not answer at all claimed nothing: the
platform's retry answers either. Nothing lost, nothing twice.

The claim is leased: it holds for `LEASE`, renewed while the answer is worked on, and is
kept for good (confirmed) as soon as any of the answer reaches its author. A process that
dies before that leaves a claim that runs out by itself, so Slack's next retry (about a
minute after its first delivery, then five) answers the words; a confirmed claim is never
taken again. What is left: a process dying between its first post and the confirmation
(a few milliseconds) gets the words answered twice, and a Discord message is delivered
once per session, so a process dying there loses its answer whatever the claim does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

# Shorter than the minute before Slack's next retry, with room for clocks of processes
# a little apart (another process takes a claim over by its own clock).
LEASE = timedelta(seconds=30)
# Often enough that a renewal slow to answer still lands within the lease.
RENEW_EVERY = timedelta(seconds=10)

_ID = "dm-answer:"
_DMS = "dm:"


def answer_id(user: str, delivery: str) -> str:
    """The processed_event id of words `user` typed in the bot's DM, delivered as
    `delivery` (Slack's event id, Discord's message id). It names them (`:user:`), so
    forgetting them deletes it (bot.person_data)."""
    return f"{_ID}{user}:{delivery}"


def answer_ids_of(user: str) -> str:
    """What every `answer_id` of `user` starts with."""
    return answer_id(user, "")


def dms_of(platform: str) -> str:
    """Where the DM answers of a platform (its prefix, "discord:") whose DMs belong to no
    workspace are recorded (Discord's: a DM is with no server): beside its workspaces,
    not as one of them ("dm:discord", which no platform's prefix matches)."""
    return f"{_DMS}{platform.rstrip(':')}"


def is_dms(workspace: str) -> bool:
    """Whether `workspace` is where a platform's DM answers are recorded (`dms_of`)."""
    return workspace.startswith(_DMS)


class Lease(Protocol):
    """One delivery's claim on answering its words."""

    async def take(self) -> bool:
        """True when this delivery may answer (nobody else holds or held the claim)."""

    async def renew(self) -> bool:
        """Extend the lease; False when the claim is no longer this delivery's."""

    async def confirm(self) -> bool:
        """Keep the claim for good; False when it is no longer this delivery's."""

    async def give_back(self) -> None:
        """Free the claim: a retry answers."""


class StoredLease:
    """A delivery's claim among the processed events (bot.store), leased by `clock`."""

    def __init__(
        self, store: Store, workspace: str, event_id: str, clock: Callable[[], datetime]
    ) -> None:
        self._store, self._workspace, self._event_id = store, workspace, event_id
        self._clock, self._lease = clock, LEASE
        self._claim = uuid.uuid4().hex  # this delivery's, whichever process takes it over

    async def take(self) -> bool:
        now = self._clock()
        return await asyncio.to_thread(
            self._store.lease_event, *self._key(), now, now + self._lease
        )

    async def renew(self) -> bool:
        until = self._clock() + self._lease
        return await asyncio.to_thread(self._store.renew_event_lease, *self._key(), until)

    async def confirm(self) -> bool:
        return await asyncio.to_thread(self._store.confirm_event, *self._key())

    async def give_back(self) -> None:
        await asyncio.to_thread(self._store.release_event, *self._key())

    def _key(self) -> tuple[str, str, str]:
        return self._workspace, self._event_id, self._claim


class Answering:
    """One delivery's answer under way: `reached()` once any of it reached its author."""

    def __init__(self, confirm: Callable[[], Awaitable[bool]] | None = None) -> None:
        self.has_reached = False
        self._confirm = confirm
        self._confirming: asyncio.Task[bool] | None = None

    def reached(self) -> None:
        """Confirms the claim at once: from now on a retry must not answer again, even
        should this process die before the answer is through."""
        self.has_reached = True
        self._start_confirming()

    @property
    def confirming(self) -> bool:
        return self._confirming is not None

    def _start_confirming(self) -> None:
        if self._confirming is None and self._confirm is not None:
            self._confirming = asyncio.get_running_loop().create_task(self._confirm())

    async def confirmed(self) -> None:
        """The claim kept for good (confirmed now, if it was not yet)."""
        self._start_confirming()
        if self._confirming is None:
            return
        try:
            held = await self._confirming
        except Exception as error:  # the database does not answer: the lease runs out
            log.warning("could not confirm the claim on words typed in a DM: %s",
                        type(error).__name__)  # fmt: skip
            return
        if not held:
            log.warning("the claim on words typed in a DM ran out before it was confirmed: "
                        "they may be answered twice")  # fmt: skip


@asynccontextmanager
async def answered_once(lease: Lease) -> AsyncIterator[Answering | None]:
    """None when this delivery's words were answered already, or are being answered,
    by this process or another: nothing more to say. Else the answer under way, whose
    claim is renewed until it is confirmed (as soon as any of the answer reached its
    author, else once it is through), or given back if it fails before any of it
    reached its author."""
    if not await lease.take():
        yield None
        return
    answering = Answering(lease.confirm)
    keeping = asyncio.create_task(_keep_renewing(lease, answering, RENEW_EVERY))
    try:
        yield answering
    except Exception:
        await _stopped(keeping)
        if answering.has_reached:
            await answering.confirmed()
        else:
            try:
                await lease.give_back()
            except Exception as error:  # the database still does not answer: it runs out
                log.warning("could not give back the claim on words typed in a DM: %s",
                            type(error).__name__)  # fmt: skip
        raise
    except BaseException:  # cancelled (the process stops): the lease runs out by itself
        keeping.cancel()
        raise
    await _stopped(keeping)
    await answering.confirmed()


async def _keep_renewing(lease: Lease, answering: Answering, every: timedelta) -> None:
    """Renew the claim's lease while its answer is worked on, until it is confirmed."""
    while True:
        await asyncio.sleep(every.total_seconds())
        if answering.confirming:
            return
        try:
            held = await lease.renew()
        except Exception as error:  # tried again: the lease may yet hold
            log.warning("could not renew the claim on words typed in a DM: %s",
                        type(error).__name__)  # fmt: skip
            continue
        if not held and not answering.confirming:
            log.warning("the claim on words typed in a DM ran out while they were answered: "
                        "they may be answered twice")  # fmt: skip
            return


async def _stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
