"""A private thread is a table of its own: its members are the people in the thread, and
nothing said there reaches the rest of the parent channel."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.models import RoundRow, TimerRow
from rules.events import CommandInvoked, MemberLeft, MessagePosted, PlaceDeleted, RosterSynced
from tests.discord.harness import dm_messages
from tests.discord.test_discord_gateway import table
from tests.helpers import eventually


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


async def test_someone_leaving_the_server_while_a_private_threads_roster_is_read_stays_gone(
    world, harness
):
    """Bob is added to the thread, so its members are read; Discord answers before Carol
    leaves the server, but the answer arrives after: it must not seat her again."""
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.carol]
    )
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))

    read = "GET /channels/{channel_id}/thread-members"
    answered = world.api.hold(read)
    await world.api.thread_members_update(secret, added=[world.bob])
    await world.api.wait_for(read, count=len(world.api.requests_to(read)) + 1)  # with Carol
    del world.guild.members[world.carol.id]
    secret.member_ids.remove(world.carol.id)
    await world.api.dispatch(
        "GUILD_MEMBER_REMOVE", {"guild_id": str(world.guild.id), "user": world.carol.user.payload()}
    )
    await runtime.wait_for(MemberLeft, lambda e: e.channel == str(secret.id))

    answered.set()
    *_, roster = await runtime.wait_for(
        RosterSynced, lambda e: e.channel == str(secret.id), count=2
    )
    assert roster.members == {str(world.alice.id), str(world.bob.id)}
    assert table(harness, world.guild, secret.id) == {str(world.alice.id), str(world.bob.id)}


async def test_a_public_thread_stays_part_of_its_channels_table(world, harness):
    runtime = await harness.start()
    posted = await world.api.message_create(
        world.guild, world.general, world.bob, "hello", thread=world.thread
    )
    [heard] = await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
    assert (heard.channel, heard.thread_id) == (str(world.general.id), str(world.thread.id))


# --- a deleted channel's threads that discord.py did not hold ------------------------


async def start_round(world, runtime, place, member, text) -> None:
    count = len(runtime.of(CommandInvoked)) + 1
    ix = await world.api.slash_command(world.guild, place, member, "concerns", {"text": text})
    await world.api.wait_for_callback(ix)
    await runtime.wait_for(CommandInvoked, count=count)


async def archive(world, harness, thread) -> None:
    """Discord archives it: discord.py lets go of it (as after a restart, where Discord
    sends no archived threads), so no thread deletion is told of it later."""
    await world.api.archive_thread(thread)

    def forgotten() -> bool:
        return harness.adapter.bot.get_guild(world.guild.id).get_thread(thread.id) is None

    await eventually(forgotten)


def round_of(harness, table) -> RoundRow:
    with Session(harness.app.database) as session:
        return session.exec(select(RoundRow).where(RoundRow.channel == str(table.id))).one()


def pending_timers(harness, table) -> list[str]:
    with Session(harness.app.database) as session:
        timers = session.exec(
            select(TimerRow).where(
                TimerRow.channel == str(table.id),
                TimerRow.fired_at.is_(None),  # type: ignore[union-attr]
            )
        ).all()
        return [t.key for t in timers]


async def test_an_archived_private_thread_ends_its_round_with_its_deleted_channel(world, harness):
    """Discord tells only of the channel; the thread, archived, is not in discord.py's
    cache: its round would go on reminding people about a place that is gone."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    secret = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.carol]
    )
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, lambda e: e.channel == str(secret.id))
    await start_round(world, runtime, secret, world.alice, "reorganise the team")
    await archive(world, harness, secret)

    await world.api.delete_channel(world.general)
    await runtime.wait_for(PlaceDeleted, lambda e: e.channel == str(secret.id))
    assert round_of(harness, secret).status == "withdrawn"
    assert pending_timers(harness, secret) == []
    await runtime.tick()
    assert not [m for m in dm_messages(world.api, world.carol) if "reminder" in m["content"]]


async def test_another_channels_archived_thread_keeps_its_round(world, harness):
    """Made after the deleted channel and out of discord.py's cache, like the deleted
    channel's own thread: only Discord can tell it lives elsewhere, and it does."""
    doomed = world.guild.add_text_channel("doomed")
    its_thread = world.guild.add_thread(
        doomed, "plans", owner=world.alice, private=True, members=[world.carol]
    )
    elsewhere = world.guild.add_thread(
        world.general, "hr", owner=world.alice, private=True, members=[world.carol]
    )
    # Still open, so discord.py holds it, under its own channel: not even asked about.
    held = world.guild.add_thread(
        world.general, "ops", owner=world.alice, private=True, members=[world.carol]
    )
    assert held.id > elsewhere.id > doomed.id
    runtime = await harness.start()
    for thread in (its_thread, elsewhere, held):
        await runtime.wait_for(RosterSynced, lambda e, t=thread: e.channel == str(t.id))
        await start_round(world, runtime, thread, world.alice, "reorganise the team")
        if thread is not held:
            await archive(world, harness, thread)

    await world.api.delete_channel(doomed)
    # Both were asked about together; the one gone is told of once all answered.
    await runtime.wait_for(PlaceDeleted, lambda e: e.channel == str(its_thread.id))
    assert world.api.requests_to(f"GET /channels/{elsewhere.id}") != []
    assert world.api.requests_to(f"GET /channels/{held.id}") == []
    assert [e.channel for e in runtime.of(PlaceDeleted)] == [str(doomed.id), str(its_thread.id)]
    assert round_of(harness, its_thread).status == "withdrawn"
    for kept in (elsewhere, held):
        assert round_of(harness, kept).status == "open"
        assert pending_timers(harness, kept) != []
