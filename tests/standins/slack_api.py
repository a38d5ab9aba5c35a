"""A local stand-in for the Slack Web API.

Slack is unreachable from the test machines, so tests point the *real*
``slack_sdk.web.async_client.AsyncWebClient`` (and through it slack-bolt) at
this aiohttp server on 127.0.0.1. Nothing inside slack-bolt or slack_sdk is
mocked: the SDK builds real HTTP requests, this server answers them with
Slack-shaped JSON and records what it was asked.

Typical use::

    async with SlackStandIn() as slack:
        slack.add_user("U-ALICE", "alice")
        client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
        ...
        [call] = await slack.wait_for("chat.postMessage")
        assert call.params["channel"] == "C-GENERAL"

Interaction payloads carry a ``response_url``; ``slack.response_url()`` hands
out one this server answers, shaped as Slack's (``POST /actions/{team}/{id}/{secret}``,
whoever holds it may post as the app; ``/response/{id}`` is answered too), as
``slack_sdk.webhook.AsyncWebhookClient`` sends it, and records the JSON, so
tests can pass it to ``slack_requests.block_actions(response_url=...)`` and read
what the app sent with ``responses_to`` / ``wait_for_response``.

Request encodings follow slack_sdk: JSON bodies (``chat.*``, ``views.*``),
form bodies, query-string parameters (``GET`` methods and ``POST`` methods
called with ``params=``), the token in an ``Authorization: Bearer`` header and
the OAuth client credentials as HTTP Basic auth. All of them are merged into
one ``params`` dict per recorded call, the way Slack's documentation lists
them (``token``, ``client_id`` and ``client_secret`` included).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from aiohttp import web

from tests.standins.lifecycle import PATIENCE_S, Served
from tests.standins.slack_limits import problems_of

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "TEAM_NAME",
    "TRIGGER_LIFETIME_S",
    "BotIdentity",
    "Responder",
    "ResponsePost",
    "SlackCall",
    "SlackChannel",
    "SlackError",
    "SlackStandIn",
    "SlackUser",
]

TEAM_ID = "T-TEST"
TEAM_NAME = "Groundrules Test"
TEAM_DOMAIN = "groundrules-test"
BOT_USER_ID = "U-BOT"
BOT_ID = "B-BOT"
APP_ID = "A-TEST"
# How long a held answer (`SlackStandIn.hold`) waits at most for its release.
HELD_AT_MOST_S = 10.0

# Parameters that slack_sdk sends as JSON-encoded strings in form bodies; the
# stand-in decodes them so tests can assert on structure, not on strings.
_JSON_PARAMS = frozenset({"blocks", "attachments", "view", "metadata"})
# Methods Slack answers without a token (OAuth exchanges use client credentials).
_NO_TOKEN_METHODS = frozenset({"api.test", "oauth.access", "oauth.v2.access", "oauth.v2.exchange"})
# First "ts" handed out; later ones count up by 100 µs, like busy real channels.
_FIRST_TS_MICROS = 1_700_000_000_000_100


class SlackCall(NamedTuple):
    """One recorded Web API call: the method name and every parameter sent."""

    method: str
    params: dict[str, Any]


class SlackError(Exception):
    """Raise from a custom responder to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def to_body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


Responder = Callable[[dict[str, Any]], Mapping[str, Any]]
"""A custom answer for one method: gets the call's params, returns the JSON body."""


@dataclass
class BotIdentity:
    """Who the bot token belongs to; ``auth.test`` and install payloads use it."""

    team_id: str = TEAM_ID
    team_name: str = TEAM_NAME
    team_domain: str = TEAM_DOMAIN
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    bot_name: str = "groundrules"
    app_id: str = APP_ID
    enterprise_id: str | None = None

    @property
    def url(self) -> str:
        return f"https://{self.team_domain}.slack.com/"


