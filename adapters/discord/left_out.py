"""Whether a place that refused the bot with Missing Access (50001) is a private thread it
is not in.

Discord gives that answer both where a channel is hidden from the bot and in a private
thread the bot is not a member of, whatever its permissions; what helps differs (View
Channel, or someone in the thread adding it). discord.py's cache tells while it holds
the thread, but Discord lists at connect only the threads the bot may see, so after a
restart it does not. Then an interaction that came from the place tells: Discord
describes its channel in it. Else Discord is asked once: a thread it shows is judged as
a cached one. One it will not show, while the cache lacks it, is a thread (every channel
of a server is in the cache, hidden ones too) hidden from the bot: by its channel, or
because it is private. Where every channel that could hold it is visible to the bot, it
is a private thread; otherwise nothing is guessed.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord import translate
from rules.say import Member

log = logging.getLogger(__name__)


async def left_out_of(
    client: discord.Client, guild_id: int, place: int, described: object = None
) -> Member | None:
    """The bot, when `place` in the guild `guild_id` is a private thread it is not in but
    could see were it added; None otherwise, or when that cannot be told. `described`:
    the channel of the interaction being answered, as Discord described it."""
    guild = client.get_guild(guild_id)
    me = guild.me if guild is not None else None
    if guild is None or me is None:
        return None
    channel = guild.get_channel_or_thread(place)
    if channel is None and getattr(described, "id", None) == place:
        channel = described
    if channel is None:
        try:
            channel = await guild.fetch_channel(place)
        except discord.Forbidden:
            return Member(str(me.id)) if _only_privacy_hides(guild, me, place) else None
        except (discord.HTTPException, discord.InvalidData) as error:
            log.info("could not tell whether %s is a private thread: %s", place, error)
            return None
    if not translate.is_private_thread(channel):
        return None
    assert isinstance(channel, discord.Thread)
    parent = channel.parent
    if parent is None or not parent.permissions_for(me).view_channel:
        return None  # hidden with its channel: View Channel is what helps
    return Member(str(me.id))


def _only_privacy_hides(guild: discord.Guild, me: discord.Member, thread_id: int) -> bool:
    """Whether a thread hidden from the bot can only be a private thread it is not in:
    every channel that holds threads (a text or announcement channel, a forum) made
    before it (a thread's id is larger than its channel's) is visible to the bot, so
    none hides it."""
    holders = (*guild.text_channels, *guild.forums)
    could_hold = [c for c in holders if c.id < thread_id]
    return bool(could_hold) and all(c.permissions_for(me).view_channel for c in could_hold)
