"""People's words through Discord's slash commands: a past review date is refused as
past, and words longer than the bot keeps are refused saying how long they may be;
either way the words come back whole, privately, to correct and send again."""

from __future__ import annotations

from rules.events import CommandInvoked


def public(world, channel) -> list[str]:
    return [m["content"] for m in world.api.messages_in(channel) if not m["flags"] & 64]


async def answer_to(world, runtime, name: str, text: str, *, locale: str = "en-US"):
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, name, {"text": text}, locale=locale
    )
    answer = await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked)
    return answer


async def test_discord_dan_evalueren_gisteren_is_refused_in_dutch_with_the_words(world, harness):
    """It was recorded, "dan evalueren gisteren" kept in its reason and no review date."""
    runtime = await harness.start()
    typed = "Thee om 3 uur omdat het helpt, dan evalueren gisteren"
    answer = await answer_to(world, runtime, "agree", typed, locale="nl")
    assert answer.ephemeral
    assert answer.content.startswith("De herzieningsdatum “gisteren” is ")
    assert "en die ligt niet in de toekomst. Kies een latere dag" in answer.content
    assert f"Wat je stuurde, om te verbeteren en opnieuw te sturen: /afspraak {typed}" in (
        answer.content
    )
    assert not public(world, world.general)  # nothing recorded


async def test_discord_a_long_role_name_is_refused_saying_the_limit(world, harness):
    runtime = await harness.start()
    name = "coordinator of the weekly planning and the monthly budget review"
    answer = await answer_to(world, runtime, "role", f'add "{name}" keeps the planning')
    assert answer.ephemeral
    assert answer.content.startswith("A role's name is at most 60 characters; this one has 64.")
    assert f'/role add "{name}" keeps the planning' in answer.content
