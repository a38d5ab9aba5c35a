"""A public page posted once, though its retry may not know that it went out; a DM too
(looked for in the DM, which takes the im:history scope).

Slack takes no idempotency key for chat.postMessage. The bot puts a page's going out on
record before posting it (bot.sent_steps); a page whose having gone was lost (the
database stopped answering just as Slack answered) is looked for before it is posted
again: the bot's message in its channel (or thread) carrying the page's key in its
metadata, posted since its going out was put on record. The bot's own: another app's
message may carry the same metadata (any app may post any), and taken for ours it would
keep the page from ever going out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

EVENT_TYPE = "groundrules_post"
# Slack's clock and the bot's may differ a little.
CLOCK_SLACK = timedelta(minutes=5)
# History the bot may not read (an app made from an older manifest, a channel it left, a
# thread deleted): the page is posted again, as before this lookup, rather than never.
CANNOT_LOOK = frozenset(
    {"missing_scope", "not_in_channel", "channel_not_found", "thread_not_found"}
)
# How many pages of history are read at most (200 messages each): a busier channel
# that pushed the page further back gets it again rather than a long wait.
HISTORY_PAGES = 10


def posted_metadata(key: str) -> dict[str, object]:
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


async def posted_already(
    client: AsyncWebClient, channel: str, thread_ts: str | None, key: str, since: datetime
) -> str | None:
    """The ts of the bot's message carrying `key`, posted since `since`; None: none, or
    Slack lets the bot not look."""
    try:
        return await _find(client, channel, thread_ts, key, since)
    except SlackApiError as error:
        if _error_of(error) not in CANNOT_LOOK:
            raise
        log.warning("could not look for a post that may have gone out (%s): posting it "
                    "again", _error_of(error))  # fmt: skip
        return None


async def _find(
    client: AsyncWebClient, channel: str, thread_ts: str | None, key: str, since: datetime
) -> str | None:
    oldest = f"{(since - CLOCK_SLACK).timestamp():.6f}"
    # Who we are in this workspace: the token's bot (the lookup is a retry's, so rare).
    ours = str((await client.auth_test()).get("bot_id") or "")
    cursor = None
    for _ in range(HISTORY_PAGES):
        options = {"channel": channel, "oldest": oldest, "limit": 200,
                   "include_all_metadata": True, "cursor": cursor}  # fmt: skip
        if thread_ts is None:
            response = await client.conversations_history(**options)
        else:
            response = await client.conversations_replies(ts=thread_ts, **options)
        for message in response.get("messages") or ():
            if _carries(message, key, ours):
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


def _carries(message: dict, key: str, bot_id: str) -> bool:
    """Whether `message` is our bot's (`bot_id`) and carries `key`."""
    metadata = message.get("metadata") or {}
    return (
        bool(bot_id)
        and message.get("bot_id") == bot_id
        and metadata.get("event_type") == EVENT_TYPE
        and (metadata.get("event_payload") or {}).get("key") == key
    )


def _error_of(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown")  # as adapters.slack.outbound
