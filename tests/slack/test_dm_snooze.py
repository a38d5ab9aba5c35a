"""Snoozing from the bot's Slack DM, where the reminders come: /snooze, or words such as
"not now" or "nu even niet" typed back, hold the person's reminders at the table whose
reminder (or nudge) reached them last, as /snooze typed there does. The DM is told
which table and until when; with several tables waiting, how to hold another."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from adapters.slack import blocks
from bot.models import MandateRow, MemberRow, now_utc
from rules.events import CommandInvoked, MessagePosted
from tests.slack.conftest import WORKSPACE, SlackBot, past_ts
from tests.slack.test_dm_reminders import CAROL, REMIND_NOW, round_reminded_to_carol, typed_in_dm
from tests.slack.test_nudge_by_dm import OTHER_CHANNEL
from tests.standins.slack_requests import CHANNEL_ID, message_event


async def words_in_dm(bot: SlackBot, dm: str, text: str, answers: int) -> list[str]:
    """`text` typed by Carol in her DM with the bot; the bot's words there once `answers`
    came after it."""
    before = len([c for c in bot.calls("chat.postMessage") if c.params["channel"] == dm])
    await bot.event(message_event(text, user=CAROL, channel=dm, channel_type="im",
                                  ts=past_ts(0)))  # fmt: skip
    calls = await bot.slack.wait_for(
        "chat.postMessage", before + answers, where=lambda p: p["channel"] == dm
    )
    return [c.params["text"] for c in calls[before:]]


@REMIND_NOW
async def test_slack_snooze_typed_in_the_reminders_dm_holds_that_tables_reminders(bot: SlackBot):
    dm = await round_reminded_to_carol(bot)
    url = await typed_in_dm(bot, dm, "/snooze", "2h", CAROL)
    *_, invoked = await bot.handled(CommandInvoked, 2)
    assert (invoked.channel, invoked.direct, invoked.thread_id) == (CHANNEL_ID, True, None)
    [about] = await bot.slack.wait_for_response(url)
    assert about["text"] == f"In <#{CHANNEL_ID}>:"
    [told] = await bot.slack.wait_for(
        "chat.postMessage", where=lambda p: p["channel"] == dm and "Snoozed until" in p["text"]
    )
    assert "no reminders here" in told.params["text"]


@REMIND_NOW
@pytest.mark.parametrize(
    ("words", "opening"),
    [("not now", "Snoozed until"), ("snooze 2h", "Snoozed until"),
     ("Nu even niet", "Ik laat het sluimeren tot"), ("/sluimer 1u", "Ik laat het sluimeren tot"),
     ("later graag", "Ik laat het sluimeren tot"), ("not now, thanks", "Snoozed until")],
)  # fmt: skip
async def test_slack_not_now_in_words_in_the_reminders_dm_holds_them(
    bot: SlackBot, words: str, opening: str
):
    dm = await round_reminded_to_carol(bot)
    about, told = await words_in_dm(bot, dm, words, 2)
    assert about == f"In <#{CHANNEL_ID}>:"
    assert told.startswith(opening)
    *_, invoked = await bot.handled(CommandInvoked, 2)
    assert (invoked.channel, invoked.direct) == (CHANNEL_ID, True)
    assert invoked.name in ("snooze", "sluimer")


@REMIND_NOW
async def test_slack_snooze_in_the_dm_with_two_tables_waiting_says_which_and_how_to_hold_the_other(
    bot: SlackBot,
):
    dm = await round_reminded_to_carol(bot)
    with Session(bot.groundrules.database) as session:  # her mandate waits at another table
        at = {"workspace": WORKSPACE, "channel": OTHER_CHANNEL, "user": CAROL}
        session.add(MemberRow(**at, joined_at=now_utc()))
        session.add(MandateRow(**at, text="budgets", status="renewal_due", updated_at=now_utc()))
        session.commit()
    about, told = await words_in_dm(bot, dm, "later", 2)
    assert about == (
        f"In <#{CHANNEL_ID}>, the table I reminded you of last (to hold another table's "
        f"reminders too, type /snooze in its channel: <#{OTHER_CHANNEL}>):"
    )
    assert told.startswith("Snoozed until")


async def test_slack_not_now_in_the_dm_with_nothing_waiting_gets_the_pointer(bot: SlackBot):
    from tests.slack.test_dm_reminders import dm_of

    [said] = await words_in_dm(bot, dm_of(bot, CAROL), "not now", 1)
    assert said.startswith("Thanks for your message. Nothing of yours")


async def carol_nudged_at_the_other_table(bot: SlackBot) -> None:
    before = len(bot.calls("chat.postEphemeral"))
    await bot.event(message_event("#problem the printer jams all day", user=CAROL,
                                  channel=OTHER_CHANNEL, ts=past_ts()))  # fmt: skip
    await bot.handled(MessagePosted)
    await bot.tick()
    await bot.slack.wait_for("chat.postEphemeral", before + 1)


@REMIND_NOW
@pytest.mark.parametrize("nudged_last", [True, False], ids=["nudge-last", "reminder-last"])
async def test_slack_not_now_in_the_dm_holds_where_the_latest_reminder_or_nudge_came_from(
    bot: SlackBot, nudged_last: bool
):
    """Carol's round reminder came from the general channel's table, her nudge from the
    other's: "not now" holds the one that reached her last, and names the other."""
    if nudged_last:
        dm = await round_reminded_to_carol(bot)
        await carol_nudged_at_the_other_table(bot)
    else:
        await carol_nudged_at_the_other_table(bot)
        dm = await round_reminded_to_carol(bot)
    about, told = await words_in_dm(bot, dm, "not now", 2)
    [invoked] = [c for c in await bot.handled(CommandInvoked, 2) if c.name == "snooze"]
    held, other = (OTHER_CHANNEL, CHANNEL_ID) if nudged_last else (CHANNEL_ID, OTHER_CHANNEL)
    assert (invoked.channel, invoked.direct) == (held, True)
    opening = "About your problem in" if nudged_last else "In"
    assert about.startswith(f"{opening} <#{held}>, the table I reminded you of last")
    assert about.endswith(f"type /snooze in its channel: <#{other}>):")
    assert "Snoozed until" in told  # after the problem, quoted, when it was the nudge's


def test_slack_snooze_from_the_dm_names_the_other_tables_in_dutch():
    said = blocks.snoozed_from_dm(CHANNEL_ID, [OTHER_CHANNEL], blocks.Voice("nl"), nudged=False)
    assert said == (
        f"In <#{CHANNEL_ID}>, de tafel waaraan ik je het laatst herinnerde (wil je ook de "
        "herinneringen van een andere tafel laten wachten, typ dan /sluimer in het kanaal "
        f"daarvan: <#{OTHER_CHANNEL}>):"
    )


@REMIND_NOW
async def test_slack_not_now_after_a_longer_snooze_in_the_dm_keeps_its_end(bot: SlackBot):
    """ "not now" (an hour) after "snooze 3h" used to bring the reminders back after the
    hour: the later end stands, and the DM says until when."""
    dm = await round_reminded_to_carol(bot)
    _, first = await words_in_dm(bot, dm, "snooze 3h", 2)
    _, again = await words_in_dm(bot, dm, "not now", 2)
    assert first.startswith("Snoozed until <!date^"), first
    until = first.removeprefix("Snoozed until ").split(">")[0]  # Slack's date, on her clock
    assert again.startswith(f"Still snoozed until {until}>, as you asked before"), again