@dataclass
class SlackUser:
    """A workspace member as ``users.info`` reports it."""

    id: str
    name: str
    real_name: str = ""
    display_name: str = ""
    is_bot: bool = False
    deleted: bool = False
    team_id: str = TEAM_ID
    tz: str = "Etc/UTC"
    tz_offset: int = 0
    locale: str = "en-US"
    bot_id: str | None = None

    def to_api(self, *, include_locale: bool = False) -> dict[str, Any]:
        real_name = self.real_name or self.name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "team": self.team_id,
        }
        if self.bot_id is not None:
            profile["bot_id"] = self.bot_id
            profile["always_active"] = True
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class SlackChannel:
    """A conversation: a channel, a private channel or a DM (``is_im``)."""

    id: str
    name: str = ""
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    user: str | None = None  # the other party of a DM
    # A Slack Connect channel: the teams it is shared between, its host first.
    shared_teams: list[str] = field(default_factory=list)
    # Archived: read-only, posts refused (is_archived), until it is unarchived.
    is_archived: bool = False

    def has_member(self, user: str) -> bool:
        """A channel seeded without members lets everyone in (tests that do not care)."""
        return not self.members or user in self.members

    def to_api(self, bot_user_id: str | None = None) -> dict[str, Any]:
        channel: dict[str, Any] = {
            "id": self.id,
            "created": 1_700_000_000,
            "is_im": self.is_im,
            "is_archived": self.is_archived,
            "is_org_shared": False,
            "context_team_id": TEAM_ID,
        }
        if self.is_im:
            channel["user"] = self.user
            channel["is_user_deleted"] = False
        else:
            channel.update(
                name=self.name,
                name_normalized=self.name,
                is_channel=not self.is_private,
                is_group=False,
                is_private=self.is_private,
                is_mpim=False,
                is_general=self.name == "general",
                is_member=bot_user_id is None or self.has_member(bot_user_id),
                num_members=len(self.members),
            )
            if self.shared_teams:
                channel.update(
                    is_shared=True,
                    is_ext_shared=True,
                    conversation_host_id=self.shared_teams[0],
                    shared_team_ids=list(self.shared_teams),
                )
        return channel


class _RateLimit(NamedTuple):
    retry_after: int


class _Planned(NamedTuple):
    """An answer planned for a call of a method: any call, or one with these params."""

    outcome: SlackError | _RateLimit
    matching: Mapping[str, str] | None = None

    def applies_to(self, params: Mapping[str, Any]) -> bool:
        return all(params.get(key) == value for key, value in (self.matching or {}).items())


class ResponsePost(NamedTuple):
    """One JSON body posted to a response URL the stand-in handed out."""

    url: str
    body: dict[str, Any]


@dataclass
class _ResponseTarget:
    """What a response URL belongs to: a stored message, or (ephemeral) nothing stored."""

    channel: str | None
    ts: str | None
    uses: int = 0


# users.list without a limit: Slack sends the whole workspace, up to a size it does not
# document (then `limit_required`); the stand-in draws that line here.
USERS_LIST_WHOLE_AT_MOST = 1000
# Slack accepts up to five posts to one response_url (within 30 minutes).
RESPONSE_URL_USES = 5
# Slack accepts a trigger_id (to open a modal) for 3 seconds after the click.
TRIGGER_LIFETIME_S = 3.0


