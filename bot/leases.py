"""Outbox items stay claimed while this process delivers them, and only while.

Delivering can take long: a platform's client waits out a rate limit (Slack's
Retry-After, more than once), and a tick delivers many overdue items one after
another. Had an item's lease run out meanwhile, another process would deliver it too.
So while a batch is being delivered, the leases of its items not yet done are renewed
every `RENEW_EVERY`, as long as each claim is still the one this process made
(outbox.claim). An item is this process's until `MARGIN` before its lease ends as last
renewed: one whose lease could not be renewed in time, or whose claim another process
took over, is left to that one, and the sending of it, if under way, is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta

import bot.store
from bot.store import Delivery, Store

log = logging.getLogger(__name__)

RENEW_EVERY = timedelta(seconds=20)
# Room for a renewal that is slow to answer, and for clocks of processes a little apart
# (another process takes an item over by its own clock).
MARGIN = timedelta(seconds=20)


class LeaseLost(Exception):
    """The item's claim is no longer this process's: another one delivers it."""


class Held:
    """The claims of one batch of deliveries, renewed while it is being delivered."""

    def __init__(
        self,
        store: Store,
        deliveries: Sequence[Delivery],
        clock: Callable[[], datetime],
        unreachable: Callable[[BaseException], bool] = lambda error: False,
    ):
        """`unreachable`: whether an error means the database does not answer (the
        runtime's `Outage.noticed`, which logs that once)."""
        self._store = store
        self._clock = clock
        self._unreachable = unreachable
        self._time = asyncio.get_running_loop().time
        # Claim -> until when it is ours, in the event loop's time.
        now, loop_now = clock(), self._time()
        self._ours = {
            d.claim: loop_now + (d.leased_until - MARGIN - now).total_seconds()
            for d in deliveries
            if d.claim is not None and d.leased_until is not None
        }
        self._sending: dict[str, asyncio.Timeout] = {}

    def ours(self, delivery: Delivery) -> bool:
        until = self._ours.get(delivery.claim or "")
        return until is None or self._time() < until  # None: not from the outbox

    def done(self, delivery: Delivery) -> None:
        """Delivered, failed or set aside: its lease is no longer renewed here."""
        self._ours.pop(delivery.claim or "", None)

    @contextlib.asynccontextmanager
    async def sending(self, delivery: Delivery) -> AsyncIterator[None]:
        """Around sending `delivery`: raises `LeaseLost` when its claim is lost meanwhile
        (the send is cancelled)."""
        claim = delivery.claim or ""
        if claim not in self._ours:
            yield
            return
        watchdog = asyncio.timeout_at(self._ours[claim])
        try:
            async with watchdog:
                self._sending[claim] = watchdog
                try:
                    yield
                finally:
                    self._sending.pop(claim, None)
        except TimeoutError:
            if watchdog.expired():
                raise LeaseLost(claim) from None
            raise

    async def keep(self) -> None:
        """Renew the leases every `RENEW_EVERY` until cancelled."""
        while True:
            await asyncio.sleep(RENEW_EVERY.total_seconds())
            await self.renew()

    async def renew(self) -> None:
        claims = list(self._ours)
        if not claims:
            return
        started = self._time()
        until = self._clock() + bot.store.DELIVERY_LEASE
        try:
            kept = await asyncio.to_thread(self._store.renew_claims, claims, until)
        except Exception as error:  # the database away for a moment: the leases still run
            if not self._unreachable(error):
                log.warning("renewing the leases of %s outbox items failed: %r", len(claims),
                            error)  # fmt: skip
            return
        ours_until = started + (bot.store.DELIVERY_LEASE - MARGIN).total_seconds()
        for claim in claims:
            if claim in self._ours:  # not done meanwhile
                self._ours[claim] = ours_until if claim in kept else float("-inf")
        for claim, watchdog in self._sending.items():
            watchdog.reschedule(self._ours.get(claim, float("-inf")))
