"""Channels a Slack bot was removed from are kept in the database until it is back
(bot.channels_left), apart per workspace, and deleted with the workspace's data."""

from __future__ import annotations

import pytest

from bot import channels_left, workspaces
from tests.helpers import at
from tests.migrating import engine_on, goes_up_and_down, tables

WORKSPACE = "slack:T-ONE"
OTHER = "slack:T-TWO"


@pytest.fixture
def engine(database_url):
    with engine_on(database_url) as engine:
        yield engine


def test_a_removal_is_kept_until_the_bot_is_back(engine):
    assert not channels_left.was_removed(engine, WORKSPACE, "C1")
    channels_left.note_removed(engine, WORKSPACE, "C1", at("10:00"))
    channels_left.note_removed(engine, WORKSPACE, "C1", at("11:00"))  # removed again
    assert channels_left.was_removed(engine, WORKSPACE, "C1")
    assert not channels_left.was_removed(engine, WORKSPACE, "C2")
    channels_left.note_back(engine, WORKSPACE, "C1")
    assert not channels_left.was_removed(engine, WORKSPACE, "C1")
    channels_left.note_back(engine, WORKSPACE, "C1")  # back twice: nothing to undo


def test_a_removal_is_one_installations_own(engine):
    """A Slack Connect channel has one id in both workspaces: the bot removed by one
    organisation is still in it for the other."""
    channels_left.note_removed(engine, WORKSPACE, "C-SHARED", at("10:00"))
    assert not channels_left.was_removed(engine, OTHER, "C-SHARED")
    channels_left.note_back(engine, OTHER, "C-SHARED")
    assert channels_left.was_removed(engine, WORKSPACE, "C-SHARED")


def test_removals_go_with_their_workspace(engine):
    channels_left.note_removed(engine, WORKSPACE, "C1", at("10:00"))
    channels_left.note_removed(engine, OTHER, "C1", at("10:00"))
    workspaces.forget(engine, WORKSPACE)
    assert not channels_left.was_removed(engine, WORKSPACE, "C1")
    assert channels_left.was_removed(engine, OTHER, "C1")


@pytest.mark.empty_database
def test_migration_0034_adds_the_channels_left_and_goes_down(database_url):
    def noted(engine) -> None:
        channels_left.note_removed(engine, WORKSPACE, "C1", at("10:00"))
        assert channels_left.was_removed(engine, WORKSPACE, "C1")

    goes_up_and_down(
        database_url, "0033", lambda engine: "removed_from_channel" in tables(engine),
        at_newest=noted,
    )  # fmt: skip
