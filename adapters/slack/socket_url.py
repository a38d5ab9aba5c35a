"""Socket Mode's websocket URL, asked of Slack (apps.connections.open) at start-up and
at every reconnect, and the websocket opened at it.

slack_sdk asks once and, when that fails, logs its error lines (a traceback among them)
and asks again 10 seconds later, for ever; a websocket it cannot open is a traceback
every 10 s too. Here each try that cannot reach Slack is one warning line, and an
app-level token Slack refuses is handed over at once: a revoked token does not come
back by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient

from adapters.slack.outbound import error_of
from adapters.slack.start_error import SlackStartError, app_token_refused
from adapters.unreachable import CONNECTION_ERRORS, reason

log = logging.getLogger(__name__)

# What Slack waits for before it answers apps.connections.open again when it is asked
# too often, unless its Retry-After says (slack_sdk's own default for this method).
RATELIMITED_WAIT_S = 30
# slack_sdk's line, with a traceback, each time its websocket could not be connected.
FAILED_TO_CONNECT = "Failed to connect (error: "


def cannot_reach(error: BaseException) -> str:
    return f"cannot reach Slack ({reason(error)})"


class ConnectingInOneLine(logging.Filter):
    """slack_sdk's "Failed to connect (error: …); Retrying..." and its traceback, for a
    websocket that could not be reached, as one warning line like a URL's."""

    def __init__(self, wait_s: float) -> None:
        super().__init__()
        self.wait_s = wait_s

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, CONNECTION_ERRORS) and str(record.msg).startswith(FAILED_TO_CONNECT):
            record.msg, record.args = "%s; trying again in %d s", (cannot_reach(error), self.wait_s)
            record.levelno, record.levelname = (
                logging.WARNING,
                logging.getLevelName(logging.WARNING),
            )
            record.exc_info = record.exc_text = None
        return True


class SocketUrl:
    """`client.issue_new_wss_url` in its place: asks until Slack gives a URL.

    `refused` hears of an app-level token Slack refused; it may raise (a start ends
    with the error). If it returns, the try that asked ends as if cancelled: slack_sdk's
    reconnect loop stops without its error lines, as the run is stopping.
    """

    def __init__(
        self, client: SocketModeClient, refused: Callable[[SlackStartError], None]
    ) -> None:
        self.client = client
        self.refused = refused

    async def __call__(self) -> str:
        client = self.client
        while not client.closed:
            try:
                opened = await client.web_client.apps_connections_open(app_token=client.app_token)
                return str(opened["url"])
            except CONNECTION_ERRORS as error:
                wait, why = client.ping_interval, cannot_reach(error)
            except SlackApiError as error:
                if (refused := app_token_refused(error)) is not None:
                    self.refused(refused)
                    break
                wait = client.ping_interval
                if error_of(error) == "ratelimited":
                    wait = int(error.response.headers.get("Retry-After", RATELIMITED_WAIT_S))
                why = f"Slack did not open Socket Mode ({error_of(error)})"
            log.warning("%s; trying again in %d s", why, wait)
            await asyncio.sleep(wait)
        # Closed (the run stops), or the token refused: nothing more to ask. Cancelled is
        # how slack_sdk's tasks end quietly, whichever asked (a reconnect, Slack's
        # "disconnect", its session monitor).
        raise asyncio.CancelledError
