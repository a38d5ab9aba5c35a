"""What an adapter remembers, bounded: a bot runs for months while channels, threads and
people come and go. Past `held` entries the one used least lately is forgotten; only for
what a miss costs no more than asking again (an API call, a database read), as after a
restart."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LeastRecentMap(Generic[K, V]):
    """A mapping of at most `held` entries; reading or setting one is using it."""

    def __init__(self, held: int) -> None:
        self.held = held
        # Least lately used first.
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        """Whether `key` is held (without using it)."""
        return key in self._entries

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def __setitem__(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.held:
            self._entries.popitem(last=False)

    def pop(self, key: K) -> V | None:
        return self._entries.pop(key, None)

    def items(self) -> list[tuple[K, V]]:
        """A copy, least lately used first (without using them)."""
        return list(self._entries.items())

    def forget_where(self, forgotten: Callable[[K, V], bool]) -> None:
        for key, value in self.items():
            if forgotten(key, value):
                del self._entries[key]


class LeastRecentSet(Generic[K]):
    """A set of at most `held` members; asking after one or adding it is using it."""

    def __init__(self, held: int) -> None:
        self._members: LeastRecentMap[K, bool] = LeastRecentMap(held)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, key: K) -> bool:
        return self._members.get(key) is not None

    def add(self, key: K) -> None:
        self._members[key] = True

    def discard(self, key: K) -> None:
        self._members.pop(key)

    def discard_all(self, keys: Iterable[K]) -> None:
        for key in keys:
            self.discard(key)
