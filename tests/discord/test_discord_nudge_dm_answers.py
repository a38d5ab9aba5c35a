"""The nudge's DM asks "What would you suggest?": a proposal typed back there answers the
problem, posted beside it in its author's name as the nudge's form does it (the latest
nudged, if several, and the DM says so); anything else is answered with where to go.
Never silence."""

from __future__ import annotations

from datetime import timedelta

from bot.views import problem_counts
from rules.events import ProposalAdded
from tests.discord.harness import World, dm_messages, post_problem, workspace
from tests.helpers import eventually, through_with_dms

THANKS = "Thank you! Your proposal is posted under your problem."


async def typed_in_dm(world: World, text: str, answers: int) -> list[dict]:
    """`text` typed in Alice's DM with the bot; the bot's messages there, once `answers`
    more than the nudges have come."""
    dm = world.api.dm_channel(world.alice)
    before = len(dm_messages(world.api, world.alice))
    await world.api.message_create(None, dm, world.alice, text)
    await world.api.wait_for(f"POST /channels/{dm.id}/messages", count=before + answers)
    return dm_messages(world.api, world.alice)[before:]


def proposals_in_general(world: World) -> list[dict]:
    return [m for m in world.api.messages_in(world.general) if m["author"].get("bot")]


async def test_a_proposal_typed_in_the_nudges_dm_answers_the_problem(world, harness):
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()

    [thanks] = await typed_in_dm(world, "#proposal I'll call the vendor today", 1)
    [added] = await runtime.wait_for(ProposalAdded)
    assert (added.problem_id, added.user) == (problem["id"], str(world.alice.id))
    assert thanks["content"] == f"In <#{world.general.id}>:\n{THANKS}"  # its table
    [posted] = proposals_in_general(world)
    assert posted["content"].startswith("Proposal from Alice, for the problem above:")
    assert "I'll call the vendor today" in posted["content"]
    assert posted["message_reference"]["message_id"] == problem["id"]
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert counts.answered == 1


async def test_words_in_the_nudges_dm_that_propose_nothing_are_answered_kindly(world, harness):
    runtime = await harness.start()
    problem = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()

    [answer] = await typed_in_dm(world, "thanks, what do you mean?", 1)
    text, link = answer["content"].rsplit("\n", 1)
    assert text.startswith("Thanks for your message. I did not take it for a proposal")
    assert link.endswith(f"/{world.general.id}/{problem['id']}")
    assert proposals_in_general(world) == []
    assert runtime.of(ProposalAdded) == []


async def test_with_two_problems_waiting_the_dm_answers_the_latest_and_says_so(world, harness):
    harness.settings["nudge_pacing"] = timedelta(0)  # both nudged at once (rules.pacing)
    runtime = await harness.start()
    await post_problem(world, runtime, world.alice, "#problem the coffee machine leaks", ago=8)
    await runtime.tick_until_sent()
    printer = await post_problem(world, runtime, world.alice, "#problem the printer is jammed")
    await runtime.tick_until_sent()

    note, thanks = await typed_in_dm(world, "#proposal I'll call the vendor today", 2)
    assert note["content"].startswith("More than one of your problems is waiting")
    assert note["content"].endswith(f"/{world.general.id}/{printer['id']}")
    assert thanks["content"] == f"In <#{world.general.id}>:\n{THANKS}"  # its table
    [added] = await runtime.wait_for(ProposalAdded)
    assert added.problem_id == printer["id"]


async def test_a_dm_with_nothing_waiting_is_answered_too(world, harness):
    await harness.start()
    [answer] = await typed_in_dm(world, "hello?", 1)
    assert answer["content"].startswith("Thanks for your message. Nothing of yours is waiting")


async def test_a_dm_the_gateway_delivers_twice_is_answered_once(world, harness):
    """Discord gives a message to every session of the bot (two processes while one
    takes over from the other): its words are answered once (bot.dm_once)."""
    through = through_with_dms(await harness.start())
    dm = world.api.dm_channel(world.alice)
    typed = await world.api.message_create(None, dm, world.alice, "hello?")
    await world.api.dispatch("MESSAGE_CREATE", typed)
    await world.api.wait_for(f"POST /channels/{dm.id}/messages")
    await eventually(lambda: through() == 2)  # what a second answer would have needed
    [answer] = dm_messages(world.api, world.alice)
    assert answer["content"].startswith("Thanks for your message. Nothing of yours is waiting")
