"""What the Slack adapter remembers stays bounded over months of channels and people
coming and going: past a bound, what was used least lately is forgotten, and something
forgotten costs no more than asking again (Slack, or the database)."""

from __future__ import annotations

import pytest

import adapters.slack.adapter
import adapters.slack.homes
import adapters.slack.people
from adapters.slack.people import Roster
from bot.store import Undeliverable
from rules.actions import Reply
from rules.events import PlaceDeleted
from rules.say import Say
from tests.slack.conftest import WORKSPACE, SlackBot
from tests.slack.test_big_rosters import CHANNEL, a_big_channel, directory_for, people
from tests.standins.slack_api import SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

BOUND = 20
GUEST = "slack:T-GUEST"


@pytest.fixture(autouse=True)
def small_bounds(monkeypatch) -> None:
    monkeypatch.setattr(adapters.slack.adapter, "CHANNELS_HELD", BOUND)
    monkeypatch.setattr(adapters.slack.homes, "HOMES_HELD", BOUND)
    monkeypatch.setattr(adapters.slack.homes, "SHARES_HELD", BOUND)
    monkeypatch.setattr(adapters.slack.people, "PEOPLE_HELD", BOUND)


async def test_long_runs_channels_gone_or_left_are_remembered_up_to_a_bound(bot: SlackBot):
    adapter = bot.adapter
    for n in range(3 * BOUND):
        adapter.place_gone(WORKSPACE, f"C-GONE{n}")
        await adapter.left_channel(WORKSPACE, f"C-LEFT{n}")
    assert len(adapter._gone) == len(adapter._removed_from) == BOUND
    assert (WORKSPACE, f"C-GONE{3 * BOUND - 1}") in adapter._gone
    assert (WORKSPACE, "C-GONE0") not in adapter._gone
    assert (WORKSPACE, f"C-LEFT{3 * BOUND - 1}") in adapter._removed_from
    # Leaving is counted only while Slack is asked whether the bot is there.
    assert len(adapter._left_while_asking) == 0
    await adapter.bot_is_in(WORKSPACE, "C-LEFT0", USER_ID)
    assert len(adapter._left_while_asking) == 0


async def test_long_runs_a_channel_gone_and_forgotten_is_asked_about_again(bot: SlackBot):
    """A post refused in an archived channel forgotten meanwhile: Slack is asked again
    whether it is archived, and the post is set aside as before; the channel's work,
    ended the first time, ends again with nothing left to end."""
    bot.slack.archive_channel(CHANNEL_ID)  # and no channel_archive reaches the bot
    note = Reply(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user=None,
                 private=False, text=Say.of("Hello"))  # fmt: skip
    with pytest.raises(Undeliverable):
        await bot.adapter.deliver(note)
    await bot.handled(PlaceDeleted)
    for n in range(BOUND):
        bot.adapter.place_gone(WORKSPACE, f"C-GONE{n}")
    asked = len(bot.calls("conversations.info"))

    with pytest.raises(Undeliverable):
        await bot.adapter.deliver(note)
    assert len(bot.calls("conversations.info")) == asked + 1
    await bot.handled(PlaceDeleted, 2)
    bot.slack.refused.clear()  # refused on purpose


async def test_long_runs_channel_homes_and_shares_are_remembered_up_to_a_bound(bot: SlackBot):
    homes = bot.adapter.homes
    for n in range(3 * BOUND):
        assert await homes.table_of(WORKSPACE, f"C-{n}") == WORKSPACE
        assert await homes.shares(GUEST, f"C-{n}", WORKSPACE)  # one installation: both
    assert len(homes._homes) == len(homes._shared) == BOUND
    assert homes.guests(WORKSPACE, f"C-{3 * BOUND - 1}") == [GUEST]
    # One forgotten is read again: the database still has its home.
    assert homes.guests(WORKSPACE, "C-0") == []
    assert await homes.home("C-0") == WORKSPACE


async def test_long_runs_people_are_remembered_up_to_a_bound(slack: SlackStandIn):
    users = people(slack, 3 * BOUND)
    directory = directory_for(slack)
    for user in users:
        await directory.person(WORKSPACE, user)
    assert len(directory._people) == BOUND
    asked = len(slack.calls_to("users.info"))
    assert (await directory.person(WORKSPACE, users[-1])).name == f"Person {3 * BOUND - 1}"
    assert len(slack.calls_to("users.info")) == asked  # remembered
    assert (await directory.person(WORKSPACE, users[0])).name == "Person 0"
    assert len(slack.calls_to("users.info")) == asked + 1  # forgotten: looked up again


async def test_long_runs_a_channel_bigger_than_the_bound_is_still_read_from_the_list(
    slack: SlackStandIn,
):
    """The people a list read finds count for that read, however many it holds."""
    seated = a_big_channel(slack, members=300, workspace=900)
    directory = directory_for(slack)
    assert await directory.roster(WORKSPACE, CHANNEL) == Roster(frozenset(seated))
    assert slack.calls_to("users.info") == []
    assert len(directory._people) == BOUND
