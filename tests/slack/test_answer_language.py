"""Which language the bot answers a command in, as `/table` promises ("I answer in the
language you write"): a language the table chose; else that of the words written (a
Dutch command name when they show none); else the member's Slack language. The app's
English command names are everyone's, so they show none."""

from __future__ import annotations

from rules.events import CommandInvoked
from tests.slack.conftest import BOB, SlackBot, shown_text


async def said_publicly(bot: SlackBot, command: str, text: str, count: int, **fields) -> str:
    bot.slack.clear_calls()
    await bot.command(command, text, **fields)
    await bot.handled(CommandInvoked, count)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    return shown_text(posted)


async def said_privately(bot: SlackBot, command: str, text: str, count: int, **fields) -> str:
    bot.slack.clear_calls()
    await bot.command(command, text, **fields)
    await bot.handled(CommandInvoked, count)
    [posted] = await bot.slack.wait_for("chat.postEphemeral")
    return shown_text(posted)


async def test_slack_dutch_words_under_english_command_names_are_answered_in_dutch(
    bot: SlackBot,
):
    """Alice's Slack is in English: her Dutch agreement and proposal were announced to the
    table in English, as if the command's name were her language."""
    agreed = await said_publicly(
        bot, "/agree", "We starten de vergadering om 9 uur omdat iedereen er dan is", 1
    )
    assert agreed.startswith("Afspraak vastgelegd.")
    asked = await said_publicly(
        bot, "/concerns", "Zullen we de vergadering voortaan op dinsdag houden?", 2
    )
    assert asked.startswith("Zorgenronde")


async def test_slack_dutch_keywords_under_english_command_names_are_answered_in_dutch(
    bot: SlackBot,
):
    """Alice's Slack is in English: "/nudges minder" was announced to her Dutch table in
    English, and "/report sinds vorige week", "/agreements alle" answered in English."""
    nudges = await said_publicly(bot, "/nudges", "minder", 1)
    assert nudges.startswith("Vanaf nu")
    report = await said_privately(bot, "/report", "sinds vorige week", 2)
    assert report.startswith("Verslag sinds")
    listed = await said_privately(bot, "/agreements", "alle", 3)
    assert listed.startswith("Aan deze tafel zijn nog geen afspraken vastgelegd.")


async def test_slack_english_words_from_a_dutch_slack_are_answered_in_english(bot: SlackBot):
    agreed = await said_publicly(
        bot, "/agree", "We move the standup to 9:30 because the train is late", 1, user_id=BOB
    )
    assert agreed.startswith("Agreement recorded.")


async def test_slack_without_words_the_members_own_language_then_the_tables(bot: SlackBot):
    """Bob's Slack is in Dutch, Alice's in English; a table that chose a language speaks
    it to both."""
    assert (await said_privately(bot, "/agreements", "", 1, user_id=BOB)).startswith(
        "Aan deze tafel zijn nog geen afspraken vastgelegd."
    )
    assert (await said_privately(bot, "/agreements", "", 2)).startswith(
        "No agreements recorded at this table yet."
    )
    await said_publicly(bot, "/table", "language en", 3)
    assert (await said_privately(bot, "/agreements", "", 4, user_id=BOB)).startswith(
        "No agreements recorded at this table yet."
    )
    dutch_words = "We starten de vergadering om 9 uur omdat iedereen er dan is"
    assert (await said_publicly(bot, "/agree", dutch_words, 5, user_id=BOB)).startswith(
        "Agreement recorded."
    )
