"""Whether the bot may post where something it is asked to do must be posted.

Discord offers the slash commands in every channel the bot can see, also one where it
may not write (a read-only #announcements, a locked thread). A round, an agreement or a
meeting started there would be recorded, its post refused, and nobody would ever see
it: such a request is refused first, privately, saying which permission is missing.
What the bot only answers to the person (the interaction's own answer) needs none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import discord

from adapters.discord.rendering import MESSAGE_LIMIT
from rules.grammar import (
    Agree,
    CommandSpec,
    EndMeeting,
    ReviewAgreement,
    StartMeeting,
    StartRound,
    parse_command,
)
from rules.say import N_, Say

NO_POST = N_(
    "I may not post in this channel, so I did nothing: what I would post here would not "
    "appear. Ask someone who manages the server to give me the {permission} permission "
    "here, then try again."
)
LOCKED_THREAD = N_(
    "This thread is locked, so I cannot post in it and did nothing. Ask a moderator to "
    "unlock it, or use this in an open channel or thread."
)
# Discord's own names of the permissions, as its settings show them.
SEND_MESSAGES = N_("Send Messages")
SEND_IN_THREADS = N_("Send Messages in Threads")
EMBED_LINKS = N_("Embed Links")
ATTACH_FILES = N_("Attach Files")
# A proposal longer than this may not fit a round's message beside its heading and
# names: the rest goes in an embed, which needs Embed Links.
MAY_NEED_AN_EMBED = MESSAGE_LIMIT // 2


@dataclass(frozen=True, slots=True)
class Post:
    """What a request will post in its channel: messages, with an embed or a file."""

    embeds: bool = False
    files: bool = False


def posted_by(spec: CommandSpec, text: str, today: date) -> Post | None:
    """What a command posts in its channel itself (not as the answer to the person who
    typed it); None: nothing."""
    match parse_command(spec, text, today=today):
        case StartRound(proposal=proposal):
            return Post(embeds=len(proposal or "") > MAY_NEED_AN_EMBED)
        case Agree():
            return Post()
        case StartMeeting():  # its end posts the report and the questions here
            return Post()
        case EndMeeting():  # a long report goes as messages where files may not (delivery)
            return Post()
        case ReviewAgreement(decision="revise"):  # the new version is announced
            return Post()
    return None


def missing(channel: object, allowed: discord.Permissions, post: Post) -> Say | None:
    """What to tell when the bot, with `allowed` in `channel`, cannot make `post` there;
    None when it can."""
    thread = isinstance(channel, discord.Thread)
    if thread and channel.locked and not allowed.manage_threads:  # type: ignore[union-attr]
        return Say.of(LOCKED_THREAD)
    lacking = missing_permission(allowed, post, thread=thread)
    return None if lacking is None else Say.of(NO_POST, permission=Say.of(lacking))


def missing_permission(allowed: discord.Permissions, post: Post, *, thread: bool) -> str | None:
    """The first permission `post` needs that `allowed` lacks (its msgid)."""
    if thread and not allowed.send_messages_in_threads:
        return SEND_IN_THREADS
    if not thread and not allowed.send_messages:
        return SEND_MESSAGES
    if post.embeds and not allowed.embed_links:
        return EMBED_LINKS
    if post.files and not allowed.attach_files:
        return ATTACH_FILES
    return None


def in_cache(channel: object) -> discord.Permissions | None:
    """The bot's permissions in a cached channel or thread; None when they cannot be
    told (a thread whose parent is not cached)."""
    guild = getattr(channel, "guild", None)
    if not isinstance(guild, discord.Guild) or not hasattr(channel, "permissions_for"):
        return None
    try:
        return channel.permissions_for(guild.me)  # type: ignore[union-attr]
    except discord.ClientException:
        return None
