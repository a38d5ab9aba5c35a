"""What the Discord adapter remembers of the tables it sent a roster stays bounded over
months of forum posts (each a table of its own): past a bound, the tables heard from
least lately are forgotten, and one forgotten gets its roster again with its next
message, as after a restart."""

from __future__ import annotations

import pytest

import adapters.discord.cog
from adapters.discord.components import COG_NAME
from rules.events import MessagePosted, RosterSynced
from tests.standins.discord_api import GUILD_FORUM, FakeChannel

BOUND = 5


@pytest.fixture(autouse=True)
def small_bound(monkeypatch) -> None:
    monkeypatch.setattr(adapters.discord.cog, "ROSTERED_HELD", BOUND)


async def test_tables_rostered_are_remembered_up_to_a_bound(world, harness):
    forum = FakeChannel(world.guild.new_id(), "ideas", GUILD_FORUM, world.guild.id, position=5)
    world.guild.channels[forum.id] = forum
    posts = [
        world.guild.add_thread(forum, f"idea {n}", owner=world.alice) for n in range(3 * BOUND)
    ]
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(posts[-1].id))
    cog = harness.adapter.bot.get_cog(COG_NAME)
    assert len(cog._rostered) == BOUND

    rostered = len(runtime.of(RosterSynced))
    for post in (posts[-1], posts[0]):  # heard from lately; forgotten
        said = await world.api.message_create(world.guild, post, world.bob, "morning")
        await runtime.wait_for(MessagePosted, lambda e, said=said: e.message_id == said["id"])
    # Only the one forgotten got its roster again, before its message.
    assert [e.channel for e in runtime.of(RosterSynced)[rostered:]] == [str(posts[0].id)]
    assert len(cog._rostered) == BOUND
