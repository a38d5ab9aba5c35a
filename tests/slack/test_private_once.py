"""A private message by DM goes once, though the database stopped answering just as
Slack took it: the retry finds the DM it sent (by the key in its metadata, as a public
post is found: bot.sent_steps) instead of sending it again. An ephemeral message cannot
be looked up (Slack keeps none to find)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.models import now_utc
from rules.actions import Reply
from rules.say import Say
from tests.slack.conftest import (
    WORKSPACE,
    SlackBot,
    database_goes_as_slack_takes,
    running_through_an_outage,
)
from tests.slack.test_announced_once import retry_after_the_lease
from tests.slack.test_nudge import problem
from tests.standins.database_outage import DatabaseOutage
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

SAID = "Your concern round has closed."


@pytest.fixture
async def bot(slack, outage_url: str) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    slack.ts_from_clock = True  # history is read from a time, as on Slack
    async with running_through_an_outage(slack, outage_url) as started:
        yield started


def database_goes_as_the_dm_goes(
    bot: SlackBot, outage: DatabaseOutage, said: str = SAID
) -> list[SlackCall]:
    """The database stops answering the moment Slack takes the DM saying `said` (once);
    the DMs Slack took."""

    def a_dm_saying_it(params) -> bool:
        return said in str(params.get("text")) and str(params.get("channel")).startswith("D")

    return database_goes_as_slack_takes(bot, outage, a_dm_saying_it)


def private_note(*, direct: bool) -> Reply:
    return Reply(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user=USER_ID,
                 private=True, text=Say.of(SAID), direct=direct)  # fmt: skip


async def test_a_dm_whose_sending_was_not_recorded_is_not_sent_again(bot):
    bot, outage = bot
    sent = database_goes_as_the_dm_goes(bot, outage)
    bot.groundrules.store.enqueue(private_note(direct=True), now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(sent) == 1  # it went out; that it did is not on record

    outage.restore()
    assert await retry_after_the_lease(bot) == 1  # offered again
    assert len(sent) == 1  # found, not sent again
    assert await retry_after_the_lease(bot) == 0  # and marked delivered


async def test_a_dm_in_place_of_an_ephemeral_is_not_sent_again_nor_shown_as_well(bot):
    """The ephemeral refused (not in the channel), the DM went, its record lost: the retry
    neither sends the DM again nor shows the message in the channel as well."""
    bot, outage = bot
    sent = database_goes_as_the_dm_goes(bot, outage)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    bot.groundrules.store.enqueue(private_note(direct=False), now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(sent) == 1

    outage.restore()
    assert await retry_after_the_lease(bot) == 1
    assert len(sent) == 1
    assert len(bot.calls("chat.postEphemeral")) == 1  # the refused one only
    assert await retry_after_the_lease(bot) == 0


async def test_a_nudge_by_dm_whose_sending_was_not_recorded_is_not_sent_again(bot):
    bot, outage = bot
    await problem(bot)
    sent = database_goes_as_the_dm_goes(bot, outage, "you named a problem")
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    await bot.tick()
    await bot.slack.wait_for("chat.postMessage")
    assert len(sent) == 1

    outage.restore()
    assert await retry_after_the_lease(bot) == 1
    assert len(sent) == 1
    assert len(bot.calls("chat.postEphemeral")) == 1
    assert await retry_after_the_lease(bot) == 0
