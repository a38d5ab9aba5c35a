"""A local stand-in for Discord: REST API v10 plus a websocket gateway.

Discord is unreachable from the test machines, yet the Discord adapter must be
tested through the *real* discord.py client: its payload parsing, view store,
command tree, HTTP and gateway code. Nothing inside discord.py is mocked.
Instead this aiohttp server on 127.0.0.1 speaks just enough of Discord's REST
API and gateway for discord.py 2.7 to log in, connect, receive events and
answer them, and it records everything the client sends.

Typical use::

    async with discord_standin() as discord_api:          # started + discord.py pointed at it
        guild = discord_api.add_guild("Team")
        general = guild.add_text_channel("general")
        alice = guild.add_member("alice")
        bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        async with running_client(bot, discord_api):
            await discord_api.message_create(guild, general, alice, "hello")
            [post] = await discord_api.wait_for("POST /channels/{channel_id}/messages")
            ix = await discord_api.slash_command(guild, general, alice, "rules")
            callback = await discord_api.wait_for_callback(ix)

Behaviour that mirrors Discord on purpose (so adapter bugs show up here):

* every JSON answer has ``Content-Type: application/json`` exactly: discord.py
  only parses bodies with that exact header;
* the gateway filters message events by intents (``GUILD_MESSAGES``,
  ``DIRECT_MESSAGES``) and blanks ``content``/``embeds``/``attachments``/
  ``components`` of guild messages when ``MESSAGE_CONTENT`` is missing (unless
  the bot wrote or is mentioned in the message); ``GUILD_CREATE`` only lists
  the bot itself as member without the ``GUILD_MEMBERS`` intent;
* messages the bot posts (and non-ephemeral interaction answers) come back
  as ``MESSAGE_CREATE`` over the gateway, as on Discord (``echo_bot_messages``);
* an interaction can be answered once (400/40060 afterwards), follow-ups only
  work after it was answered, unknown routes answer 404 JSON and are listed
  in ``unknown_routes``;
* a private thread the bot was removed from is in no ``GUILD_CREATE`` and refuses
  every request about it with 403/50001, as Discord shows such a thread only to its
  members;
* the bot's own posts need its permissions in the channel, overwrites included (View
  Channel, else 403/50001; Send Messages, in a thread Send Messages in Threads, else
  403/50013; with a file Attach Files, with an embed Embed Links, as a reply Read
  Message History, else 403/50013), and
  in a locked thread Manage Threads (else 403/160005); an interaction's
  ``app_permissions`` are those in its channel; a deleted channel (``delete_channel``)
  answers 404/10003 to every route that names it;
* a message past Discord's documented limits (``discord_limits``: 2,000 characters
  of content, embed sizes, at most 100 ids in ``allowed_mentions``) is refused
  with 400/50035 and listed in ``refused``, whether posted, edited, or sent as
  an interaction's answer or follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import WSMsgType, web

from tests.standins.discord_limits import message_errors
from tests.standins.lifecycle import PATIENCE_S, Served

__all__ = [
    "API_PREFIX",
    "DIRECT_MESSAGES",
    "GUILDS",
    "GUILD_MEMBERS",
    "GUILD_MESSAGES",
    "GUILD_PRESENCES",
    "MESSAGE_CONTENT",
    "PRIVILEGED_INTENTS",
    "DiscordStandIn",
    "FakeChannel",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "GatewayFrame",
    "InteractionCallback",
    "RecordedRequest",
    "SentInteraction",
    "discord_standin",
    "point_discord_at",
    "running_client",
]

JSON = dict[str, Any]
T = TypeVar("T")
ClientT = TypeVar("ClientT", bound=discord.Client)

API_PREFIX = "/api/v10"
HEARTBEAT_ROUND_TRIP_S = 0.05  # about a real gateway's
# How long a held answer (`DiscordStandIn.hold`) waits at most for its release.
HELD_AT_MOST_S = 10.0
# How long a message's nonce, sent with enforce_nonce, keeps the same author from making
# another message with it: Discord says "the past few minutes".
NONCE_KEPT_S = 300.0
DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway intents (https://discord.com/developers/docs/topics/gateway#gateway-intents).
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

# Application flags that say "privileged intent enabled in the developer portal".
_APP_FLAG_GATEWAY_PRESENCE = 1 << 12
_APP_FLAG_GATEWAY_GUILD_MEMBERS = 1 << 14
_APP_FLAG_GATEWAY_MESSAGE_CONTENT = 1 << 18

# Channel types.
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_STAGE_VOICE = 13
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15
FORUM_REQUIRES_TAG = 1 << 4

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Interaction types and callback types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
MODAL_SUBMIT = 5
_CALLBACK_TYPES = {1, 4, 5, 6, 7, 8, 9, 10, 12}

ALL_PERMISSIONS = (1 << 53) - 1
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_THREADS = 1 << 34
SEND_MESSAGES_IN_THREADS = 1 << 38
# Roughly Discord's default @everyone set: viewing, sending (in threads too), embeds,
# files, reactions, commands, connecting; managing nothing (threads neither).
_EVERYONE_PERMISSIONS = 0x0000_00F9_BFF7_FE41
_OP_NAMES = {
    0: "DISPATCH",
    1: "HEARTBEAT",
    2: "IDENTIFY",
    3: "PRESENCE_UPDATE",
    4: "VOICE_STATE_UPDATE",
    6: "RESUME",
    8: "REQUEST_GUILD_MEMBERS",
}
# Per-request storage filled by the recording middleware for the handlers.
_PAYLOAD: web.RequestKey[Any] = web.RequestKey("payload")
_FILES: web.RequestKey[list[dict[str, Any]]] = web.RequestKey("files")
_CALLBACK_ROUTE = "/interactions/{interaction_id}/{token}/callback"
# The routes whose body is a message (discord_limits applies).
_MESSAGE_ROUTES = {
    "POST": (
        "/channels/{channel_id}/messages",
        _CALLBACK_ROUTE,
        "/webhooks/{application_id}/{token}",
    ),
    "PATCH": (
        "/channels/{channel_id}/messages/{message_id}",
        "/webhooks/{application_id}/{token}/messages/@original",
        "/webhooks/{application_id}/{token}/messages/{message_id}",
    ),
}
_MENTION_RE = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def _json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON answer whose Content-Type is exactly ``application/json``.

    discord.py's ``json_or_text`` compares the header with ``==``; aiohttp's
    ``json_response`` would append ``; charset=utf-8`` and make discord.py
    treat the body as text.
    """
    return web.Response(
        status=status, body=_dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def _error(status: int, code: int, message: str) -> web.Response:
    """An error body shaped like Discord's: discord.py reads ``code`` and ``message``."""
    return _json_response({"message": message, "code": code}, status)


def _no_content() -> web.Response:
    return web.Response(status=204)


class _Snowflakes:
    """Increasing, unique snowflakes with a realistic timestamp part."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


# ---------------------------------------------------------------------------- world model


@dataclass
class FakeUser:
    """A Discord user; ``payload()`` is the user object Discord sends."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    hoist: bool = False
    managed: bool = False
    # The bot whose own role this is (Discord makes one for a bot it adds to a guild).
    bot_id: int | None = None

    def payload(self) -> JSON:
        payload: JSON = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class FakeMember:
    """A user's membership in one guild (roles, nickname, join date)."""

    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=_now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeChannel:
    """A guild text, voice or stage channel, a thread (``parent_id`` set) or a DM channel."""

    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    owner_id: int | None = None
    recipient: FakeUser | None = None
    last_message_id: int | None = None
    # A thread's members (a private thread shows only to them), by user id.
    member_ids: list[int] = field(default_factory=list)
    # Sent to the client as they are; the stand-in itself does not enforce them.
    permission_overwrites: list[JSON] = field(default_factory=list)
    # A forum whose every post must carry one of its tags (Discord's REQUIRE_TAG flag).
    requires_tag: bool = False
    # A thread archived (by Discord after its quiet hours, or by a moderator): its
    # messages cannot be edited or deleted (400, 50083) until a message reopens it.
    archived: bool = False
    # A thread a moderator locked: only who may manage threads posts in it or reopens it
    # (``DiscordStandIn.lock_thread``, ``archive_thread(locked=True)``).
    locked: bool = False
    # A private thread the bot was removed from (``thread_members_update``): Discord
    # shows it only to its members, so no GUILD_CREATE lists it to the bot and every
    # request about it is refused with 403/50001, as to a channel hidden from it.
    without_the_bot: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD, 10)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> JSON:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": last,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "last_message_id": last,
            "rate_limit_per_user": 0,
            "flags": FORUM_REQUIRES_TAG if self.requires_tag else 0,
        }
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=0,
                member_count=len(self.member_ids),
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": _now_iso(),
                    "locked": self.locked,
                    "create_timestamp": _now_iso(),
                },
            )
        else:
            data.update(
                position=self.position,
                topic=self.topic,
                nsfw=False,
                permission_overwrites=self.permission_overwrites,
                default_auto_archive_duration=1440,
            )
        if self.type in (GUILD_VOICE, GUILD_STAGE_VOICE):  # a call, with a chat of its own
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        return data


