"""Recorded Discord payloads (gateway API v10 shapes, ids fixed), and discord.py's own
objects built from them: the translation tests read what discord.py makes of real data.
"""

from __future__ import annotations

import copy
from typing import Any

import discord

from adapters.discord.client import intents
from adapters.discord.translate import Chat

GUILD = 1220000000000000001
EVERYONE = GUILD
BOARD_ROLE = 1220000000000000002
GENERAL = 1220000000000000010
BOARDROOM = 1220000000000000011  # only the board may read it
THREAD = 1220000000000000012
WEEKLY_SYNC = 1220000000000000013  # a voice channel, Alice in its call
TOWN_HALL = 1220000000000000014  # a stage channel only the board may connect to
BOT = 1220000000000000100
ALICE = 1220000000000000101
BOB = 1220000000000000102
HELPER = 1220000000000000103
MESSAGE = 1235000000000000001
VIEW_CHANNEL = 1 << 10
CONNECT = 1 << 20  # to voice: also what reading a voice channel's chat takes


def _user(user_id: int, name: str, *, bot: bool = False, global_name: str | None = None):
    data: dict[str, Any] = {
        "id": str(user_id), "username": name, "discriminator": "0", "global_name": global_name,
        "avatar": None, "public_flags": 0,
    }  # fmt: skip
    if bot:
        data["bot"] = True
    return data


def _member(user: dict[str, Any], roles=(), nick: str | None = None) -> dict[str, Any]:
    return {
        "user": user, "roles": [str(r) for r in roles], "nick": nick, "avatar": None,
        "joined_at": "2026-01-05T10:00:00.000000+00:00", "premium_since": None, "deaf": False,
        "mute": False, "pending": False, "flags": 0, "communication_disabled_until": None,
    }  # fmt: skip


def _role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id), "name": name, "permissions": str(permissions), "position": position,
        "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0,
    }  # fmt: skip


def _text_channel(channel_id: int, name: str, overwrites=()) -> dict[str, Any]:
    return {
        "id": str(channel_id), "type": 0, "guild_id": str(GUILD), "name": name, "position": 0,
        "parent_id": None, "topic": None, "nsfw": False, "last_message_id": None,
        "rate_limit_per_user": 0, "permission_overwrites": list(overwrites), "flags": 0,
    }  # fmt: skip


THREAD_PAYLOAD: dict[str, Any] = {
    "id": str(THREAD), "type": 11, "guild_id": str(GUILD), "name": "release 2.3",
    "parent_id": str(GENERAL), "owner_id": str(ALICE), "last_message_id": None,
    "rate_limit_per_user": 0, "flags": 0, "message_count": 3, "member_count": 2,
    "total_message_sent": 3,
    "thread_metadata": {
        "archived": False, "auto_archive_duration": 1440, "locked": False,
        "archive_timestamp": "2026-03-02T09:00:00.000000+00:00",
    },
}  # fmt: skip

