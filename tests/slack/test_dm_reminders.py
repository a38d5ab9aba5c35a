"""Reminders by DM, as those who read only their text see them (a phone's notification,
a screen reader's summary, an old client): they name the table and say where to answer.
A table command typed in the bot's DM, which is no table, acts at the one table it can
be about, or is refused with where to type it: never at the DM as if it were a table."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import AnswerRow, MandateRow, MemberRow, now_utc
from rules.events import CommandInvoked, ConcernAnswered, RemindersSnoozed
from tests.slack.conftest import BOB, WORKSPACE, SlackBot, shown_text
from tests.slack.test_meetings import end_meeting
from tests.slack.test_nudge_by_dm import OTHER_CHANNEL
from tests.slack.test_rounds import click, start_round
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_requests import CHANNEL_ID, USER_ID

CAROL = "U-CAROL"
REMIND_NOW = pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(0), "max_reminders": 1}], ids=["remind-now"]
)


async def round_reminded_to_carol(bot: SlackBot) -> str:
    """A round Bob answered; Carol's reminder by DM: its channel."""
    posted = await start_round(bot)
    await click(bot, posted, "round_none", BOB)
    await bot.handled(ConcernAnswered)
    await bot.tick()
    [dm] = await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"][0] == "D")
    return dm.params["channel"]


async def typed_in_dm(bot: SlackBot, dm: str, name: str, args: str, user: str) -> str:
    """A slash command typed in the bot's DM; its response URL."""
    url = bot.slack.response_url()
    await bot.command(name, args, user_id=user, channel_id=dm, channel_name="directmessage",
                      response_url=url)  # fmt: skip
    return url


def dm_of(bot: SlackBot, user: str) -> str:
    """The bot's DM with `user` (the stand-in opens it)."""
    return bot.slack._dm_channel([user]).id


def mandates_of(bot: SlackBot, user: str) -> list[tuple[str, str, str]]:
    with Session(bot.groundrules.database) as session:
        rows = session.exec(select(MandateRow).where(MandateRow.user == user)).all()
        return [(row.channel, row.text, row.status) for row in rows]


@REMIND_NOW
async def test_slack_round_reminder_text_names_its_table_and_where_to_answer(bot: SlackBot):
    await round_reminded_to_carol(bot)
    [dm] = [c for c in bot.calls("chat.postMessage") if c.params["channel"][0] == "D"]
    text = dm.params["text"]  # the notification
    assert text.startswith(f"In <#{CHANNEL_ID}>:\nA friendly reminder")
    assert f"Answer in <#{CHANNEL_ID}> with /concern none" in text
    assert "Answer with" not in text
    assert shown_text(dm).count(f"<#{CHANNEL_ID}>") == 3  # text twice, blocks once


@REMIND_NOW
async def test_slack_concern_typed_in_the_reminders_dm_answers_that_round(bot: SlackBot):
    dm = await round_reminded_to_carol(bot)
    url = await typed_in_dm(bot, dm, "/concern", "none", CAROL)
    *_, invoked = await bot.handled(CommandInvoked, 2)
    assert (invoked.channel, invoked.direct) == (CHANNEL_ID, True)
    [about] = await bot.slack.wait_for_response(url)
    assert about["text"] == f"In <#{CHANNEL_ID}>:"
    # The engine's thanks comes back to the DM, where Carol typed; the round counts her.
    [thanks] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["channel"] == dm and "noted" in p["text"]
    )
    assert thanks.params["text"] == "Thank you, noted: no concerns."
    assert not [c for c in bot.calls("chat.postEphemeral") if c.params["user"] == CAROL]
    closed = await bot.slack.wait_for(
        "chat.update", where=lambda p: "Answered: 2 of 2." in p["text"]
    )
    assert closed


@REMIND_NOW
async def test_slack_renewal_reminder_text_names_its_table(bot: SlackBot):
    await end_meeting(bot)
    bot.slack.clear_calls()
    await bot.tick()
    dms = await bot.slack.wait_for("chat.postMessage", 2)
    [alice] = [d for d in dms if bot.slack.channels[d.params["channel"]].user == USER_ID]
    text = alice.params["text"]
    assert text.startswith(f"In <#{CHANNEL_ID}>:\nA friendly reminder")
    assert f"Answer in <#{CHANNEL_ID}> with /mandate renew" in text