@dataclass
class FakeGuild:
    """A guild with channels, threads, roles and members.

    Build it with ``add_text_channel``, ``add_thread``, ``add_role`` and
    ``add_member``; the stand-in sends it whole in ``GUILD_CREATE`` after
    IDENTIFY, so build it before the client connects (or ``dispatch`` the
    matching ``CHANNEL_CREATE``/``GUILD_MEMBER_ADD`` yourself afterwards).
    """

    id: int
    name: str
    owner_id: int
    new_id: Callable[[], int] = field(repr=False)
    register_user: Callable[[FakeUser], None] = field(repr=False)
    preferred_locale: str = "en-US"
    # Where Discord posts its own welcomes ("X joined the server"); None: no such channel.
    system_channel_id: int | None = None
    channels: dict[int, FakeChannel] = field(default_factory=dict, repr=False)
    roles: dict[int, FakeRole] = field(default_factory=dict, repr=False)
    members: dict[int, FakeMember] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        everyone = FakeRole(self.id, "@everyone", permissions=_EVERYONE_PERMISSIONS)
        self.roles[everyone.id] = everyone

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]

    @property
    def owner(self) -> FakeMember:
        return self.members[self.owner_id]

    @property
    def text_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if not c.is_thread]

    @property
    def threads(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.is_thread]

    def add_text_channel(self, name: str, *, topic: str | None = None) -> FakeChannel:
        channel = FakeChannel(
            self.new_id(), name, GUILD_TEXT, self.id, position=len(self.text_channels), topic=topic
        )
        self.channels[channel.id] = channel
        return channel

    def add_voice_channel(self, name: str, *, stage: bool = False) -> FakeChannel:
        """A voice channel (a stage channel: `stage`); people in a call type in its chat."""
        kind = GUILD_STAGE_VOICE if stage else GUILD_VOICE
        channel = FakeChannel(self.new_id(), name, kind, self.id, position=len(self.text_channels))
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: FakeChannel | int,
        name: str,
        *,
        owner: FakeUser | FakeMember | int | None = None,
        private: bool = False,
        thread_id: int | None = None,
        members: Sequence[FakeUser | FakeMember | int] = (),
    ) -> FakeChannel:
        """A thread of `parent`; its members are its owner and `members`."""
        parent_id = parent if isinstance(parent, int) else parent.id
        owner_id = self.owner_id if owner is None else owner if isinstance(owner, int) else owner.id
        thread = FakeChannel(
            thread_id or self.new_id(),
            name,
            PRIVATE_THREAD if private else PUBLIC_THREAD,
            self.id,
            parent_id=parent_id,
            owner_id=owner_id,
        )
        thread.member_ids = list(
            dict.fromkeys([owner_id, *(m if isinstance(m, int) else m.id for m in members)])
        )
        self.channels[thread.id] = thread
        return thread

    def add_role(
        self, name: str, *, permissions: int = 0, mentionable: bool = False,
        bot_id: int | None = None,
    ) -> FakeRole:  # fmt: skip
        """`bot_id`: the role Discord makes for that bot (managed, tagged with it)."""
        role = FakeRole(
            self.new_id(), name, permissions, position=len(self.roles), mentionable=mentionable,
            managed=bot_id is not None, bot_id=bot_id,
        )  # fmt: skip
        self.roles[role.id] = role
        return role

    def add_member(
        self,
        user: FakeUser | str,
        *,
        bot: bool = False,
        roles: Sequence[FakeRole | int] = (),
        nick: str | None = None,
        global_name: str | None = None,
    ) -> FakeMember:
        """Add a member; a plain name creates a new user (``bot=True`` for other bots)."""
        if isinstance(user, str):
            user = FakeUser(self.new_id(), user, bot=bot, global_name=global_name)
        self.register_user(user)
        member = FakeMember(
            user, self.id, [r if isinstance(r, int) else r.id for r in roles], nick=nick
        )
        self.members[user.id] = member
        return member

    def member(self, key: FakeUser | FakeMember | int | str) -> FakeMember:
        """Look a member up by user, id or username."""
        if isinstance(key, FakeUser | FakeMember):
            key = key.id
        for member in self.members.values():
            if key in (member.id, member.user.username):
                return member
        raise KeyError(f"{key!r} is not a member of guild {self.name!r}")

    def channel(self, key: int | str) -> FakeChannel:
        """Look a channel or thread up by id or name."""
        for channel in self.channels.values():
            if key in (channel.id, channel.name):
                return channel
        raise KeyError(f"no channel {key!r} in guild {self.name!r}")

    def permissions_of(self, member: FakeMember) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for role_id in member.roles:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        return ALL_PERMISSIONS if value & 0x8 else value  # ADMINISTRATOR

    def channel_permissions_of(self, member: FakeMember, channel: FakeChannel) -> int:
        """`member`'s permissions in `channel` as Discord computes them: the server's,
        then the channel's overwrites for @everyone, for the member's roles, for the
        member (a thread has its parent's)."""
        value = self.permissions_of(member)
        if value == ALL_PERMISSIONS:
            return value
        source = channel
        if channel.is_thread:
            source = self.channels.get(channel.parent_id or 0, channel)
        overwrites = {int(o["id"]): o for o in source.permission_overwrites}

        def apply(allow: int, deny: int) -> None:
            nonlocal value
            value = (value & ~deny) | allow

        everyone = overwrites.get(self.id)
        if everyone is not None:
            apply(int(everyone["allow"]), int(everyone["deny"]))
        roles = [overwrites[r] for r in member.roles if r in overwrites]
        apply(sum_bits(int(o["allow"]) for o in roles), sum_bits(int(o["deny"]) for o in roles))
        own = overwrites.get(member.id)
        if own is not None and int(own.get("type", 1)) == 1:
            apply(int(own["allow"]), int(own["deny"]))
        return value

    def payload(self, *, include_members: bool = True, bot_user_id: int | None = None) -> JSON:
        """The ``GUILD_CREATE`` body.

        ``member_count`` equals the full member list, so with the members
        intent discord.py considers the guild chunked and sends no
        REQUEST_GUILD_MEMBERS; without it only the bot's own member is sent,
        as Discord does.
        """
        members = [
            m.payload() for m in self.members.values() if include_members or m.id == bot_user_id
        ]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": (
                None if self.system_channel_id is None else str(self.system_channel_id)
            ),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": _now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": members,
            "channels": [c.payload() for c in self.text_channels],
            "threads": [c.payload() for c in self.threads if not c.without_the_bot],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def sum_bits(values: Iterator[int]) -> int:
    """Bit flags OR-ed together."""
    total = 0
    for value in values:
        total |= value
    return total


# ---------------------------------------------------------------------------- records


@dataclass
class RecordedRequest:
    """One REST request discord.py made.

    ``path`` is concrete and without ``/api/v10`` (``/channels/42/messages``);
    ``route`` is the template it matched (``/channels/{channel_id}/messages``)
    or ``None`` for routes the stand-in does not know. ``json`` is the JSON
    body (for multipart uploads: the decoded ``payload_json`` part, with the
    uploaded files listed in ``files``).
    """

    method: str
    path: str
    route: str | None
    json: Any
    query: dict[str, str]
    files: list[JSON] = field(default_factory=list)
    status: int = 0

    def matches(self, pattern: str) -> bool:
        """``"POST /channels/{channel_id}/messages"``, ``"POST /channels/42/messages"``
        or a bare path (any method)."""
        method, _, path = pattern.partition(" ")
        if not path:
            method, path = "", method
        if method and method.upper() != self.method:
            return False
        return path in (self.path, self.route)

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class GatewayFrame:
    """A frame a client sent over the gateway (IDENTIFY, RESUME, heartbeats, ...)."""

    op: int
    d: Any
    session_id: str | None

    @property
    def name(self) -> str:
        return _OP_NAMES.get(self.op, f"op {self.op}")


@dataclass
class SentInteraction:
    """An INTERACTION_CREATE the stand-in sent; used to find its callbacks."""

    id: int
    token: str
    type: int
    payload: JSON
    guild_id: int | None
    channel_id: int
    user_id: int
    message_id: int | None = None
    responded: bool = False
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def data(self) -> JSON:
        return self.payload.get("data", {})


@dataclass
class InteractionCallback:
    """What the bot answered to an interaction (``POST .../callback``).

    ``type``: 4 message, 5 deferred message, 6 deferred update, 7 update
    message, 9 modal. ``message`` is the message the answer created or
    updated (types 4, 5, 7).
    """

    interaction: SentInteraction
    type: int
    data: JSON | None
    message: JSON | None = None

    @property
    def flags(self) -> int:
        return int((self.data or {}).get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str | None:
        return (self.data or {}).get("content")

    @property
    def custom_id(self) -> str | None:
        """The modal's custom_id for type 9."""
        return (self.data or {}).get("custom_id")


@dataclass
class _InjectedError:
    pattern: str
    status: int
    code: int
    message: str
    remaining: int
    skip: int = 0
    retry_after: float = 0.05
    is_global: bool = False
    # Discord did what was asked, and only its answer is the error (a 5xx from its edge).
    after: bool = False

    def response(self) -> web.Response:
        if self.status != 429:
            return _error(self.status, self.code, self.message)
        # Discord's own rate limit answer. discord.py takes a 429 without `Via` (or
        # with a body that is not JSON) for a Cloudflare ban and raises at once; with
        # it, it waits `retry_after` and tries again.
        body = {"message": self.message, "retry_after": self.retry_after,
                "global": self.is_global, "code": self.code}  # fmt: skip
        response = _json_response(body, 429)
        response.headers.update({
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(self.retry_after))),
            "X-RateLimit-Scope": "global" if self.is_global else "user",
        })  # fmt: skip
        if self.is_global:
            response.headers["X-RateLimit-Global"] = "true"
        return response


@dataclass
class _GatewaySession:
    """One gateway session: survives a dropped socket so that RESUME works."""

    session_id: str
    intents: int
    shard: tuple[int, int] | None
    ws: web.WebSocketResponse | None
    seq: int = 0
    ready: bool = False
    resumable: bool = True
    history: list[tuple[int, str]] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def live(self) -> bool:
        return self.ready and self.ws is not None and not self.ws.closed

    async def send(self, event: str, data: Any) -> int:
        """Send a DISPATCH with the next sequence number (kept for RESUME replay)."""
        async with self.lock:
            self.seq += 1
            frame = _dumps({"op": 0, "t": event, "s": self.seq, "d": data})
            self.history.append((self.seq, frame))
            await self._write(frame)
            return self.seq

    async def replay_after(self, seq: int | None) -> None:
        async with self.lock:
            for frame_seq, frame in self.history:
                if seq is None or frame_seq > seq:
                    await self._write(frame)

    async def send_op(self, op: int, d: Any = None) -> None:
        async with self.lock:
            await self._write(_dumps({"op": op, "d": d}))

    async def _write(self, frame: str) -> None:
        ws = self.ws
        if ws is None or ws.closed:
            return
        try:
            await ws.send_str(frame)
        except (ConnectionError, RuntimeError):
            self.ws = None


