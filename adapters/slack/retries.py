"""Which Slack Web API calls the client tries again at once after a lost connection.

slack_sdk's own AsyncConnectionErrorRetryHandler sends any call again after a broken
connection. A connection may break after Slack took the call and before its answer came
back: sent again, a chat.postMessage is posted twice (or three times). Slack takes no
idempotency key, so only a call that is safe to repeat is tried again at once: a read,
a write that sets what it sets however often it is made, or any call whose connection
was never made (refused, not resolved, no TLS: nothing was sent). Any other is raised:
the outbox tries it again later, and a public post or a DM is looked for before it is
posted again (bot.sent_steps, adapters/slack/posted_once).
"""

from __future__ import annotations

from aiohttp import (
    ClientConnectionError,
    ClientConnectorError,
    ConnectionTimeoutError,
)
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Calls that change nothing at Slack, or set a state that is the same however often they
# are made (an edit, a Home tab, the bot's one DM with a member): safe to send again.
SAFE_TO_REPEAT = frozenset(
    {"api.test", "auth.test", "bots.info", "team.info", "users.info", "users.list",
     "conversations.info", "conversations.members", "conversations.history",
     "conversations.replies", "chat.getPermalink",
     "chat.update", "views.publish", "views.update", "conversations.open"}
)  # fmt: skip
# The connection was never made: the call went nowhere.
NEVER_SENT = (ClientConnectorError, ConnectionTimeoutError)


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls ("chat.postMessage"): its URL's last part."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class LostConnectionRetryHandler(AsyncRetryHandler):
    """Tries a call again after a broken connection only when that cannot do it twice."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not isinstance(error, ClientConnectionError):
            return False
        return isinstance(error, NEVER_SENT) or method_of(request) in SAFE_TO_REPEAT
