"""Whether the bot left a channel while Slack was being asked whether it is there.

A "yes" Slack gave before the bot left (or before a post there was refused) must not be
remembered as its being there. Leavings are counted only while such a question is under
way, so nothing is kept of the channels nobody is asking about.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class _Asking:
    def __init__(self) -> None:
        self.questions = 0
        self.leavings = 0


class LeftWhileAsking(Generic[K]):
    def __init__(self) -> None:
        self._asking: dict[K, _Asking] = {}

    def __len__(self) -> int:
        """Channels asked about now."""
        return len(self._asking)

    def left(self, channel: K) -> None:
        asking = self._asking.get(channel)
        if asking is not None:
            asking.leavings += 1

    @contextmanager
    def asking(self, channel: K) -> Iterator[Callable[[], bool]]:
        """While Slack is asked about `channel`: whether the bot left it since."""
        asking = self._asking.setdefault(channel, _Asking())
        asking.questions += 1
        before = asking.leavings
        try:
            yield lambda: asking.leavings != before
        finally:
            asking.questions -= 1
            if not asking.questions:
                del self._asking[channel]
