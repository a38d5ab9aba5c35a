"""Which language the bot answers a command or form in, as `/table` promises ("I answer in
the language you write"): a language the table chose; else that of the words written;
else the member's Discord client language, which also picks the name Discord shows for
each command, so that name is no sign of theirs."""

from __future__ import annotations

from rules.events import AgreementSubmitted, CommandInvoked

AGREED_IN_DUTCH = "We starten de vergadering om 9 uur omdat iedereen er dan is"
ASKED_IN_DUTCH = "Zullen we de vergadering voortaan op dinsdag houden?"


def public(world, channel) -> list[str]:
    return [m["content"] for m in world.api.messages_in(channel) if not m["flags"] & 64]


async def command(world, runtime, member, name, text, count, *, locale):
    options = {"text": text} if text else None
    ix = await world.api.slash_command(
        world.guild, world.general, member, name, options, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked, count=count)
    return answer


async def test_discord_dutch_words_from_an_english_client_are_answered_in_dutch(world, harness):
    """Bob's Discord is in English, as many Dutch people's is: his Dutch agreement and
    proposal were announced to the table in English, after Alice's Dutch ones."""
    runtime = await harness.start()
    lunch = "We lunchen om 12 uur omdat we anders honger krijgen"
    await command(world, runtime, world.alice, "agree", lunch, 1, locale="nl")
    await command(world, runtime, world.bob, "agree", AGREED_IN_DUTCH, 2, locale="en-US")
    await command(world, runtime, world.bob, "concerns", ASKED_IN_DUTCH, 3, locale="en-US")
    table = await command(world, runtime, world.bob, "table", "", 4, locale="en-US")

    shown = public(world, world.general)
    assert shown[0].startswith("Afspraak vastgelegd.")
    assert shown[1].startswith("Afspraak vastgelegd."), shown[1]
    assert shown[2].startswith("Zorgenronde"), shown[2]
    assert "Language: I answer in the language you write." in table.content


async def test_discord_english_words_from_a_dutch_client_are_answered_in_english(world, harness):
    runtime = await harness.start()
    standup = "We move the standup to 9:30 because the train is late"
    await command(world, runtime, world.alice, "agree", standup, 1, locale="nl")
    [announced] = public(world, world.general)
    assert announced.startswith("Agreement recorded.")


async def test_discord_without_words_the_client_language_then_the_tables(world, harness):
    runtime = await harness.start()
    listed = await command(world, runtime, world.alice, "agreements", "", 1, locale="nl")
    assert listed.content.startswith("Aan deze tafel zijn nog geen afspraken vastgelegd.")
    await command(world, runtime, world.bob, "table", "language en", 2, locale="en-US")
    listed = await command(world, runtime, world.alice, "agreements", "", 3, locale="nl")
    assert listed.content.startswith("No agreements recorded at this table yet.")
    await command(world, runtime, world.alice, "agree", AGREED_IN_DUTCH, 4, locale="nl")
    assert public(world, world.general)[-1].startswith("Agreement recorded.")


async def test_discord_agreement_form_in_dutch_words_is_announced_in_dutch(world, harness):
    """The form opens in the client's language; what is written in it decides the
    announcement, as a typed /agree's words do."""
    runtime = await harness.start()
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "agree")
    modal = await world.api.wait_for_callback(ix)
    assert modal.data["title"] == "Record an agreement"
    submit = await world.api.submit_modal(
        modal, {"text": "We starten de vergadering om 9 uur", "why": "dan is iedereen er"}
    )
    await runtime.wait_for(AgreementSubmitted)
    await world.api.wait_for_callback(submit)
    [announced] = public(world, world.general)
    assert announced.startswith("Afspraak vastgelegd.")
