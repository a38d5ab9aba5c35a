"""Who joined or left a place while its members were read.

A member list read over the network may be answered before a join or leave is heard,
and handed in after it: applied as read, it would undo that join or leave. Both
adapters note what they hear while a read is under way and apply it to what was read.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from rules.events import Event, MemberJoined, MemberLeft

K = TypeVar("K", bound=Hashable)


class Heard:
    """What was heard during one read: a user joined (True) or left (False), last wins."""

    def __init__(self) -> None:
        self.came: dict[str, bool] = {}

    def applied_to(self, members: frozenset[str] | set[str]) -> frozenset[str]:
        joined = {user for user, came in self.came.items() if came}
        return frozenset((set(members) | joined) - (self.came.keys() - joined))


class HeardWhileReading(Generic[K]):
    """The reads under way, by place (`K`), and what was heard during each."""

    def __init__(self) -> None:
        self._reading: dict[K, Heard] = {}

    def note(self, place: K, event: Event) -> None:
        """`event`, if it is a join or leave at a place whose members are being read."""
        heard = self._reading.get(place)
        if heard is not None and isinstance(event, MemberJoined | MemberLeft):
            heard.came[event.user] = isinstance(event, MemberJoined)

    @contextmanager
    def reading(self, place: K) -> Iterator[Heard]:
        """While the members of `place` are read: what is heard meanwhile."""
        heard = self._reading[place] = Heard()
        try:
            yield heard
        finally:
            del self._reading[place]
