"""A big table on Slack: what grows with it (every concern, every consenting member,
everyone's App Home) still reaches Slack within its Block Kit limits (50 blocks, 3,000
characters a section, 40,000 a message, 100 blocks and 250 kB a view), which the
stand-in enforces; and a message sent page by page, retried after a failed page, does
not send its earlier pages again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import Session, col, select

from bot.models import OutboxRow, now_utc
from rules.actions import Reply
from rules.events import CommandInvoked
from rules.say import Lines, Quote, Say
from tests.slack.conftest import BIG_TABLE_WAIT, WORKSPACE, SlackBot, shown_text
from tests.standins.slack_api import SlackCall, SlackError
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

PROPOSAL = "we move every meeting to the town hall on Mondays"
# One concern near the longest a member may type (the engine quotes 1,500 characters).
CONCERN = ("it worries me because " + "the hall is far for people without cars " * 45)[:1900]
LONG = ("word " * 500).strip()  # 2,499 characters
# As long as an agreement and its reason may be (2,000 characters), "Rule 00 " and all.
RULE = ("word " * 398).strip()  # 1,989 characters


def seat(bot: SlackBot, count: int) -> list[str]:
    members = [f"U-M{n:03d}" for n in range(count)]
    for n, member in enumerate(members):
        bot.slack.add_user(member, f"m{n}", real_name=f"Member Number {n:03d}")
    bot.slack.set_members(CHANNEL_ID, [USER_ID, *members, "U-BOT"])
    return members


async def a_round_everyone_objects_to(bot: SlackBot, members: list[str]) -> None:
    """A round that closes with a long concern from each member."""
    await bot.command("/concerns", PROPOSAL)
    await bot.handled(CommandInvoked)
    for n, member in enumerate(members):
        await bot.command("/concern", f"{n:03d} {CONCERN}", user_id=member)
    await bot.handled(CommandInvoked, len(members) + 1, BIG_TABLE_WAIT)


def read(calls) -> str:
    """What the messages show (their blocks; the text beside them is the notification)."""
    return "\n".join(
        block["text"]["text"]
        for call in calls
        for block in call.params.get("blocks") or []
        if block["type"] == "section"
    )


def each_concern_once(calls, members: list[str]) -> bool:
    shown = read(calls)
    return all(shown.count(f"{n:03d} it worries me") == 1 for n in range(len(members)))


async def wait_until(check, timeout: float = BIG_TABLE_WAIT) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.05)


def failure_noted(bot: SlackBot) -> bool:
    """Whether a delivery that failed is on record as failed, and waits for its retry: a
    retry claimed before that would have its claim released under it."""
    with Session(bot.groundrules.database) as session:
        undelivered = select(OutboxRow).where(
            col(OutboxRow.delivered_at).is_(None), col(OutboxRow.last_error).is_not(None)
        )
        return session.exec(undelivered).first() is not None


async def test_big_tables_a_round_summary_and_its_agreement_come_page_by_page(bot: SlackBot):
    members = seat(bot, 60)  # 60 concerns of 1,900 characters: some 114,000 in all
    await a_round_everyone_objects_to(bot, members)

    def summary():
        return [c for c in bot.calls("chat.postMessage") if "Concern from" in shown_text(c)]

    await wait_until(lambda: each_concern_once(summary(), members))
    pages = summary()
    assert len(pages) >= 3  # past 50 blocks and 40,000 characters: one message would fail
    assert "The concern round on this proposal has closed:" in shown_text(pages[0])
    assert "Some concerns are still open." in shown_text(pages[-1])
    assert {page.params.get("thread_ts") for page in pages} == {None}

    await bot.command("/agree", f"{PROPOSAL} because it is central")
    await bot.handled(CommandInvoked, len(members) + 2, BIG_TABLE_WAIT)

    def announcement():
        return [c for c in bot.calls("chat.postMessage") if "Concern heard from" in shown_text(c)]

    await wait_until(lambda: each_concern_once(announcement(), members))
    first, *rest = announcement()
    assert rest and "Agreement recorded." in shown_text(first)
    assert "we review it on" in shown_text(rest[-1])


async def test_big_tables_a_retried_summary_posts_only_the_pages_that_failed(bot: SlackBot):
    members = seat(bot, 60)
    posted = {"pages": 0}
    summary: list[SlackCall] = []
    builtin = bot.slack._builtin["chat.postMessage"]

    def second_page_fails_once(params):
        if "Concern from" in str(params.get("text")):
            posted["pages"] += 1
            if posted["pages"] == 2:
                raise SlackError("internal_error")  # Slack has a bad moment
            summary.append(SlackCall("chat.postMessage", params))
        return builtin(params)

    bot.slack.respond_with("chat.postMessage", second_page_fails_once)
    await a_round_everyone_objects_to(bot, members)
    await wait_until(lambda: posted["pages"] == 2)
    await wait_until(lambda: failure_noted(bot))

    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await bot.runtime.deliver_all(later)
    assert each_concern_once(summary, members)  # page 1 once, page 2 on the retry
    assert read(summary).count("has closed:") == 1


async def test_big_tables_a_retried_private_reply_shows_each_page_once(bot: SlackBot):
    for number in range(25):
        await bot.command("/agree", f"Rule {number:02d} {RULE} because {RULE}")
    await bot.handled(CommandInvoked, 25, BIG_TABLE_WAIT)
    bot.slack.clear_calls()
    builtin = bot.slack._builtin["chat.postEphemeral"]
    shown = {"pages": 0}
    pages: list[SlackCall] = []

    def second_page_fails_once(params):
        shown["pages"] += 1
        if shown["pages"] == 2:
            raise SlackError("internal_error")
        pages.append(SlackCall("chat.postEphemeral", params))
        return builtin(params)

    bot.slack.respond_with("chat.postEphemeral", second_page_fails_once)
    await bot.command("/agreements", "all")
    await bot.handled(CommandInvoked, 26, BIG_TABLE_WAIT)
    await wait_until(lambda: shown["pages"] == 2)
    await wait_until(lambda: failure_noted(bot))

    later = bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5))
    await bot.runtime.deliver_all(later)
    text = read(pages)
    assert all(text.count(f"Rule {number:02d} word") == 1 for number in range(25))


async def test_big_tables_a_retried_public_reply_posts_each_page_once(bot: SlackBot):
    text = Lines(tuple(Say.of("{text}", text=Quote(f"{n:02d} {LONG}")) for n in range(40)))
    reply = Reply(workspace=WORKSPACE, channel=CHANNEL_ID, lang="en", user=None,
                  text=text, private=False, thread_id="1700000000.000001")  # fmt: skip
    bot.slack.clear_calls()
    builtin = bot.slack._builtin["chat.postMessage"]
    sent = {"pages": 0}
    posts: list[SlackCall] = []

    def second_page_fails_once(params):
        sent["pages"] += 1
        if sent["pages"] == 2:
            raise SlackError("internal_error")
        answer = builtin(params)
        posts.append(SlackCall("chat.postMessage", params | {"ts": answer["ts"]}))
        return answer

    bot.slack.respond_with("chat.postMessage", second_page_fails_once)
    bot.groundrules.store.enqueue(reply, now_utc())
    assert await bot.retry_undelivered() == 1  # the second page fails
    assert await bot.retry_undelivered() == 1  # the outbox offers it again
    assert await bot.retry_undelivered() == 0
    shown = read(posts)
    assert all(shown.count(f"{n:02d} word") == 1 for n in range(40))
