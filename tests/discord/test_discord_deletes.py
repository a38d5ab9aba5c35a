"""Deleted messages reach the engine, which withdraws what they said."""

from __future__ import annotations

from bot.views import problem_counts
from rules.events import MessageDeleted, MessagePosted, RosterSynced
from tests.discord.harness import snowflake_ago, workspace


async def posted(world, runtime, text, *, thread=None, message_id=None) -> dict:
    message = await world.api.message_create(
        world.guild, world.general, world.alice, text, thread=thread, message_id=message_id
    )
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == message["id"])
    return message


async def test_a_deleted_message_reaches_the_engine(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    problem = await posted(world, runtime, "#problem the printer is jammed")

    await world.api.message_delete(problem)
    [deleted] = await runtime.wait_for(MessageDeleted)
    assert (deleted.workspace, deleted.channel, deleted.thread_id, deleted.message_id) == (
        workspace(world.guild), str(world.general.id), None, problem["id"],
    )  # fmt: skip
    assert deleted.event_id == f"delete:{problem['id']}"


async def test_deleted_messages_in_threads_keep_their_table(world, harness):
    secret = world.guild.add_thread(world.general, "hr", owner=world.alice, private=True)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    in_thread = await posted(world, runtime, "in the thread", thread=world.thread)
    in_secret = await posted(world, runtime, "in private", thread=secret)
    # A thread the bot has not cached (archived, say): its table is asked for.
    unseen = world.guild.add_thread(world.general, "old", owner=world.bob)
    old = await world.api.message_create(world.guild, world.general, world.bob, "x", thread=unseen)

    for message in (in_thread, in_secret, old):
        await world.api.message_delete(message)
    deleted = await runtime.wait_for(MessageDeleted, count=3)
    assert [(e.message_id, e.channel, e.thread_id) for e in deleted] == [
        (in_thread["id"], str(world.general.id), str(world.thread.id)),
        (in_secret["id"], str(secret.id), None),
        (old["id"], str(world.general.id), str(unseen.id)),
    ]


async def test_a_purge_reaches_the_engine_message_by_message(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    messages = [await posted(world, runtime, f"message {n}") for n in range(3)]

    await world.api.message_delete_bulk(messages)
    deleted = await runtime.wait_for(MessageDeleted, count=3)
    assert sorted(e.message_id for e in deleted) == sorted(m["id"] for m in messages)
    assert {(e.channel, e.thread_id) for e in deleted} == {(str(world.general.id), None)}


async def test_a_problem_whose_proposal_is_deleted_waits_again(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    # Half a second apart, within the 1 s window however long the bot takes in between.
    problem_id, proposal_id = snowflake_ago(2), snowflake_ago(1.5)
    await posted(world, runtime, "#problem the printer is jammed", message_id=problem_id)
    proposal = await world.api.message_create(
        world.guild, world.general, world.bob, "#proposal we order a new drum",
        message_id=proposal_id,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == proposal["id"])
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.answered, counts.waiting) == (1, 0)

    await world.api.message_delete(proposal)
    await runtime.wait_for(MessageDeleted)
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.answered, counts.waiting) == (0, 1)  # its author will be nudged