class SlackStandIn(Served):
    """An aiohttp server that answers ``/api/{method}`` like Slack would.

    Start it with ``async with SlackStandIn() as slack`` (or ``await
    start()`` / ``await stop()``) and hand ``slack.url`` to
    ``AsyncWebClient(base_url=...)``. Every call is appended to ``calls``;
    ``wait_for`` waits (bounded) for listener calls that happen after Bolt's
    HTTP ack. ``fail_next``, ``rate_limit_next`` and ``respond_with`` program
    the answers, ``hold`` delays them; ``add_user``, ``add_channel`` and ``set_members`` seed the
    workspace. Messages and views past Slack's limits are refused like Slack
    refuses them (``invalid_blocks``, ``msg_too_long``, ``invalid_arguments``).
    Methods it does not know answer ``unknown_method``, as Slack does, so an
    adapter that calls something unexpected fails loudly.
    """

    def __init__(self, *, identity: BotIdentity | None = None) -> None:
        self.identity = identity or BotIdentity()
        self.calls: list[SlackCall] = []
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, SlackChannel] = {}
        # Messages the bot posted and that still exist, keyed by (channel, ts).
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        # Whether a message's ts is the time it was posted, as on Slack (for history read
        # `oldest` a time); else fixed ones from 1700000000.000100 on, for readable tests.
        self.ts_from_clock = False
        self._last_ts_micros = 0
        self.views: dict[str, dict[str, Any]] = {}
        # What apps posted to response URLs, oldest first.
        self.responses: list[ResponsePost] = []
        self._response_targets: dict[str, _ResponseTarget] = {}
        # OAuth client credentials; None accepts any (then only "code" is checked).
        self.client_id: str | None = None
        self.client_secret: str | None = None
        # The human who approves the install in oauth.v2.access answers.
        self.oauth_installer_id = "U-INSTALLER"
        # Messages and views past Slack's Block Kit limits are refused, as on Slack;
        # `refused` keeps those calls with Slack's error.
        self.enforce_limits = True
        self.refused: list[tuple[SlackCall, str]] = []
        # How long a trigger_id opens a modal (TRIGGER_LIFETIME_S on Slack); None, the
        # default: for ever, so that a test that takes its time opens forms all the same.
        self.trigger_lifetime: float | None = None
        self._triggers: dict[str, float] = {}  # trigger_id -> issued at (monotonic)
        # At most this many users on a users.list page, whatever the limit asked: Slack
        # may answer fewer than asked before the end. None: as many as asked.
        self.users_list_page_at_most: int | None = None

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._changed = asyncio.Condition()
        self._planned: dict[str, deque[_Planned]] = {}
        self._responders: dict[str, Responder] = {}
        self._answers_lost: dict[str, int] = {}
        self._answers_kept: dict[str, int] = {}  # answered before the lost ones
        self._holds: dict[str, asyncio.Event] = {}
        self._revoked_tokens: set[str] = set()
        # Channels deleted for good: not found any more, not even to post in.
        self.deleted_channels: set[str] = set()
        self._dm_ids: dict[frozenset[str], str] = {}
        self._ts_counter = itertools.count()
        self._id_counter = itertools.count(1)
        self._builtin: dict[str, Responder] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_add,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "team.info": self._team_info,
            "oauth.v2.access": self._oauth_v2_access,
        }

        self.add_user(
            self.identity.bot_user_id,
            self.identity.bot_name,
            is_bot=True,
            bot_id=self.identity.bot_id,
        )
        # Slackbot is famously *not* flagged as a bot by users.info.
        self.add_user("USLACKBOT", "slackbot", real_name="Slackbot")

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> None:
        """Listen on `port` of 127.0.0.1 (0: an ephemeral one)."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/response/{response_id}", self._handle_response)
        app.router.add_post("/actions/{team}/{response_id}/{secret}", self._handle_response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The API base for ``AsyncWebClient(base_url=...)``; ends in ``/api/``.

        The trailing slash matters: slack_sdk ``urljoin``s the method name.
        """
        if self._port is None:
            raise RuntimeError("SlackStandIn is not started")
        return f"http://127.0.0.1:{self._port}/api/"

    # ------------------------------------------------------------------ workspace

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        real_name: str = "",
        display_name: str = "",
        is_bot: bool = False,
        deleted: bool = False,
        bot_id: str | None = None,
        tz: str = "Etc/UTC",
        tz_offset: int = 0,
        locale: str = "en-US",
    ) -> SlackUser:
        """Add (or replace) a member that ``users.info``/``users.list`` report."""
        user = SlackUser(
            id=user_id,
            name=name or user_id.lower(),
            real_name=real_name,
            display_name=display_name,
            is_bot=is_bot,
            deleted=deleted,
            team_id=self.identity.team_id,
            tz=tz,
            tz_offset=tz_offset,
            locale=locale,
            bot_id=bot_id,
        )
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: Iterable[str] = (),
        is_private: bool = False,
    ) -> SlackChannel:
        """Add (or replace) a channel for ``conversations.info``/``.members``."""
        channel = SlackChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            members=list(members),
            is_private=is_private,
        )
        self.channels[channel_id] = channel
        return channel

    def add_direct_message(self, channel_id: str, users: Sequence[str]) -> SlackChannel:
        """A DM between people (the bot not in it): Slack hides it from the bot."""
        channel = SlackChannel(id=channel_id, members=list(users), is_im=True, user=users[0])
        self.channels[channel_id] = channel
        return channel

    def set_members(self, channel_id: str, members: Iterable[str]) -> SlackChannel:
        """Set a channel's members, creating the channel if needed.

        Once a channel has members, ``chat.postEphemeral`` to a non-member
        answers ``user_not_in_channel`` like Slack does, and without the bot
        among them posting answers ``not_in_channel`` and ``conversations.info``
        says ``is_member: false``.
        """
        channel = self.channels.get(channel_id) or self.add_channel(channel_id)
        channel.members = list(members)
        return channel

    def change_channel_id(self, old: str, new: str) -> SlackChannel:
        """What Slack does when a private channel is shared with another organisation:
        the channel, with its members and messages, has the id ``new`` for good; the old
        one is not found any more. (Then it sends ``channel_id_changed``.)"""
        channel = self.channels.pop(old)
        channel.id = new
        self.channels[new] = channel
        for channel_id, ts in [key for key in self.messages if key[0] == old]:
            self.messages[(new, ts)] = self.messages.pop((channel_id, ts))
        return channel

    def archive_channel(self, channel_id: str, archived: bool = True) -> SlackChannel:
        """Archive a channel (``archived=False``: unarchive it), as a member does in
        Slack: it stays visible to ``conversations.info`` (``is_archived``), and posts,
        ephemeral messages and edits in it answer ``is_archived``. (Slack then sends
        ``channel_archive`` or ``group_archive``; the test sends it, or not.)"""
        channel = self.channels.get(channel_id) or self.add_channel(channel_id)
        channel.is_archived = archived
        return channel

    def delete_channel(self, channel_id: str) -> None:
        """Delete a channel for good: every method answers ``channel_not_found`` for it
        and its messages are gone. (Slack then sends ``channel_deleted``.)"""
        self.channels.pop(channel_id, None)
        self.deleted_channels.add(channel_id)
        for key in [key for key in self.messages if key[0] == channel_id]:
            del self.messages[key]

    def revoke_token(self, token: str) -> None:
        """Make every later call with ``token`` answer ``token_revoked``."""
        self._revoked_tokens.add(token)

    def response_url(self, *, channel: str | None = None, ts: str | None = None) -> str:
        """A fresh response URL, as Slack puts in an interaction payload.

        Posts to it are recorded in ``responses``. Tie it to a message the bot
        posted (``channel`` and ``ts``) and ``replace_original`` /
        ``delete_original`` change that stored message too; ephemeral messages
        are not stored, so for them only the post is recorded.
        """
        response_id = self._next_id("R")
        self._response_targets[response_id] = _ResponseTarget(channel, ts)
        return self._response_url_of(response_id)

    def issue_trigger(self, trigger_id: str | None, *, ago: float = 0.0) -> None:
        """Note that Slack handed out ``trigger_id`` now (with a click, a shortcut or a
        command), or ``ago`` seconds before: with ``trigger_lifetime`` set, ``views.open``
        refuses it once it is older (``expired_trigger_id``), as Slack does. A trigger
        not issued does not expire."""
        if trigger_id:
            self._triggers[trigger_id] = time.monotonic() - ago

    def _response_url_of(self, response_id: str) -> str:
        """Shaped as Slack's, https://hooks.slack.com/actions/T…/…/<secret>: the last
        part is what makes it a credential."""
        base = self.url.removesuffix("/api/")
        secret = self._response_secret(response_id)
        return f"{base}/actions/{self.identity.team_id}/{response_id}/{secret}"

    def _response_secret(self, response_id: str) -> str:
        digest = hashlib.sha256(f"{id(self)}:{response_id}".encode()).hexdigest()
        return digest[:24]

    # ------------------------------------------------------------------ programming

    def fail_next(
        self,
        method: str,
        error: str = "channel_not_found",
        *,
        times: int = 1,
        matching: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``ok: false``; with
        ``matching``, only calls with those params (``{"user": "U-BOB"}``).

        ``extra`` fields go into the body too, e.g. ``needed="chat:write"``
        for ``missing_scope``.
        """
        queue = self._planned.setdefault(method, deque())
        queue.extend(_Planned(SlackError(error, **extra), matching) for _ in range(times))

    def rate_limit_next(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP 429.

        The body is ``{"ok": false, "error": "ratelimited"}`` and the
        ``Retry-After`` header carries ``retry_after`` seconds, as on Slack.
        """
        queue = self._planned.setdefault(method, deque())
        queue.extend(_Planned(_RateLimit(retry_after)) for _ in range(times))

    def lose_answer_next(self, method: str, *, times: int = 1, skip: int = 0) -> None:
        """Carry out the next ``times`` calls of ``method`` as usual (a message is posted),
        then cut the connection instead of answering: the caller sees a network error.
        ``skip``: the first ``skip`` calls are answered as usual."""
        self._answers_lost[method] = self._answers_lost.get(method, 0) + times
        self._answers_kept[method] = skip

    def respond_with(self, method: str, response: Mapping[str, Any] | Responder) -> None:
        """Replace the answer for ``method`` (also adds methods the stand-in lacks).

        ``response`` is a fixed JSON body (``ok: true`` is added if missing)
        or a callable taking the params; it may raise ``SlackError``.
        """
        if callable(response):
            self._responders[method] = response
        else:
            fixed = {"ok": True, **response}
            self._responders[method] = lambda _params: fixed

    def hold(self, method: str) -> asyncio.Event:
        """Hold the answers to ``method`` until the returned event is set: each is worked
        out (and recorded in ``calls``) when asked, and sent then, as a slow network
        would. For a race between what the answer says and what happens meanwhile."""
        released = self._holds[method] = asyncio.Event()
        return released

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str) -> list[SlackCall]:
        """The recorded calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def clear_calls(self) -> None:
        self.calls.clear()

    def responses_to(self, url: str) -> list[dict[str, Any]]:
        """The JSON bodies posted to one response URL, oldest first."""
        return [post.body for post in self.responses if post.url == url]

    async def wait_for_response(
        self, url: str, count: int = 1, timeout: float = PATIENCE_S
    ) -> list[dict[str, Any]]:
        """Wait (bounded) until ``count`` bodies were posted to ``url``; return them all."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(self.responses_to(url)) >= count)
        except TimeoutError:
            seen = "\n  ".join(f"{p.url} {_brief(p.body)}" for p in self.responses) or "(none)"
            raise AssertionError(
                f"expected {count} post(s) to {url} within {timeout}s, got "
                f"{len(self.responses_to(url))}; response URL posts received:\n  {seen}"
            ) from None
        return self.responses_to(url)

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages the bot posted in a channel and did not delete, oldest first."""
        return [m for (channel, _ts), m in self.messages.items() if channel == channel_id]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = PATIENCE_S,
        *,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[SlackCall]:
        """Wait until ``method`` was called at least ``count`` times; return those calls.

        Bolt runs listeners after it has acked the HTTP request, so their API
        calls land some time after the response. This waits for them without
        sleeping blindly. ``where`` filters on the params, e.g.
        ``where=lambda p: p["channel"] == "C1"``. On timeout it raises an
        ``AssertionError`` that lists every call the stand-in did receive.
        """

        def matching() -> list[SlackCall]:
            return [
                call
                for call in self.calls
                if call.method == method and (where is None or where(call.params))
            ]

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(matching()) >= count)
        except TimeoutError:
            seen = "\n  ".join(f"{c.method} {_brief(c.params)}" for c in self.calls) or "(none)"
            filtered = " matching the filter" if where is not None else ""
            raise AssertionError(
                f"expected {count} call(s) to {method}{filtered} within {timeout}s, "
                f"got {len(matching())}; calls received:\n  {seen}"
            ) from None
        return matching()

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _parse_params(request)
        response = self._answer(method, params)
        # Record after answering so that a woken ``wait_for`` already sees the
        # effects (stored messages, views) of the call it waited for.
        self.calls.append(SlackCall(method, params))
        async with self._changed:
            self._changed.notify_all()
        if self._answers_kept.get(method):
            self._answers_kept[method] -= 1
        elif self._answers_lost.get(method):
            self._answers_lost[method] -= 1
            assert request.transport is not None
            request.transport.abort()  # done, but its answer never reaches the caller
            raise ConnectionResetError("the answer was lost")
        if (released := self._holds.get(method)) is not None:
            # Bounded: a test that never releases fails on its own waits, not by hanging.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HELD_AT_MOST_S):
                    await released.wait()
        return response

    async def _handle_response(self, request: web.Request) -> web.Response:
        """A post to a response URL: JSON only; unknown or used-up URLs are refused."""
        response_id = request.match_info["response_id"]
        target = self._response_targets.get(response_id)
        secret = request.match_info.get("secret")
        if target is None or secret not in (None, self._response_secret(response_id)):
            return web.json_response({"ok": False, "error": "no_service"}, status=404)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        if target.uses >= RESPONSE_URL_USES:
            return web.json_response({"ok": False, "error": "used_url"}, status=404)
        if not body.get("delete_original") and not (body.get("text") or body.get("blocks")):
            return web.json_response({"ok": False, "error": "no_text"}, status=400)
        target.uses += 1
        self._respond_to_message(target, body)
        self.responses.append(ResponsePost(self._response_url_of(response_id), body))
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True})

    def _respond_to_message(self, target: _ResponseTarget, body: Mapping[str, Any]) -> None:
        key = (target.channel or "", target.ts or "")
        if key not in self.messages:
            return
        if body.get("delete_original"):
            del self.messages[key]
        elif body.get("replace_original"):
            message = self.messages[key]
            message["text"] = body.get("text") or ""
            message.pop("blocks", None)
            if body.get("blocks"):
                message["blocks"] = body["blocks"]

    def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        planned = self._planned.get(method) or deque()
        due = next((p for p in planned if p.applies_to(params)), None)
        if due is not None:
            planned.remove(due)
            outcome = due.outcome
            if isinstance(outcome, _RateLimit):
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(outcome.retry_after)},
                )
            return web.json_response(outcome.to_body())

        responder = self._responders.get(method) or self._builtin.get(method)
        if responder is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        try:
            self._check_token(method, params)
            self._check_limits(method, params)
            body = dict(responder(params))
        except SlackError as error:
            body = error.to_body()
        body.setdefault("ok", True)
        return web.json_response(body)

    def _check_limits(self, method: str, params: Mapping[str, Any]) -> None:
        """Refuse what Slack refuses: too many blocks, too long texts (slack_limits)."""
        refused = problems_of(method, params) if self.enforce_limits else None
        if refused is not None:
            error, messages = refused
            self.refused.append((SlackCall(method, params), error))
            raise SlackError(error, **({"response_metadata": {"messages": messages}}
                                       if messages else {}))  # fmt: skip

    def _check_token(self, method: str, params: Mapping[str, Any]) -> None:
        if method in _NO_TOKEN_METHODS:
            return
        token = params.get("token")
        if not token:
            raise SlackError("not_authed")
        if token in self._revoked_tokens:
            raise SlackError("token_revoked")

    # ------------------------------------------------------------------ helpers

    def _next_ts(self) -> str:
        micros = _FIRST_TS_MICROS + 100 * next(self._ts_counter)
        if self.ts_from_clock:
            micros = max(time.time_ns() // 1000, self._last_ts_micros + 1)
            self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):08d}"

    def _dm_channel(self, users: Sequence[str]) -> SlackChannel:
        key = frozenset(users)
        channel_id = self._dm_ids.get(key)
        if channel_id is None:
            channel_id = self._next_id("D")
            self._dm_ids[key] = channel_id
            other = next(iter(users)) if len(users) == 1 else None
            self.channels[channel_id] = SlackChannel(
                id=channel_id,
                members=[self.identity.bot_user_id, *users],
                is_im=True,
                user=other,
            )
        return self.channels[channel_id]

    def _resolve_channel(self, channel: str) -> str:
        """Posting to a user ID lands in the bot's DM with that user, as on Slack."""
        if channel in self.users and channel not in self.channels:
            return self._dm_channel([channel]).id
        return channel

    def _message(self, params: Mapping[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "app_id": self.identity.app_id,
            "text": params.get("text") or "",
            "ts": ts,
            "team": self.identity.team_id,
            "bot_profile": {
                "id": self.identity.bot_id,
                "app_id": self.identity.app_id,
                "name": self.identity.bot_name,
                "deleted": False,
                "team_id": self.identity.team_id,
            },
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                message[key] = params[key]
        return message

    def _view(self, params: Mapping[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        view_id = view_id or self._next_id("V")
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.identity.team_id,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.standin",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.identity.app_id,
            "app_installed_team_id": self.identity.team_id,
            "bot_id": self.identity.bot_id,
        }
        self.views[view_id] = stored
        return stored

    def _user(self, user_id: str | None) -> SlackUser:
        user = self.users.get(user_id or "")
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _check_bot_in(self, channel_id: str) -> None:
        """Without chat:write.public a bot posts only where it is a member, as on Slack;
        a DM between people is not even visible to it. Unknown channels are let through."""
        if channel_id in self.deleted_channels:
            raise SlackError("channel_not_found")
        channel = self.channels.get(channel_id)
        if channel is None:
            return
        if channel.is_archived:
            raise SlackError("is_archived")
        if not channel.has_member(self.identity.bot_user_id):
            raise SlackError("channel_not_found" if channel.is_im else "not_in_channel")

    def _channel(self, channel_id: str | None) -> SlackChannel:
        channel = self.channels.get(channel_id or "")
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _stored_message(self, params: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or channel in self.deleted_channels:
            raise SlackError("channel_not_found")
        if (found := self.channels.get(channel)) is not None and found.is_archived:
            raise SlackError("is_archived")
        message = self.messages.get((channel, ts or ""))
        if message is None:
            raise SlackError("message_not_found")
        return channel, ts or "", message

    # ------------------------------------------------------------------ methods

    def _api_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"args": {k: v for k, v in params.items() if k != "token"}}

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        ident = self.identity
        return {
            "url": ident.url,
            "team": ident.team_name,
            "user": ident.bot_name,
            "team_id": ident.team_id,
            "user_id": ident.bot_user_id,
            "bot_id": ident.bot_id,
            "enterprise_id": ident.enterprise_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            raise SlackError("channel_not_found")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackError("no_text")
        channel = self._resolve_channel(params["channel"])
        self._check_bot_in(channel)
        ts = self._next_ts()
        message = self._message(params, ts)
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id, user = params.get("channel"), params.get("user")
        if not channel_id:
            raise SlackError("channel_not_found")
        if not user:
            raise SlackError("user_not_found")
        self._check_bot_in(channel_id)
        channel = self.channels.get(channel_id)
        if channel is not None and not channel.has_member(user):
            raise SlackError("user_not_in_channel")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackError("no_text")
        return {"message_ts": self._next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts, message = self._stored_message(params)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.identity.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts, _message = self._stored_message(params)
        del self.messages[(channel, ts)]
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("message_ts")
        if not channel or not ts:
            raise SlackError("invalid_arguments")
        link = f"{self.identity.url}archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel") or not params.get("timestamp") or not params.get("name"):
            raise SlackError("invalid_arguments")
        return {}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger:
            raise SlackError("invalid_arguments")
        issued = self._triggers.get(trigger)
        if (
            self.trigger_lifetime is not None
            and issued is not None
            and time.monotonic() - issued > self.trigger_lifetime
        ):
            raise SlackError("expired_trigger_id")
        return {"view": self._view(params)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if external_id and not view_id:
            view_id = next(
                (vid for vid, v in self.views.items() if v.get("external_id") == external_id),
                None,
            )
        if not view_id or view_id not in self.views:
            raise SlackError("not_found")
        return {"view": self._view(params, view_id)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("user_id"):
            raise SlackError("invalid_arguments")
        return {"view": self._view(params)}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        page, next_cursor = _paginate(channel.members, params)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            channel = self._channel(params["channel"])
        else:
            users = [u for u in str(params.get("users") or "").split(",") if u]
            if not users:
                raise SlackError("users_list_not_supplied")
            for user_id in users:
                self._user(user_id)
            channel = self._dm_channel(users)
        full = str(params.get("return_im", "")).lower() in {"1", "true"}
        return {
            "no_op": True,
            "already_open": True,
            "channel": channel.to_api(self.identity.bot_user_id) if full else {"id": channel.id},
        }

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        if channel.is_im and not channel.has_member(self.identity.bot_user_id):
            raise SlackError("channel_not_found")  # a DM between people
        return {"channel": channel.to_api(self.identity.bot_user_id)}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The bot's messages of a channel's top level (threads' replies left out), newest
        first, within `oldest` and `latest`; their metadata only with
        `include_all_metadata`. (The stand-in keeps only what the bot posted.)"""
        channel = self._channel(params.get("channel")).id
        found = [m for (c, ts), m in self.messages.items()
                 if c == channel and m.get("thread_ts", ts) == ts]  # fmt: skip
        return self._history_page(found, params, newest_first=True)

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent (if the bot posted it) and replies, oldest first."""
        channel = self._channel(params.get("channel")).id
        thread = str(params.get("ts") or "")
        if not thread:
            raise SlackError("invalid_arguments")
        found = [m for (c, ts), m in self.messages.items()
                 if c == channel and (ts == thread or m.get("thread_ts") == thread)]  # fmt: skip
        return self._history_page(found, params, newest_first=False)

    def _history_page(
        self, messages: list[dict[str, Any]], params: Mapping[str, Any], *, newest_first: bool
    ) -> dict[str, Any]:
        oldest, latest = float(params.get("oldest") or 0), params.get("latest")
        within = [m for m in messages if float(m["ts"]) > oldest
                  and (latest is None or float(m["ts"]) < float(latest))]  # fmt: skip
        within.sort(key=lambda m: float(m["ts"]), reverse=newest_first)
        metadata = str(params.get("include_all_metadata", "")).lower() in {"1", "true"}
        if not metadata:
            within = [{k: v for k, v in m.items() if k != "metadata"} for m in within]
        page, next_cursor = _paginate(within, params)
        return {"messages": page, "has_more": bool(next_cursor),
                "response_metadata": {"next_cursor": next_cursor}}  # fmt: skip

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        include_locale = str(params.get("include_locale", "")).lower() in {"1", "true"}
        return {"user": self._user(params.get("user")).to_api(include_locale=include_locale)}

    def _users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """Everyone in the workspace (bots, Slackbot and deleted members too), page by
        page. Without a `limit` Slack tries to send them all and refuses a large
        workspace (`limit_required`); with one, a page may hold fewer than asked
        (`users_list_page_at_most`) before the end is reached."""
        users = list(self.users.values())
        if not str(params.get("limit") or "0").strip("0"):
            if len(users) > USERS_LIST_WHOLE_AT_MOST:
                raise SlackError("limit_required")
            params = {**params, "limit": len(users) or 1}
        if self.users_list_page_at_most is not None:
            asked = int(params["limit"]) if str(params["limit"]).isdigit() else 100
            params = {**params, "limit": min(asked, self.users_list_page_at_most)}
        page, next_cursor = _paginate(users, params)
        include_locale = str(params.get("include_locale", "")).lower() in {"1", "true"}
        return {
            "members": [user.to_api(include_locale=include_locale) for user in page],
            "cache_ts": 1_700_000_000,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _team_info(self, params: dict[str, Any]) -> dict[str, Any]:
        ident = self.identity
        return {
            "team": {
                "id": ident.team_id,
                "name": ident.team_name,
                "domain": ident.team_domain,
                "email_domain": "",
                "url": ident.url,
                "icon": {"image_default": True},
                "enterprise_id": ident.enterprise_id,
            }
        }

    def _oauth_v2_access(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("code"):
            raise SlackError("invalid_code")
        if self.client_id is not None and params.get("client_id") != self.client_id:
            raise SlackError("invalid_client_id")
        if self.client_secret is not None and params.get("client_secret") != self.client_secret:
            raise SlackError("bad_client_secret")
        ident = self.identity
        return {
            "app_id": ident.app_id,
            "authed_user": {"id": self.oauth_installer_id},
            "scope": "app_mentions:read,channels:history,chat:write,commands,users:read",
            "token_type": "bot",
            "access_token": f"xoxb-{ident.team_id}-installed",
            "bot_user_id": ident.bot_user_id,
            "team": {"id": ident.team_id, "name": ident.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }


# ---------------------------------------------------------------------- parsing


async def _parse_params(request: web.Request) -> dict[str, Any]:
    """Merge query string, body (JSON, form or multipart) and auth headers."""
    params: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                body = None
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = value
                else:  # an uploaded file
                    params[key] = {"filename": value.filename, "content": value.file.read()}

    auth = request.headers.get("Authorization", "")
    scheme, _, credentials = auth.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        params.setdefault("token", credentials)
    elif scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, client_secret = decoded.partition(":")
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", client_secret)

    for key in _JSON_PARAMS & params.keys():
        value = params[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)
    return params


def _paginate(items: Sequence[Any], params: Mapping[str, Any]) -> tuple[list[Any], str]:
    """Slack-style cursor paging: opaque base64 cursors, "" after the last page."""
    try:
        limit = int(params.get("limit") or 100)
    except ValueError:
        raise SlackError("invalid_limit") from None
    limit = max(1, min(limit, 1000))
    cursor = params.get("cursor") or ""
    offset = 0
    if cursor:
        try:
            kind, _, number = base64.b64decode(cursor).decode().partition(":")
            offset = int(number)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise SlackError("invalid_cursor") from None
        if kind != "offset" or offset < 0:
            raise SlackError("invalid_cursor")
    end = offset + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return list(items[offset:end]), next_cursor


def _brief(params: Mapping[str, Any]) -> str:
    """A one-line rendering of params for assertion messages (token hidden)."""
    shown = {k: v for k, v in params.items() if k not in {"token", "client_secret"}}
    text = json.dumps(shown, default=str, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."
