"""A nudge that falls back to a DM names commands to type; typed in that DM, they act
on the problem it was about, at its table, and say which."""

from __future__ import annotations

import pytest

from rules.events import CommandInvoked, MessagePosted
from tests.slack.conftest import SlackBot, past_ts, shown_text
from tests.slack.test_nudge import problem, watches
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, message_event

OTHER_CHANNEL = "C-OTHER"


async def nudged_by_dm(bot: SlackBot) -> str:
    """The nudge that just fell due, by DM (the ephemeral refused); the DM's channel."""
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    await bot.tick()
    [dm] = await bot.slack.wait_for("chat.postMessage")
    return dm.params["channel"]


def said_to_the_author(bot: SlackBot) -> str:
    """What the bot told the author on its own, by ephemeral or DM, after the nudge."""
    calls: list[SlackCall] = [*bot.calls("chat.postEphemeral"), *bot.calls("chat.postMessage")[1:]]
    return "\n".join(shown_text(call) for call in calls)


async def test_slack_snooze_typed_in_the_nudges_dm_snoozes_its_problem(bot: SlackBot):
    ts = await problem(bot)
    dm = await nudged_by_dm(bot)
    assert "/snooze" in bot.calls("chat.postMessage")[0].params["text"]  # as the DM says

    url = bot.slack.response_url()
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")  # still not there
    await bot.command("/snooze", "30m", channel_id=dm, channel_name="directmessage",
                      response_url=url)  # fmt: skip
    [invoked] = await bot.handled(CommandInvoked)

    assert (invoked.channel, invoked.thread_id) == (CHANNEL_ID, ts)
    assert watches(bot) == {ts: "snoozed"}
    [about] = await bot.slack.wait_for_response(url)
    assert f"About your problem in <#{CHANNEL_ID}>" in about["text"]
    [_, answer] = await bot.slack.wait_for("chat.postMessage", 2)  # by DM again
    assert answer.params["channel"] == dm
    told = said_to_the_author(bot)
    assert "remind you again in 30 minutes" in told
    assert "Nothing you named here" not in told
    # The engine's answer quotes the problem; the DM's note only names the table.
    assert (about["text"] + answer.params["text"]).count("the deploy keeps failing") == 1


async def test_slack_a_command_typed_in_the_dm_is_answered_there_when_back_at_the_table(
    bot: SlackBot,
):
    ts = await problem(bot)
    dm = await nudged_by_dm(bot)  # the ephemeral was refused once; Alice is back now
    url = bot.slack.response_url()
    await bot.command("/snooze", "30m", channel_id=dm, channel_name="directmessage",
                      response_url=url)  # fmt: skip
    await bot.handled(CommandInvoked)

    assert watches(bot) == {ts: "snoozed"}
    [_, answer] = await bot.slack.wait_for("chat.postMessage", 2)
    assert answer.params["channel"] == dm  # where she typed it, not the table
    assert "remind you again in 30 minutes" in shown_text(answer)
    assert len(bot.calls("chat.postEphemeral")) == 1  # the refused nudge only


async def test_slack_the_dm_answer_to_a_command_shows_the_names_its_quote_mentions(
    bot: SlackBot,
):
    bot.slack.add_user("U-BEN", name="ben", real_name="Ben Bakker", display_name="Ben")
    await problem(bot, "#problem <@U-BEN> keeps breaking the deploy")
    dm = await nudged_by_dm(bot)
    assert "@Ben keeps breaking" in shown_text(bot.calls("chat.postMessage")[0])
    url = bot.slack.response_url()
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")  # still not there
    await bot.command("/why", channel_id=dm, channel_name="directmessage", response_url=url)
    await bot.handled(CommandInvoked)

    [about] = await bot.slack.wait_for_response(url)
    [_, answer] = await bot.slack.wait_for("chat.postMessage", 2)
    told = about["text"] + "\n" + answer.params["text"]
    assert "@Ben keeps breaking" in told  # as the nudge showed it
    assert "U-BEN" not in told


async def test_slack_not_a_problem_typed_in_the_dm_acts_on_the_latest_nudged_problem(
    bot: SlackBot,
):
    first = await problem(bot, "#problem the deploy keeps failing")
    await nudged_by_dm(bot)
    second = past_ts()
    await bot.event(message_event("#problem the printer jams all day", channel=OTHER_CHANNEL,
                                  ts=second))  # fmt: skip
    await bot.handled(MessagePosted, 2)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    await bot.tick()
    [_, dm_call] = await bot.slack.wait_for("chat.postMessage", 2)
    assert watches(bot) == {first: "nudged", second: "nudged"}

    url = bot.slack.response_url()
    await bot.command("/not-a-problem", channel_id=dm_call.params["channel"],
                      channel_name="directmessage", response_url=url)  # fmt: skip
    await bot.handled(CommandInvoked)

    assert watches(bot) == {first: "nudged", second: "dismissed"}
    [about] = await bot.slack.wait_for_response(url)
    assert f"<#{OTHER_CHANNEL}>" in about["text"]  # says which table
    [*_, answer] = await bot.slack.wait_for("chat.postMessage", 3)
    assert answer.params["channel"] == dm_call.params["channel"]
    assert "the printer jams all day" in shown_text(answer)  # and which message


async def test_slack_a_dutch_command_typed_in_the_dm_is_answered_there_in_dutch(bot: SlackBot):
    await problem(bot)  # an English problem, nudged in English
    dm = await nudged_by_dm(bot)
    url = bot.slack.response_url()
    await bot.command("/sluimer", "30m", channel_id=dm, channel_name="directmessage",
                      response_url=url)  # fmt: skip
    await bot.handled(CommandInvoked)

    [about] = await bot.slack.wait_for_response(url)
    assert about["text"].startswith(f"Over je probleem in <#{CHANNEL_ID}>")
    [_, answer] = await bot.slack.wait_for("chat.postMessage", 2)
    assert answer.params["channel"] == dm
    assert answer.params["text"].startswith("Over je bericht:")
    assert "herinner ik je er weer aan" in answer.params["text"]


@pytest.mark.parametrize(
    "bot_settings, opening",
    [({"language": "en"}, "Hi Alice"), ({"language": "nl"}, "Hoi Alice")],
    ids=["en", "nl"],
)
async def test_slack_the_nudge_by_dm_names_its_table_in_its_text_and_its_blocks(
    bot: SlackBot, opening: str
):
    """Someone at several tables reads the DM (or only its notification) and knows which
    table the problem was named at: a channel link, which pings nobody."""
    await problem(bot)
    await nudged_by_dm(bot)
    [dm] = bot.calls("chat.postMessage")
    assert dm.params["text"].startswith(f"In <#{CHANNEL_ID}>:\n{opening}")  # the notification
    first = dm.params["blocks"][0]["text"]["text"]
    assert first.startswith(f"In <#{CHANNEL_ID}>:\n{opening}")  # what the DM shows first
    assert shown_text(dm).count(f"<#{CHANNEL_ID}>") == 2  # once each: text and blocks
    assert "<@" not in shown_text(dm) and "<!" not in shown_text(dm)
