"""Snoozing from the bot's Discord DM, where the reminders come: words such as "not now",
"later", "snooze 2h" or "nu even niet" typed back hold the member's reminders at the
table whose reminder (or nudge) reached them last, as /snooze typed there does (as on
Slack: tests/slack/test_dm_snooze.py). The engine's answer comes by DM, naming its
table and until when; with several tables waiting, the DM first says which one and how
to hold another's. A database that does not answer is said kindly: Discord sends the
message once, so the member is asked to try again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.dm_answers import snoozed_elsewhere
from bot.models import MandateRow, now_utc
from rules.events import CommandInvoked, MessagePosted
from rules.i18n import render
from tests.discord.harness import (
    Harness,
    RecordingRuntime,
    World,
    dm_messages,
    slash_command,
    snowflake_ago,
    workspace,
)
from tests.discord.test_discord_client_languages import remembered
from tests.discord.test_discord_outage import quiet
from tests.discord.test_discord_rounds import start_round
from tests.standins.discord_api import FakeChannel, FakeMember

REMINDERS_HELD = "until then I send you no reminders here"


async def round_reminded_to_carol(world: World, harness: Harness) -> RecordingRuntime:
    """A round in #general that Carol has not answered, and her reminder by DM."""
    harness.settings["reminder_delay"] = timedelta(0)
    harness.settings["max_reminders"] = 1
    runtime = await harness.start()
    await start_round(world, runtime)
    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.carol)
    assert "A friendly reminder" in reminder["content"]
    return runtime


async def typed_in_dm(world: World, member: FakeMember, text: str, answers: int) -> list[str]:
    """`text` typed by `member` in their DM with the bot; the bot's words there once
    `answers` more came."""
    dm = world.api.dm_channel(member)
    before = len(world.api.requests_to(f"POST /channels/{dm.id}/messages"))
    await world.api.message_create(None, dm, member, text)
    await world.api.wait_for(f"POST /channels/{dm.id}/messages", count=before + answers)
    return [m["content"] for m in dm_messages(world.api, member)][-answers:]


async def snoozed(runtime: RecordingRuntime, count: int = 1) -> list[CommandInvoked]:
    """The snoozes handed to the engine, once there are `count`."""
    return await runtime.wait_for(
        CommandInvoked, lambda e: e.name in ("snooze", "sluimer"), count=count
    )


def snoozes(runtime: RecordingRuntime) -> list[CommandInvoked]:
    return [e for e in runtime.of(CommandInvoked) if e.name in ("snooze", "sluimer")]


@pytest.mark.parametrize(
    ("words", "opening"),
    [
        ("not now", "Snoozed until"),
        ("later", "Snoozed until"),
        ("snooze 2h", "Snoozed until"),
        ("Nu even niet", "Ik laat het sluimeren tot"),
        ("/sluimer 1u", "Ik laat het sluimeren tot"),
        ("later graag", "Ik laat het sluimeren tot"),
    ],
)
async def test_discord_not_now_typed_in_the_reminders_dm_holds_that_tables_reminders(
    world, harness, words: str, opening: str
):
    runtime = await round_reminded_to_carol(world, harness)
    [told] = await typed_in_dm(world, world.carol, words, 1)
    [invoked] = await snoozed(runtime)
    assert (invoked.workspace, invoked.channel) == (workspace(world.guild), str(world.general.id))
    assert (invoked.user, invoked.direct, invoked.thread_id) == (str(world.carol.id), True, None)
    # One message: its table, then until when and what it holds.
    table, said = told.split("\n", 1)
    assert table == f"In <#{world.general.id}>:"
    assert said.startswith(f"{opening} <t:")
    assert (
        (REMINDERS_HELD in said) if opening == "Snoozed until" else ("geen herinneringen" in said)
    )


async def test_discord_later_in_the_dm_speaks_the_members_client_language(world, harness):
    """ "later" shows no language: Carol's Dutch client, as her last command showed it,
    hears the answer in Dutch."""
    runtime = await round_reminded_to_carol(world, harness)
    await slash_command(world, runtime, world.carol, "agreements", locale="nl")
    await remembered(harness, world, world.carol, "nl")
    [told] = await typed_in_dm(world, world.carol, "later", 1)
    assert told.split("\n")[1].startswith("Ik laat het sluimeren tot <t:")


def carol_waits_at(harness: Harness, world: World, channel: FakeChannel) -> None:
    """Carol's mandate waits to be renewed at `channel`'s table too."""
    with Session(harness.app.database) as session:
        at = {"workspace": workspace(world.guild), "channel": str(channel.id),
              "user": str(world.carol.id)}  # fmt: skip
        session.add(MandateRow(**at, text="budgets", status="renewal_due", updated_at=now_utc()))
        session.commit()


@pytest.mark.parametrize(
    ("words", "note", "opening"),
    [
        ("later", "In <#{held}>, the table I reminded you of last (to hold another table's "
         "reminders too, type /snooze in its channel: <#{other}>):", "Snoozed until"),
        ("nu even niet", "In <#{held}>, de tafel waaraan ik je het laatst herinnerde (wil je "
         "ook de herinneringen van een andere tafel laten wachten, typ dan /sluimer in het "
         "kanaal daarvan: <#{other}>):", "Ik laat het sluimeren tot"),
    ],
)  # fmt: skip
async def test_discord_not_now_in_the_dm_with_two_tables_waiting_names_the_other(
    world, harness, words: str, note: str, opening: str
):
    ops = world.guild.add_text_channel("ops")
    runtime = await round_reminded_to_carol(world, harness)
    carol_waits_at(harness, world, ops)
    about, told = await typed_in_dm(world, world.carol, words, 2)
    assert about == note.format(held=world.general.id, other=ops.id)
    assert told.startswith(f"In <#{world.general.id}>:\n{opening} <t:")
    [invoked] = await snoozed(runtime)
    assert invoked.channel == str(world.general.id)


