"""Discord tells a bot a member's client language only inside an interaction: each slash
command, button or form has it remembered for that member in that server, and a DM
that answers none of theirs (a renewal reminder after a meeting) speaks it where Slack's
would speak their Slack locale: below the table's language and their mandate's words,
above the meeting's."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import member_languages
from rules.events import RenewalAnswered, RosterSynced
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import (
    buttons,
    dm_messages,
    slash_command,
    submit_a_form_for_a_server_not_joined,
    workspace,
)
from tests.standins.lifecycle import PATIENCE_S

DUTCH_BUTTONS = ["Vernieuwen", "Navragen bij mijn organisatie"]
ENGLISH_BUTTONS = ["Renew", "Check with my organisation"]


async def remembered(harness, world, member, lang: str | None) -> None:
    """Waits until `member`'s client language in the server is `lang` (remembered beside
    the interaction's answer, not before it)."""
    user = str(member.id)
    deadline = asyncio.get_running_loop().time() + PATIENCE_S
    while asyncio.get_running_loop().time() < deadline:
        known = member_languages.of(harness.app.database, workspace(world.guild), [user])
        if known.get(user) == lang:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{user}'s language is {known.get(user)!r}, not {lang!r}")


@BOTH_DATABASES
async def test_a_dutch_client_gets_its_renewal_reminder_in_dutch_after_an_english_meeting(
    world, harness
):
    """No table language; Alice starts and ends the meeting with an English client. Bob
    gave his mandate from a Dutch client in words that show no language: his reminder
    is Dutch, with Dutch buttons. Carol, no mandate, used /agreements in Dutch: she is
    asked in Dutch to set one, at the meeting's end and in the reminder. Dana's client
    is Dutch too, but she wrote her mandate in English, which she chose: English, as on
    Slack."""
    dana = world.guild.add_member("dana")
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.alice, "mandate", "budgets up to 500 euro")
    await slash_command(world, runtime, world.bob, "mandate", "the release calendar", locale="nl")
    await slash_command(world, runtime, world.carol, "agreements", locale="nl")
    await slash_command(
        world, runtime, dana, "mandate", "agree on joint drop-in hours", locale="nl"
    )
    # Before the meeting ends: its DMs are written in the languages known by then.
    for member in (world.bob, world.carol, dana):
        await remembered(harness, world, member, "nl")
    await slash_command(world, runtime, world.alice, "meeting", "start")
    ended = await slash_command(world, runtime, world.alice, "meeting", "end")
    assert ended.content.startswith("Report of the meeting")  # the meeting's English

    await runtime.tick_until_sent()
    [bob] = dm_messages(world.api, world.bob)
    assert bob["content"].startswith(
        f"In <#{world.general.id}>:\nEen vriendelijke herinnering: de vergadering is voorbij"
    )
    assert [label for label, _ in buttons(bob)] == [*DUTCH_BUTTONS, "Nu even niet"]
    # Asked at the meeting's end, and reminded since: in Dutch both times.
    asked, reminded = dm_messages(world.api, world.carol)
    assert asked["content"].startswith(f"In <#{world.general.id}>:\nDe vergadering is voorbij")
    assert reminded["content"].startswith(
        f"In <#{world.general.id}>:\nEen vriendelijke herinnering"
    )
    [dana_reminder] = dm_messages(world.api, dana)
    assert "A friendly reminder: the meeting has ended" in dana_reminder["content"]
    assert [label for label, _ in buttons(dana_reminder)] == [*ENGLISH_BUTTONS, "Not now"]
    [alice] = dm_messages(world.api, world.alice)
    assert "A friendly reminder: the meeting has ended" in alice["content"]

    # Bob's Dutch button answers in Dutch.
    click = await world.api.click_button(bob, world.bob, label="Vernieuwen", locale="nl")
    await runtime.wait_for(RenewalAnswered)
    done = await world.api.wait_for_callback(click)
    assert (done.content, done.ephemeral) == ("Klaar.", True)


async def test_the_latest_client_language_counts_and_a_dm_button_tells_it_too(world, harness):
    """Bob's client turns English: his next reminder is English. A click on a reminder's
    button in his DM (no server of its own) tells the server its id names."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.bob, "mandate", "the release calendar", locale="nl")
    await remembered(harness, world, world.bob, "nl")
    await slash_command(world, runtime, world.bob, "agreements", locale="en-GB")
    await remembered(harness, world, world.bob, "en")
    await slash_command(world, runtime, world.alice, "meeting", "start", locale="nl")
    await slash_command(world, runtime, world.alice, "meeting", "end", locale="nl")

    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.bob)
    assert "A friendly reminder: the meeting has ended" in reminder["content"]

    click = await world.api.click_button(
        reminder, world.bob, label="Check with my organisation", locale="nl"
    )
    await runtime.wait_for(RenewalAnswered)
    await world.api.wait_for_callback(click)
    await remembered(harness, world, world.bob, "nl")


async def test_a_table_language_stays_above_the_client_language(world, harness):
    """A table that chose English speaks English to everyone, a Dutch client too."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await slash_command(world, runtime, world.alice, "table", "language en")
    await slash_command(world, runtime, world.bob, "mandate", "the release calendar", locale="nl")
    await remembered(harness, world, world.bob, "nl")
    await slash_command(world, runtime, world.alice, "meeting", "start")
    await slash_command(world, runtime, world.alice, "meeting", "end")

    await runtime.tick_until_sent()
    [reminder] = dm_messages(world.api, world.bob)
    assert "A friendly reminder: the meeting has ended" in reminder["content"]
    assert [label for label, _ in buttons(reminder)] == [*ENGLISH_BUTTONS, "Not now"]


async def test_a_form_naming_a_server_the_bot_is_not_in_remembers_nothing_of_it(world, harness):
    """A form's id is the client's word: one sent in a DM that names a server the bot is
    not in keeps no client language for it, which nothing would ever delete."""
    elsewhere, _ = await submit_a_form_for_a_server_not_joined(world, harness)
    # Answered: nothing else is recorded either (see test_discord_servers_not_joined).
    name = f"discord:{elsewhere}"
    assert member_languages.of(harness.app.database, name, [str(world.bob.id)]) == {}