# ---------------------------------------------------------------------------- the server

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DiscordStandIn(Served):
    """An aiohttp server that plays Discord for one bot application.

    Seed the world with ``add_guild`` (then ``guild.add_text_channel`` /
    ``add_thread`` / ``add_role`` / ``add_member``) and ``add_user``; drive the
    bot with ``message_create``, ``message_update``, ``slash_command``,
    ``click_button``, ``submit_modal``, ``message_command`` or the raw
    ``dispatch`` / ``interaction_create``; assert with ``requests``,
    ``messages_in``, ``callbacks`` and the bounded ``wait_for*`` methods.
    """

    def __init__(
        self,
        *,
        bot_name: str = "Groundrules",
        application_id: int | None = None,
        expected_token: str | None = None,
        heartbeat_interval_ms: int = 41_250,
        echo_bot_messages: bool = True,
    ) -> None:
        self._new_id = _Snowflakes()
        self.application_id = application_id or self._new_id()
        self.bot_user = FakeUser(self._new_id(), bot_name, bot=True)
        self.owner = FakeUser(self._new_id(), "app-owner")
        # None accepts any token; a string makes others fail (401 / close 4004).
        self.expected_token = expected_token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.echo_bot_messages = echo_bot_messages

        self.guilds: dict[int, FakeGuild] = {}
        # Servers in an outage: READY lists them as unavailable, no GUILD_CREATE follows.
        self.in_outage: set[int] = set()
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[RecordedRequest] = []
        self.gateway_frames: list[GatewayFrame] = []
        self.callbacks: list[InteractionCallback] = []
        # Messages past Discord's limits are refused, as on Discord (discord_limits);
        # `refused` keeps those requests with Discord's `errors`.
        self.enforce_limits = True
        self.refused: list[tuple[RecordedRequest, JSON]] = []
        # Last commands synced with PUT, keyed by guild id (None: global).
        self.synced_commands: dict[int | None, list[JSON]] = {}

        self._messages: dict[int, JSON] = {}
        self._dm_channels: dict[int, FakeChannel] = {}
        self._dms_closed: set[int] = set()
        # Channels where the bot was denied a permission (deny_bot): channel id -> the
        # refusal its requests get.
        self._bot_denied: dict[int, tuple[int, str]] = {}
        self._interactions: dict[int, SentInteraction] = {}
        self._interactions_by_token: dict[str, SentInteraction] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._sessions: dict[str, _GatewaySession] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._acknowledgements: set[asyncio.Task[None]] = set()
        self._server_closed: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._injected: list[_InjectedError] = []
        # (author, nonce) -> when a message was made with it (monotonic), and its id.
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self._holds: list[tuple[str, asyncio.Event]] = []
        self._refuse_privileged = False
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        self._runner = web.AppRunner(
            self._make_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close gateway sockets (code 1001) and the server."""
        for task in list(self._acknowledgements):
            task.cancel()
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=1001, message=b"stand-in stopping"), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:{port}``; the API lives under ``/api/v10``."""
        if self._port is None:
            raise RuntimeError("DiscordStandIn is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be."""
        return f"{self.url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be (also READY's resume URL)."""
        return f"ws://127.0.0.1:{self._port}/gw"

    # ------------------------------------------------------------------ seeding the world

    def add_guild(
        self,
        name: str = "Groundrules HQ",
        *,
        owner: FakeUser | str = "guild-owner",
        preferred_locale: str = "en-US",
        guild_id: int | None = None,
    ) -> FakeGuild:
        """A guild the bot is in; the bot and the owner (a new user for a name) are members."""
        if isinstance(owner, str):
            owner = FakeUser(self._new_id(), owner)
        guild = FakeGuild(
            guild_id or self._new_id(),
            name,
            owner.id,
            new_id=self._new_id,
            register_user=self._register_user,
            preferred_locale=preferred_locale,
        )
        self.guilds[guild.id] = guild
        guild.add_member(self.bot_user)
        guild.add_member(owner)
        return guild

    def add_user(self, username: str, *, bot: bool = False) -> FakeUser:
        """A user in no guild (e.g. someone who only writes DMs)."""
        user = FakeUser(self._new_id(), username, bot=bot)
        self._register_user(user)
        return user

    def dm_channel(self, user: FakeUser | FakeMember | int) -> FakeChannel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        target = self._user(user)
        channel = self._dm_channels.get(target.id)
        if channel is None:
            channel = FakeChannel(self._new_id(), "", DM, recipient=target)
            self._dm_channels[target.id] = channel
        return channel

    def close_dms(self, user: FakeUser | FakeMember | int) -> None:
        """Make messages to this user's DM channel fail: 403, code 50007."""
        self._dms_closed.add(self._user(user).id)

    def open_dms(self, user: FakeUser | FakeMember | int) -> None:
        self._dms_closed.discard(self._user(user).id)

    def clear_failures(self) -> None:
        """Forget the errors `fail_next` still had to answer (an outage is over)."""
        self._injected.clear()

    def deny_bot(self, channel: FakeChannel | int, *, view: bool = False) -> None:
        """A moderator takes a permission from the bot in `channel` (an overwrite).
        Send Messages (Send Messages in Threads, for a thread): its posts there are
        refused with 403, code 50013; it still edits and deletes its own messages.
        `view`, View Channel: every request about the channel is refused with 403,
        code 50001, as Discord does. Only REST enforces it: the gateway says nothing."""
        target = self._channel(channel)
        refusal = (50001, "Missing Access") if view else (50013, "Missing Permissions")
        self._bot_denied[target.id] = refusal

    def allow_bot(self, channel: FakeChannel | int) -> None:
        self._bot_denied.pop(self._channel(channel).id, None)

    async def archive_thread(self, thread: FakeChannel | int, *, locked: bool = False) -> None:
        """Discord archives `thread` (after its quiet hours; `locked`: a moderator
        locked it too), and tells the gateway (THREAD_UPDATE)."""
        target = self._channel(thread)
        assert target.is_thread, "only a thread is archived"
        target.archived, target.locked = True, locked
        await self._broadcast("THREAD_UPDATE", target.payload())

    def refuse_privileged_intents(self, refuse: bool = True) -> None:
        """Close the gateway with 4014 when IDENTIFY asks for a privileged intent.

        That is what Discord does when Message Content / Server Members /
        Presence is not enabled in the developer portal; discord.py turns it
        into ``discord.errors.PrivilegedIntentsRequired``.
        """
        self._refuse_privileged = refuse

    def fail_next(
        self,
        route: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
        skip: int = 0,
        retry_after: float = 0.05,
        is_global: bool = False,
        after: bool = False,
    ) -> None:
        """Answer the next ``times`` requests matching ``route`` with a Discord error,
        after letting ``skip`` of them through. ``after``: the request is carried out
        all the same, only its answer is lost (Discord's edge timing out, say).

        ``route`` as in ``RecordedRequest.matches``, e.g.
        ``"POST /channels/{channel_id}/messages"``. With ``status=429`` the answer is
        Discord's rate limit: ``retry_after`` seconds, ``is_global`` for the bot's
        global limit (give ``message="You are being rate limited."``, ``code=0``).
        """
        self._injected.append(
            _InjectedError(route, status, code, message, times, skip, retry_after, is_global, after)
        )

    def forget_nonces(self) -> None:
        """The few minutes pass in which Discord keeps a message's nonce from making
        another (``enforce_nonce``)."""
        self._nonces.clear()

    def hold(self, route: str) -> asyncio.Event:
        """Hold the answers to requests matching ``route`` until the returned event is
        set: each is carried out (and recorded) when made, and sent then, as a slow
        network would. For a race between what the answer says and what happens
        meanwhile."""
        released = asyncio.Event()
        self._holds.append((route, released))
        return released

    # ------------------------------------------------------------------ gateway control

    @property
    def identifies(self) -> list[GatewayFrame]:
        return [f for f in self.gateway_frames if f.op == 2]

    @property
    def intents(self) -> int | None:
        """The intents of the last IDENTIFY (``discord.Intents._from_value`` reads them)."""
        frames = self.identifies
        return int(frames[-1].d.get("intents", 0)) if frames else None

    @property
    def connected(self) -> bool:
        return any(s.live for s in self._sessions.values())

    async def dispatch(self, event: str, data: JSON, *, timeout: float = PATIENCE_S) -> int:
        """Send an op 0 DISPATCH to every connected, identified client.

        Waits (bounded) until a client is connected, so a test cannot lose an
        event to a reconnect in progress. Returns how many sessions got it
        (0 when intents filtered it out for all, e.g. a guild message without
        the GUILD_MESSAGES intent).
        """
        await self._wait_until(
            lambda: self.connected or None, f"a connected gateway client to send {event}", timeout
        )
        delivered = 0
        for session in [s for s in self._sessions.values() if s.live]:
            payload = self._filter_for(session, event, data)
            if payload is not None:
                await session.send(event, payload)
                delivered += 1
        return delivered

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: discord.py reconnects to resume_gateway_url and RESUMEs."""
        for session in self._sessions.values():
            if session.live:
                session.ready = False
                await session.send_op(7)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway socket from the server side (4000 lets clients RESUME)."""
        for session in self._sessions.values():
            session.ready = False
        for ws in list(self._sockets):
            self._server_closed.add(ws)
            await ws.close(code=code, message=b"dropped by stand-in")

    # ------------------------------------------------------------------ driving: messages

    async def message_create(
        self,
        guild: FakeGuild | int | None,
        channel: FakeChannel | int,
        author: FakeUser | FakeMember | int,
        content: str,
        message_id: int | None = None,
        *,
        thread: FakeChannel | int | None = None,
        reply_to: JSON | int | None = None,
        embeds: Sequence[JSON] = (),
        attachments: Sequence[JSON] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> JSON:
        """A user posts a message: store it and dispatch MESSAGE_CREATE.

        ``guild=None`` with a DM channel (``dm_channel(user)``) for DMs;
        ``thread`` posts into that thread of ``channel``. Mentions
        (``<@id>``, ``<@&id>``) in ``content`` fill ``mentions`` /
        ``mention_roles`` like Discord. Returns the message payload.
        """
        guild_obj = self._guild(guild)
        target = self._channel(thread if thread is not None else channel)
        user = self._user(author)
        msg = self._build_message(
            target,
            user,
            {"content": content, "embeds": list(embeds)},
            message_id=message_id,
            member=guild_obj.member(user) if guild_obj else None,
        )
        if attachments:
            msg["attachments"] = list(attachments)
        if reply_to is not None:
            ref = self._message(reply_to)
            msg["type"] = 19
            msg["message_reference"] = {
                "type": 0,
                "message_id": ref["id"],
                "channel_id": ref["channel_id"],
                **({"guild_id": ref["guild_id"]} if "guild_id" in ref else {}),
            }
            msg["referenced_message"] = ref
        if extra:
            msg.update(extra)
        self._store_message(msg)
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    async def message_update(
        self, message: JSON | int, *, content: str | None = None, **changes: Any
    ) -> JSON:
        """A user edits a message: update it and dispatch MESSAGE_UPDATE."""
        msg = self._message(message)
        if content is not None:
            msg["content"] = content
            self._fill_mentions(msg)
        msg.update(changes)
        msg["edited_timestamp"] = _now_iso()
        await self.dispatch("MESSAGE_UPDATE", msg)
        return msg

    async def message_delete(self, message: JSON | int | str) -> None:
        """Someone deletes a message: forget it and dispatch MESSAGE_DELETE."""
        msg = self._messages.pop(int(self._message(message)["id"]))
        event = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if "guild_id" in msg:
            event["guild_id"] = msg["guild_id"]
        await self.dispatch("MESSAGE_DELETE", event)

    async def message_delete_bulk(self, messages: Sequence[JSON | int | str]) -> None:
        """A moderator purges messages of one channel: MESSAGE_DELETE_BULK."""
        found = [self._messages.pop(int(self._message(m)["id"])) for m in messages]
        event = {"ids": [m["id"] for m in found], "channel_id": found[0]["channel_id"]}
        if "guild_id" in found[0]:
            event["guild_id"] = found[0]["guild_id"]
        await self.dispatch("MESSAGE_DELETE_BULK", event)

    async def delete_channel(self, channel: FakeChannel) -> None:
        """Someone deletes a channel (with its threads) or a thread: Discord forgets it,
        answers 10003 to whatever names it, and dispatches CHANNEL_DELETE (THREAD_DELETE
        for a thread; a channel's threads go without one, as on Discord)."""
        assert channel.guild_id is not None, "a server's channel"
        guild = self.guilds[channel.guild_id]
        gone = {channel.id} | {t.id for t in guild.threads if t.parent_id == channel.id}
        for channel_id in gone:
            guild.channels.pop(channel_id, None)
        for message_id in [i for i, m in self._messages.items() if int(m["channel_id"]) in gone]:
            del self._messages[message_id]
        if channel.is_thread:
            event = {"id": str(channel.id), "guild_id": str(guild.id),
                     "parent_id": str(channel.parent_id), "type": channel.type}  # fmt: skip
            await self.dispatch("THREAD_DELETE", event)
        else:
            await self.dispatch("CHANNEL_DELETE", channel.payload())

    async def lock_thread(self, thread: FakeChannel, *, locked: bool = True) -> None:
        """A moderator locks (or unlocks) a thread: THREAD_UPDATE. In a locked thread only
        who may manage threads posts (others get 403/160005)."""
        assert thread.is_thread
        thread.locked = locked
        await self.dispatch("THREAD_UPDATE", thread.payload())

    async def thread_members_update(
        self,
        thread: FakeChannel,
        *,
        added: Sequence[FakeMember] = (),
        removed: Sequence[FakeMember] = (),
    ) -> None:
        """People are added to or removed from a thread: THREAD_MEMBERS_UPDATE."""
        gone = {m.id for m in removed}
        thread.member_ids = [i for i in thread.member_ids if i not in gone]
        thread.member_ids += [m.id for m in added if m.id not in thread.member_ids]
        if thread.type == PRIVATE_THREAD and self.bot_user.id in gone:
            thread.without_the_bot = True
        if any(m.id == self.bot_user.id for m in added):
            thread.without_the_bot = False
        await self.dispatch(
            "THREAD_MEMBERS_UPDATE",
            {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "member_count": len(thread.member_ids),
                "added_members": [
                    {**self._thread_member(thread, m.id), "member": m.payload()} for m in added
                ],
                "removed_member_ids": [str(m.id) for m in removed],
            },
        )

    @staticmethod
    def _thread_member(thread: FakeChannel, user_id: int) -> JSON:
        return {
            "id": str(thread.id),
            "user_id": str(user_id),
            "join_timestamp": _now_iso(),
            "flags": 0,
        }

    # ------------------------------------------------------------------ driving: interactions

    async def interaction_create(
        self,
        type: int,
        data: JSON,
        *,
        guild: FakeGuild | int | None,
        channel: FakeChannel | int,
        user: FakeUser | FakeMember | int,
        message: JSON | int | None = None,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Dispatch a raw INTERACTION_CREATE and return its record.

        Builds the envelope discord.py's ``Interaction`` needs (id, token,
        application_id, version, channel object, member with permissions or
        user for DMs, locale, attachment_size_limit, ...); ``data`` is the
        type-specific part.
        """
        guild_obj = self._guild(guild)
        channel_obj = self._channel(channel)
        user_obj = self._user(user)
        interaction_id = self._new_id()
        token = f"interaction-token-{interaction_id}-{secrets.token_hex(8)}"
        channel_payload = channel_obj.payload()
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "channel_id": str(channel_obj.id),
            "channel": channel_payload,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild_obj is not None:
            member = guild_obj.member(user_obj)
            permissions = guild_obj.permissions_of(member)
            channel_payload["permissions"] = str(permissions)
            payload.update(
                guild_id=str(guild_obj.id),
                guild_locale=guild_obj.preferred_locale,
                guild={
                    "id": str(guild_obj.id),
                    "locale": guild_obj.preferred_locale,
                    "features": [],
                },
                member=member.payload(permissions=permissions),
                # Discord resolves them for the interaction's channel, overwrites included.
                app_permissions=str(
                    guild_obj.channel_permissions_of(guild_obj.member(self.bot_user), channel_obj)
                ),
                authorizing_integration_owners={"0": str(guild_obj.id)},
                context=0,
            )
        else:
            payload.update(
                user=user_obj.payload(),
                app_permissions=str(ALL_PERMISSIONS),
                authorizing_integration_owners={"0": str(self.application_id)},
                context=1,
            )
        message_id = None
        if message is not None:
            msg = self._message(message)
            payload["message"] = msg
            message_id = int(msg["id"])
        record = SentInteraction(
            interaction_id,
            token,
            type,
            payload,
            guild_obj.id if guild_obj else None,
            channel_obj.id,
            user_obj.id,
            message_id=message_id,
        )
        self._interactions[interaction_id] = record
        self._interactions_by_token[token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def slash_command(
        self,
        guild: FakeGuild | int | None,
        channel: FakeChannel | int,
        user: FakeUser | FakeMember | int,
        name: str,
        options: Mapping[str, Any] | Sequence[JSON] | None = None,
        *,
        locale: str = "en-US",
        guild_command: bool | None = None,
    ) -> SentInteraction:
        """Invoke ``/name`` (``"group sub"`` for subcommands) with ``options``.

        ``options`` maps option names to values: ``str``/``int``/``float``/
        ``bool`` become STRING/INTEGER/NUMBER/BOOLEAN, ``FakeUser``/
        ``FakeMember``/``FakeChannel``/``FakeRole`` become USER/CHANNEL/ROLE
        options with ``resolved`` data; a list of raw option dicts is sent as
        is. ``data.guild_id`` is set when the command was synced to the guild
        (or with ``guild_command=True``), which is how discord.py finds guild
        commands.
        """
        guild_obj = self._guild(guild)
        top, *subs = name.split()
        opts, resolved = self._build_options(options, guild_obj)
        if len(subs) == 2:
            opts = [
                {
                    "type": 2,
                    "name": subs[0],
                    "options": [{"type": 1, "name": subs[1], "options": opts}],
                }
            ]
        elif len(subs) == 1:
            opts = [{"type": 1, "name": subs[0], "options": opts}]
        data = self._command_data(top, 1, guild_obj, guild_command)
        data["options"] = opts
        if resolved:
            data["resolved"] = resolved
        return await self.interaction_create(
            APPLICATION_COMMAND, data, guild=guild_obj, channel=channel, user=user, locale=locale
        )

    async def message_command(
        self,
        user: FakeUser | FakeMember | int,
        name: str,
        target: JSON | int,
        *,
        locale: str = "en-US",
        guild_command: bool | None = None,
    ) -> SentInteraction:
        """Invoke the message context-menu command ``name`` on ``target``
        (guild and channel come from the message)."""
        msg = self._message(target)
        guild_obj = self._guild(int(msg["guild_id"])) if "guild_id" in msg else None
        data = self._command_data(name, 3, guild_obj, guild_command)
        data["target_id"] = msg["id"]
        data["resolved"] = {"messages": {msg["id"]: msg}}
        return await self.interaction_create(
            APPLICATION_COMMAND,
            data,
            guild=guild_obj,
            channel=int(msg["channel_id"]),
            user=user,
            locale=locale,
        )

    async def user_command(
        self,
        guild: FakeGuild | int,
        channel: FakeChannel | int,
        user: FakeUser | FakeMember | int,
        name: str,
        target: FakeUser | FakeMember | int,
        *,
        locale: str = "en-US",
        guild_command: bool | None = None,
    ) -> SentInteraction:
        """Invoke the user context-menu command ``name`` on ``target``."""
        guild_obj = self._guild(guild)
        target_user = self._user(target)
        data = self._command_data(name, 2, guild_obj, guild_command)
        data["target_id"] = str(target_user.id)
        _, data["resolved"] = self._build_options({"target": target_user}, guild_obj)
        return await self.interaction_create(
            APPLICATION_COMMAND, data, guild=guild_obj, channel=channel, user=user, locale=locale
        )

    async def click_button(
        self,
        message: JSON | int,
        user: FakeUser | FakeMember | int,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Click a button on a stored message, found by ``custom_id`` or ``label``.

        Clicking a button the message does not have is a test bug and raises
        ``LookupError`` listing the buttons that exist.
        """
        msg = self._message(message)
        component = self._find_component(msg, custom_id=custom_id, label=label)
        return await self.component_interaction(
            msg,
            user,
            component["custom_id"],
            component_type=component.get("type", 2),
            locale=locale,
        )

    async def select_options(
        self,
        message: JSON | int,
        user: FakeUser | FakeMember | int,
        custom_id: str,
        values: Sequence[str],
        *,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Pick ``values`` in a select menu of a stored message."""
        msg = self._message(message)
        component = self._find_component(msg, custom_id=custom_id, label=None)
        return await self.component_interaction(
            msg,
            user,
            custom_id,
            component_type=component.get("type", 3),
            values=values,
            locale=locale,
        )

    async def component_interaction(
        self,
        message: JSON | int,
        user: FakeUser | FakeMember | int,
        custom_id: str,
        *,
        component_type: int = 2,
        values: Sequence[str] | None = None,
        locale: str = "en-US",
    ) -> SentInteraction:
        """A raw MESSAGE_COMPONENT interaction (type 3) on a stored message."""
        msg = self._message(message)
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        guild = int(msg["guild_id"]) if "guild_id" in msg else None
        return await self.interaction_create(
            MESSAGE_COMPONENT,
            data,
            guild=guild,
            channel=int(msg["channel_id"]),
            user=user,
            message=msg,
            locale=locale,
        )

    async def submit_modal(
        self,
        modal: InteractionCallback | JSON | str,
        values: Mapping[str, str],
        *,
        user: FakeUser | FakeMember | int | None = None,
        guild: FakeGuild | int | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Submit a modal (interaction type 5).

        ``modal`` is the type 9 ``InteractionCallback`` that opened it (then
        user, guild and channel default to that interaction's), its ``data``
        dict, or a bare custom_id. ``values`` is keyed by text input custom_id
        or label; discord.py generates random custom_ids, so labels are handy.
        """
        source: InteractionCallback | None = None
        if isinstance(modal, InteractionCallback):
            if modal.type != 9:
                raise ValueError(f"callback type {modal.type} is not a modal (9)")
            source = modal
            modal_data: JSON = modal.data or {}
        elif isinstance(modal, str):
            modal_data = {"custom_id": modal, "components": []}
        else:
            modal_data = dict(modal)
        inputs = _modal_inputs(modal_data)
        components: list[JSON] = []
        for key, value in values.items():
            found = inputs.get(key)
            if found is None and inputs:
                raise LookupError(f"modal has no text input {key!r}; it has {sorted(inputs)}")
            custom_id, wrapper = found or (key, 1)
            text = {"type": 4, "custom_id": custom_id, "value": value}
            components.append(
                {"type": 18, "component": text}
                if wrapper == 18
                else {"type": 1, "components": [text]}
            )
        data = {"custom_id": modal_data["custom_id"], "components": components}
        if source is not None:
            ix = source.interaction
            guild = ix.guild_id if guild is None else guild
            channel = ix.channel_id if channel is None else channel
            user = ix.user_id if user is None else user
        if channel is None or user is None:
            raise ValueError("submit_modal needs user and channel unless given the modal callback")
        message = source.interaction.message_id if source is not None else None
        return await self.interaction_create(
            MODAL_SUBMIT,
            data,
            guild=guild,
            channel=channel,
            user=user,
            message=message,
            locale=locale,
        )

    # ------------------------------------------------------------------ inspection

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """Recorded requests matching ``route`` (see ``RecordedRequest.matches``)."""
        return [r for r in self.requests if r.matches(route)]

    def clear_requests(self) -> None:
        self.requests.clear()
        self.unknown_routes.clear()

    def messages_in(self, channel: FakeChannel | int, *, include_users: bool = False) -> list[JSON]:
        """Messages in a channel, oldest first: by default only the bot's (REST
        posts, interaction answers and follow-ups, ephemeral ones included)."""
        channel_id = str(channel if isinstance(channel, int) else channel.id)
        return [
            m
            for m in self._messages.values()
            if m["channel_id"] == channel_id
            and (include_users or m["author"]["id"] == str(self.bot_user.id))
        ]

    def message(self, message_id: int | str) -> JSON:
        return self._message(int(message_id))

    def callbacks_for(self, interaction: SentInteraction) -> list[InteractionCallback]:
        return [c for c in self.callbacks if c.interaction is interaction]

    def followups_for(self, interaction: SentInteraction) -> list[JSON]:
        return [self._messages[i] for i in interaction.followup_ids if i in self._messages]

    def commands(self, guild: FakeGuild | int | None = None) -> list[JSON]:
        """The commands last synced (``tree.sync()``), globally or for a guild."""
        guild_id = guild if guild is None or isinstance(guild, int) else guild.id
        return self.synced_commands.get(guild_id, [])

    async def wait_for(
        self,
        route: str | Callable[[RecordedRequest], bool],
        count: int = 1,
        timeout: float = PATIENCE_S,
        *,
        where: Callable[[Any], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Wait until at least ``count`` recorded requests match; return all matches.

        ``route`` is a pattern such as ``"POST /channels/{channel_id}/messages"``
        or a predicate on ``RecordedRequest``; ``where`` filters on the JSON
        body. Requests made before the call count too, so there is no race.
        On timeout raises ``AssertionError`` listing what did happen.
        """

        def matching() -> list[RecordedRequest]:
            return [
                r
                for r in self.requests
                if (route(r) if callable(route) else r.matches(route))
                and (where is None or where(r.json))
            ]

        what = route if isinstance(route, str) else getattr(route, "__name__", "predicate")
        return await self._wait_until(
            _at_least(count, matching), f"{count} request(s) matching {what}", timeout
        )

    async def wait_for_callback(
        self, interaction: SentInteraction, count: int = 1, timeout: float = PATIENCE_S
    ) -> InteractionCallback:
        """Wait for the bot's answer to ``interaction``; return the ``count``-th one."""
        found = await self._wait_until(
            _at_least(count, lambda: self.callbacks_for(interaction)),
            f"a callback to interaction {interaction.id} ({_describe_interaction(interaction)}); "
            "if the bot's handler raised, discord.py logged it (see the captured log)",
            timeout,
        )
        return found[count - 1]

    async def wait_for_followup(
        self, interaction: SentInteraction, count: int = 1, timeout: float = PATIENCE_S
    ) -> JSON:
        """Wait for the ``count``-th follow-up message to ``interaction``."""
        found = await self._wait_until(
            _at_least(count, lambda: self.followups_for(interaction)),
            f"{count} follow-up(s) to interaction {interaction.id}",
            timeout,
        )
        return found[count - 1]

    async def wait_for_gateway(
        self, op: int, count: int = 1, timeout: float = PATIENCE_S
    ) -> list[GatewayFrame]:
        """Wait until clients sent ``count`` frames with opcode ``op`` (2 IDENTIFY, 6 RESUME)."""
        return await self._wait_until(
            _at_least(count, lambda: [f for f in self.gateway_frames if f.op == op]),
            f"{count} gateway frame(s) {_OP_NAMES.get(op, op)}",
            timeout,
        )

    def describe_activity(self, limit: int = 40) -> str:
        """A readable log of what the stand-in saw, for assertion messages."""
        frames = [f.name for f in self.gateway_frames if f.op != 1]
        sessions = [
            f"{s.session_id[:8]} intents={s.intents} seq={s.seq} "
            f"{'live' if s.live else 'detached' if s.resumable else 'closed'}"
            for s in self._sessions.values()
        ]
        lines = [
            f"gateway frames from clients: {', '.join(frames[-limit:]) or '(none)'}",
            f"gateway sessions: {'; '.join(sessions) or '(none)'}",
            "REST requests:",
            *(f"  {r}" for r in self.requests[-limit:]),
        ]
        if not self.requests:
            lines.append("  (none)")
        if self.unknown_routes:
            lines.append("unknown routes: " + ", ".join(str(r) for r in self.unknown_routes))
        if self.callbacks:
            lines.append(
                "interaction callbacks: "
                + ", ".join(f"{c.interaction.id}:type {c.type}" for c in self.callbacks)
            )
        return "\n".join(lines)

    # ------------------------------------------------------------------ waiting

    async def _wait_until(self, check: Callable[[], T | None], what: str, timeout: float) -> T:
        result: T | None = None

        def ready() -> bool:
            nonlocal result
            result = check()
            return result is not None

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what}\n{self.describe_activity()}"
            ) from None
        assert result is not None
        return result

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------------ lookups

    def _register_user(self, user: FakeUser) -> None:
        self.users[user.id] = user

    def _guild(self, guild: FakeGuild | int | None) -> FakeGuild | None:
        if guild is None or isinstance(guild, FakeGuild):
            return guild
        try:
            return self.guilds[guild]
        except KeyError:
            raise KeyError(f"unknown guild {guild}") from None

    def _user(self, user: FakeUser | FakeMember | int) -> FakeUser:
        if isinstance(user, FakeUser):
            return user
        if isinstance(user, FakeMember):
            return user.user
        try:
            return self.users[user]
        except KeyError:
            raise KeyError(f"unknown user {user}") from None

    def _channel_or_none(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        for channel in self._dm_channels.values():
            if channel.id == channel_id:
                return channel
        return None

    def _channel(self, channel: FakeChannel | int) -> FakeChannel:
        if isinstance(channel, FakeChannel):
            return channel
        found = self._channel_or_none(channel)
        if found is None:
            raise KeyError(f"unknown channel {channel}")
        return found

    def _message(self, message: JSON | int | str) -> JSON:
        message_id = int(message["id"]) if isinstance(message, Mapping) else int(message)
        try:
            return self._messages[message_id]
        except KeyError:
            raise KeyError(f"unknown message {message_id}") from None

    # ------------------------------------------------------------------ building payloads

    def _build_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        payload: Mapping[str, Any],
        *,
        message_id: int | None = None,
        member: FakeMember | None = None,
        files: Sequence[JSON] = (),
        webhook_id: int | None = None,
    ) -> JSON:
        msg: JSON = {
            "id": str(message_id or self._new_id()),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": payload.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(payload.get("attachments") or [], files),
            "embeds": list(payload.get("embeds") or []),
            "components": list(payload.get("components") or []),
            "pinned": False,
            "type": 0,
            "flags": int(payload.get("flags") or 0),
        }
        if channel.guild_id is not None:
            msg["guild_id"] = str(channel.guild_id)
            if member is not None:
                msg["member"] = member.payload(with_user=False)
        if webhook_id is not None:
            msg["webhook_id"] = str(webhook_id)
            msg["application_id"] = str(self.application_id)
        if payload.get("poll"):
            msg["poll"] = payload["poll"]
        reference = payload.get("message_reference")
        if reference:
            msg["type"] = 19
            msg["message_reference"] = {
                "type": reference.get("type", 0),
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or channel.id),
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
            }
            with contextlib.suppress(KeyError):
                msg["referenced_message"] = self._message(int(reference["message_id"]))
        self._fill_mentions(msg)
        return msg

    def _attachments(
        self, declared: Sequence[Mapping[str, Any]], files: Sequence[JSON]
    ) -> list[JSON]:
        result = []
        for index, item in enumerate(declared):
            if "url" in item:  # an existing attachment kept on edit
                result.append(dict(item))
                continue
            upload = files[index] if index < len(files) else {}
            attachment_id = self._new_id()
            filename = item.get("filename") or upload.get("filename") or f"file{index}"
            url = f"{self.url}/attachments/{attachment_id}/{filename}"
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": filename,
                    "description": item.get("description"),
                    "size": upload.get("size", 0),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.get("content_type"),
                }
            )
        return result

    def _fill_mentions(self, msg: JSON) -> None:
        content = msg.get("content") or ""
        guild = self.guilds.get(int(msg["guild_id"])) if "guild_id" in msg else None
        mentions = []
        for raw in dict.fromkeys(_MENTION_RE.findall(content)):
            user = self.users.get(int(raw))
            if user is None:
                continue
            entry = user.payload()
            if guild is not None and user.id in guild.members:
                entry["member"] = guild.members[user.id].payload(with_user=False)
            mentions.append(entry)
        msg["mentions"] = mentions
        msg["mention_roles"] = [
            raw
            for raw in dict.fromkeys(_ROLE_MENTION_RE.findall(content))
            if guild is not None and int(raw) in guild.roles
        ]
        msg["mention_everyone"] = "@everyone" in content or "@here" in content

    def _store_message(self, msg: JSON) -> None:
        self._messages[int(msg["id"])] = msg
        channel = self._channel_or_none(int(msg["channel_id"]))
        if channel is not None:
            channel.last_message_id = int(msg["id"])

    async def _store_bot_message(self, msg: JSON) -> None:
        """Store a message the bot made and echo it over the gateway like Discord."""
        self._store_message(msg)
        if self.echo_bot_messages and not msg["flags"] & EPHEMERAL:
            await self._broadcast("MESSAGE_CREATE", msg)

    async def _broadcast(self, event: str, data: JSON) -> None:
        """Dispatch without waiting for a client (for echoes of REST actions)."""
        for session in [s for s in self._sessions.values() if s.live]:
            payload = self._filter_for(session, event, data)
            if payload is not None:
                await session.send(event, payload)

    def _filter_for(self, session: _GatewaySession, event: str, data: JSON) -> JSON | None:
        """Apply Discord's intent rules to what one session receives."""
        if event.startswith("MESSAGE_") and not event.startswith("MESSAGE_REACTION"):
            in_guild = "guild_id" in data
            if not session.intents & (GUILD_MESSAGES if in_guild else DIRECT_MESSAGES):
                return None
            if (
                event in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
                and in_guild
                and not session.intents & MESSAGE_CONTENT
                and data.get("author", {}).get("id") != str(self.bot_user.id)
                and not any(m.get("id") == str(self.bot_user.id) for m in data.get("mentions", []))
            ):
                return {**data, "content": "", "embeds": [], "attachments": [], "components": []}
        member_event = event in (
            "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE",
            "THREAD_MEMBERS_UPDATE",
        )  # fmt: skip
        if member_event and not session.intents & GUILD_MEMBERS:
            return None
        return data

    def _command_data(
        self, name: str, command_type: int, guild: FakeGuild | None, guild_command: bool | None
    ) -> JSON:
        if guild_command is None:
            guild_command = (
                guild is not None and (guild.id, command_type, name) in self._command_ids
            )
        guild_id = guild.id if guild_command and guild is not None else None
        command_id = self._command_ids.get((guild_id, command_type, name)) or self._new_id()
        data: JSON = {"id": str(command_id), "name": name, "type": command_type}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return data

    def _build_options(
        self, options: Mapping[str, Any] | Sequence[JSON] | None, guild: FakeGuild | None
    ) -> tuple[list[JSON], JSON]:
        if options is None:
            return [], {}
        if not isinstance(options, Mapping):
            return [dict(o) for o in options], {}
        built: list[JSON] = []
        resolved: dict[str, dict[str, JSON]] = {}
        for name, value in options.items():
            if isinstance(value, bool):
                built.append({"name": name, "type": 5, "value": value})
            elif isinstance(value, int):
                built.append({"name": name, "type": 4, "value": value})
            elif isinstance(value, float):
                built.append({"name": name, "type": 10, "value": value})
            elif isinstance(value, str):
                built.append({"name": name, "type": 3, "value": value})
            elif isinstance(value, FakeUser | FakeMember):
                user = self._user(value)
                built.append({"name": name, "type": 6, "value": str(user.id)})
                resolved.setdefault("users", {})[str(user.id)] = user.payload()
                if guild is not None and user.id in guild.members:
                    member = guild.members[user.id]
                    resolved.setdefault("members", {})[str(user.id)] = member.payload(
                        with_user=False, permissions=guild.permissions_of(member)
                    )
            elif isinstance(value, FakeChannel):
                built.append({"name": name, "type": 7, "value": str(value.id)})
                resolved.setdefault("channels", {})[str(value.id)] = {
                    **value.payload(),
                    "permissions": str(ALL_PERMISSIONS),
                }
            elif isinstance(value, FakeRole):
                built.append({"name": name, "type": 8, "value": str(value.id)})
                resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            else:
                raise TypeError(f"cannot turn option {name}={value!r} into a Discord option")
        return built, resolved

    @staticmethod
    def _find_component(msg: JSON, *, custom_id: str | None, label: str | None) -> JSON:
        found = list(_walk_components(msg.get("components") or []))
        for component in found:
            if "custom_id" not in component:
                continue
            if (custom_id is not None and component["custom_id"] == custom_id) or (
                custom_id is None and label is not None and component.get("label") == label
            ):
                return component
        existing = [(c.get("label"), c.get("custom_id")) for c in found if "custom_id" in c]
        raise LookupError(
            f"message {msg['id']} has no component custom_id={custom_id!r} label={label!r}; "
            f"it has (label, custom_id): {existing}"
        )

    def _ready_payload(self, session: _GatewaySession) -> JSON:
        data: JSON = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self._guilds_for(session)],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self._application_flags()},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "_trace": ["groundrules-discord-standin"],
        }
        if session.shard is not None:
            data["shard"] = list(session.shard)
        return data

    def _guilds_for(self, session: _GatewaySession) -> list[FakeGuild]:
        if session.shard is None:
            return list(self.guilds.values())
        shard_id, shard_count = session.shard
        return [g for g in self.guilds.values() if (g.id >> 22) % shard_count == shard_id]

    def _application_flags(self) -> int:
        if self._refuse_privileged:
            return 0
        return (
            _APP_FLAG_GATEWAY_PRESENCE
            | _APP_FLAG_GATEWAY_GUILD_MEMBERS
            | _APP_FLAG_GATEWAY_MESSAGE_CONTENT
        )

    def _application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "description": "",
            "icon": None,
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.owner.payload(),
            "team": None,
            "flags": self._application_flags(),
            "bot": self.bot_user.payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
        }

    # ------------------------------------------------------------------ aiohttp app

    def _make_app(self) -> web.Application:
        @web.middleware
        async def record(request: web.Request, handler: _Handler) -> web.StreamResponse:
            if request.path == "/gw":
                return await handler(request)
            return await self._record(request, handler)

        app = web.Application(middlewares=[record], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gw", self._gateway)
        for method, path, handler in self._routes():
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    def _routes(self) -> list[tuple[str, str, _Handler]]:
        # Specific paths come before the templates that would also match them.
        return [
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("GET", "/channels/{channel_id}/messages", self._get_messages),
            ("POST", "/channels/{channel_id}/messages", self._post_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("GET", "/channels/{channel_id}/thread-members", self._get_thread_members),
            ("POST", "/channels/{channel_id}/typing", self._no_content),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._no_content,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._no_content,
            ),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._create_thread),
            ("POST", "/channels/{channel_id}/threads", self._create_thread),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("GET", "/guilds/{guild_id}/members", self._get_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{application_id}/{token}", self._post_followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/@original", self._webhook_message),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/@original",
                self._webhook_message,
            ),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
            ("GET", "/applications/{application_id}/commands", self._get_commands),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
            ),
        ]

    async def _record(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        payload, files = await _read_body(request)
        request[_PAYLOAD] = payload
        request[_FILES] = files
        path = request.path.removeprefix(API_PREFIX)
        canonical = (
            request.match_info.route.resource.canonical
            if request.match_info.route.resource
            else None
        )
        is_known = handler != self._unknown and canonical is not None
        record = RecordedRequest(
            request.method,
            path,
            canonical.removeprefix(API_PREFIX) if is_known and canonical else None,
            payload,
            dict(request.query),
            files,
        )
        planned = self._injected_error(record)
        response = None if planned is None or planned.after else planned.response()
        if response is None:
            response = self._check_auth(request, record)
        if response is None:
            response = self._check_bot_access(record)
        if response is None:
            response = self._check_limits(record)
        if response is None:
            response = await handler(request)
            if planned is not None:  # done, and its answer lost
                response = planned.response()
        record.status = response.status
        self.requests.append(record)
        if not is_known:
            self.unknown_routes.append(record)
        await self._notify()
        for route, released in self._holds:
            if record.matches(route):
                # Bounded: a test that never releases fails on its own waits, not by hanging.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HELD_AT_MOST_S):
                        await released.wait()
        return response

    def _injected_error(self, record: RecordedRequest) -> _InjectedError | None:
        for planned in self._injected:
            if planned.remaining > 0 and record.matches(planned.pattern):
                if planned.skip > 0:
                    planned.skip -= 1
                    continue
                planned.remaining -= 1
                return planned
        return None

    def _check_bot_access(self, record: RecordedRequest) -> web.Response | None:
        """Refuse what the bot was denied (deny_bot), as Discord does."""
        if not record.path.startswith("/channels/"):
            return None
        channel_id = int(record.path.split("/")[2])
        code, message = self._bot_denied.get(channel_id, (None, ""))
        channel = self._channel_or_none(channel_id)
        if channel is not None and channel.without_the_bot:
            code, message = 50001, "Missing Access"
        if code is None:
            return None
        posting = record.method == "POST" and record.route in (
            "/channels/{channel_id}/messages", "/channels/{channel_id}/threads",
            "/channels/{channel_id}/messages/{message_id}/threads",
        )  # fmt: skip
        if code == 50001 or posting:
            return _error(403, code, message)
        return None

    def _check_limits(self, record: RecordedRequest) -> web.Response | None:
        """Refuse a message past Discord's limits, as Discord does (400/50035)."""
        if not self.enforce_limits or record.route not in _MESSAGE_ROUTES.get(record.method, ()):
            return None
        payload = record.json
        if record.route == _CALLBACK_ROUTE:  # only answers that carry a message
            is_message = isinstance(payload, Mapping) and payload.get("type") in (4, 7)
            payload = payload.get("data") if is_message else None
        errors = message_errors(payload)
        if errors is None:
            return None
        self.refused.append((record, errors))
        return _json_response(
            {"message": "Invalid Form Body", "code": 50035, "errors": errors}, 400
        )

    def _check_auth(self, request: web.Request, record: RecordedRequest) -> web.Response | None:
        if self.expected_token is None:
            return None
        if record.path.startswith(("/webhooks/", "/interactions/")):
            return None  # interaction tokens authenticate these, as on Discord
        if request.headers.get("Authorization") != f"Bot {self.expected_token}":
            return _error(401, 0, "401: Unauthorized")
        return None

    # ------------------------------------------------------------------ REST handlers

    async def _unknown(self, request: web.Request) -> web.Response:
        return _error(
            404, 0, f"404: Not Found (stand-in has no route {request.method} {request.path})"
        )

    async def _no_content(self, request: web.Request) -> web.Response:
        return _no_content()

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json_response(
            {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0}
        )

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request.match_info["user_id"]))
        return _json_response(user.payload()) if user else _error(404, 10013, "Unknown User")

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json_response(self._application_payload())

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _create_dm(self, request: web.Request) -> web.Response:
        recipient_id = int((request[_PAYLOAD] or {}).get("recipient_id", 0))
        if recipient_id not in self.users:
            return _error(400, 50033, "Invalid Recipients")
        return _json_response(self.dm_channel(recipient_id).payload())

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel_or_none(int(request.match_info["channel_id"]))
        return (
            _json_response(channel.payload()) if channel else _error(404, 10003, "Unknown Channel")
        )

    async def _get_messages(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if self._channel_or_none(channel_id) is None:
            return _error(404, 10003, "Unknown Channel")
        messages = self.messages_in(channel_id, include_users=True)
        query = request.query
        if "before" in query:
            messages = [m for m in messages if int(m["id"]) < int(query["before"])]
        if "after" in query:
            messages = [m for m in messages if int(m["id"]) > int(query["after"])]
        limit = int(query.get("limit", 50))
        newest_first = list(reversed(messages))[:limit]
        if "after" in query:  # Discord pages "after" from the oldest side
            newest_first = list(reversed(messages[:limit]))
        return _json_response(newest_first)

    async def _get_message(self, request: web.Request) -> web.Response:
        msg = self._messages.get(int(request.match_info["message_id"]))
        if msg is None or msg["channel_id"] != request.match_info["channel_id"]:
            return _error(404, 10008, "Unknown Message")
        return _json_response(msg)

    async def _post_message(self, request: web.Request) -> web.Response:
        channel = self._channel_or_none(int(request.match_info["channel_id"]))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        if channel.type == DM and channel.recipient and channel.recipient.id in self._dms_closed:
            return _error(403, 50007, "Cannot send messages to this user")
        if channel.type == GUILD_FORUM:  # a forum takes messages only in its posts
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        if (refused := self._may_not_post(channel)) is not None:
            return refused
        payload = request[_PAYLOAD] or {}
        if (refused := self._may_not_attach(channel, payload, request[_FILES])) is not None:
            return refused
        if not any(
            payload.get(k)
            for k in ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
        ):
            return _error(400, 50006, "Cannot send an empty message")
        if (made := self._made_with_nonce(payload)) is not None:
            return _json_response(made)  # Discord hands back the message, makes none
        if channel.archived:  # a message in an archived thread reopens it
            channel.archived = False
            await self._broadcast("THREAD_UPDATE", channel.payload())
        msg = self._build_message(channel, self.bot_user, payload, files=request[_FILES])
        if payload.get("nonce") is not None:
            msg["nonce"] = str(payload["nonce"])
            self._keep_nonce(str(payload["nonce"]), int(msg["id"]))
        await self._store_bot_message(msg)
        return _json_response(msg)

    def _keep_nonce(self, nonce: str, message_id: int) -> None:
        """Kept for NONCE_KEPT_S; those kept longer are let go (oldest first: a long run,
        a benchmark's million messages, keeps only the last few minutes' nonces)."""
        now = time.monotonic()
        while self._nonces:
            oldest = next(iter(self._nonces))
            if now - self._nonces[oldest][0] <= NONCE_KEPT_S:
                break
            del self._nonces[oldest]
        self._nonces[(self.bot_user.id, nonce)] = (now, message_id)

    def _made_with_nonce(self, payload: Mapping[str, Any]) -> JSON | None:
        """The bot's message made with the nonce `payload` carries, in the past few
        minutes, when `payload` asks for its nonce to be enforced (discord.py does, with
        a nonce of its own for each message it sends, kept through its own retries)."""
        nonce = payload.get("nonce")
        if not payload.get("enforce_nonce") or nonce is None:
            return None
        made = self._nonces.get((self.bot_user.id, str(nonce)))
        if made is None or time.monotonic() - made[0] > NONCE_KEPT_S:
            return None
        return self._messages.get(made[1])

    def _refused_while_archived(self, channel_id: str) -> web.Response | None:
        channel = self._channel_or_none(int(channel_id))
        if channel is not None and channel.archived:
            return _error(400, 50083, "Operation cannot be performed on an archived thread.")
        return None

    def _may_not_post(self, channel: FakeChannel) -> web.Response | None:
        """Discord's refusal of the bot's post in a server's channel it may not post in
        (its permissions there, overwrites included), or in a locked thread (archived
        too: 50083)."""
        if channel.guild_id is None:
            return None
        guild = self.guilds[channel.guild_id]
        allowed = guild.channel_permissions_of(guild.member(self.bot_user), channel)
        if not allowed & VIEW_CHANNEL:
            return _error(403, 50001, "Missing Access")
        send = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        if not allowed & send:
            return _error(403, 50013, "Missing Permissions")
        if channel.locked and not allowed & MANAGE_THREADS:
            if channel.archived:
                return _error(403, 50083, "Thread is archived")
            return _error(403, 160005, "Thread is locked")
        return None

    def _may_not_attach(
        self, channel: FakeChannel, payload: JSON, files: Sequence[JSON]
    ) -> web.Response | None:
        """Discord's refusal (403/50013) of the bot's post in a server's channel with a
        file it may not attach (Attach Files), an embed it may not show (Embed Links), or
        as a reply where it may not read the messages before (Read Message History)."""
        if channel.guild_id is None:
            return None
        guild = self.guilds[channel.guild_id]
        allowed = guild.channel_permissions_of(guild.member(self.bot_user), channel)
        if (
            (files and not allowed & ATTACH_FILES)
            or (payload.get("embeds") and not allowed & EMBED_LINKS)
            or (payload.get("message_reference") and not allowed & READ_MESSAGE_HISTORY)
        ):
            return _error(403, 50013, "Missing Permissions")
        return None

    async def _patch_message(self, request: web.Request) -> web.Response:
        if self._channel_or_none(int(request.match_info["channel_id"])) is None:
            return _error(404, 10003, "Unknown Channel")
        msg = self._messages.get(int(request.match_info["message_id"]))
        if msg is None or msg["channel_id"] != request.match_info["channel_id"]:
            return _error(404, 10008, "Unknown Message")
        if msg["author"]["id"] != str(self.bot_user.id):
            return _error(403, 50005, "Cannot edit a message authored by another user")
        if (archived := self._refused_while_archived(msg["channel_id"])) is not None:
            return archived
        self._apply_edit(msg, request[_PAYLOAD] or {}, request[_FILES])
        await self._broadcast("MESSAGE_UPDATE", msg)
        return _json_response(msg)

    async def _delete_message(self, request: web.Request) -> web.Response:
        if self._channel_or_none(int(request.match_info["channel_id"])) is None:
            return _error(404, 10003, "Unknown Channel")
        archived = self._refused_while_archived(request.match_info["channel_id"])
        if archived is not None:
            return archived
        msg = self._messages.pop(int(request.match_info["message_id"]), None)
        if msg is None:
            return _error(404, 10008, "Unknown Message")
        event = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if "guild_id" in msg:
            event["guild_id"] = msg["guild_id"]
        await self._broadcast("MESSAGE_DELETE", event)
        return _no_content()

    async def _get_thread_members(self, request: web.Request) -> web.Response:
        thread = self._channel_or_none(int(request.match_info["channel_id"]))
        if thread is None or not thread.is_thread:
            return _error(404, 10003, "Unknown Channel")
        ids = [*thread.member_ids]
        if self.bot_user.id not in ids:
            ids.append(self.bot_user.id)
        return _json_response([self._thread_member(thread, i) for i in ids])

    async def _create_thread(self, request: web.Request) -> web.Response:
        parent = self._channel_or_none(int(request.match_info["channel_id"]))
        if parent is None or parent.guild_id is None:
            return _error(404, 10003, "Unknown Channel")
        payload = request[_PAYLOAD] or {}
        message_id = request.match_info.get("message_id")
        # A forum post starts with its first message, whose id is the post's.
        starter = payload.get("message") or {}
        if parent.type == GUILD_FORUM and not any(
            starter.get(k) for k in ("content", "embeds", "components", "attachments")
        ):
            return _error(400, 50006, "Cannot send an empty message")
        if parent.requires_tag and not payload.get("applied_tags"):
            return _error(400, 40067, "A tag is required to create a forum post in this channel")
        guild = self.guilds[parent.guild_id]
        thread = guild.add_thread(
            parent,
            payload.get("name", "thread"),
            owner=self.bot_user,
            private=payload.get("type") == PRIVATE_THREAD,
            thread_id=int(message_id) if message_id else None,
        )
        data = {**thread.payload(), "newly_created": True}
        await self._broadcast("THREAD_CREATE", data)
        if parent.type != GUILD_FORUM:
            return _json_response(thread.payload(), 201)
        msg = self._build_message(thread, self.bot_user, starter, message_id=thread.id)
        await self._store_bot_message(msg)
        return _json_response({**thread.payload(), "message": msg}, 201)

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        data = guild.payload()
        for key in ("members", "channels", "threads", "voice_states", "presences"):
            data.pop(key)
        return _json_response(data)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        return _json_response([c.payload() for c in guild.text_channels])

    async def _get_members(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        after = int(request.query.get("after", 0))
        limit = int(request.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return _json_response([m.payload() for m in members[:limit]])

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return _error(404, 10004, "Unknown Guild")
        member = guild.members.get(int(request.match_info["user_id"]))
        return _json_response(member.payload()) if member else _error(404, 10007, "Unknown Member")

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        ix = self._interactions.get(int(request.match_info["interaction_id"]))
        if ix is None or ix.token != request.match_info["token"]:
            return _error(404, 10062, "Unknown interaction")
        payload = request[_PAYLOAD] or {}
        callback_type = payload.get("type")
        if callback_type not in _CALLBACK_TYPES:
            return _error(400, 50035, f"Invalid Form Body (callback type {callback_type!r})")
        if ix.responded:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        ix.responded = True
        data = payload.get("data")
        channel = self._channel(ix.channel_id)
        message: JSON | None = None
        if callback_type == 4:
            message = self._interaction_message(ix, channel, data or {}, request[_FILES])
            await self._store_bot_message(message)
            ix.original_message_id = int(message["id"])
        elif callback_type == 5:
            flags = int((data or {}).get("flags") or 0) | LOADING
            message = self._interaction_message(ix, channel, {"flags": flags}, ())
            await self._store_bot_message(message)
            ix.original_message_id = int(message["id"])
        elif callback_type in (6, 7) and ix.message_id is not None:
            ix.original_message_id = ix.message_id
            if callback_type == 7:
                message = self._messages.get(ix.message_id)
                if message is not None:
                    self._apply_edit(message, data or {}, request[_FILES])
                    await self._broadcast("MESSAGE_UPDATE", message)
        self.callbacks.append(InteractionCallback(ix, callback_type, data, message))
        flags = message["flags"] if message else int((data or {}).get("flags") or 0)
        answer: JSON = {
            "interaction": {
                "id": str(ix.id),
                "type": ix.type,
                "response_message_loading": callback_type == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": callback_type, "message": message}
        return _json_response(answer)

    async def _post_followup(self, request: web.Request) -> web.Response:
        ix = self._interactions_by_token.get(request.match_info["token"])
        if ix is None or not ix.responded:
            # Discord only accepts follow-ups once the interaction was acknowledged.
            return _error(404, 10015, "Unknown Webhook")
        payload = request[_PAYLOAD] or {}
        message = self._interaction_message(
            ix, self._channel(ix.channel_id), payload, request[_FILES]
        )
        await self._store_bot_message(message)
        ix.followup_ids.append(int(message["id"]))
        if request.query.get("wait", "false").lower() not in ("true", "1"):
            return _no_content()
        return _json_response(message)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        ix = self._interactions_by_token.get(request.match_info["token"])
        raw_id = request.match_info.get("message_id", "@original")
        if ix is None:
            return _error(404, 10015, "Unknown Webhook")
        if "@original" in request.path:
            message_id = ix.original_message_id
        else:
            message_id = int(raw_id)
            if message_id not in ix.followup_ids:
                message_id = None
        message = self._messages.get(message_id) if message_id is not None else None
        if message is None:
            return _error(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            del self._messages[message_id]  # type: ignore[arg-type]
            return _no_content()
        if request.method == "PATCH":
            self._apply_edit(message, request[_PAYLOAD] or {}, request[_FILES])
            message["flags"] &= ~LOADING
            await self._broadcast("MESSAGE_UPDATE", message)
        return _json_response(message)

    async def _get_commands(self, request: web.Request) -> web.Response:
        guild_id = request.match_info.get("guild_id")
        return _json_response(self.synced_commands.get(int(guild_id) if guild_id else None, []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        if request.match_info["application_id"] != str(self.application_id):
            return _error(403, 50001, "Missing Access")
        raw_guild = request.match_info.get("guild_id")
        guild_id = int(raw_guild) if raw_guild else None
        payload = request[_PAYLOAD]
        if not isinstance(payload, list):
            return _error(400, 50035, "Invalid Form Body")
        result = []
        for command in payload:
            command_type = int(command.get("type", 1))
            key = (guild_id, command_type, command["name"])
            command_id = self._command_ids.setdefault(key, self._new_id())
            stored = {
                "description": "",
                "options": [],
                **command,
                "id": str(command_id),
                "application_id": str(self.application_id),
                "type": command_type,
                "version": str(self._new_id()),
            }
            if guild_id is not None:
                stored["guild_id"] = str(guild_id)
            result.append(stored)
        # A bulk overwrite drops commands that are not in the new list.
        keep = {(guild_id, int(c["type"]), c["name"]) for c in result}
        for key in [k for k in self._command_ids if k[0] == guild_id and k not in keep]:
            del self._command_ids[key]
        self.synced_commands[guild_id] = result
        return _json_response(result)

    def _interaction_message(
        self,
        ix: SentInteraction,
        channel: FakeChannel,
        payload: Mapping[str, Any],
        files: Sequence[JSON],
    ) -> JSON:
        message = self._build_message(
            channel, self.bot_user, payload, files=files, webhook_id=self.application_id
        )
        message["interaction_metadata"] = {
            "id": str(ix.id),
            "type": ix.type,
            "user": self.users[ix.user_id].payload(),
            "authorizing_integration_owners": ix.payload.get("authorizing_integration_owners", {}),
        }
        return message

    def _apply_edit(self, msg: JSON, payload: Mapping[str, Any], files: Sequence[JSON]) -> None:
        for key in ("content", "embeds", "components", "flags"):
            if key in payload and payload[key] is not None:
                msg[key] = payload[key]
        if "attachments" in payload:
            msg["attachments"] = self._attachments(payload["attachments"] or [], files)
        msg["edited_timestamp"] = _now_iso()
        self._fill_mentions(msg)

    # ------------------------------------------------------------------ gateway

    def _acknowledge_heartbeat(self, ws: web.WebSocketResponse) -> None:
        """HEARTBEAT_ACK after a network's round trip, not at once: discord.py notes a
        heartbeat as sent only once its send returns, and an acknowledgement handled
        before that reads as the gateway being a whole interval (41 s) behind."""

        async def later() -> None:
            await asyncio.sleep(HEARTBEAT_ROUND_TRIP_S)
            if not ws.closed:
                with contextlib.suppress(ConnectionError):
                    await ws.send_str(_dumps({"op": 11}))

        task = asyncio.create_task(later())
        self._acknowledgements.add(task)
        task.add_done_callback(self._acknowledgements.discard)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """One gateway connection: HELLO, then IDENTIFY or RESUME, then heartbeats.

        Frames are plain JSON text: discord.py asks for zlib-stream but parses
        uncompressed text frames as well.
        """
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: _GatewaySession | None = None
        try:
            await ws.send_str(
                _dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            )
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                frame = json.loads(msg.data)
                op, d = frame.get("op"), frame.get("d")
                self.gateway_frames.append(
                    GatewayFrame(op, d, session.session_id if session else None)
                )
                if op == 1:
                    self._acknowledge_heartbeat(ws)
                elif op == 2:
                    session = await self._on_identify(ws, d or {})
                elif op == 6:
                    session = await self._on_resume(ws, d or {})
                elif op == 8 and session is not None:
                    await self._on_request_members(session, d or {})
                await self._notify()
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                session.ready = False
                # Discord ends the session when the *client* closes with 1000/1001.
                # (aiohttp reports a server-initiated close as 1000 too, whatever code we sent.)
                if ws not in self._server_closed and ws.close_code in (1000, 1001):
                    session.resumable = False
            await self._notify()
        return ws

    async def _on_identify(self, ws: web.WebSocketResponse, d: JSON) -> _GatewaySession | None:
        intents = int(d.get("intents", 0))
        if self.expected_token is not None and d.get("token") != self.expected_token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if self._refuse_privileged and intents & PRIVILEGED_INTENTS:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = d.get("shard")
        session = _GatewaySession(
            secrets.token_hex(16), intents, (int(shard[0]), int(shard[1])) if shard else None, ws
        )
        self._sessions[session.session_id] = session
        await session.send("READY", self._ready_payload(session))
        for guild in self._guilds_for(session):
            if guild.id in self.in_outage:
                continue
            await session.send(
                "GUILD_CREATE",
                guild.payload(
                    include_members=bool(intents & GUILD_MEMBERS), bot_user_id=self.bot_user.id
                ),
            )
        session.ready = True
        return session

    async def _on_resume(self, ws: web.WebSocketResponse, d: JSON) -> _GatewaySession | None:
        session = self._sessions.get(str(d.get("session_id")))
        token_ok = self.expected_token is None or d.get("token") == self.expected_token
        if session is None or not session.resumable or not token_ok:
            await ws.send_str(_dumps({"op": 9, "d": False}))  # invalid session, not resumable
            return None
        old = session.ws
        session.ws = ws
        if old is not None and old is not ws and not old.closed:
            self._server_closed.add(old)
            await old.close(code=4000, message=b"session resumed elsewhere")
        await session.replay_after(d.get("seq"))
        await session.send("RESUMED", {})
        session.ready = True
        return session

    async def _on_request_members(self, session: _GatewaySession, d: JSON) -> None:
        guild_ids = d.get("guild_id")
        for raw in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            guild = self.guilds.get(int(raw))
            if guild is None:
                continue
            members = list(guild.members.values())
            if d.get("user_ids"):
                wanted = {int(u) for u in d["user_ids"]}
                members = [m for m in members if m.id in wanted]
            elif d.get("query"):
                members = [
                    m
                    for m in members
                    if m.user.username.lower().startswith(str(d["query"]).lower())
                ]
            if d.get("limit"):
                members = members[: int(d["limit"])]
            await session.send(
                "GUILD_MEMBERS_CHUNK",
                {
                    "guild_id": str(guild.id),
                    "members": [m.payload() for m in members],
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "not_found": [],
                    "nonce": d.get("nonce"),
                },
            )


# ---------------------------------------------------------------------------- helpers


async def _read_body(request: web.Request) -> tuple[Any, list[JSON]]:
    """The JSON body, or ``payload_json`` plus file summaries for multipart uploads."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "application/json":
        return await request.json(), []
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[JSON] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if getattr(part, "name", None) == "payload_json":
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                content = await part.read()  # type: ignore[union-attr]
                files.append(
                    {
                        "field": part.name,
                        "filename": getattr(part, "filename", None),
                        "content_type": part.headers.get("Content-Type"),
                        "size": len(content),
                        "content": content,
                    }
                )
        return payload, files
    text = await request.text()
    return (text or None), []


def _walk_components(components: Sequence[JSON]) -> Iterator[JSON]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _walk_components([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]


def _modal_inputs(modal_data: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """Text inputs of a modal: label or custom_id -> (custom_id, wrapper type 1 or 18)."""
    inputs: dict[str, tuple[str, int]] = {}
    for top in modal_data.get("components") or []:
        wrapper = top.get("type", 1)
        children = [top["component"]] if "component" in top else top.get("components") or []
        for child in children:
            if "custom_id" not in child:
                continue
            entry = (child["custom_id"], wrapper)
            inputs[child["custom_id"]] = entry
            label = top.get("label") if wrapper == 18 else child.get("label")
            if label:
                inputs.setdefault(label, entry)
    return inputs


def _at_least(count: int, items: Callable[[], list[T]]) -> Callable[[], list[T] | None]:
    """A ``_wait_until`` check: the list once it has ``count`` items, else None."""

    def check() -> list[T] | None:
        found = items()
        return found if len(found) >= count else None

    return check


def _describe_interaction(ix: SentInteraction) -> str:
    data = ix.data
    return str(data.get("name") or data.get("custom_id") or f"type {ix.type}")


# ---------------------------------------------------------------------------- discord.py glue


@contextlib.contextmanager
def point_discord_at(standin: DiscordStandIn | str) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at a stand-in; restore after.

    ``Route.BASE`` is read when each ``Route`` is built (webhook and
    interaction routes use the same class), ``DEFAULT_GATEWAY`` when a client
    connects, so patching the two class attributes is enough; nothing inside
    discord.py is replaced.
    """
    base = standin.url if isinstance(standin, DiscordStandIn) else standin.rstrip("/")
    gateway = (
        standin.gateway_url
        if isinstance(standin, DiscordStandIn)
        else base.replace("http://", "ws://", 1) + "/gw"
    )
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = f"{base}{API_PREFIX}"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def discord_standin(**kwargs: Any) -> AsyncIterator[DiscordStandIn]:
    """Start a ``DiscordStandIn`` and point discord.py at it for the block.

    Handy as a fixture body::

        @pytest.fixture
        async def discord_api():
            async with discord_standin() as api:
                yield api
    """
    async with DiscordStandIn(**kwargs) as standin:
        with point_discord_at(standin):
            yield standin


@contextlib.asynccontextmanager
async def running_client(
    client: ClientT, standin: DiscordStandIn, token: str = "x", *, timeout: float = PATIENCE_S
) -> AsyncIterator[ClientT]:
    """Run ``client.start(token)`` as a task until the client is ready; close it on exit.

    Ready means discord.py fired ``on_ready``, which happens
    ``guild_ready_timeout`` (default 2 s!) after the last GUILD_CREATE: pass
    a small ``guild_ready_timeout`` (0.05) to the client. If ``start`` fails
    first (``PrivilegedIntentsRequired``, ``LoginFailure``, ...) that
    exception is raised here. On exit the client is closed and its task
    awaited (bounded); an exception the task ended with is raised unless the
    block itself raised.
    """
    identified_before = len(standin.identifies)
    task = asyncio.create_task(client.start(token), name=f"discord-client-{id(client)}")
    try:
        await _wait_until_ready(client, task, standin, identified_before, timeout)
        yield client
    except BaseException:
        await _stop_client(client, task, timeout)
        raise
    error = await _stop_client(client, task, timeout)
    if error is not None:
        raise error


async def _wait_until_ready(
    client: discord.Client,
    task: asyncio.Task[None],
    standin: DiscordStandIn,
    identified_before: int,
    timeout: float,
) -> None:
    async def ready() -> None:
        # IDENTIFY implies login() ran, so the client's ready event exists.
        await standin.wait_for_gateway(2, identified_before + 1, timeout)
        await client.wait_until_ready()

    waiter = asyncio.create_task(ready())
    try:
        done, _ = await asyncio.wait(
            {task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        if not waiter.done():
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
    if task in done:
        error = task.exception()
        if error is not None:
            raise error
        raise AssertionError(
            f"client.start() returned before the client was ready\n{standin.describe_activity()}"
        )
    if waiter in done:
        waiter.result()  # re-raises the stand-in's AssertionError, if any
        return
    raise AssertionError(f"client not ready within {timeout}s\n{standin.describe_activity()}")


async def _stop_client(
    client: discord.Client, task: asyncio.Task[None], timeout: float
) -> BaseException | None:
    """Close the client and await its start() task; return what the task raised."""
    close_error: BaseException | None = None
    try:
        await asyncio.wait_for(client.close(), timeout)
    except Exception as exc:
        close_error = exc
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        return AssertionError(f"client.start() did not finish within {timeout}s of close()")
    except asyncio.CancelledError:
        if not task.cancelled():
            raise
        return None
    except Exception as exc:
        return exc
    return close_error
