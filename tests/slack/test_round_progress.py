"""A concern round's message in Slack shows the round as it stands: a progress update
retried or held up by a rate limit never brings back older progress, nor the buttons of
a round that has closed; and a round at a table of 500 stays within Slack's limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.models import now_utc
from rules.events import ConcernAnswered
from tests.slack.conftest import BIG_TABLE_WAIT, BOB, CAROL, SlackBot
from tests.slack.test_rounds import click, start_round
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

DAN = "U-DAN"


def shown(bot: SlackBot, ts: str) -> dict[str, Any]:
    """The round's message as Slack shows it now."""
    return bot.slack.messages[(CHANNEL_ID, ts)]


def has_buttons(message: dict[str, Any]) -> bool:
    return any(block.get("type") == "actions" for block in message.get("blocks") or [])


async def retry_what_failed(bot: SlackBot) -> None:
    """The outbox's next try, once the back-off of what failed has passed."""
    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    assert later, "nothing waited in the outbox"
    await bot.runtime.deliver_all(later)


async def test_round_progress_a_retried_update_leaves_a_closed_round_closed(bot: SlackBot):
    posted = await start_round(bot, "#proposal we publish the minutes by Friday")
    bot.slack.fail_next("chat.update", "internal_error")  # Slack has a bad moment
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered)
    await click(bot, posted, "round_none", CAROL)  # the last answer closes the round
    await bot.handled(ConcernAnswered, 2)
    await bot.slack.wait_for("chat.update", 2)
    ts = bot.calls("chat.update")[-1].params["ts"]
    assert not has_buttons(shown(bot, ts))

    await retry_what_failed(bot)  # Bob's update, decided when Carol had not answered

    message = shown(bot, ts)
    assert "This concern round has closed." in str(message["blocks"])
    assert "waiting for" not in message["text"]
    assert not has_buttons(message)


async def test_round_progress_an_update_held_up_by_a_rate_limit_shows_the_newer_answer(
    bot: SlackBot, no_retry_jitter
):
    bot.slack.add_user(DAN, "dan", real_name="Dan Dekker")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, DAN, "U-BOT"])
    posted = await start_round(bot, "#proposal we publish the minutes by Friday")
    bot.slack.rate_limit_next("chat.update", retry_after=1)  # Bob's waits out Retry-After
    await click(bot, posted, "round_none", BOB)
    await bot.slack.wait_for("chat.update")  # the refused one
    await click(bot, posted, "round_none", CAROL)
    await bot.handled(ConcernAnswered, 2)
    # The refused call, then Bob's and Carol's progress, in whichever order they land.
    updates = await bot.slack.wait_for("chat.update", 3)
    message = shown(bot, updates[-1].params["ts"])
    assert "2 of 3 answered; waiting for Dan Dekker." in message["text"]
    assert has_buttons(message)


async def test_round_progress_a_table_of_500_is_named_whole_within_slacks_limits(bot: SlackBot):
    members = [f"U-M{n:03d}" for n in range(500)]
    for n, user in enumerate(members):
        bot.slack.add_user(user, f"m{n}", real_name=f"Volunteer Name {n:03d}")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, BOB, CAROL, *members, "U-BOT"])
    proposal = "#proposal we move the meetings to the town hall"
    posted = await start_round(bot, proposal, timeout=BIG_TABLE_WAIT)  # 503 users.info
    await click(bot, posted, "round_none", members[0])
    [update] = await bot.slack.wait_for("chat.update", timeout=BIG_TABLE_WAIT)

    for call, waiting in ((posted, members), (update, members[1:])):
        sections = [
            block["text"]["text"] for block in call.params["blocks"] if block["type"] == "section"
        ]
        for n, _ in enumerate(waiting, start=500 - len(waiting)):  # each whole, in one section
            assert any(f"Volunteer Name {n:03d}" in section for section in sections), n
            assert f"Volunteer Name {n:03d}" in call.params["text"]
    assert not bot.slack.refused
