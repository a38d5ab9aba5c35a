"""A private thread is a table of its own: its members are the people in the thread, and
nothing said there reaches the rest of the parent channel."""

from __future__ import annotations

from datetime import timedelta

from rules.events import CommandInvoked, MessagePosted, RosterSynced
from tests.discord.harness import dm_messages


async def test_a_private_thread_is_a_table_of_its_own(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.carol]
    )
    runtime = await harness.start()
    [roster] = await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    assert roster.members == {str(world.alice.id), str(world.carol.id)}

    ix = await world.api.slash_command(
        world.guild, secret, world.alice, "concerns", {"text": "SECRET reorganise the team"}
    )
    await world.api.wait_for_callback(ix)
    [round_message] = [m for m in world.api.messages_in(secret) if m["components"]]
    assert round_message["content"].splitlines()[-1] == "0 of 1 answered; waiting for carol."
    await runtime.tick_until_sent()  # the reminder
    [reminder] = dm_messages(world.api, world.carol)
    assert "SECRET" in reminder["content"]
    for outsider in (world.bob, world.guild.owner):
        assert dm_messages(world.api, outsider) == []

    ix = await world.api.slash_command(
        world.guild, secret, world.alice, "agree", {"text": "SECRET2 merge teams because budget"}
    )
    await world.api.wait_for_callback(ix)
    [agreed] = await runtime.wait_for(CommandInvoked, lambda e: e.name == "agree")
    assert (agreed.channel, agreed.thread_id) == (str(secret.id), None)
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "agreements")
    listed = await world.api.wait_for_callback(ix)
    assert "SECRET2" not in (listed.content or "")


async def test_a_private_threads_roster_follows_who_is_in_it(world, harness):
    secret = world.guild.add_thread(world.general, "hr", owner=world.alice, private=True)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))

    await world.api.thread_members_update(secret, added=[world.bob])
    [_, added] = await runtime.wait_for(
        RosterSynced, lambda e: e.channel == str(secret.id), count=2
    )
    assert added.members == {str(world.alice.id), str(world.bob.id)}
    await world.api.thread_members_update(secret, removed=[world.alice])
    *_, removed = await runtime.wait_for(
        RosterSynced, lambda e: e.channel == str(secret.id), count=3
    )
    assert removed.members == {str(world.bob.id)}

    posted = await world.api.message_create(
        world.guild, world.general, world.bob, "hello", thread=secret
    )
    [heard] = await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    assert (heard.channel, heard.thread_id) == (str(secret.id), None)


async def test_a_public_thread_stays_part_of_its_channels_table(world, harness):
    runtime = await harness.start()
    posted = await world.api.message_create(
        world.guild, world.general, world.bob, "hello", thread=world.thread
    )
    [heard] = await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    assert (heard.channel, heard.thread_id) == (str(world.general.id), str(world.thread.id))
