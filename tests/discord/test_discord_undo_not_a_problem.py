""" "Not a problem" said by mistake, taken back on Discord: the ephemeral thanks carries
an "Undo" button only its author can use, /not-a-problem undo does the same, and the
answer says what was done, privately, quoting the message."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow
from bot.views import problem_counts
from rules.events import CommandInvoked, MessageRelabelled, UndoAsked
from tests.discord.harness import buttons, dm_messages, post_problem, workspace

LUNCH = "#problem lunch is late again"
UNDONE = f"About your message:\n> {LUNCH}\nUndone: I will treat your message as a problem again."


def corrections(harness) -> list[str | None]:
    with Session(harness.app.database) as session:
        return [c.message_id for c in session.exec(select(CorrectionRow)).all()]


async def dismissed(world, harness):
    """Alice's problem, nudged by DM and said "Not a problem" there: the runtime, the
    problem and the thanks."""
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, LUNCH)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    click = await world.api.click_button(dm, world.alice, label="Not a problem")
    await runtime.wait_for(MessageRelabelled)
    thanks = await world.api.wait_for_followup(click)
    assert corrections(harness) == [problem["id"]]
    return runtime, problem, thanks


async def test_discord_the_thanks_for_not_a_problem_has_an_undo_button(world, harness):
    *_, thanks = await dismissed(world, harness)
    assert thanks["flags"] & 64  # ephemeral: its author alone sees it
    [(label, custom_id)] = buttons(thanks)
    assert label == "Undo" and custom_id.startswith("gr:nudge:undo:")
    assert thanks["content"].startswith("Thanks for telling me. I will not treat that as a problem")
    assert "/not-a-problem undo" not in thanks["content"]  # the button stands in for it


async def test_discord_undo_takes_it_back_and_its_button_goes(world, harness):
    runtime, problem, thanks = await dismissed(world, harness)
    click = await world.api.click_button(thanks, world.alice, label="Undo")
    [undo] = await runtime.wait_for(UndoAsked)
    assert (undo.message_id, undo.user) == (problem["id"], str(world.alice.id))
    [cleared] = world.api.callbacks_for(click)
    assert cleared.type == 7 and cleared.message["components"] == []  # one undo only
    answer = await world.api.wait_for_followup(click)
    assert answer["content"] == UNDONE and answer["flags"] & 64
    assert corrections(harness) == []
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.nudged, counts.dismissed) == (1, 0)
    assert await runtime.tick() == 0  # no second nudge
    nudges = [m for m in dm_messages(world.api, world.alice) if m["content"].startswith("Hi ")]
    assert len(nudges) == 1


async def test_discord_only_its_author_can_use_the_undo_button(world, harness):
    runtime, problem, thanks = await dismissed(world, harness)
    click = await world.api.click_button(thanks, world.bob, label="Undo")
    told = await world.api.wait_for_callback(click)
    assert told.content.startswith("This button is for ") and told.ephemeral
    assert runtime.of(UndoAsked) == []
    assert corrections(harness) == [problem["id"]]


async def test_discord_not_a_problem_undo_typed_takes_it_back(world, harness):
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, LUNCH)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "not-a-problem")
    thanks = await world.api.wait_for_callback(ix)
    assert [label for label, _ in buttons(thanks.message)] == ["Undo"]

    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "not-a-problem", {"text": "undo"}
    )
    answer = await world.api.wait_for_callback(ix)
    [_, invoked] = await runtime.wait_for(CommandInvoked, count=2)
    assert (invoked.name, invoked.args) == ("not-a-problem", "undo")
    assert (answer.content, answer.ephemeral) == (UNDONE, True)
    assert corrections(harness) == []
