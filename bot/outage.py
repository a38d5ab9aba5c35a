"""A database that stops answering: told apart from other failures, and logged once.

While PostgreSQL is down (or SQLite's file is out of reach) every tick and every
event fails the same way; a traceback each time buried the log (3,378 lines for a
27-second cut). `Outage` logs one line when the database stops answering and one when
it answers again; other errors keep their tracebacks.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator

from sqlalchemy import exc

from bot.database import reason

log = logging.getLogger(__name__)


class NotRecorded(Exception):
    """An event could not be decided and stored: nothing of it was kept (its
    transaction was rolled back), so handing it in again is safe. The cause is the
    database's error."""

    @property
    def unreachable(self) -> bool:
        return self.__cause__ is not None and unreachable(self.__cause__)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The drivers' own "cannot talk to the server" errors (psycopg's includes a
    statement cancelled by statement_timeout: a database that stalls)."""
    try:
        import psycopg
    except ImportError:  # SQLite only
        return ()
    return (psycopg.OperationalError,)


def unreachable(error: BaseException) -> bool:
    """Whether `error` means the database does not answer (refused, dropped, timed
    out, its file out of reach), rather than a fault in what was asked of it."""
    for cause in _causes(error):
        if isinstance(cause, exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, exc.TimeoutError | exc.DisconnectionError):
            return True  # no connection free in the pool, or one lost on checkout
        if isinstance(cause, sqlite3.OperationalError):
            # SQLite says "no such table" the same way: that is the schema, not an outage.
            return not str(cause).startswith("no such ")
        if isinstance(cause, _driver_errors()):
            return True
    return False


class Outage:
    """The database as the bot's own work finds it. `noticed` each failure, `over` at
    each success: one line when it stops answering, one when it is back, with how
    long it was gone and how many ticks it missed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.since: float | None = None
        self.ticks_missed = 0
        # How many failures were noticed: work that swallowed one (a tick that went on
        # without its outbox, say) did not find the database answering.
        self.failures = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def noticed(self, error: BaseException) -> bool:
        """True when `error` means the database is unreachable (logged only the first
        time); False for any other error, which the caller reports itself."""
        if not unreachable(error):
            return False
        self.failures += 1
        if self.since is None:
            self.since = self._clock()
            log.error("database unreachable: %s; retrying", reason(_first_database_error(error)))
        return True

    def missed_tick(self) -> None:
        self.ticks_missed += 1

    def over(self) -> None:
        """The database answered."""
        if self.since is None:
            return
        log.info("database reachable again after %.0f s, %d tick(s) missed",
                 self._clock() - self.since, self.ticks_missed)  # fmt: skip
        self.since, self.ticks_missed = None, 0


def _first_database_error(error: BaseException) -> BaseException:
    """The error that carries the database's own words (not a wrapper of ours)."""
    return next((c for c in _causes(error) if isinstance(c, exc.SQLAlchemyError)), error)
