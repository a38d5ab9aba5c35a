"""Build the requests Slack sends to an app, and serve a Bolt app to receive them.

Two layers, so the same payloads serve HTTP and Socket Mode tests:

* payload builders return plain dicts shaped like Slack's (the shapes follow
  bolt-python's own scenario tests): ``event_callback`` (wrapping
  ``message_event`` / ``app_mention_event``), ``url_verification``,
  ``slash_command``, ``block_actions``, ``view_submission``,
  ``message_shortcut`` and ``global_shortcut``;
* request encoders sign them the way Slack does and return a
  ``SignedRequest(body, headers)``: ``events_api_request`` (JSON),
  ``slash_command_request`` (form-encoded) and ``interactive_request``
  (``payload=`` holding URL-quoted JSON, for block actions, view submissions
  and shortcuts). Each takes ``stale=``, ``bad_signature=``, ``timestamp=``
  and ``retry_num=``/``retry_reason=`` to build the awkward cases.

``BoltAppServer`` serves an ``AsyncApp`` through its own aiohttp
``web_app()`` on an ephemeral loopback port and posts ``SignedRequest``s to it.

Default IDs match ``slack_api.SlackStandIn``'s workspace (team ``T-TEST``,
app ``A-TEST``, bot user ``U-BOT``); the acting human is ``U-ALICE`` in
``C-GENERAL``.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from tests.standins.lifecycle import PATIENCE_S, Served

from .slack_api import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

__all__ = [
    "CHANNEL_ID",
    "CHANNEL_NAME",
    "STALE_AFTER_SECONDS",
    "UNANSWERED_RESPONSE_URL",
    "USER_ID",
    "USER_NAME",
    "BoltAppServer",
    "BoltReply",
    "SignedRequest",
    "app_mention_event",
    "block_actions",
    "event_callback",
    "events_api_request",
    "global_shortcut",
    "interactive_request",
    "message_event",
    "message_shortcut",
    "sign",
    "slash_command",
    "slash_command_request",
    "url_verification",
    "view_submission",
]

USER_ID = "U-ALICE"
USER_NAME = "alice"
CHANNEL_ID = "C-GENERAL"
CHANNEL_NAME = "general"
# Slack (and slack_sdk's SignatureVerifier) reject timestamps older than 5 min.
STALE_AFTER_SECONDS = 5 * 60

_counter = itertools.count(1)


def _unique() -> int:
    return next(_counter)


def _message_ts() -> str:
    """A fresh, increasing message ts near "now", as Slack hands them out."""
    return f"{int(time.time())}.{_unique():06d}"


def _trigger_id() -> str:
    return f"{_unique()}.{_unique()}.standin-trigger"


# Default response URLs point here: a loopback port nothing listens on (discard), so an
# app that posts to one fails at once and nothing leaves the machine. Slack's own are
# https://hooks.slack.com/…; SlackStandIn.response_url() hands out ones that answer.
UNANSWERED_RESPONSE_URL = "http://127.0.0.1:9/"


def _response_url(kind: str) -> str:
    return f"{UNANSWERED_RESPONSE_URL}{kind}/{TEAM_ID}/{_unique()}/standin"


def _rich_text(text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack attaches to every human message."""
    return [
        {
            "type": "rich_text",
            "block_id": f"b{_unique()}",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


# ---------------------------------------------------------------------- events


def message_event(
    text: str,
    *,
    user: str = USER_ID,
    channel: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    team: str = TEAM_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` event as a human posts it (``extra`` adds/overrides keys).

    For a bot message pass ``subtype="bot_message", bot_id=...``; for a DM use
    ``channel_type="im"`` and a ``D…`` channel.
    """
    ts = ts or _message_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "blocks": _rich_text(text),
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def app_mention_event(
    text: str,
    *,
    user: str = USER_ID,
    channel: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM_ID,
    **extra: Any,
) -> dict[str, Any]:
    """An ``app_mention`` event; ``text`` should contain ``<@U-BOT>``."""
    event = message_event(
        text, user=user, channel=channel, ts=ts, thread_ts=thread_ts, team=team, **extra
    )
    event["type"] = "app_mention"
    del event["channel_type"]  # app_mention events do not carry it
    return event


def event_callback(
    event: Mapping[str, Any],
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = BOT_USER_ID,
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
) -> dict[str, Any]:
    """The Events API envelope around ``event``.

    ``event_id`` is fresh unless given; reuse one to model Slack's retries
    of the same delivery. ``is_enterprise_install``: to an org-wide Enterprise Grid
    install (its authorization names the org; the envelope, the workspace).
    """
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "context_team_id": team_id,
        "context_enterprise_id": enterprise_id,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{_unique():010d}",
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": is_enterprise_install,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-standin-{team_id}-{_unique()}",
    }


def url_verification(challenge: str = "standin-challenge") -> dict[str, Any]:
    """The handshake Slack sends when the Request URL is saved."""
    return {
        "token": "legacy-verification-token",
        "challenge": challenge,
        "type": "url_verification",
    }


# ---------------------------------------------------------------------- commands


def slash_command(
    command: str = "/groundrules",
    text: str = "",
    *,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, str]:
    """The fields of a slash command (all strings, as in the form body)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands"),
        "trigger_id": trigger_id or _trigger_id(),
    }


# ---------------------------------------------------------------------- interactivity


def _user(user_id: str, user_name: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def _team(team_id: str, team_domain: str) -> dict[str, Any]:
    return {"id": team_id, "domain": team_domain}


def block_actions(
    action_id: str,
    *,
    value: str | None = None,
    block_id: str = "actions",
    action_type: str = "button",
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    message_ts: str | None = None,
    view: Mapping[str, Any] | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload for one clicked element.

    The container is the message at ``message_ts`` in ``channel_id``, or the
    modal ``view`` if one is given (then there is no channel/response_url).
    ``response_url`` defaults to a loopback URL nothing answers; pass
    ``SlackStandIn.response_url()`` to receive what the app posts there.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": _message_ts(),
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or _trigger_id(),
        "team": _team(team_id, team_domain),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V-STANDIN")}
        payload["view"] = dict(view)
    else:
        message_ts = message_ts or _message_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": channel_name}
        payload["message"] = {"type": "message", "user": BOT_USER_ID, "ts": message_ts, "text": ""}
        payload["response_url"] = response_url or _response_url("actions")
    return payload


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    private_metadata: str = "",
    view_id: str | None = None,
    external_id: str = "",
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A ``view_submission`` payload for a modal with ``callback_id``.

    ``values`` maps block_id -> action_id -> value; a plain string becomes
    a ``plain_text_input`` state, a dict is used as the element state as is.
    """
    state: dict[str, dict[str, Any]] = {}
    blocks: list[dict[str, Any]] = []
    for block_id, actions in (values or {}).items():
        state[block_id] = {}
        for action_id, value in actions.items():
            element_state = (
                dict(value)
                if isinstance(value, Mapping)
                else {"type": "plain_text_input", "value": value}
            )
            state[block_id][action_id] = element_state
            blocks.append(
                {
                    "type": "input",
                    "block_id": block_id,
                    "label": {"type": "plain_text", "text": block_id},
                    "optional": False,
                    "element": {"type": element_state.get("type"), "action_id": action_id},
                }
            )
    view_id = view_id or f"V{_unique():08d}"
    return {
        "type": "view_submission",
        "team": _team(team_id, team_domain),
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or _trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks,
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state},
            "hash": f"{int(time.time())}.standin",
            "title": {"type": "plain_text", "text": callback_id},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel"},
            "submit": {"type": "plain_text", "text": "Submit"},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": external_id,
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_shortcut(
    callback_id: str,
    *,
    message_text: str = "",
    message_user: str = USER_ID,
    message_ts: str | None = None,
    channel_id: str = CHANNEL_ID,
    channel_name: str = CHANNEL_NAME,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A ``message_action`` payload: a user ran a shortcut on a message."""
    message_ts = message_ts or _message_ts()
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": _message_ts(),
        "team": _team(team_id, team_domain),
        "user": {"id": user_id, "name": user_name, "team_id": team_id},
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or _trigger_id(),
        "message_ts": message_ts,
        "message": {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": message_text,
            "user": message_user,
            "ts": message_ts,
            "team": team_id,
            "blocks": _rich_text(message_text),
        },
        "response_url": response_url or _response_url("app"),
    }


def global_shortcut(
    callback_id: str,
    *,
    user_id: str = USER_ID,
    user_name: str = USER_NAME,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A ``shortcut`` payload: a global shortcut from the composer or search."""
    return {
        "type": "shortcut",
        "token": "legacy-verification-token",
        "action_ts": _message_ts(),
        "team": _team(team_id, team_domain),
        "user": {"id": user_id, "username": user_name, "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or _trigger_id(),
    }


# ---------------------------------------------------------------------- signing


class SignedRequest(NamedTuple):
    """A request body and the headers Slack would send with it."""

    body: str
    headers: dict[str, str]


def sign(body: str, secret: str, timestamp: int | str | None = None) -> dict[str, str]:
    """The two signature headers for ``body``, signed with ``secret`` now (or at ``timestamp``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # only None when timestamp is None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def _signed(
    body: str,
    content_type: str,
    secret: str,
    *,
    timestamp: int | str | None,
    stale: bool,
    bad_signature: bool,
    retry_num: int | None,
    retry_reason: str | None,
) -> SignedRequest:
    if stale:
        timestamp = int(time.time()) - STALE_AFTER_SECONDS - 60
    headers = {"Content-Type": content_type}
    headers.update(sign(body, secret + "-not-the-secret" if bad_signature else secret, timestamp))
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return SignedRequest(body, headers)


def events_api_request(
    body: Mapping[str, Any],
    secret: str,
    *,
    timestamp: int | str | None = None,
    stale: bool = False,
    bad_signature: bool = False,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> SignedRequest:
    """A signed JSON Events API request (``event_callback`` or ``url_verification``).

    ``stale`` signs with a timestamp older than Slack's 5-minute window;
    ``bad_signature`` signs with the wrong secret; ``retry_num`` (with
    ``retry_reason``, default ``http_timeout``) adds Slack's retry headers.
    """
    return _signed(
        json.dumps(body),
        "application/json",
        secret,
        timestamp=timestamp,
        stale=stale,
        bad_signature=bad_signature,
        retry_num=retry_num,
        retry_reason=retry_reason,
    )


def slash_command_request(
    fields: Mapping[str, str],
    secret: str,
    *,
    timestamp: int | str | None = None,
    stale: bool = False,
    bad_signature: bool = False,
) -> SignedRequest:
    """A signed, form-encoded slash command request (see ``slash_command``)."""
    return _signed(
        urlencode(fields),
        "application/x-www-form-urlencoded",
        secret,
        timestamp=timestamp,
        stale=stale,
        bad_signature=bad_signature,
        retry_num=None,
        retry_reason=None,
    )


def interactive_request(
    payload: Mapping[str, Any],
    secret: str,
    *,
    timestamp: int | str | None = None,
    stale: bool = False,
    bad_signature: bool = False,
) -> SignedRequest:
    """A signed interactivity request: ``payload=<URL-quoted JSON>``, form-encoded.

    Use it for ``block_actions``, ``view_submission``, ``message_shortcut``
    and ``global_shortcut`` payloads alike; Slack encodes them the same way.
    """
    return _signed(
        f"payload={quote(json.dumps(payload))}",
        "application/x-www-form-urlencoded",
        secret,
        timestamp=timestamp,
        stale=stale,
        bad_signature=bad_signature,
        retry_num=None,
        retry_reason=None,
    )


# ---------------------------------------------------------------------- serving


class BoltReply(NamedTuple):
    """What the Bolt app answered Slack: status, body text, headers."""

    status: int
    body: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class BoltAppServer(Served):
    """Serve an ``AsyncApp`` via its own aiohttp ``web_app()`` on 127.0.0.1:0.

    This is the production HTTP path (aiohttp adapter, signature check,
    ack handling), reached over real loopback HTTP rather than by calling
    ``async_dispatch`` directly.
    """

    def __init__(self, app: AsyncApp, *, path: str = "/slack/events") -> None:
        self.app = app
        self.path = path
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._port: int | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app.web_app(path=self.path), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The Request URL one would configure in the Slack app settings."""
        if self._port is None:
            raise RuntimeError("BoltAppServer is not started")
        return f"http://127.0.0.1:{self._port}{self.path}"

    async def post(self, request: SignedRequest, *, timeout: float = PATIENCE_S) -> BoltReply:
        """POST a signed request like Slack does and return the app's answer.

        Slack itself gives up after 3 s; the generous default only bounds a
        hung test (Bolt answers 404 on its own after 3 s without an ack).
        """
        if self._session is None:
            raise RuntimeError("BoltAppServer is not started")
        async with self._session.post(
            self.url,
            data=request.body.encode(),
            headers=request.headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            return BoltReply(response.status, await response.text(), dict(response.headers))
