"""On Discord, a Reply names the message it answers: a yes given as a reply to Alice's
proposal counts for hers, not for whichever came last, and a reply to anything else
(the bot's own post, a question) takes no side on the latest proposal."""

from __future__ import annotations

from rules.events import MessageDeleted, MessageEdited, MessagePosted, RosterSynced
from tests.discord.harness import RecordingRuntime, World


async def say(world: World, runtime: RecordingRuntime, member, text: str, **options) -> dict:
    posted = await world.api.message_create(world.guild, world.general, member, text, **options)
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    return posted


def offers(world: World) -> list[str]:
    """The first two lines of each offer to record: who agrees with what."""
    return [
        "\n".join(m["content"].splitlines()[:2])
        for m in world.api.messages_in(world.general)
        if m["author"]["bot"] and m["content"].startswith("Most of the table agrees")
    ]


async def test_replies_to_a_proposal_count_for_it_not_for_the_latest(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    alices = await say(world, runtime, world.alice, "#proposal we move the standup to 10am")
    await say(world, runtime, world.bob, "#proposal we drop the standup on Fridays")
    # Carol and the owner answer Alice, with Discord's Reply on her message.
    yes = await say(world, runtime, world.carol, "#concern 10am clashes", reply_to=alices)
    await world.api.message_update(yes, content="#agreement sorted, 10am works")
    await runtime.wait_for(MessageEdited)
    await say(world, runtime, world.guild.owner, "#agreement agreed", reply_to=alices)
    assert offers(world) == [
        "Most of the table agrees with this proposal by Alice (carol and owner), and no "
        "concern is open:\n> #proposal we move the standup to 10am"
    ]


async def test_a_reply_to_the_bots_own_post_takes_no_side_on_the_latest(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await say(world, runtime, world.alice, "#proposal we move the standup to 10am")
    await say(world, runtime, world.carol, "#agreement yes")
    await say(world, runtime, world.guild.owner, "#agreement agreed")
    [offer] = [m for m in world.api.messages_in(world.general) if m["author"]["bot"]]
    await say(world, runtime, world.bob, "#proposal we drop the standup on Fridays")
    # Answering the bot's offer is no yes to Bob's proposal, posted since.
    await say(world, runtime, world.carol, "#agreement yes please", reply_to=offer)
    await say(world, runtime, world.guild.owner, "#agreement yes", reply_to=offer)
    assert len(offers(world)) == 1


async def test_a_deleted_reply_no_longer_counts_for_the_proposal_it_answered(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    alices = await say(world, runtime, world.alice, "#proposal we move the standup to 10am")
    await say(world, runtime, world.bob, "#proposal we drop the standup on Fridays")
    yes = await say(world, runtime, world.carol, "#agreement yes", reply_to=alices)
    await world.api.message_delete(yes)  # Discord does not say what it replied to
    await runtime.wait_for(MessageDeleted)
    await say(world, runtime, world.guild.owner, "#agreement agreed", reply_to=alices)
    assert offers(world) == []
