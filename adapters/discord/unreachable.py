"""Discord out of reach: a connection refused, a name not resolved, no answer.

discord.py logs a traceback each time it tries the gateway again; for a connection that
could not be made the reason says all there is, so that line is kept without it.
"""

from __future__ import annotations

import logging

import aiohttp

CONNECTION_ERRORS = (aiohttp.ClientConnectionError, TimeoutError)
# discord.py's lines as it tries the gateway again (discord.client, discord.shard).
TRYING_AGAIN = ("Attempting a reconnect", "Failed to connect for shard_id")


def connection_error(error: BaseException) -> BaseException | None:
    """The failed connection `error` comes of, if any (itself, or what it was raised
    from or while handling: discord.py's first try at the gateway, refused, ends in an
    AttributeError raised as it prepares to try again)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, CONNECTION_ERRORS):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def reason(error: BaseException) -> str:
    return str(error) or "no answer"


class TryingAgainInOneLine(logging.Filter):
    """discord.py's "Attempting a reconnect in 1.19s" with the reason, not a traceback,
    when the connection could not be made."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not str(record.msg).startswith(TRYING_AGAIN):
            return True
        if (failed := connection_error(error)) is not None and isinstance(record.args, tuple):
            record.msg = f"{record.msg}: %s"
            record.args = (*record.args, reason(failed))
            record.exc_info = record.exc_text = None
        return True


def one_line_tries() -> None:
    """Once per process: the filter on the loggers discord.py tries the gateway in."""
    for name in ("discord.client", "discord.shard"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TryingAgainInOneLine) for f in logger.filters):
            logger.addFilter(TryingAgainInOneLine())
