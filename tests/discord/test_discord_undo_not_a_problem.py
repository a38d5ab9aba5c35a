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
    nudges = [
        m for m in dm_messages(world.api, world.alice) if "you named a problem" in m["content"]
    ]
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


CHOICES = ["Add a proposal", "It has a proposal", "Not a problem", "Snooze 1 hour", "Why?"]


async def test_discord_undo_offers_the_nudges_choices_again(world, harness):
    """Back as nudged, no second nudge comes, and the DM's buttons went with the "Not a
    problem": the undo's answer carries them, for its author alone."""
    runtime, _, thanks = await dismissed(world, harness)
    click = await world.api.click_button(thanks, world.alice, label="Undo")
    await runtime.wait_for(UndoAsked)
    answer = await world.api.wait_for_followup(click)
    assert answer["flags"] & 64
    assert [label for label, _ in buttons(answer)] == CHOICES

    form = await world.api.wait_for_callback(
        await world.api.click_button(answer, world.alice, label="Add a proposal")
    )
    assert form.type == 9  # the nudge's proposal form


async def test_discord_undo_with_closed_dms_brings_back_choices_not_a_public_reply(world, harness):
    """DMs closed: "Not a problem" from the quiet reply's choices deleted the quiet reply.
    Undo brings the choices back in its private answer, not in public; a snooze chosen
    there says no reminder can come, and points to no reply that is not there."""
    from tests.discord.test_discord_quiet_replies import bot_public, quiet_reply_opened

    world.api.close_dms(world.carol)
    runtime = await harness.start()
    quiet, choices = await quiet_reply_opened(world, runtime)
    click = await world.api.click_button(choices, world.carol, label="Not a problem")
    await runtime.wait_for(MessageRelabelled)
    thanks = await world.api.wait_for_followup(click)
    await world.api.wait_for(f"DELETE /channels/{world.general.id}/messages/{quiet['id']}")

    click = await world.api.click_button(thanks, world.carol, label="Undo")
    await runtime.wait_for(UndoAsked)
    answer = await world.api.wait_for_followup(click)
    assert answer["flags"] & 64 and [label for label, _ in buttons(answer)] == CHOICES
    assert await runtime.tick() == 0 and bot_public(world) == []  # nobody named in public

    snooze = await world.api.click_button(answer, world.carol, label="Snooze 1 hour")
    snoozed = await world.api.wait_for_followup(snooze)
    assert "I cannot remind you then" in snoozed["content"]
    assert "button under my reply" not in snoozed["content"]
    assert "answer your problem with a proposal" in snoozed["content"]
