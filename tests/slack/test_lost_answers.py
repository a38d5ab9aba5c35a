"""A post whose answer was lost (Slack took it, the connection broke before its answer)
is not posted again blind: the client repeats only what is safe to repeat, and the
outbox's retry looks for the post first (bot.sent_steps), so the table, or a member's DM,
gets it once, and nothing is lost."""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest
from sqlmodel import Session, select

from adapters.slack.adapter import make_client
from bot.models import OutboxRow, now_utc
from rules.actions import PostReport
from rules.events import CommandInvoked
from tests.slack.conftest import BOT_TOKEN, WORKSPACE, SlackBot
from tests.slack.test_announced_once import AGREED, announcement, retry_after_the_lease
from tests.slack.test_delivery import long_report
from tests.slack.test_nudge import problem
from tests.slack.test_rounds import round_id
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_api import SlackStandIn
from tests.standins.slack_requests import CHANNEL_ID

PROPOSAL = "#proposal we rotate on-call weekly"


def posted_saying(slack: SlackStandIn, words: str) -> list[dict]:
    return [m for m in slack.messages.values() if words in json.dumps(m)]


@pytest.fixture
def history_from_a_time(slack: SlackStandIn) -> None:
    slack.ts_from_clock = True  # the post is looked for from a time, as on Slack


async def test_an_announcement_whose_answer_was_lost_is_posted_once(
    bot: SlackBot, history_from_a_time
):
    bot.slack.lose_answer_next("chat.postMessage")
    bot.groundrules.store.enqueue(announcement(), now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(posted_saying(bot.slack, AGREED)) == 1  # Slack has it; not sent again

    assert await retry_after_the_lease(bot) == 1  # its having gone was not known: offered again
    assert len(posted_saying(bot.slack, AGREED)) == 1  # found, not posted again
    assert await retry_after_the_lease(bot) == 0  # and delivered


async def test_a_concern_round_whose_answer_was_lost_is_posted_once(
    bot: SlackBot, history_from_a_time
):
    """A round's message, edited in place as people answer: the one found is the one
    its edits go to."""
    bot.slack.lose_answer_next("chat.postMessage")
    await bot.command("/concerns", PROPOSAL)
    await bot.handled(CommandInvoked)
    call, *_ = await bot.slack.wait_for("chat.postMessage")
    await wait_until(lambda: delivery_ended(bot))
    assert len(rounds(bot)) == 1

    assert await retry_after_the_lease(bot) == 1
    [posted] = rounds(bot)
    ref = await bot.runtime.message_ref(WORKSPACE, f"round:{round_id(call)}")
    assert ref == posted["ts"]
    assert await retry_after_the_lease(bot) == 0


async def test_a_long_public_reports_later_page_whose_answer_was_lost_is_posted_once(
    bot: SlackBot, history_from_a_time
):
    """A report for the whole table, its full form in several pages in its thread: the
    second page Slack took before the connection broke is there once, and the rest
    follow (chat.postMessage is never sent again by the client; the retry looks first)."""
    summary, full = long_report()
    bot.slack.lose_answer_next("chat.postMessage", skip=2)  # the summary, the first page
    report = PostReport(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user=None,
                        private=False, summary=summary, full=full)  # fmt: skip
    bot.groundrules.store.enqueue(report, now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(bot.calls("chat.postMessage")) == 3  # failed at its second page

    assert await retry_after_the_lease(bot) == 1
    [first, *pages] = [c.params["text"] for c in bot.calls("chat.postMessage")]
    assert first == "Report of this table." and len(pages) >= 4
    assert len(pages) == len(set(pages))  # no page twice
    shown = "\n".join(pages)
    assert all(f"\n{n}. " in shown or shown.startswith(f"{n}. ") for n in range(120))
    assert await retry_after_the_lease(bot) == 0


async def test_a_nudge_dm_whose_answer_was_lost_is_sent_once(bot: SlackBot, history_from_a_time):
    """Slack could not show the nudge in the channel, so it went by DM: once."""
    await problem(bot)
    bot.slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    bot.slack.lose_answer_next("chat.postMessage")
    await bot.tick()  # the nudge falls due, and its delivery ends
    assert len(nudge_dms(bot)) == 1

    assert await retry_after_the_lease(bot) == 1
    assert len(nudge_dms(bot)) == 1  # found in the DM, not sent again
    assert len(bot.calls("chat.postEphemeral")) == 1  # nor shown in the channel as well
    assert await retry_after_the_lease(bot) == 0


def nudge_dms(bot: SlackBot) -> list[dict]:
    return [m for (channel, _), m in bot.slack.messages.items()
            if channel.startswith("D") and "you named a problem" in json.dumps(m)]  # fmt: skip


def rounds(bot: SlackBot) -> list[dict]:
    return posted_saying(bot.slack, "Concern round")


def delivery_ended(bot: SlackBot) -> bool:
    """Whether the outbox's one item was delivered, or its failure is on record."""
    with Session(bot.groundrules.database) as session:
        [row] = session.exec(select(OutboxRow)).all()
    return row.delivered_at is not None or row.last_error is not None


async def wait_until(check, timeout: float = PATIENCE_S) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


async def test_a_read_whose_answer_was_lost_is_asked_again(slack: SlackStandIn):
    """A read changes nothing at Slack: the client asks again at once, as before."""
    client = make_client(BOT_TOKEN, slack.url)
    slack.lose_answer_next("users.info")
    answer = await client.users_info(user="U-BOT")
    assert answer["user"]["id"] == "U-BOT"
    assert len(slack.calls_to("users.info")) == 2


async def test_a_post_whose_answer_was_lost_is_not_repeated_by_the_client(slack: SlackStandIn):
    client = make_client(BOT_TOKEN, slack.url)
    slack.lose_answer_next("chat.postMessage")
    with pytest.raises(aiohttp.ClientError):
        await client.chat_postMessage(channel=CHANNEL_ID, text="once")
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.messages_in(CHANNEL_ID)) == 1


async def test_a_post_that_never_reached_slack_is_tried_again_at_once(slack: SlackStandIn):
    """A connection that was refused carried nothing: the post is tried again, and lands
    once Slack answers."""
    with socket.socket() as spare:  # a port nothing listens on, until the stand-in does
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    client = make_client(BOT_TOKEN, f"http://127.0.0.1:{port}/api/")

    async def slack_comes_up() -> None:
        await asyncio.sleep(0.2)  # after the first try was refused
        await slack.stop()  # the fixture's, on a port of its own
        await slack.start(port)

    coming = asyncio.create_task(slack_comes_up())
    answer = await client.chat_postMessage(channel=CHANNEL_ID, text="refused, then taken")
    await coming
    assert answer["ok"]
    assert len(slack.messages_in(CHANNEL_ID)) == 1
