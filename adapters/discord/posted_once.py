"""A public message posted once, though its retry may not know that it went out; a DM
too (looked for in the DM channel).

Discord keeps no key a retry could find a message by (a nonce dedupes only for a few
minutes, and history does not return it). The bot puts a page's going out on record
before posting it (bot.sent_steps); a page whose having gone was lost (the database
stopped answering just as Discord answered) is looked for before it is posted again:
in its channel or thread, by the bot, posted since its going out was put on record,
saying what it says. As `review_posts` does for a forum's review post.

A page also carries a nonce made from its key (`nonce_of`), which Discord enforces: a
retry within a few minutes of a try whose answer was lost gets the message that try
made, also where the bot may not read the channel's history to look for it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

import discord

from adapters.discord.rendering import Outgoing

log = logging.getLogger(__name__)

# Discord's clock and the bot's may differ a little.
CLOCK_SLACK = timedelta(minutes=5)
# Messages read at most: in a busier channel the page is posted again rather than
# searched for long.
HISTORY_LIMIT = 500


def nonce_of(key: str) -> str:
    """The nonce of the page with this key (bot.sent_steps): the same on every try, and
    within Discord's 25 characters."""
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


async def posted_already(
    channel: discord.abc.Messageable, me: int, message: Outgoing, since: datetime
) -> str | None:
    """The id of the bot's message in `channel` saying what `message` says, posted since
    `since`; None: none, or the bot may not read the channel's history (Read Message
    History denied there): then it is posted again, as before this lookup, not never."""
    after = discord.Object(id=discord.utils.time_snowflake(since - CLOCK_SLACK))
    try:
        async for sent in channel.history(limit=HISTORY_LIMIT, after=after, oldest_first=True):
            if sent.author.id == me and says(sent, message):
                return str(sent.id)
    except (discord.Forbidden, discord.NotFound) as error:
        log.warning("could not look for a post that may have gone out (%s): posting it "
                    "again", error.code)  # fmt: skip
    return None


def says(sent: discord.Message, message: Outgoing) -> bool:
    """Whether `sent` is `message` as posted: its text, its embed's, its file's name."""
    if sent.content != (message.content or ""):
        return False
    if message.embed is not None:
        if not sent.embeds or sent.embeds[0].description != message.embed.description:
            return False
    elif sent.embeds:
        return False
    if message.file_text is not None:
        return any(file.filename == message.file_name for file in sent.attachments)
    return True