GUILD_CREATE: dict[str, Any] = {
    "id": str(GUILD), "name": "Team", "icon": None, "owner_id": str(ALICE),
    "unavailable": False, "member_count": 4, "large": False, "features": [], "emojis": [],
    "stickers": [], "voice_states": [], "presences": [], "stage_instances": [],
    "guild_scheduled_events": [], "preferred_locale": "nl", "premium_tier": 0,
    "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
    "mfa_level": 0, "nsfw_level": 0, "system_channel_flags": 0,
    "roles": [
        _role(EVERYONE, "@everyone", VIEW_CHANNEL | (1 << 11) | CONNECT, 0),
        _role(BOARD_ROLE, "Board", 0, 1),
    ],
    "channels": [
        _text_channel(GENERAL, "general"),
        _text_channel(BOARDROOM, "boardroom", [
            {"id": str(EVERYONE), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            {"id": str(BOARD_ROLE), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"},
        ]),
    ],
    "threads": [THREAD_PAYLOAD],
    "members": [
        _member(_user(BOT, "Groundrules", bot=True)),
        _member(_user(ALICE, "alice"), roles=[BOARD_ROLE], nick="Alice"),
        _member(_user(BOB, "bob", global_name="Bobby")),
        _member(_user(HELPER, "helper", bot=True)),
    ],
}  # fmt: skip


def _voice_channel(channel_id: int, name: str, *, stage: bool = False, overwrites=()):
    return {
        **_text_channel(channel_id, name, overwrites), "type": 13 if stage else 2,
        "bitrate": 64000, "user_limit": 0, "rtc_region": None,
    }  # fmt: skip


def _in_call(user: int, channel: int) -> dict[str, Any]:
    return {
        "user_id": str(user), "channel_id": str(channel), "session_id": "session",
        "deaf": False, "mute": False, "self_deaf": False, "self_mute": False,
        "self_video": False, "suppress": False, "request_to_speak_timestamp": None,
    }  # fmt: skip


# The same server with a voice and a stage channel, whose chats are tables too.
GUILD_WITH_CALLS: dict[str, Any] = {
    **GUILD_CREATE,
    "channels": [
        *GUILD_CREATE["channels"],
        _voice_channel(WEEKLY_SYNC, "weekly-sync"),
        # Bob sees it, but reading its chat takes Connect too.
        _voice_channel(TOWN_HALL, "town-hall", stage=True, overwrites=[
            {"id": str(EVERYONE), "type": 0, "allow": "0", "deny": str(CONNECT)},
            {"id": str(BOARD_ROLE), "type": 0, "allow": str(CONNECT), "deny": "0"},
        ]),
    ],
    "voice_states": [_in_call(ALICE, WEEKLY_SYNC)],
}  # fmt: skip


def message(
    *,
    channel: int = GENERAL,
    author: int = BOB,
    content: str = "the printer is jammed again",
    message_id: int = MESSAGE,
    **changes: Any,
) -> dict[str, Any]:
    """A MESSAGE_CREATE / MESSAGE_UPDATE body."""
    users = {
        ALICE: _user(ALICE, "alice"), BOB: _user(BOB, "bob", global_name="Bobby"),
        HELPER: _user(HELPER, "helper", bot=True), BOT: _user(BOT, "Groundrules", bot=True),
    }  # fmt: skip
    data: dict[str, Any] = {
        "id": str(message_id), "channel_id": str(channel), "guild_id": str(GUILD),
        "author": users[author],
        "member": {k: v for k, v in _member(users[author]).items() if k != "user"},
        "content": content, "timestamp": "2026-03-02T09:14:05.000000+00:00",
        "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "components": [],
        "pinned": False, "type": 0, "flags": 0,
    }  # fmt: skip
    data.update(changes)
    return data


def interaction(
    *, channel: dict[str, Any] | None = None, user: int = BOB, locale: str = "en-US"
) -> dict[str, Any]:
    """An INTERACTION_CREATE body for a button click in a guild."""
    channel = channel or _text_channel(GENERAL, "general")
    return {
        "id": "1235000000000000500", "application_id": str(BOT), "type": 3,
        "data": {"custom_id": "gr:round:abc:none", "component_type": 2},
        "channel_id": channel["id"], "channel": channel, "guild_id": str(GUILD),
        "guild": {"id": str(GUILD), "locale": "nl", "features": []},
        "member": {**_member(_user(user, "bob")), "permissions": "0"}, "token": "token",
        "version": 1, "locale": locale, "guild_locale": "nl", "app_permissions": "0",
        "entitlements": [], "attachment_size_limit": 10485760,
        "authorizing_integration_owners": {"0": str(GUILD)}, "context": 0,
    }  # fmt: skip


class Parsed:
    """discord.py's object model fed with the payloads above, without a connection.

    Reaches into the client's connection state on purpose: this is how discord.py
    itself turns gateway payloads into objects.
    """

    def __init__(self, guild: dict[str, Any] | None = None) -> None:
        self.client = discord.Client(intents=intents())
        self.state = self.client._connection
        self.state.user = discord.ClientUser(
            state=self.state, data=_user(BOT, "Groundrules", bot=True)
        )
        self.guild = discord.Guild(data=copy.deepcopy(guild or GUILD_CREATE), state=self.state)
        self.state._add_guild(self.guild)

    def message(self, data: dict[str, Any]) -> discord.Message:
        channel_id = int(data["channel_id"])
        channel = self.guild.get_channel_or_thread(channel_id)
        if channel is None:
            channel = discord.PartialMessageable(state=self.state, id=channel_id)
        return discord.Message(state=self.state, channel=channel, data=data)  # type: ignore[arg-type]

    def interaction(self, data: dict[str, Any]) -> discord.Interaction:
        return discord.Interaction(data=data, state=self.state)

    def member(self, user_id: int) -> discord.Member:
        found = self.guild.get_member(user_id)
        assert found is not None
        return found

    def channel(self, channel_id: int) -> Chat:
        """A text channel, or a voice or stage channel (its chat)."""
        found = self.guild.get_channel(channel_id)
        assert isinstance(found, Chat)
        return found