async def carol_nudged_at(world: World, runtime: RecordingRuntime, channel: FakeChannel) -> dict:
    """Carol's problem at `channel`'s table, and her nudge about it by DM."""
    before = len(dm_messages(world.api, world.carol))
    problem = await world.api.message_create(
        world.guild, channel, world.carol, "#problem the printer jams all day",
        message_id=snowflake_ago(5),
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == problem["id"])
    await runtime.tick_until_sent()
    assert len(dm_messages(world.api, world.carol)) == before + 1
    return problem


@pytest.mark.parametrize("nudged_last", [True, False], ids=["nudge-last", "reminder-last"])
async def test_discord_not_now_in_the_dm_holds_where_the_latest_reminder_or_nudge_came_from(
    world, harness, nudged_last: bool
):
    """Carol's round reminder came from #general's table, her nudge from #ops's: "not
    now" holds the one that reached her last (her problem, when it was the nudge), and
    names the other."""
    ops = world.guild.add_text_channel("ops")
    harness.settings["reminder_delay"] = timedelta(0)
    harness.settings["max_reminders"] = 1
    runtime = await harness.start()
    if nudged_last:
        await start_round(world, runtime)
        await runtime.tick_until_sent()
        problem = await carol_nudged_at(world, runtime, ops)
    else:
        problem = await carol_nudged_at(world, runtime, ops)
        await start_round(world, runtime)
        await runtime.tick_until_sent()
    about, told = await typed_in_dm(world, world.carol, "not now", 2)
    [invoked] = await snoozed(runtime)
    held, other = (ops, world.general) if nudged_last else (world.general, ops)
    assert (invoked.channel, invoked.direct) == (str(held.id), True)
    opening = "About your problem in" if nudged_last else "In"
    assert about.startswith(f"{opening} <#{held.id}>, the table I reminded you of last")
    assert about.endswith(f"type /snooze in its channel: <#{other.id}>):")
    assert told.startswith(f"In <#{held.id}>:\n")
    if nudged_last:  # her problem, quoted, was snoozed
        assert invoked.thread_id == problem["id"]
        assert "> #problem the printer jams all day\nSnoozed until <t:" in told
    else:
        assert REMINDERS_HELD in told


@pytest.mark.parametrize(
    ("words", "pointer"),
    [("not now", "Thanks for your message. Nothing of yours is waiting"),
     ("nu even niet", "Dank voor je bericht. Er wacht nu niets van jou")],
)  # fmt: skip
async def test_discord_not_now_in_the_dm_with_nothing_waiting_gets_the_pointer(
    world, harness, words: str, pointer: str
):
    runtime = await harness.start()
    [said] = await typed_in_dm(world, world.carol, words, 1)
    assert said.startswith(pointer)
    assert snoozes(runtime) == []


async def test_discord_not_now_from_a_bot_in_the_dm_is_not_a_snooze(world, harness):
    """Another bot's "not now" in its DM with the bot, and the bot's own "later" in
    Carol's, are nobody's answer: nothing is snoozed, nothing said to them."""
    runtime = await round_reminded_to_carol(world, harness)
    api = world.api
    helper_dm, carol_dm = api.dm_channel(world.helper_bot), api.dm_channel(world.carol)
    await api.message_create(None, helper_dm, world.helper_bot, "not now")
    await api.message_create(None, carol_dm, api.bot_user, "later")
    # Carol's own words after them are answered: theirs would have been by now.
    [said] = await typed_in_dm(world, world.carol, "hello?", 1)
    assert said.startswith("Thanks for your message.")
    assert snoozes(runtime) == []
    assert api.requests_to(f"POST /channels/{helper_dm.id}/messages") == []


@pytest.mark.parametrize(
    ("words", "told"),
    [("not now", "Sorry, that did not go through: nothing was recorded. Please try again"),
     ("nu even niet", "Sorry, dat is niet gelukt: er is niets vastgelegd. Probeer het")],
)  # fmt: skip
async def test_discord_not_now_in_the_dm_while_the_database_is_down_asks_to_try_again(
    world, down, operator_log, words: str, told: str
):
    """Discord sends the message once: the member hears, kindly, that nothing was held
    and to try again; once the database is back, the same words hold the reminders."""
    harness, outage = down
    runtime = await round_reminded_to_carol(world, harness)
    outage.cut(harness.app.database)
    [said] = await typed_in_dm(world, world.carol, words, 1)
    assert said.startswith(told)
    assert snoozes(runtime) == []
    quiet(operator_log.getvalue())

    outage.restore()
    [said] = await typed_in_dm(world, world.carol, words, 1)
    [invoked] = await snoozed(runtime)
    assert invoked.channel == str(world.general.id)
    assert "Snoozed until" in said or "Ik laat het sluimeren tot" in said


def test_discord_snooze_from_the_dm_names_the_other_tables_in_dutch():
    said = snoozed_elsewhere("<#1>", ["<#2>"], nudged=True)
    assert render(said, "nl") == (
        "Over je probleem in <#1>, de tafel waaraan ik je het laatst herinnerde (wil je ook "
        "de herinneringen van een andere tafel laten wachten, typ dan /sluimer in het kanaal "
        "daarvan: <#2>):"
    )
