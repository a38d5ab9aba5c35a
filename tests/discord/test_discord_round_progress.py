"""A concern round's message on Discord: a progress update retried after the round closed
leaves it closed, and a table too big to name in one message is named by whole names,
then how many more, in either language."""

from __future__ import annotations

import re

import pytest

from rules.events import ConcernAnswered, RosterSynced
from tests.discord.harness import buttons, make_retries_due

# A round speaks the language its proposal is written in.
PROPOSAL = {
    "en-US": "we move the meetings to the town hall",
    "nl": "we verhuizen de vergaderingen naar het stadhuis",
}
EMBED_LIMIT = 4096  # Discord's most for an embed's description


async def start_round(world, runtime, *, locale: str = "en-US") -> dict:
    await runtime.wait_for(RosterSynced)
    proposal = {"text": PROPOSAL[locale]}
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", proposal, locale=locale
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    return message


def shown(message: dict) -> str:
    """What the message reads: its content, or its embed when too long for content."""
    embeds = message.get("embeds") or []
    return embeds[0]["description"] if embeds else message["content"]


async def test_discord_round_progress_retried_after_the_round_closed_leaves_it_closed(
    world, harness
):
    runtime = await harness.start()
    message = await start_round(world, runtime)
    # Bob's progress fails (Discord has a bad moment): tried again later.
    world.api.fail_next(
        "PATCH /channels/{channel_id}/messages/{message_id}",
        status=503, code=0, message="Service Unavailable",
    )  # fmt: skip
    await world.api.click_button(message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)
    for count, member in enumerate((world.carol, world.guild.owner), start=2):
        await world.api.click_button(message, member, label="No concerns")
        await runtime.wait_for(ConcernAnswered, count=count)
    closed = world.api.message(message["id"])
    assert closed["content"].endswith("This concern round has closed.\nAnswered: 3 of 3.")
    assert closed["components"] == []

    assert make_retries_due(harness) >= 1  # Bob's update, decided when two had not answered
    await runtime.tick()

    now = world.api.message(message["id"])
    assert now["content"].endswith("This concern round has closed.\nAnswered: 3 of 3.")
    assert now["components"] == []  # no buttons to answer a closed round


# The progress line: answered, total, the names, how many more.
PROGRESS = {
    "en-US": r"(\d+) of (\d+) answered; waiting for (.+) and (\d+) more\.",
    "nl": r"(\d+) van (\d+) geantwoord; we wachten nog op (.+) en (\d+) andere leden\.",
}


@pytest.mark.parametrize("locale", ["en-US", "nl"])
async def test_discord_round_progress_names_whole_names_and_how_many_more(world, harness, locale):
    volunteers = [
        world.guild.add_member(f"volunteer{n:03d}", nick=f"Volunteer Name {n:03d}")
        for n in range(300)
    ]
    names = {"owner", "Bob", "carol"} | {f"Volunteer Name {n:03d}" for n in range(300)}
    runtime = await harness.start()
    message = await start_round(world, runtime, locale=locale)
    posted = shown(message)
    await world.api.click_button(message, volunteers[0], buttons(message)[0][1])
    await runtime.wait_for(ConcernAnswered)
    edited = shown(world.api.message(message["id"]))

    for text, answered in ((posted, 0), (edited, 1)):
        assert len(text) <= EMBED_LIMIT
        progress = re.fullmatch(PROGRESS[locale], text.rsplit("\n", 1)[-1])
        assert progress, text[-300:]
        named = progress[3].split(", ")
        assert set(named) <= names  # whole names only
        assert (int(progress[1]), int(progress[2])) == (answered, 303)
        assert len(named) + int(progress[4]) == 303 - answered  # each named or counted
        assert len(named) > 100
