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

from adapters.discord.rendering import MESSAGE_LIMIT, Outgoing
from rules.grammar import (
    Agree,
    CommandSpec,
    EndMeeting,
    ReviewAgreement,
    StartMeeting,
    StartRound,
    parse_command,
)
from rules.say import N_, Listed, Say

NO_POST = N_(
    "I may not post in this channel, so I did nothing: what I would post here would not "
    "appear. Ask someone who manages the server to give me {permissions} here, then try "
    "again."
)
LOCKED_THREAD = N_(
    "This thread is locked, so I cannot post in it and did nothing. Ask a moderator to "
    "unlock it, or use this in an open channel or thread."
)
# The same in a forum post: Discord calls a forum's threads posts.
LOCKED_POST = N_(
    "This post is locked, so I cannot post in it and did nothing. Ask a moderator to "
    "unlock it, or use this in an open channel or post."
)
# Discord's own names of the permissions, as its settings show them.
VIEW_CHANNEL = N_("View Channel")
SEND_MESSAGES = N_("Send Messages")
SEND_IN_THREADS = N_("Send Messages in Threads")
# A forum's Send Messages, as its settings name it: it opens a post (a forum takes no
# messages of its own).
CREATE_POSTS = N_("Create Posts")
# A forum's Send Messages in Threads, as its settings name it: its threads are posts.
SEND_IN_POSTS = N_("Send Messages in Posts")
EMBED_LINKS = N_("Embed Links")
ATTACH_FILES = N_("Attach Files")
READ_HISTORY = N_("Read Message History")
# Permissions named in a sentence: "give me the Embed Links permission".
ONE_PERMISSION = N_("the {permission} permission")
SEVERAL_PERMISSIONS = N_("the {permissions} permissions")
# A proposal longer than this may not fit a round's message beside its heading and
# names: the rest goes in an embed, which needs Embed Links.
MAY_NEED_AN_EMBED = MESSAGE_LIMIT // 2


@dataclass(frozen=True, slots=True)
class Post:
    """What a request will post in its channel: messages, with an embed or a file, or
    as a reply to a message there."""

    embeds: bool = False
    files: bool = False
    reply: bool = False


def of_message(message: Outgoing, *, reply: bool = False) -> Post:
    """What posting `message` takes."""
    return Post(embeds=message.embed is not None, files=message.file_text is not None, reply=reply)


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
        return Say.of(LOCKED_POST if in_forum(channel) else LOCKED_THREAD)
    lacking = missing_permissions(allowed, post, channel)
    return Say.of(NO_POST, permissions=named(lacking)) if lacking else None


def missing_permissions(
    allowed: discord.Permissions, post: Post, channel: object
) -> tuple[str, ...]:
    """Each permission `post` in `channel` needs that `allowed` lacks (their msgids), in
    the order Discord's settings list them; none when it may be made."""
    needed = (
        _sending(allowed, channel),
        (EMBED_LINKS, allowed.embed_links or not post.embeds),
        (ATTACH_FILES, allowed.attach_files or not post.files),
        (READ_HISTORY, allowed.read_message_history or not post.reply),
    )
    return tuple(name for name, has in needed if not has)


def _sending(allowed: discord.Permissions, channel: object) -> tuple[str, bool]:
    """The permission to post in `channel` at all, as Discord's settings there name it,
    and whether `allowed` has it. A forum post is a thread: its settings are the forum's
    (a parent not cached: the name a text channel's settings give it)."""
    if isinstance(channel, discord.Thread):
        return (
            SEND_IN_POSTS if in_forum(channel) else SEND_IN_THREADS
        ), allowed.send_messages_in_threads
    if isinstance(channel, discord.ForumChannel):  # the post opens a post there
        return CREATE_POSTS, allowed.send_messages
    return SEND_MESSAGES, allowed.send_messages


def in_forum(channel: object) -> bool:
    """Whether `channel` is a forum's post, which Discord names a post, not a thread (a
    parent not cached: a thread, as a text channel's settings name it)."""
    return isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel)


def named(permissions: tuple[str, ...]) -> Say:
    """Permissions (msgids, at least one) as a sentence names them: "the Embed Links
    permission", "the Send Messages and Embed Links permissions"."""
    if len(permissions) == 1:
        return Say.of(ONE_PERMISSION, permission=Say.of(permissions[0]))
    return Say.of(
        SEVERAL_PERMISSIONS, permissions=Listed(tuple(Say.of(name) for name in permissions))
    )


def lacking_in(channel: object, post: Post) -> tuple[str, ...]:
    """What the bot lacks to make `post` in a cached `channel`, as far as the cache tells
    (none when it cannot tell)."""
    allowed = in_cache(channel)
    if allowed is None:
        return ()
    return missing_permissions(allowed, post, channel)


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
