"""Whether the process still moves, whatever the database does: what /livez reports.

/healthz asks the database, so it fails all through a database outage, when restarting
the bot would only lose what it keeps meanwhile (bot.spool). /livez asks nothing of the
database: the ticker notes each tick it starts and ends, and each message a tick
delivers, and the process counts as stuck only when nothing of that happened for
`STUCK_AFTER` beyond the tick interval. A tick during an outage fails quickly (a
connection is given up after 10 s) and so still counts: only a tick that hangs, or a
ticker that stopped, does not. A process whose event loop is blocked does not answer
/livez at all, which a probe counts as a failure too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

# Far longer than any step of a tick takes when all is well: a delivery that waits out a
# platform's rate limit, a database connection noticed gone (TCP keepalives, about a
# minute), a sweep of a large database.
STUCK_AFTER = timedelta(minutes=10)


class Heartbeat:
    """When the ticker last showed it moves, on a monotonic clock."""

    def __init__(
        self,
        tick_interval: timedelta,
        *,
        clock: Callable[[], float] = time.monotonic,
        stuck_after: timedelta = STUCK_AFTER,
    ) -> None:
        self._clock = clock
        self._limit = (tick_interval + stuck_after).total_seconds()
        self._last = clock()  # starting counts: the first tick comes after the adapters'

    def beat(self) -> None:
        self._last = self._clock()

    def silent_for(self) -> float:
        """Seconds since the last beat."""
        return max(0.0, self._clock() - self._last)

    def stuck(self) -> bool:
        return self.silent_for() > self._limit
