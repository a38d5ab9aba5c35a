"""An agreement's announcement goes out once, though the database stopped answering just
as Slack took it: the retry finds the message it posted (by the key in its metadata,
bot.sent_steps) instead of posting it again, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.models import now_utc
from bot.store import DELIVERY_LEASE
from rules.actions import AgreementView, AnnounceAgreement, AnnounceReview
from tests.slack.conftest import (
    BOB,
    WORKSPACE,
    SlackBot,
    database_goes_as_slack_takes,
    running_through_an_outage,
)
from tests.standins.database_outage import DatabaseOutage
from tests.standins.slack_api import SlackCall, SlackError
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

AGREED = "We lunch at noon on Fridays"
# A failed delivery's back-off (whatever it is) is over by then.
RETRY = timedelta(hours=1)


async def retry_after_the_lease(bot: SlackBot) -> int:
    """A tick once the lease of the try before has run out, as `retry_undelivered`, whose
    claim holds the item until then. Returns how many items it claimed."""
    later = bot.groundrules.store.claim_undelivered(now_utc() + 2 * DELIVERY_LEASE + RETRY)
    await bot.runtime.deliver_all(later)
    return len(later)


def announcement(thread: str | None = None) -> AnnounceAgreement:
    agreement = AgreementView(
        number=1, text=AGREED, why="we meet anyway", owner=USER_ID, recorded_by=USER_ID,
        consenters=(USER_ID, BOB), concerns=(), review_on=date(2030, 1, 1), version=1,
        replaces=None, status="current",
    )  # fmt: skip
    return AnnounceAgreement(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en",
                             agreement=agreement, thread_id=thread)  # fmt: skip


@pytest.fixture
async def bot(slack, outage_url: str) -> AsyncIterator[tuple[SlackBot, DatabaseOutage]]:
    slack.ts_from_clock = True  # history is read from a time, as on Slack
    async with running_through_an_outage(slack, outage_url) as started:
        yield started


def database_goes_as_it_is_posted(bot: SlackBot, outage: DatabaseOutage) -> list[SlackCall]:
    """The database stops answering the moment Slack takes the announcement (once); the
    announcements Slack took."""
    return database_goes_as_slack_takes(bot, outage, lambda p: AGREED in str(p.get("text")))


@pytest.mark.parametrize("thread", [None, "1700000000.000100"])
async def test_an_announcement_whose_posting_was_not_recorded_is_not_posted_again(bot, thread):
    bot, outage = bot
    if thread is not None:  # a thread the bot started earlier
        bot.slack.messages[(CHANNEL_ID, thread)] = {"ts": thread, "text": "a proposal"}
    posted = database_goes_as_it_is_posted(bot, outage)
    bot.groundrules.store.enqueue(announcement(thread), now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(posted) == 1  # it went out; that it did is not on record

    outage.restore()
    assert await retry_after_the_lease(bot) == 1  # offered again
    assert len(posted) == 1  # found, not posted again
    assert await retry_after_the_lease(bot) == 0  # and marked delivered


async def test_a_review_whose_posting_was_not_recorded_is_not_posted_again(bot):
    """A review's question to the table (keep, revise, retire?): once, as on Discord."""
    bot, outage = bot
    posted = database_goes_as_it_is_posted(bot, outage)
    agreement = announcement().agreement
    review = AnnounceReview(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en",
                            agreement=agreement, asked_at=now_utc())  # fmt: skip
    bot.groundrules.store.enqueue(review, now_utc())
    assert await bot.retry_undelivered() == 1
    assert len(posted) == 1

    outage.restore()
    assert await retry_after_the_lease(bot) == 1
    assert len(posted) == 1
    assert await retry_after_the_lease(bot) == 0


async def test_an_announcement_that_never_went_out_is_posted_on_the_retry(bot):
    """Its going out on record, Slack refused it: the retry finds none and posts it."""
    bot, _ = bot
    builtin = bot.slack._builtin["chat.postMessage"]
    tries: list[str] = []

    def refused_once(params):
        tries.append(str(params.get("text")))
        if len(tries) == 1:
            raise SlackError("internal_error")
        return builtin(params)

    bot.slack.respond_with("chat.postMessage", refused_once)
    bot.groundrules.store.enqueue(announcement(), now_utc())
    assert await bot.retry_undelivered() == 1
    assert await retry_after_the_lease(bot) == 1
    assert len(tries) == 2
    assert [m for m in bot.slack.messages.values() if AGREED in m.get("text", "")]
    assert await retry_after_the_lease(bot) == 0


async def test_an_announcement_is_posted_again_where_the_bot_may_not_read_history(bot):
    """An app from an older manifest, without the history scopes: a second post rather
    than none."""
    bot, outage = bot
    posted = database_goes_as_it_is_posted(bot, outage)

    def no_scope(params):
        raise SlackError("missing_scope")

    bot.slack.respond_with("conversations.history", no_scope)
    bot.groundrules.store.enqueue(announcement(), now_utc())
    assert await bot.retry_undelivered() == 1
    outage.restore()
    assert await retry_after_the_lease(bot) == 1
    assert len(posted) == 2
    assert await retry_after_the_lease(bot) == 0


async def test_another_app_s_message_with_the_announcement_s_key_is_not_taken_for_it(bot):
    """Any app may post any metadata: another app's message carrying the announcement's
    key, posted while Slack refused ours, was taken for it, and ours never went out."""
    bot, _ = bot
    builtin = bot.slack._builtin["chat.postMessage"]
    tries: list[str] = []

    def refused_once_and_copied(params):
        tries.append(str(params.get("text")))
        if len(tries) > 1:
            return builtin(params)
        copied = builtin({"channel": params["channel"], "text": "copied",
                          "metadata": params["metadata"]})  # fmt: skip
        copied["message"] |= {"bot_id": "B-OTHER", "app_id": "A-OTHER", "user": "U-OTHERBOT",
                              "bot_profile": {"id": "B-OTHER", "app_id": "A-OTHER"}}  # fmt: skip
        raise SlackError("internal_error")

    bot.slack.respond_with("chat.postMessage", refused_once_and_copied)
    bot.groundrules.store.enqueue(announcement(), now_utc())
    assert await bot.retry_undelivered() == 1
    assert await retry_after_the_lease(bot) == 1
    assert len(tries) == 2  # looked for, not found among another app's: posted
    ours = [m for m in bot.slack.messages.values() if AGREED in m.get("text", "")]
    assert [m["bot_id"] for m in ours] == [bot.slack.identity.bot_id]
    assert await retry_after_the_lease(bot) == 0
