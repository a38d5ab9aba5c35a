"""Members named by a typed "@name" in a command, made into mentions the engine reads.

Discord sends a member picked from the list as "<@id>", but a name typed in full stays
"@bob": the grammar reads it as a member reference (the console's user ids are names),
and the engine would record "bob" as the owner, a person nobody can reach. So an owner
of /agree, or the member of /role assign, typed by name becomes that member of the
table: by display name, global name or username, case-insensitively. A name that fits
nobody, or several people, is not guessed: the author is told, and nothing is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import discord

from adapters.discord.translate import is_private_thread
from rules.grammar import Agree, AssignRole, CommandSpec, find_command, parse_command
from rules.say import N_, Quote, Say

UNKNOWN = N_(
    "I do not know who “{name}” is here, so nothing was recorded. Pick the person from the "
    "list that opens as you type @, or name a role: owner role <name>."
)
SEVERAL = N_(
    "Several people here are called “{name}”, so nothing was recorded. Pick the one you mean "
    "from the list that opens as you type @."
)


def with_members_named(
    spec: CommandSpec, name: str, text: str, channel: object, today: date
) -> str | Say:
    """`text` with the member it names by "@name" as their mention, or what to tell the
    author when the name fits nobody or several people."""
    found = find_command(name)
    parsed = parse_command(spec, text, today=today, lang=found[1] if found else None)
    if isinstance(parsed, Agree) and parsed.owner and not _resolved(parsed.owner):
        named, where = parsed.owner, r"((?:owner|eigenaar)\s*:?\s+)"
    elif isinstance(parsed, AssignRole) and not _resolved(parsed.user):
        named, where = parsed.user, r"(\s)"
    else:
        return text
    guild = getattr(channel, "guild", None)
    if not isinstance(guild, discord.Guild):
        return text
    people = _called(named, _at_the_table(channel, guild)) or _called(named, guild.members)
    if len(people) != 1:
        said = UNKNOWN if not people else SEVERAL
        return Say.of(said, name=Quote("@" + named))
    typed = re.compile(where + "@" + re.escape(named) + r"(?=[.,;!]*(?:\s|$))", re.IGNORECASE)
    return typed.sub(lambda m: f"{m[1]}<@{people[0].id}>", text)


def _resolved(reference: str) -> bool:
    """A mention's id, or a role: nothing to look up."""
    return reference.isdigit() or reference.startswith("role:")


def _at_the_table(channel: object, guild: discord.Guild) -> list[discord.Member]:
    """Who sits at the table of `channel`: a private thread's members, else those who
    can read the channel (a thread: its parent)."""
    if is_private_thread(channel):
        assert isinstance(channel, discord.Thread)
        members = (guild.get_member(member.id) for member in channel.members)
        return [member for member in members if member is not None]
    readable = channel.parent if isinstance(channel, discord.Thread) else channel
    return list(getattr(readable, "members", []))


def _called(name: str, members: Iterable[discord.Member]) -> list[discord.Member]:
    wanted = name.lower()

    def names(member: discord.Member) -> set[str]:
        return {n.lower() for n in (member.name, member.global_name, member.display_name) if n}

    return [member for member in members if not member.bot and wanted in names(member)]
