"""Which workspace's table a channel is, where several workspaces share one channel.

Slack Connect makes one channel (one id) part of several organisations' workspaces, and
the bot may be installed in each; Slack delivers each event through one of those
installations, any of them. The channel is one table all the same: the table of its home,
the workspace it was first heard through (for tables from before migration 0011: the
one whose members were noted first). A home is written once and stays while its
workspace's data does: forgetting the workspace deletes it (bot.workspaces.forget), and
the channel finds a new home the next time it is heard from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from bot.database import upsert_insert
from bot.models import ChannelHome, MemberRow

_homes = ChannelHome.__table__  # type: ignore[attr-defined]
_members = MemberRow.__table__  # type: ignore[attr-defined]


def home_of(engine: Engine, channel: str) -> str | None:
    """The workspace whose table `channel` is; None before it was first heard from."""
    with engine.connect() as connection:
        return connection.execute(
            select(_homes.c.workspace).where(_homes.c.channel == channel)
        ).scalar_one_or_none()


def settle(engine: Engine, channel: str, workspace: str, at: datetime) -> str:
    """The home of `channel`: `workspace`, if the channel has none yet. Processes that
    hear of a new channel at once agree: the first to write it sets it."""
    insert = upsert_insert(engine)
    with engine.begin() as connection:
        found = connection.execute(
            select(_homes.c.workspace).where(_homes.c.channel == channel)
        ).scalar_one_or_none()
        if found is not None:
            return found
        connection.execute(
            insert(_homes)
            .values(channel=channel, workspace=workspace, since=at)
            .on_conflict_do_nothing(index_elements=["channel"])
        )
        return connection.execute(
            select(_homes.c.workspace).where(_homes.c.channel == channel)
        ).scalar_one()


def tables_of_member(engine: Engine, user: str, *, prefix: str) -> list[tuple[str, str]]:
    """(home workspace, channel) of each table `user` sits at whose workspace starts with
    `prefix`, where the workspace is the channel's home."""
    from bot.models import MemberRow

    members = MemberRow.__table__  # type: ignore[attr-defined]
    query = (
        select(members.c.workspace, members.c.channel)
        .join(
            _homes,
            (_homes.c.channel == members.c.channel) & (_homes.c.workspace == members.c.workspace),
        )
        .where(
            members.c.user == user,
            members.c.active.is_(True),
            members.c.workspace.startswith(prefix, autoescape=True),
        )
    )
    with engine.connect() as connection:
        return [(workspace, channel) for workspace, channel in connection.execute(query)]
