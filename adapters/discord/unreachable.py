"""Discord out of reach (adapters.unreachable): discord.py logs a traceback each time it
tries the gateway again; for a connection that could not be made the reason says all
there is, so that line is kept without it.
"""

from __future__ import annotations

import logging

from adapters.unreachable import connection_error, reason

# discord.py's lines as it tries the gateway again (discord.client, discord.shard).
TRYING_AGAIN = ("Attempting a reconnect", "Failed to connect for shard_id")


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
