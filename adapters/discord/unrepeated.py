"""Requests discord.py must not send again after a server error.

discord.py sends any request again after a 500, 502, 504 or 524, and has no setting to
stop it. A message it sends is safe: it carries a nonce that Discord enforces, so the
message made before the error is handed back, not made twice. Opening a thread or a
forum post takes no nonce: a post Discord opened before its edge failed would be opened
again. For those the server error is raised at once, as discord.py raises a 503, through
the hook discord.py offers into its requests (`http_trace`); the delivery fails, and
the outbox's retry looks for the post before opening it (adapters/discord/review_posts).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import aiohttp
import discord

# What discord.py sends again by itself (discord.http.HTTPClient.request).
SENT_AGAIN = frozenset({500, 502, 504, 524})
# Requests that open something each time Discord takes them, and carry no nonce.
OPENS_A_THREAD = re.compile(r"/channels/\d+(/messages/\d+)?/threads$")


def unrepeatable(method: str, path: str) -> bool:
    return method == "POST" and OPENS_A_THREAD.search(path) is not None


async def _raise_server_error(
    _session: aiohttp.ClientSession,
    _context: SimpleNamespace,
    params: aiohttp.TraceRequestEndParams,
) -> None:
    response = params.response
    if response.status in SENT_AGAIN and unrepeatable(params.method, params.url.path):
        # Raised before discord.py sees the answer (aiohttp closes the response).
        raise discord.DiscordServerError(response, await response.text())


def trace_config() -> aiohttp.TraceConfig:
    """For `discord.Client(http_trace=...)`."""
    config = aiohttp.TraceConfig()
    config.on_request_end.append(_raise_server_error)
    return config
