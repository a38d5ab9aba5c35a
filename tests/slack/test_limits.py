"""Slack refuses a message past its Block Kit limits (50 blocks, 3,000 characters a
section, 40,000 a message) and the person sees nothing. The stand-in refuses the same;
long replies go page by page."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from rules.actions import Reply
from rules.events import CommandInvoked
from rules.say import N_, Lines, Quote, Say
from tests.slack.conftest import BOT_TOKEN, WORKSPACE, SlackBot, shown_text
from tests.standins.slack_api import SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

LONG = ("word " * 500).strip()  # 2,499 characters
# As long as an agreement and its reason may be (2,000 characters), "Rule 00 " and all.
RULE = ("word " * 398).strip()  # 1,989 characters


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_limits_the_standin_refuses_what_slack_refuses(slack: SlackStandIn):
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url)
    refusals = [
        ("chat_postMessage", {"channel": CHANNEL_ID, "text": "x",
                              "blocks": [section("x")] * 51}, "invalid_blocks"),
        ("chat_postEphemeral", {"channel": CHANNEL_ID, "user": USER_ID, "text": "x",
                                "blocks": [section("x" * 3001)]}, "invalid_blocks"),
        ("chat_postMessage", {"channel": CHANNEL_ID, "text": "x" * 40_001}, "msg_too_long"),
        ("views_open", {"trigger_id": "t", "view": {"type": "modal", "title": {
            "type": "plain_text", "text": "t"}, "blocks": [section("x")] * 101}},
         "invalid_arguments"),
        # 250 kB as sent: a letter of another script is six bytes of JSON (\u0436).
        ("views_publish", {"user_id": USER_ID, "view": {"type": "home",
                                                        "blocks": [section("ж" * 2900)] * 20}},
         "view_too_large"),
    ]  # fmt: skip
    for method, params, error in refusals:
        with pytest.raises(SlackApiError) as refused:
            await getattr(client, method)(**params)
        assert refused.value.response["error"] == error
    assert [error for _call, error in slack.refused] == [e for _m, _p, e in refusals]
    slack.refused.clear()

    fits = await client.chat_postMessage(
        channel=CHANNEL_ID, text="x" * 40_000, blocks=[section("x" * 3000)] * 50
    )
    assert fits["ok"]


async def test_limits_a_long_list_of_agreements_comes_page_by_page(bot: SlackBot):
    for number in range(25):  # each handled before the next: Slack keeps no order
        await bot.command("/agree", f"Rule {number:02d} {RULE} because {RULE}")
        await bot.handled(CommandInvoked, number + 1)
    bot.slack.clear_calls()
    await bot.command("/agreements", "all")
    await bot.handled(CommandInvoked, 26)
    pages = bot.calls("chat.postEphemeral")
    assert len(pages) > 1
    shown = "\n".join(shown_text(page) for page in pages)
    positions = [shown.find(f"Rule {number:02d} word") for number in range(25)]
    assert -1 not in positions and positions == sorted(positions)
    assert all(page.params["user"] == USER_ID for page in pages)


async def test_limits_a_long_public_reply_comes_page_by_page_in_its_thread(bot: SlackBot):
    text = Lines(tuple(Say.of("{text}", text=Quote(f"{n:02d} {LONG}")) for n in range(40)))
    reply = Reply(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user=None,
                  text=text, private=False, thread_id="1700000000.000001")  # fmt: skip
    first = await bot.adapter.deliver(reply)
    posts = bot.calls("chat.postMessage")
    assert len(posts) > 1 and first is not None
    assert {post.params["thread_ts"] for post in posts} == {"1700000000.000001"}
    assert "39 word" in shown_text(posts[-1])


@pytest.mark.parametrize(
    "lang, heading",
    [("en", "(continued) Agreements at this table"), ("nl", "(vervolg) Afspraken aan deze tafel")],
)
async def test_limits_every_later_page_opens_with_a_heading_of_its_own(
    bot: SlackBot, lang: str, heading: str
):
    """In its thread and in a list of notifications, a page after the first says what it
    continues, in its text and in its blocks; Slack takes every page."""
    lines = [Say.of("{text}", text=Quote(f"{n:02d} {LONG}")) for n in range(40)]
    text = Lines((Say.of(N_("Agreements at this table:")), *lines))
    reply = Reply(workspace=WORKSPACE, channel=CHANNEL_ID, lang=lang, user=None,
                  text=text, private=False, thread_id="1700000000.000001")  # fmt: skip
    await bot.adapter.deliver(reply)
    first, *rest = bot.calls("chat.postMessage")
    assert rest and not bot.slack.refused
    assert not first.params["text"].startswith(heading)
    for page in rest:
        assert page.params["text"].startswith(f"{heading}\n")
        assert page.params["blocks"][0]["elements"][0]["text"] == heading
    assert "39 word" in shown_text(rest[-1])
