"""A channel's home: the workspace whose table it is (a Slack Connect channel is one
channel in several workspaces). Set once, the first writer winning; deleted with its
workspace; filled in by migration 0011 for the tables there were. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from bot import homes
from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from bot.models import now_utc
from tests.helpers import Chat, at


def test_homes_the_first_workspace_to_settle_a_channel_keeps_it(app):
    assert homes.home_of(app.database, "C1") is None
    assert homes.settle(app.database, "C1", "slack:T-A", now_utc()) == "slack:T-A"
    assert homes.settle(app.database, "C1", "slack:T-B", now_utc()) == "slack:T-A"
    assert homes.home_of(app.database, "C1") == "slack:T-A"


def test_homes_forgetting_the_home_workspace_frees_its_channels(app):
    homes.settle(app.database, "C1", "slack:T-A", now_utc())
    homes.settle(app.database, "C2", "slack:T-B", now_utc())
    assert app.store.forget_workspace("slack:T-A") == {"channel_home": 1}
    assert homes.home_of(app.database, "C1") is None
    assert homes.settle(app.database, "C1", "slack:T-B", now_utc()) == "slack:T-B"


def test_homes_tables_of_a_member_are_those_at_their_channels_homes(app):
    for workspace in ("slack:T-A", "slack:T-B"):  # C1 split in two before the homes
        Chat(app, workspace=workspace).join("ben")
    Chat(app, workspace="slack:T-B", channel="C2").join("ben")
    Chat(app, workspace="discord:G1", channel="C3").join("ben")
    app.store.flush()
    homes.settle(app.database, "C1", "slack:T-A", now_utc())
    homes.settle(app.database, "C2", "slack:T-B", now_utc())
    found = homes.tables_of_member(app.database, "ben", prefix="slack:")
    assert sorted(found) == [("slack:T-A", "C1"), ("slack:T-B", "C2")]


@pytest.mark.empty_database
def test_migration_0011_homes_each_channel_where_its_members_were_noted_first(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0009")
    members = [
        ("slack:T-B", "C-SHARED", "ben", "09:00"),
        ("slack:T-A", "C-SHARED", "anna", "08:00"),  # heard through T-A first
        ("slack:T-A", "C-SHARED", "ben", "08:00"),
        ("slack:T-B", "C-OWN", "carl", "10:00"),
        ("slack:T-A", "D-DM", "anna", "07:00"),
        ("discord:G1", "C-GUILD", "dana", "07:00"),
    ]
    with engine.begin() as connection:
        for workspace, channel, user, time in members:
            connection.execute(
                text(
                    'INSERT INTO member (workspace, channel, "user", active, joined_at) '
                    "VALUES (:w, :c, :u, :yes, :at)"
                ),
                {"w": workspace, "c": channel, "u": user, "yes": True,
                 "at": at(time).replace(tzinfo=None)},
            )  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT channel, workspace FROM channel_home ORDER BY channel")
        ).all()
    assert [tuple(row) for row in found] == [("C-OWN", "slack:T-B"), ("C-SHARED", "slack:T-A")]

    engine.dispose()
    command.downgrade(alembic_config(database_url), "0009")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        tables = set(connection.dialect.get_table_names(connection))
    engine.dispose()
    assert "channel_home" not in tables and "member" in tables
