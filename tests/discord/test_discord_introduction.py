"""Added to a server, the bot says who it is, once, where Discord itself welcomes
newcomers (the server's system channel), and nowhere else: not in every channel it can
read, not again when it is added back, not where it may not write."""

from __future__ import annotations

from rules.events import BotJoined, MessagePosted, RosterSynced
from tests.discord.harness import Harness, World
from tests.helpers import eventually
from tests.standins.database_outage import DatabaseOutage

VIEW_AND_SEND = (1 << 10) | (1 << 11)


def new_server(world: World, *, locale: str = "en-US", welcome: bool = True):
    """A server that adds the bot while it runs, with a system channel or none."""
    guild = world.api.add_guild("Buurtteam", owner="dana", preferred_locale=locale)
    lobby = guild.add_text_channel("lobby")
    talk = guild.add_text_channel("talk")
    guild.add_member("erik")
    if welcome:
        guild.system_channel_id = lobby.id
    return guild, lobby, talk


async def added(world: World, guild) -> None:
    payload = guild.payload(bot_user_id=world.api.bot_user.id)
    payload.pop("unavailable", None)  # as Discord sends a server just joined
    await world.api.dispatch("GUILD_CREATE", payload)


def said_in(world: World, *channels) -> list[str]:
    return [m["content"] for channel in channels for m in world.api.messages_in(channel)]


async def test_introduction_once_in_the_system_channel(world, harness):
    runtime = await harness.start()
    guild, lobby, talk = new_server(world)
    await added(world, guild)
    await runtime.wait_for(BotJoined)

    [hello] = world.api.messages_in(lobby)
    assert hello["content"].splitlines() == [
        "Hello! I am Groundrules, here to help this table keep its ground rules.",
        "When someone names a problem and no proposal follows, I remind them once per "
        "problem, privately where I can.",
        "/concerns <proposal> asks everyone for their concerns before you decide.",
        "/agree <what> because <why> records an agreement, with why, an owner and a review date.",
        "At the table for an organisation? Say which with /table join <organisation>, and "
        "what you may agree to with /mandate <what I may agree to>.",
        "/groundrules help lists everything I do. Fewer reminders: /nudges fewer; none: "
        "/nudges off.",
        "Ik spreek ook Nederlands: schrijf in het Nederlands en ik antwoord in het Nederlands.",
    ]
    [post] = world.api.requests_to(f"POST /channels/{lobby.id}/messages")
    assert post.json["allowed_mentions"] == {"parse": []}  # pings nobody
    assert said_in(world, talk, world.general) == []  # one word per server

    # Kicked, and added back: it has said who it is.
    await world.api.dispatch("GUILD_DELETE", {"id": str(guild.id)})
    await added(world, guild)
    await runtime.wait_for(BotJoined, count=2)
    assert len(world.api.messages_in(lobby)) == 1


async def test_introduction_in_the_servers_language(world, harness):
    runtime = await harness.start()
    guild, lobby, _ = new_server(world, locale="nl")
    await added(world, guild)
    await runtime.wait_for(BotJoined)
    [hello] = said_in(world, lobby)
    assert hello.startswith("Hoi! Ik ben Groundrules")
    assert "/zorgen <voorstel>" in hello
    assert hello.endswith("I speak English too: write in English and I answer in English.")


async def test_introduction_nowhere_without_a_system_channel_it_may_write_in(world, harness):
    runtime = await harness.start()
    guild, lobby, talk = new_server(world, welcome=False)
    closed, closed_lobby, closed_talk = new_server(world)
    closed_lobby.permission_overwrites = [
        {"id": str(world.api.bot_user.id), "type": 1, "allow": "0", "deny": str(1 << 11)}
    ]
    await added(world, guild)
    await added(world, closed)

    def both_rostered() -> bool:
        servers = {e.workspace for e in runtime.of(RosterSynced)}
        return {f"discord:{guild.id}", f"discord:{closed.id}"} <= servers

    await eventually(both_rostered)
    assert runtime.of(BotJoined) == []
    assert said_in(world, lobby, talk, closed_lobby, closed_talk) == []


async def test_a_server_that_added_the_bot_while_it_was_down_is_introduced_once(world, harness):
    """Added with no process connected: Discord sends no join, only READY listing the
    server. One the database never heard of gets the introduction a join gives, once; a
    server known from before (here: one known before it had a system channel, as every
    server is after the upgrade that brought introductions) gets none."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    await harness.stop()

    world.guild.system_channel_id = world.general.id  # known, never introduced to
    guild, lobby, talk = new_server(world)  # added while the bot was down
    runtime = await harness.start()
    await runtime.wait_for(BotJoined)
    await settled(world, runtime)
    assert [e.workspace for e in runtime.of(BotJoined)] == [f"discord:{guild.id}"]
    [hello] = said_in(world, lobby)
    assert hello.startswith("Hello! I am Groundrules")
    assert said_in(world, talk, world.general) == []

    # The next start: both are known now.
    runtime = await harness.restart()
    await runtime.wait_for(RosterSynced, lambda e: e.workspace == f"discord:{guild.id}", count=2)
    await settled(world, runtime)
    assert runtime.of(BotJoined) == []
    assert len(said_in(world, lobby)) == 1


async def test_a_server_added_while_down_is_introduced_once_a_brief_outage_at_start_is_over(
    world, outage_url
):
    """The database does not answer while the bot connects (it restarted with the bot):
    whether a listed server is new cannot be told then. It is asked again once the
    database is back, before the rosters kept meanwhile are stored (they make the server
    known), so the new server is introduced to and the known one is not."""
    with DatabaseOutage(outage_url) as outage:
        harness = Harness(world.api, outage.url)
        try:
            runtime = await harness.start()
            await runtime.wait_for(RosterSynced)
            await harness.stop()

            world.guild.system_channel_id = world.general.id  # known, never introduced to
            guild, lobby, talk = new_server(world)  # added while the bot was down
            runtime = await harness.start(lambda app: outage.cut(app.database))
            new = f"discord:{guild.id}"
            await runtime.wait_for(RosterSynced, lambda e: e.workspace == new)
            assert runtime.kept > 0
            assert said_in(world, lobby) == []

            outage.restore()
            await runtime.tick()
            assert runtime.kept == 0
            assert [e.workspace for e in runtime.of(BotJoined)] == [new]
            [hello] = said_in(world, lobby)
            assert hello.startswith("Hello! I am Groundrules")
            assert said_in(world, talk, world.general) == []

            # Known now: the next start says nothing.
            runtime = await harness.restart()
            await runtime.wait_for(RosterSynced, lambda e: e.workspace == new, count=2)
            await settled(world, runtime)
            assert runtime.of(BotJoined) == []
            assert len(said_in(world, lobby)) == 1
        finally:
            await harness.stop()


async def settled(world: World, runtime) -> None:
    """What the start brought is handled: a message sent after it is."""
    posted = await world.api.message_create(world.guild, world.general, world.alice, "hi")
    await runtime.wait_for(MessagePosted, lambda e: e.message_id == posted["id"])