@REMIND_NOW
async def test_slack_mandate_typed_in_the_renewal_dm_acts_at_the_table(bot: SlackBot):
    await end_meeting(bot)
    bot.slack.clear_calls()
    await bot.tick()
    dms = await bot.slack.wait_for("chat.postMessage", 2)
    [alice] = [d.params["channel"] for d in dms if bot.slack.channels[d.params["channel"]].user
               == USER_ID]  # fmt: skip
    assert mandates_of(bot, USER_ID) == [(CHANNEL_ID, "budgets up to 500 euro", "renewal_due")]

    url = await typed_in_dm(bot, alice, "/mandate", "renew", USER_ID)
    [about] = await bot.slack.wait_for_response(url)
    assert about["text"] == f"In <#{CHANNEL_ID}>:"
    await bot.slack.wait_for(  # the table hears it, as when typed there
        "chat.postMessage", where=lambda p: p["channel"] == CHANNEL_ID and "renewed" in p["text"]
    )
    assert mandates_of(bot, USER_ID) == [(CHANNEL_ID, "budgets up to 500 euro", "current")]

    await typed_in_dm(bot, alice, "/mandate", "budgets up to 800 euro", USER_ID)
    await bot.handled(CommandInvoked, 6)
    await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["channel"] == CHANNEL_ID and "800" in p["text"]
    )
    # The table's mandate changed; the DM holds none.
    assert mandates_of(bot, USER_ID) == [(CHANNEL_ID, "budgets up to 800 euro", "current")]


async def test_slack_table_command_in_the_dm_of_someone_at_no_table_is_refused(bot: SlackBot):
    url = await typed_in_dm(bot, dm_of(bot, CAROL), "/mandate", "budgets up to 800 euro", CAROL)
    [told] = await bot.slack.wait_for_response(url)
    assert told["text"].startswith("Our direct messages are not a table, so /mandate has")
    assert "Type it in your table's channel" in told["text"]
    assert mandates_of(bot, CAROL) == []


async def test_slack_table_command_in_the_dm_of_someone_at_several_tables_names_them(
    bot: SlackBot,
):
    await start_round(bot)  # Carol sits at the general channel's table ...
    with Session(bot.groundrules.database) as session:  # ... and at another
        session.add(
            MemberRow(workspace=WORKSPACE, channel=OTHER_CHANNEL, user=CAROL,
                      joined_at=now_utc())
        )  # fmt: skip
        session.commit()
    url = await typed_in_dm(bot, dm_of(bot, CAROL), "/mandate", "budgets up to 800 euro", CAROL)
    [told] = await bot.slack.wait_for_response(url)
    assert told["text"] == (
        "Our direct messages are not a table, and I cannot tell which of your tables "
        f"/mandate is for, so I did nothing. Type it in that table's channel: <#{CHANNEL_ID}> "
        f"and <#{OTHER_CHANNEL}>."
    )
    assert mandates_of(bot, CAROL) == []


@pytest.mark.parametrize(
    ("user", "command", "words", "more"),
    [(BOB, "/mandaat", "uitgaven tot 800 euro", "en nog 2 tafels."),
     (CAROL, "/mandate", "budgets up to 800 euro", "and 2 more tables.")],
)  # fmt: skip
async def test_slack_table_command_in_the_dm_of_someone_at_many_tables_counts_the_rest_as_tables(
    bot: SlackBot, user: str, command: str, words: str, more: str
):
    """Past ten tables the rest are counted; in Dutch they were "2 andere leden"
    (members), the words a round uses for those it still waits for."""
    with Session(bot.groundrules.database) as session:
        for i in range(12):
            session.add(
                MemberRow(workspace=WORKSPACE, channel=f"C-TABLE{i:02d}", user=user,
                          joined_at=now_utc())
            )  # fmt: skip
        session.commit()
    url = await typed_in_dm(bot, dm_of(bot, user), command, words, user)
    [told] = await bot.slack.wait_for_response(url)
    assert told["text"].endswith(f"<#C-TABLE09> {more}")
    assert "<#C-TABLE10>" not in told["text"]


async def test_slack_public_command_in_the_dm_of_someone_at_one_table_is_refused_naming_it(
    bot: SlackBot,
):
    """Only what a DM reminder asks (/concern, /mandate) is done from the DM: a command
    that speaks at the table is typed there, even when the person sits at one table."""
    await start_round(bot)  # Carol sits at the general channel's table only
    posted = len(bot.calls("chat.postMessage"))
    url = await typed_in_dm(bot, dm_of(bot, CAROL), "/concerns", "we meet on Fridays", CAROL)
    [told] = await bot.slack.wait_for_response(url)
    assert told["text"] == (
        "Our direct messages are not a table, so I did nothing with /concerns. Type it in "
        f"your table's channel: <#{CHANNEL_ID}>."
    )
    assert len(bot.calls("chat.postMessage")) == posted  # no round started anywhere


