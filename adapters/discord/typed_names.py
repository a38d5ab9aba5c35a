"""Members named by a typed "@name" in a command become that member of the table
(rules.typed_names): by display name, global name or username, any case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import discord

from adapters.discord.translate import Chat, is_private_thread, readers
from rules.mentions import member_reference
from rules.say import Say
from rules.typed_names import called, typed_name


def with_members_named(command: str, text: str, channel: object, today: date) -> str | Say:
    """`text` with the member it names by "@name" as their mention, or what to tell the
    author when the name fits nobody or several people. Those at the table come first;
    someone elsewhere on the server is found too (the engine says they are not there)."""
    typed = typed_name(command, text, today=today)
    guild = getattr(channel, "guild", None)
    if typed is None or not isinstance(guild, discord.Guild):
        return text
    people = members_called(typed.name, channel, guild)
    if len(people) != 1:
        return typed.not_found(len(people))
    return typed.mentioning(text, str(people[0].id))


@dataclass(frozen=True, slots=True)
class SharedName:
    """A name several people answer to: nobody is guessed."""

    name: str


def form_owner(written: str, channel: object) -> str | SharedName | None:
    """The agreement form's owner, "a person or a role": a mention is that member; a name
    ("@bob", "bob") the one member called so, found as a typed command finds them (those
    at the table first); a name nobody has stays as written (the engine knows the
    table's roles). Several people called so: `SharedName`."""
    written = " ".join(written.split())
    if not written:
        return None
    reference = member_reference(written)
    if reference is not None and reference.isdigit():
        return reference
    guild = getattr(channel, "guild", None)
    if not isinstance(guild, discord.Guild):
        return written
    name = reference or written
    people = members_called(name, channel, guild)
    if len(people) > 1:
        return SharedName(written)
    return str(people[0].id) if people else written


def members_called(name: str, channel: object, guild: discord.Guild) -> list[discord.Member]:
    """The people called `name`: at the table of `channel` if any are, else on the server."""
    return _called(name, _at_the_table(channel, guild)) or _called(name, guild.members)


def _at_the_table(channel: object, guild: discord.Guild) -> list[discord.Member]:
    """Who sits at the table of `channel`: a private thread's members, else those who
    can read the channel (a thread: its parent)."""
    if is_private_thread(channel):
        assert isinstance(channel, discord.Thread)
        members = (guild.get_member(member.id) for member in channel.members)
        return [member for member in members if member is not None]
    readable = channel.parent if isinstance(channel, discord.Thread) else channel
    return readers(readable) if isinstance(readable, Chat | discord.ForumChannel) else []


def _called(name: str, members: Iterable[discord.Member]) -> list[discord.Member]:
    return [
        member
        for member in members
        if not member.bot and called(name, {member.name, member.global_name, member.display_name})
    ]
