"""One asyncio lock per key (a channel), kept only while someone holds or waits for it.

Adapters take turns per channel (reading its home, sending its roster); a dict of locks
that only grew held one for every channel ever heard from (5,000 after a workspace with
5,000 channels was forgotten).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class KeyedLocks(Generic[K]):
    def __init__(self) -> None:
        # key -> (its lock, how many hold or wait for it)
        self._locks: dict[K, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    def waiting(self, key: K) -> int:
        """How many wait for `key`'s lock (besides whoever holds it)."""
        _, users = self._locks.get(key) or (None, 0)
        return max(0, users - 1)

    @contextlib.asynccontextmanager
    async def hold(self, key: K) -> AsyncIterator[None]:
        """Hold `key`'s lock, in the order asked for."""
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
