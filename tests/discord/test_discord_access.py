"""Who sits at a table follows who may read its channel: a member who loses access is
no longer polled, one who gains it joins, without waiting for a restart."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import AgreementRow, RoundRow
from rules.events import MemberJoined, MemberLeft, MessagePosted, RosterSynced

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


def shut_out(world):
    """A channel whose View Channel is denied to the bot (its commands still show there)."""
    secret = world.guild.add_text_channel("secret")
    secret.permission_overwrites = [overwrite(world.api.bot_user.id, kind=1, deny=VIEW_CHANNEL)]
    return secret


async def test_commands_in_a_channel_the_bot_cannot_read_record_nothing(world, harness):
    secret = shut_out(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)

    ix = await world.api.slash_command(
        world.guild, secret, world.alice, "concerns", {"text": "move the standup"}, locale="nl"
    )
    refused = await world.api.wait_for_callback(ix)
    assert refused.ephemeral
    assert refused.content.startswith("Ik kan dat kanaal niet lezen, dus ik heb daar niets")
    # The agreement form is not even offered.
    ix = await world.api.slash_command(world.guild, secret, world.alice, "agree")
    refused = await world.api.wait_for_callback(ix)
    assert refused.ephemeral and refused.content.startswith("I cannot read that channel")

    with Session(harness.app.database) as session:
        assert session.exec(select(RoundRow)).all() == []
        assert session.exec(select(AgreementRow)).all() == []
    assert [e for e in runtime.events if e.channel == str(secret.id)] == []
    posts = [r for r in world.api.requests if r.matches("POST /channels/{channel_id}/messages")]
    assert not [r for r in posts if str(secret.id) in r.path]


async def test_a_channel_the_bot_cannot_read_gets_no_roster(world, harness):
    secret = shut_out(world)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    # However word of the channel arrives, nobody is seated at it.
    message = await world.api.message_create(world.guild, secret, world.alice, "hello")
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == message["id"])
    assert [e for e in runtime.of(RosterSynced) if e.channel == str(secret.id)] == []
