"""A whole forum's review opens its post once.

Discord takes no key that would make opening a forum post idempotent. The review is
offered again when its first delivery's outcome was lost (Discord opened the post but
its answer did not arrive; a crash before the delivery was marked), and two deliveries
of it may overlap (a lease run out). Before opening, the bot looks for the post it
opened already: in this forum, by the bot, under the review's name, opened since the
review was asked. A review of the same agreement asked earlier was decided before this
one came due, so it is older.
"""

from __future__ import annotations

from datetime import datetime

import discord

from adapters.discord.posted_once import CLOCK_SLACK


def opened_already(
    forum: discord.ForumChannel, me: int, name: str, asked_at: datetime | None
) -> discord.Thread | None:
    """The post the bot opened in `forum` for the review asked at `asked_at`, named
    `name`, as the cache knows its posts (a restart's too: Discord lists the active
    ones); None: none (or, with no `asked_at`, cannot be told)."""
    if asked_at is None:
        return None
    since = asked_at - CLOCK_SLACK
    for post in forum.threads:
        if (
            post.owner_id == me
            and post.name == name
            and discord.utils.snowflake_time(post.id) >= since
        ):
            return post
    return None
