"""A command or shortcut where the bot is not a member: a channel it was never invited
to, or a DM between people. Slack would refuse every announcement there (the bot has
no chat:write.public), so nothing is recorded and the person is told privately, in
their language, to invite the bot first."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlmodel import Session, select

from adapters.slack.adapter import MEMBERSHIP_KEPT_S
from bot.models import AgreementRow
from rules.events import BotJoined, CommandInvoked
from tests.slack.conftest import BOB, CAROL, SlackBot, past_ts, shown_text, start_bot
from tests.standins.slack_api import BOT_USER_ID, SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, message_shortcut

ELSEWHERE = "C-ELSEWHERE"
PEOPLE_DM = "D-PEOPLE"
AGREE = "We ship on Fridays because customers asked"


@pytest.fixture(autouse=True)
def _elsewhere(slack: SlackStandIn) -> None:
    slack.set_members(ELSEWHERE, [USER_ID, BOB])
    slack.add_direct_message(PEOPLE_DM, [USER_ID, BOB])


def agreements(bot: SlackBot) -> list[tuple[str, str]]:
    with Session(bot.groundrules.database) as session:
        return [(row.channel, row.text) for row in session.exec(select(AgreementRow)).all()]


async def told(bot: SlackBot, url: str) -> str:
    [answer] = await bot.slack.wait_for_response(url)
    assert answer["response_type"] == "ephemeral"
    return answer["text"]


async def test_not_in_channel_agree_is_not_recorded_and_the_person_is_told(bot: SlackBot):
    url = bot.slack.response_url()
    await bot.command("/agree", AGREE, channel_id=ELSEWHERE, response_url=url)
    assert "I am not in this channel yet" in await told(bot, url)
    assert "/invite @Groundrules" in await told(bot, url)
    assert agreements(bot) == []
    assert not bot.adapter.activity.counts  # nothing reached the engine
    assert not bot.calls("chat.postMessage") and not bot.calls("chat.postEphemeral")

    # Invited, the same command works at once.
    bot.slack.set_members(ELSEWHERE, [USER_ID, BOB, BOT_USER_ID])
    await bot.event({"type": "member_joined_channel", "user": BOT_USER_ID,
                     "channel": ELSEWHERE, "channel_type": "C", "event_ts": past_ts()})  # fmt: skip
    await bot.handled(BotJoined)  # after the roster
    await bot.command("/agree", AGREE, channel_id=ELSEWHERE)
    await bot.handled(CommandInvoked)
    assert agreements(bot) == [(ELSEWHERE, "We ship on Fridays")]
    [hello, announced] = bot.calls("chat.postMessage")  # it introduced itself first
    assert hello.params["channel"] == announced.params["channel"] == ELSEWHERE
    assert shown_text(announced).startswith("Agreement recorded.")


async def test_not_in_channel_the_form_is_not_opened_and_the_answer_is_dutch(bot: SlackBot):
    url = bot.slack.response_url()
    await bot.command("/afspraak", "", channel_id=ELSEWHERE, response_url=url)
    assert "Ik zit nog niet in dit kanaal" in await told(bot, url)
    assert not bot.calls("views.open")


async def test_not_in_channel_dutch_help_through_groundrules_is_answered_in_dutch(
    bot: SlackBot,
):
    url = bot.slack.response_url()
    await bot.command("/groundrules", "hulp", channel_id=ELSEWHERE, response_url=url)
    assert "Ik zit nog niet in dit kanaal" in await told(bot, url)


async def test_not_in_channel_a_dm_between_people(bot: SlackBot):
    url = bot.slack.response_url()
    await bot.command("/agree", AGREE, channel_id=PEOPLE_DM, channel_name="directmessage",
                      response_url=url)  # fmt: skip
    assert "not in direct messages between people" in await told(bot, url)
    assert agreements(bot) == [] and not bot.adapter.activity.counts


async def test_not_in_channel_the_shortcut_does_not_open_the_form(bot: SlackBot):
    url = bot.slack.response_url()
    await bot.interact(message_shortcut("record_agreement", message_text=AGREE,
                                        channel_id=ELSEWHERE, response_url=url))  # fmt: skip
    assert "Invite me first" in await told(bot, url)
    assert not bot.calls("views.open")


async def test_not_in_channel_membership_is_asked_once_where_the_bot_is(bot: SlackBot):
    await bot.command("/agreements")
    await bot.command("/agreements")
    await bot.handled(CommandInvoked, 2)
    assert len(bot.calls("conversations.info")) == 1
    # In the bot's own DM a command still reaches the engine.
    own_dm = await bot.adapter.client.conversations_open(users=USER_ID)
    await bot.command("/groundrules", "", channel_id=own_dm["channel"]["id"])
    [_first, _second, help_] = await bot.handled(CommandInvoked, 3)
    assert help_.channel.startswith("D")
    assert "Invite me" not in "\n".join(shown_text(c) for c in bot.slack.calls)


async def test_not_in_channel_a_removal_during_the_check_is_not_forgotten(bot: SlackBot):
    from tests.slack.conftest import WORKSPACE
    from tests.standins.slack_requests import CHANNEL_ID

    def removed_while_answering(params):
        # Slack still said "a member", but the bot was removed before the answer came.
        bot.adapter.forget_channel(WORKSPACE, CHANNEL_ID)
        return {"ok": True, "channel": {"id": params["channel"], "is_member": True}}

    bot.slack.respond_with("conversations.info", removed_while_answering)
    assert await bot.adapter.bot_is_in(WORKSPACE, CHANNEL_ID, USER_ID)
    bot.slack.respond_with(
        "conversations.info", {"channel": {"id": CHANNEL_ID, "is_member": False}}
    )
    # The next command asks again rather than trusting the stale "yes".
    assert not await bot.adapter.bot_is_in(WORKSPACE, CHANNEL_ID, USER_ID)


@pytest.fixture
async def two_processes(slack, sqlite_url) -> AsyncIterator[tuple[SlackBot, SlackBot]]:
    """Two `groundrules run slack` on one database; Slack sends each event to one."""
    started = [await start_bot(slack, sqlite_url, migrate=False) for _ in range(2)]
    async with aiohttp.ClientSession() as http:
        try:
            yield tuple(SlackBot(slack, *parts, http) for parts in started)  # type: ignore[misc]
        finally:
            for groundrules, _runtime, adapter in started:
                await adapter.stop()
                groundrules.database.dispose()


async def removed_as_the_other_process_heard(heard: SlackBot) -> None:
    heard.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL])
    left = {"type": "member_left_channel", "user": BOT_USER_ID, "channel": CHANNEL_ID,
            "channel_type": "C", "event_ts": past_ts()}  # fmt: skip
    await heard.event(left)


async def test_not_in_channel_removed_as_another_process_heard_is_asked_again_in_time(
    two_processes: tuple[SlackBot, SlackBot],
):
    """The process that answered here before believes the bot a member only for
    MEMBERSHIP_KEPT_S; then it asks Slack again, and records nothing."""
    heard, other = two_processes
    await other.command("/groundrules", "help")
    await other.handled(CommandInvoked)
    await removed_as_the_other_process_heard(heard)

    other.adapter.clock = lambda: time.monotonic() + MEMBERSHIP_KEPT_S
    url = other.slack.response_url()
    await other.command("/agree", AGREE, response_url=url)
    assert "I am not in this channel yet" in await told(other, url)
    assert agreements(other) == []
    assert other.adapter.activity.counts["CommandInvoked"] == 1  # only the help


async def test_not_in_channel_removed_as_another_process_heard_a_refused_post_tells_at_once(
    two_processes: tuple[SlackBot, SlackBot],
):
    """Before that, the first post Slack refuses there (not_in_channel) ends the belief."""
    heard, other = two_processes
    await other.command("/groundrules", "help")
    await other.handled(CommandInvoked)
    await removed_as_the_other_process_heard(heard)

    await other.command("/groundrules", "help")  # answered by DM: not in the channel
    await other.handled(CommandInvoked, 2)
    url = other.slack.response_url()
    await other.command("/agree", AGREE, response_url=url)
    assert "I am not in this channel yet" in await told(other, url)
    assert agreements(other) == []