async def test_slack_concern_resolved_typed_in_the_dm_acts_at_the_round_holding_it(
    bot: SlackBot,
):
    """Carol raised a concern at one of her two tables; "/concern resolved" in the bot's
    DM is about the open round that holds it (not refused for want of a table), and
    her private thanks comes back to the DM."""
    await start_round(bot)
    await bot.command("/concern", "only after the audit", user_id=CAROL)
    await bot.handled(CommandInvoked, 2)
    with Session(bot.groundrules.database) as session:  # she sits at another table too
        session.add(
            MemberRow(workspace=WORKSPACE, channel=OTHER_CHANNEL, user=CAROL,
                      joined_at=now_utc())
        )  # fmt: skip
        session.commit()
    dm = dm_of(bot, CAROL)
    url = await typed_in_dm(bot, dm, "/concern", "resolved", CAROL)
    *_, invoked = await bot.handled(CommandInvoked, 3)
    assert (invoked.channel, invoked.direct) == (CHANNEL_ID, True)
    [about] = await bot.slack.wait_for_response(url)
    assert about["text"] == f"In <#{CHANNEL_ID}>:"
    [thanks] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["channel"] == dm and "resolved" in p["text"]
    )
    assert thanks.params["text"].startswith("Thank you, your concern is marked resolved")
    with Session(bot.groundrules.database) as session:
        row = session.exec(select(AnswerRow).where(AnswerRow.user == CAROL)).one()
        assert (row.concern, row.resolved_concern) == (None, "only after the audit")


@REMIND_NOW
async def test_slack_a_reminder_slack_refuses_for_a_closed_messages_tab_is_not_retried(
    bot: SlackBot,
):
    """An app made from an older manifest has its Messages tab off: Slack may refuse
    its DMs (messages_tab_disabled) until someone turns the tab on. As for a member the
    bot can never DM, the others are reminded and the reminder is not tried again."""
    await start_round(bot)
    bot.slack.fail_next("chat.postMessage", "messages_tab_disabled",
                        matching={"channel": dm_of(bot, BOB)})  # fmt: skip
    await bot.tick()
    await bot.slack.wait_for("chat.postMessage", where=lambda p: p["channel"] == dm_of(bot, CAROL))
    assert bot.groundrules.store.claim_undelivered(now_utc() + timedelta(minutes=5)) == []


async def tick_until_fired(bot: SlackBot, timeout: float = PATIENCE_S) -> None:
    """Tick as the ticker does until a timer fires (bounded)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await bot.tick():
        assert asyncio.get_running_loop().time() < deadline, "no timer came due"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    "bot_settings", [{"reminder_delay": timedelta(milliseconds=300), "max_reminders": 2}],
    ids=["remind-twice"],
)  # fmt: skip
async def test_slack_not_now_under_a_round_reminder_holds_the_next_one(bot: SlackBot):
    """ "Not now" on the reminder DM: Carol's reminders at that table wait for the nudge
    snooze's default span, and she is told by DM until when; Bob's still come."""
    await start_round(bot)
    await tick_until_fired(bot)
    await bot.slack.wait_for("chat.postMessage", 2, where=lambda p: p["channel"][0] == "D")
    carols = dm_of(bot, CAROL)
    [reminder] = [c for c in bot.calls("chat.postMessage") if c.params["channel"] == carols]
    assert "Not now" in str(reminder.params["blocks"])
    await click(bot, reminder, "reminders_snooze", CAROL, channel_id=carols,
                channel_name="directmessage")  # fmt: skip
    await bot.handled(RemindersSnoozed)
    [told] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["channel"] == carols and "Snoozed until" in str(p)
    )
    assert "no reminders here" in told.params["text"]

    await tick_until_fired(bot)  # the round's second reminder: not to Carol for the hour
    reminded = [c.params["channel"] for c in bot.calls("chat.postMessage")
                if "A friendly reminder" in str(c.params)]  # fmt: skip
    assert sorted(reminded) == sorted([carols, dm_of(bot, BOB), dm_of(bot, BOB)])
