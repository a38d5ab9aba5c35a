"""A platform out of reach: a connection refused, a name not resolved, no answer. What
both adapters tell apart from a refusal, and how they name it in one log line."""

from __future__ import annotations

import aiohttp

CONNECTION_ERRORS = (aiohttp.ClientConnectionError, TimeoutError)


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
    """Why a connection failed, as a log line says it (a timeout has no words)."""
    return str(error) or "no answer"
