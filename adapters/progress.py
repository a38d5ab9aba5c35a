"""What of an action reached its platform before it failed part-way (a reminder DM
refused by a rate limit, the second piece of a long answer): the outbox offers the same
action again, and the retry skips what was sent, so nobody gets it twice.

Kept in memory: bounded, and forgotten once the action is delivered whole. A retry that
another process claims starts afresh.
"""

from __future__ import annotations

from collections import OrderedDict

from rules.actions import Outbound


class Progress:
    LIMIT = 1000

    def __init__(self) -> None:
        self._sent: OrderedDict[object, dict[str, str | None]] = OrderedDict()

    def of(self, action: Outbound) -> dict[str, str | None]:
        """Step -> the id it sent; the caller adds steps as they succeed."""
        key = _key(action)
        if key not in self._sent:
            self._sent[key] = {}
            while len(self._sent) > self.LIMIT:
                self._sent.popitem(last=False)
        return self._sent[key]

    def done(self, action: Outbound) -> None:
        self._sent.pop(_key(action), None)


def _key(action: Outbound) -> object:
    try:
        hash(action)
    except TypeError:
        return repr(action)
    return action
