"""A round's message once it is over: its text (the notification, a screen reader's
summary, an old client) says how it ended, as its blocks do; it asks nobody to answer."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.models import now_utc
from rules.events import CommandInvoked
from tests.slack.conftest import SlackBot, shown_text
from tests.slack.test_rounds import PROPOSAL, start_round


def blocks_text(call) -> str:
    """What the blocks show (not the `text`)."""
    return shown_text(call).removeprefix(str(call.params.get("text") or ""))


def asks_nobody(text: str) -> bool:
    return "please answer" not in text and "waiting for" not in text and "/concern" not in text


async def test_slack_withdrawn_round_text_says_so_as_its_blocks_do(bot: SlackBot):
    await start_round(bot)
    await bot.command("/concerns", "cancel")
    await bot.handled(CommandInvoked, 2)
    [withdrawn] = await bot.slack.wait_for("chat.update")
    text = withdrawn.params["text"]
    assert text.endswith("This concern round was withdrawn.") and asks_nobody(text)
    assert blocks_text(withdrawn).endswith("This concern round was withdrawn.")
    assert asks_nobody(blocks_text(withdrawn))


@pytest.mark.parametrize("bot_settings", [{"round_deadline": timedelta(seconds=1)}], ids=["1s"])
async def test_slack_round_first_posted_after_it_closed_notifies_no_one_to_answer(bot: SlackBot):
    bot.slack.fail_next("chat.postMessage", "internal_error")  # Slack has a bad moment
    await bot.command("/concerns", PROPOSAL)
    await bot.handled(CommandInvoked)
    await asyncio.sleep(1.1)
    await bot.tick()  # the deadline: the summary goes out
    await bot.slack.wait_for("chat.postMessage", 2)
    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await bot.runtime.deliver_all(later)
    *_, posted = await bot.slack.wait_for("chat.postMessage", 3)
    text = posted.params["text"]  # a new message: it notifies
    assert text.endswith("This concern round has closed.\nAnswered: 0 of 2.")
    assert asks_nobody(text)
    assert blocks_text(posted).endswith("This concern round has closed.\nAnswered: 0 of 2.")
