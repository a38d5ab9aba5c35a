"""A deleted channel's threads that were tables of their own (private threads, a forum's
posts) and that discord.py did not hold: archived ones, or any not seen since a restart.

Discord deletes a channel's threads with it but tells only of the channel, and discord.py
tells only of the threads it holds. The store keeps no parent for a table, so the others
are found by asking: of the guild's tables with something still to come, those made after
the channel (a thread's snowflake is always larger than its channel's) that discord.py
does not know to live elsewhere are looked up; Discord no longer knowing one means it went
with the channel. Asking Discord rather than storing each table's parent: it needs no
migration, and it also finds the tables made before one could have stored it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import discord

log = logging.getLogger(__name__)

# Looked up after one deletion at most: a guild with more tables at work than this, all
# newer than the channel, is told in the log; the rest post into nothing until refused.
MOST_LOOKED_UP = 200
# Lookups at once: discord.py waits out rate limits itself, this keeps the burst small.
AT_ONCE = 4


def maybe_its_threads(guild: discord.Guild, channel_id: int, tables: Iterable[str]) -> list[int]:
    """Of `tables` (channel ids with work pending), those that may have been threads of
    the deleted channel `channel_id`, oldest first."""
    found = []
    for table in tables:
        if not table.isdigit() or int(table) <= channel_id:
            continue  # not a snowflake, or made before the channel: not its thread
        known = guild.get_channel_or_thread(int(table))
        if known is not None and not (
            isinstance(known, discord.Thread) and known.parent_id == channel_id
        ):
            continue  # discord.py holds it, somewhere else: still there
        found.append(int(table))
    return sorted(found)


async def gone_with(guild: discord.Guild, channel_id: int, tables: Iterable[str]) -> list[int]:
    """The tables among `tables` that were threads of the deleted channel `channel_id`
    and are gone with it (Discord answers Unknown Channel). One Discord cannot tell
    about (no access, an error) is left as it is: a post there will tell."""
    candidates = maybe_its_threads(guild, channel_id, tables)
    if len(candidates) > MOST_LOOKED_UP:
        log.warning(
            "channel %s deleted: %d tables at work may have been its threads; looking up "
            "the %d oldest only", channel_id, len(candidates), MOST_LOOKED_UP,
        )  # fmt: skip
        candidates = candidates[:MOST_LOOKED_UP]
    at_once = asyncio.Semaphore(AT_ONCE)

    async def is_gone(thread_id: int) -> bool:
        async with at_once:
            try:
                await guild.fetch_channel(thread_id)
            except discord.NotFound:  # 404, 10003 Unknown Channel
                return True
            except discord.HTTPException as error:  # 403/50001 Missing Access, or else
                log.info("could not tell whether thread %s is still there: %s", thread_id, error)
            except discord.InvalidData:  # another guild's channel: not this one's
                pass
            return False

    answers = await asyncio.gather(*(is_gone(thread_id) for thread_id in candidates))
    return [thread_id for thread_id, gone in zip(candidates, answers, strict=True) if gone]
