"""Who sits at a table follows who may read its channel: a member who loses access is
no longer polled, one who gains it joins, without waiting for a restart."""

from __future__ import annotations

from rules.events import MemberJoined, MemberLeft, RosterSynced

VIEW_CHANNEL = 1 << 10


def overwrite(target: int, *, kind: int, allow: int = 0, deny: int = 0) -> dict:
    return {"id": str(target), "type": kind, "allow": str(allow), "deny": str(deny)}


async def round_waits_for(world) -> str:
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "reorganise"}
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if m["components"]]
    return message["content"].splitlines()[-1]


async def test_a_member_shut_out_of_a_channel_leaves_its_table(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    data = world.general.payload()
    data["permission_overwrites"] = [overwrite(world.bob.id, kind=1, deny=VIEW_CHANNEL)]
    await world.api.dispatch("CHANNEL_UPDATE", data)
    *_, synced = await runtime.wait_for(
        RosterSynced, lambda e: e.channel == str(world.general.id), count=2
    )
    assert str(world.bob.id) not in synced.members
    assert await round_waits_for(world) == "0 of 2 answered; waiting for owner and carol."


async def test_roles_given_and_taken_open_and_close_tables(world, harness):
    board = world.guild.add_role("Board")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    data = world.general.payload()
    data["permission_overwrites"] = [
        overwrite(world.guild.id, kind=0, deny=VIEW_CHANNEL),
        overwrite(board.id, kind=0, allow=VIEW_CHANNEL),
        overwrite(world.api.bot_user.id, kind=1, allow=VIEW_CHANNEL),
    ]
    await world.api.dispatch("CHANNEL_UPDATE", data)
    *_, synced = await runtime.wait_for(
        RosterSynced, lambda e: e.channel == str(world.general.id), count=2
    )
    assert synced.members == {str(world.guild.owner.id)}

    world.bob.roles = [board.id]
    await world.api.dispatch(
        "GUILD_MEMBER_UPDATE", {**world.bob.payload(), "guild_id": str(world.guild.id)}
    )
    [joined] = await runtime.wait_for(MemberJoined)
    assert (joined.channel, joined.user) == (str(world.general.id), str(world.bob.id))

    world.bob.roles = []
    await world.api.dispatch(
        "GUILD_MEMBER_UPDATE", {**world.bob.payload(), "guild_id": str(world.guild.id)}
    )
    [left] = await runtime.wait_for(MemberLeft)
    assert (left.channel, left.user) == (str(world.general.id), str(world.bob.id))
    assert await round_waits_for(world) == "0 of 1 answered; waiting for owner."
