"""Whatever people write, nothing the bot posts, DMs, edits or shows in a view pings:
their mentions of everyone, a channel, a person or a user group are echoed as words."""

from __future__ import annotations

import re
from typing import Any

from rules.events import CommandInvoked, MessagePosted
from tests.slack.conftest import BOB, CAROL, SlackBot, button, past_ts, shown_text
from tests.slack.test_home import home_opened
from tests.standins.slack_api import SlackCall
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions, message_event

HOSTILE = "<!everyone> <!here> <!channel> <@U123> <!subteam^S1> @everyone"
# Slack markup that notifies: everyone, here, channel, a person, a user group. The bot's
# own <!date^…> (a time on each reader's clock) and channel links ping nobody.
LIVE_MENTION = re.compile(r"<[@!](?!date\^)")
# Every Web API method by which the bot shows something to someone.
SHOWING = (
    "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage",
    "views.open", "views.update", "views.push", "views.publish",
)  # fmt: skip


def mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "mrkdwn" else []
        return own + [found for value in node.values() for found in mrkdwn_objects(value)]
    if isinstance(node, list):
        return [found for item in node for found in mrkdwn_objects(item)]
    return []


def everything_shown(bot: SlackBot) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(where, what it shows, its mrkdwn objects) for every call and response URL post."""
    calls: list[SlackCall] = [call for method in SHOWING for call in bot.calls(method)]
    shown = [(c.method, shown_text(c), mrkdwn_objects(c.params)) for c in calls]
    for post in bot.slack.responses:
        as_call = SlackCall("response_url", post.body)
        shown.append(("response_url", shown_text(as_call), mrkdwn_objects(post.body)))
    return shown


def assert_nothing_pings(bot: SlackBot) -> str:
    """All the bot showed, after checking that none of it pings."""
    for method in SHOWING:
        for call in bot.calls(method):
            assert not call.params.get("link_names"), (method, call.params)
            assert call.params.get("parse") != "full", (method, call.params)
    shown = everything_shown(bot)
    for where, text, objects in shown:
        assert not LIVE_MENTION.search(text), (where, text)
        # Not verbatim, Slack would turn a plain "@everyone" into a mention.
        assert all(o.get("verbatim") is True for o in objects), (where, objects)
    return "\n".join(text for _, text, _ in shown)


async def test_no_pings_from_people_s_words_in_anything_the_bot_says(bot: SlackBot):
    # A problem, nudged by DM (the ephemeral refused): the DM quotes it.
    await bot.event(message_event(f"#problem the build broke {HOSTILE}", ts=past_ts()))
    await bot.handled(MessagePosted)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    await bot.tick()
    [nudge] = await bot.slack.wait_for("chat.postMessage")
    assert "the build broke" in shown_text(nudge)

    # A concern round on a proposal: the round message, its edits, a concern, the summary.
    await bot.command("/concerns", f"#proposal we pin the image, tell {HOSTILE}")
    await bot.handled(CommandInvoked)
    [_, posted] = await bot.slack.wait_for("chat.postMessage", 2)
    assert "we pin the image" in shown_text(posted)
    value = button(posted, "round_none")["value"]
    await bot.interact(block_actions("round_none", value=value, user_id=BOB,
                                     message_ts=posted.params.get("ts")))  # fmt: skip
    await bot.slack.wait_for("chat.update")
    await bot.command("/concern", f"not before {HOSTILE} agrees", user_id=CAROL)
    await bot.handled(CommandInvoked, 2)

    # An agreement with its why and owner, the list of agreements, the report, App Home.
    await bot.command(
        "/agree", f"We ship {HOSTILE} on Friday because {HOSTILE} waits owner <@{BOB}>"
    )
    await bot.handled(CommandInvoked, 3)
    await bot.command("/agreements")
    await bot.handled(CommandInvoked, 4)
    await bot.command("/report")
    await bot.handled(CommandInvoked, 5)
    await bot.event(home_opened(USER_ID))
    await bot.slack.wait_for("views.publish")

    # A command typed in the nudge's DM is answered at its response URL, and by DM
    # quoting the problem.
    url = bot.slack.response_url()
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    await bot.command("/snooze", "30m", channel_id=nudge.params["channel"],
                      channel_name="directmessage", response_url=url)  # fmt: skip
    await bot.slack.wait_for_response(url)
    await bot.slack.wait_for("chat.postMessage", 5)

    shown = assert_nothing_pings(bot)
    for words in ("not before", "We ship", "waits", "we pin the image"):
        assert words in shown
    assert shown.count("@everyone") >= 10  # the echoes are there, as words
    assert bot.calls("chat.postMessage")[0].params["channel"] != CHANNEL_ID  # the DM


# Mentions with characters that show nothing, or that the bot takes out, around or in
# them; \x0e and \x0f are what the bot marks its own safe markup with.
LACED = "\x0e<!everyone>\x0f <!every\x0eone> <\x00!here> <@U1\u200b23> <\u202e!channel>"


async def test_no_pings_from_unseen_characters_around_mentions(bot: SlackBot):
    await bot.command("/table", f"about {LACED}")
    await bot.command("/table", f"join Acme {LACED}", user_id=BOB)
    await bot.command("/mandate", f"budgets {LACED}", user_id=CAROL)
    await bot.command("/role", f"add minutes keeps {LACED}")
    await bot.handled(CommandInvoked, 4)
    await bot.command("/role", f"assign minutes <@{BOB}>")
    await bot.command("/concerns", f"#proposal we pin the image {LACED}")
    await bot.command("/agree", f"We ship {LACED} because {LACED} waits owner role minutes")
    await bot.handled(CommandInvoked, 7)
    for command, text in (("/table", ""), ("/roles", ""), ("/mandate", "check"),
                          ("/agreements", ""), ("/report", "")):  # fmt: skip
        await bot.command(command, text)
    await bot.handled(CommandInvoked, 12)
    await bot.event(home_opened(USER_ID))
    await bot.slack.wait_for("views.publish")
    shown = assert_nothing_pings(bot)
    for words in ("budgets", "keeps", "Acme", "We ship", "we pin the image"):
        assert words in shown
