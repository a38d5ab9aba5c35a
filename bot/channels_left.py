"""Channels a Slack installation's bot was removed from, until it is back.

Slack answers channel_not_found for a post in a private channel the bot is not in, as
it does for a channel deleted; only the bot's own member_left_channel tells the two
apart, and it is heard once, by one process. Kept in the database, the fact outlives a
restart and reaches every process, so that none of them ends a table's open work for a
channel that is only closed to the bot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select

from bot.database import upsert_insert
from bot.models import RemovedFromChannel

_removed = RemovedFromChannel.__table__  # type: ignore[attr-defined]


def note_removed(engine: Engine, workspace: str, channel: str, at: datetime) -> None:
    """`workspace`'s bot was removed from `channel` at `at` (the latest removal counts)."""
    insert = upsert_insert(engine)
    statement = insert(_removed).values(workspace=workspace, channel=channel, removed_at=at)
    with engine.begin() as connection:
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["workspace", "channel"], set_={"removed_at": at}
            )
        )


def note_back(engine: Engine, workspace: str, channel: str) -> None:
    """`workspace`'s bot is in `channel` again."""
    with engine.begin() as connection:
        connection.execute(
            delete(_removed).where(_removed.c.workspace == workspace, _removed.c.channel == channel)
        )


def was_removed(engine: Engine, workspace: str, channel: str) -> bool:
    """Whether `workspace`'s bot was removed from `channel` and is not back."""
    with engine.connect() as connection:
        found = connection.execute(
            select(_removed.c.channel).where(
                _removed.c.workspace == workspace, _removed.c.channel == channel
            )
        ).first()
    return found is not None
