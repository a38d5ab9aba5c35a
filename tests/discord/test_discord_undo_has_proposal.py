""" "It has a proposal" said by mistake, taken back on Discord as "Not a problem" is: the
ephemeral thanks carries an "Undo" button only its author can use, /has-proposal undo
does the same, and the answer says what was done, privately, quoting the message."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow
from bot.views import problem_counts
from rules.events import CommandInvoked, MessageRelabelled, UndoAsked
from tests.discord.harness import buttons, dm_messages, post_problem, workspace
from tests.discord.test_discord_undo_not_a_problem import CHOICES

LUNCH = "#problem lunch is late again"
UNDONE = (
    f"About your message:\n> {LUNCH}\n"
    "Undone: your message no longer counts as a proposal, and I wait for one again."
)


def corrections(harness) -> list[tuple[str | None, str]]:
    with Session(harness.app.database) as session:
        return sorted((c.message_id, c.label) for c in session.exec(select(CorrectionRow)).all())


async def test_discord_undo_takes_has_proposal_back_and_offers_the_nudges_choices(world, harness):
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, LUNCH)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.alice)
    click = await world.api.click_button(dm, world.alice, label="It has a proposal")
    await runtime.wait_for(MessageRelabelled)
    thanks = await world.api.wait_for_followup(click)
    assert corrections(harness) == [(problem["id"], "problem"), (problem["id"], "proposal")]
    assert thanks["flags"] & 64  # ephemeral: its author alone sees it
    [(label, custom_id)] = buttons(thanks)
    assert label == "Undo" and custom_id.startswith("gr:nudge:unhas:")

    # Nobody else can use it.
    told = await world.api.wait_for_callback(
        await world.api.click_button(thanks, world.bob, label="Undo")
    )
    assert told.content.startswith("This button is for ") and told.ephemeral
    assert runtime.of(UndoAsked) == []

    click = await world.api.click_button(thanks, world.alice, label="Undo")
    [undo] = await runtime.wait_for(UndoAsked)
    assert (undo.message_id, undo.user, undo.proposes) == (problem["id"], str(world.alice.id), True)
    [cleared] = world.api.callbacks_for(click)
    assert cleared.type == 7 and cleared.message["components"] == []  # one undo only
    answer = await world.api.wait_for_followup(click)
    assert answer["content"] == UNDONE and answer["flags"] & 64
    # Back as nudged, with no second nudge: the nudge's choices come with the answer.
    assert [label for label, _ in buttons(answer)] == CHOICES
    assert corrections(harness) == []
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.nudged, counts.answered) == (1, 0)
    assert await runtime.tick() == 0


async def test_discord_has_proposal_undo_typed_takes_it_back(world, harness):
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, LUNCH)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "has-proposal")
    thanks = await world.api.wait_for_callback(ix)
    assert [label for label, _ in buttons(thanks.message)] == ["Undo"]

    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "has-proposal", {"text": "undo"}
    )
    answer = await world.api.wait_for_callback(ix)
    [_, invoked] = await runtime.wait_for(CommandInvoked, count=2)
    assert (invoked.name, invoked.args) == ("has-proposal", "undo")
    assert (answer.content, answer.ephemeral) == (UNDONE, True)
    assert corrections(harness) == []
