"""The real discord.py client against the stand-in Discord: connecting and listening."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import timedelta

import discord
import pytest
from sqlmodel import Session, select

from adapters.discord.client import ShardedGroundrulesBot
from adapters.discord.commands import hint
from bot import workspaces
from bot.models import MemberRow
from bot.views import problem_counts
from rules.events import (
    MemberJoined,
    MemberLeft,
    MessageEdited,
    MessagePosted,
    RosterSynced,
)
from rules.grammar import COMMANDS
from rules.i18n import gettext
from tests.discord.harness import TOKEN, Harness, snowflake_ago, workspace
from tests.helpers import eventually
from tests.standins.discord_api import FakeGuild


def table(harness: Harness, guild: FakeGuild, channel_id: int) -> set[str]:
    """Who sits at a channel's table, as stored (after writing buffered member notes)."""
    assert harness.app is not None
    harness.app.store.flush()
    with Session(harness.app.database) as session:
        rows = session.exec(
            select(MemberRow.user).where(
                MemberRow.workspace == workspace(guild),
                MemberRow.channel == str(channel_id),
                MemberRow.active,
            )
        ).all()
    return set(rows)


async def test_gateway_ready_sends_each_channels_roster_and_syncs_the_commands(world, harness):
    runtime = await harness.start()
    [roster] = await runtime.wait_for(RosterSynced)

    humans = (world.guild.owner, world.alice, world.bob, world.carol)
    assert roster.workspace == workspace(world.guild)
    assert roster.channel == str(world.general.id)
    assert roster.members == {str(m.id) for m in humans}  # no bots, not the bot itself
    assert table(harness, world.guild, world.general.id) == roster.members
    intents = discord.Intents._from_value(world.api.intents or 0)
    assert intents.message_content and intents.members and intents.guild_messages

    commands = {c["name"]: c for c in world.api.commands()}
    assert set(commands) == {spec.name for spec in COMMANDS} | {"Record as agreement"}
    for spec in COMMANDS:
        assert commands[spec.name]["name_localizations"] == {"nl": spec.dutch}
    assert commands["agree"]["description_localizations"] == {
        "nl": "Leg een afspraak vast, met het waarom, een eigenaar en een herzieningsdatum"
    }
    menu = commands["Record as agreement"]
    assert (menu["type"], menu["name_localizations"]) == (3, {"nl": "Vastleggen als afspraak"})
    assert not world.api.unknown_routes


# Discord refuses a command whose name is not 1-32 characters (lowercase, for a slash
# command) or whose description is not 1-100, in any language. The bot clips a
# description that would be longer, which loses its end ("… omdat <waarom>"), so every
# one must fit whole: checked on the tree the bot registers, as Discord gets it.
NAME_LIMIT, DESCRIPTION_LIMIT = 32, 100
SLASH_NAME = re.compile(rf"[-_\w]{{1,{NAME_LIMIT}}}")


def _names_and_descriptions(payload: dict) -> tuple[list[str], list[str]]:
    """A command's (or option's) names and descriptions, English and Dutch, its options'
    too."""
    names = [payload["name"], *(payload.get("name_localizations") or {}).values()]
    texts = [payload["description"], *(payload.get("description_localizations") or {}).values()]
    for option in payload.get("options", []):
        more_names, more_texts = _names_and_descriptions(option)
        names, texts = names + more_names, texts + more_texts
    return names, texts


async def test_gateway_every_command_name_and_description_fits_discord_whole(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    assert harness.adapter is not None and harness.adapter.bot is not None
    tree = harness.adapter.bot.tree
    assert tree.translator is not None
    synced = {c["name"]: c for c in world.api.commands()}
    slash = {c.name: c for c in tree.walk_commands()}
    assert set(slash) == {spec.name for spec in COMMANDS}
    for command in slash.values():
        payload = await command.get_translated_payload(tree, tree.translator)
        got = synced[command.name]
        assert {key: got.get(key) for key in payload} == payload  # what Discord got
        names, texts = _names_and_descriptions(payload)
        assert all(SLASH_NAME.fullmatch(n) and n == n.lower() for n in names), names
        assert all(1 <= len(text) <= DESCRIPTION_LIMIT for text in texts), texts
    for menu in tree.walk_commands(type=discord.AppCommandType.message):
        payload = await menu.get_translated_payload(tree, tree.translator)
        names = [payload["name"], *payload["name_localizations"].values()]
        assert all(1 <= len(name) <= NAME_LIMIT for name in names), names
    for spec in COMMANDS:  # whole: not clipped to fit
        payload = synced[spec.name]
        texts = [(payload, gettext(spec.summary, "en"), gettext(spec.summary, "nl"))]
        texts += [(option, hint(spec, "en"), hint(spec, "nl")) for option in payload["options"]]
        for described, english, dutch in texts:
            assert described["description"] == english
            assert (described.get("description_localizations") or {}).get("nl", english) == dutch


async def test_gateway_table_and_review_options_hint_their_arguments(world, harness):
    """What /table and /review take, with an example of quiet hours: Discord shows it
    under the text option while it is typed."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    commands = {c["name"]: c for c in world.api.commands()}
    [table] = commands["table"]["options"]
    assert table["description"] == (
        "about|not-about|routing … | join <org> | language en|nl | timezone <zone> | "
        "quiet-hours 08:00-16:00"
    )
    assert table["description_localizations"] == {
        "nl": "over|niet-over|routing … | aanschuiven <org> | taal nl | tijdzone <zone> | "
        "stille-uren 08:00-16:00"
    }
    [review] = commands["review"]["options"]
    assert review["description"] == (
        "keep|retire <id> [because <why>] | revise <id> <new text> because <why> [learned <lesson>]"
    )
    assert review["description_localizations"] == {
        "nl": "behouden|intrekken <nr> [omdat <waarom>] | herzien <nr> <tekst> omdat <waarom> "
        "[geleerd <les>]"
    }


async def test_gateway_message_in_a_thread_belongs_to_the_parent_channel(world, harness):
    runtime = await harness.start()
    # Half a second apart, within the 1 s window however long the bot takes in between.
    problem_id, proposal_id = snowflake_ago(2), snowflake_ago(1.5)
    problem = await world.api.message_create(
        world.guild, world.general, world.alice, "#problem the changelog is missing",
        thread=world.thread, message_id=problem_id,
    )  # fmt: skip
    [posted] = await runtime.wait_for(MessagePosted)
    assert (posted.channel, posted.thread_id) == (str(world.general.id), str(world.thread.id))
    assert (posted.message_id, posted.user) == (problem["id"], str(world.alice.id))

    # A top-level proposal in the parent channel answers the problem in the thread.
    await world.api.message_create(
        world.guild, world.general, world.bob, "#proposal let's generate it from commits",
        message_id=proposal_id,
    )  # fmt: skip
    await runtime.wait_for(MessagePosted, count=2)
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.named, counts.answered, counts.waiting) == (1, 1, 0)


async def test_gateway_other_bots_and_the_bots_own_messages_are_ignored(world, harness):
    runtime = await harness.start()
    await world.api.message_create(world.guild, world.general, world.helper_bot, "#problem beep")
    channel = harness.adapter.bot.get_channel(world.general.id)
    await channel.send("#problem the bot's own words")  # comes back over the gateway
    await world.api.wait_for("POST /channels/{channel_id}/messages")
    await world.api.message_create(world.guild, world.general, world.bob, "hello")
    await runtime.wait_for(MessagePosted)

    assert [e.user for e in runtime.of(MessagePosted)] == [str(world.bob.id)]


@pytest.mark.parametrize("written", ["<@{user}>", "<@!{user}>", "<@&{role}>"],
                         ids=["user", "nickname", "own-role"])  # fmt: skip
async def test_gateway_words_to_the_bot_are_not_the_tables(world, harness, written):
    """ "@Groundrules agree … because …", as the bot's user (<@!…> of old) or its own
    role (Discord offers both for its name), is said to the bot: its why opens no
    problem, nor does its edit. A mention of someone else up front, or of the bot
    further on, is chat."""
    role = world.guild.add_role("Groundrules", bot_id=world.api.bot_user.id)
    runtime = await harness.start()
    bot = written.format(user=world.api.bot_user.id, role=role.id)
    to_the_bot = await world.api.message_create(
        world.guild, world.general, world.alice,
        f"{bot} agree no deploys on Friday because #problem the pipeline keeps failing",
    )  # fmt: skip
    await world.api.message_update(
        to_the_bot, content=f"{bot} agree no deploys on Fridays because #problem it fails"
    )
    for text in [f"<@{world.alice.id}> #problem lunch is late", f"#problem ask {bot} why"]:
        await world.api.message_create(world.guild, world.general, world.bob, text)
    said = await runtime.wait_for(MessagePosted, count=2)

    assert [e.text.split()[0] for e in said] == [f"<@{world.alice.id}>", "#problem"]
    assert runtime.of(MessageEdited) == []
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert counts.named == 2  # Bob's two


async def test_gateway_an_edit_reclassifies_the_message(world, harness):
    runtime = await harness.start()
    posted = await world.api.message_create(
        world.guild, world.general, world.alice, "#problem the printer is jammed"
    )
    await runtime.wait_for(MessagePosted)
    await world.api.message_update(posted, content="never mind, it works")
    [edited] = await runtime.wait_for(MessageEdited)

    assert (edited.message_id, edited.text) == (posted["id"], "never mind, it works")
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.named, counts.waiting, counts.dismissed) == (1, 0, 1)  # withdrawn
    # Edits come as raw events: the bot keeps no cache of messages (memory).
    assert list(harness.adapter.bot.cached_messages) == []


async def test_gateway_members_join_and_leave_the_tables_they_can_read(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    dave = world.guild.add_member("dave")
    await world.api.dispatch(
        "GUILD_MEMBER_ADD", {**dave.payload(), "guild_id": str(world.guild.id)}
    )
    [joined] = await runtime.wait_for(MemberJoined)
    assert (joined.channel, joined.user) == (str(world.general.id), str(dave.id))
    assert str(dave.id) in table(harness, world.guild, world.general.id)

    await world.api.dispatch(
        "GUILD_MEMBER_REMOVE", {"guild_id": str(world.guild.id), "user": dave.user.payload()}
    )
    [left] = await runtime.wait_for(MemberLeft)
    assert (left.channel, left.user) == (str(world.general.id), str(dave.id))
    assert str(dave.id) not in table(harness, world.guild, world.general.id)


async def test_gateway_first_message_in_a_new_channel_sends_its_roster_first(world, harness):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    random = world.guild.add_text_channel("random")
    await world.api.dispatch("CHANNEL_CREATE", random.payload())
    await world.api.message_create(world.guild, random, world.carol, "hi all")
    await runtime.wait_for(MessagePosted)

    rosters = [e.channel for e in runtime.of(RosterSynced)]
    assert rosters == [str(world.general.id), str(random.id)]
    assert len(table(harness, world.guild, random.id)) == 4


async def test_gateway_two_guilds_keep_their_data_apart(world, harness):
    other = world.api.add_guild("Other team", owner="other-owner")
    lobby = other.add_text_channel("lobby")
    erin = other.add_member("erin")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, count=2)

    for guild, channel, member in ((world.guild, world.general, world.alice),
                                   (other, lobby, erin)):  # fmt: skip
        ix = await world.api.slash_command(
            guild, channel, member, "agree", {"text": "We meet on Mondays because rhythm helps"}
        )
        await world.api.wait_for_callback(ix)
    ix = await world.api.slash_command(other, lobby, erin, "agreements")
    listing = await world.api.wait_for_callback(ix)

    [ours] = [m for m in world.api.messages_in(world.general) if "Agreement" in m["content"]]
    [theirs] = [m for m in world.api.messages_in(lobby) if "Agreement recorded" in m["content"]]
    assert "Agreement #1" in ours["content"] and "Agreement #1" in theirs["content"]
    assert listing.content.count("#1") == 1 and "#2" not in listing.content
    rosters = {e.workspace: e.members for e in runtime.of(RosterSynced)}
    assert rosters[workspace(other)] == {str(other.owner_id), str(erin.id)}
    assert str(world.alice.id) not in rosters[workspace(other)]


async def test_gateway_refused_privileged_intents_exit_with_what_to_switch_on(world, harness):
    world.api.refuse_privileged_intents()
    with pytest.raises(SystemExit) as exited:
        await harness.start()

    message = str(exited.value.code)
    assert len(message.splitlines()) == 1
    assert "Developer Portal" in message and "Privileged Gateway Intents" in message
    assert "Message Content Intent" in message and "Server Members Intent" in message
    assert harness.adapter.bot.is_closed()


async def test_gateway_refused_token_exits_naming_the_setting(world, harness):
    world.api.expected_token = "some-other-token"
    with pytest.raises(SystemExit) as exited:
        await harness.start()
    assert str(exited.value.code).startswith("groundrules: DISCORD_TOKEN: Discord refused")
    assert TOKEN not in str(exited.value.code)


async def test_gateway_shards_each_get_their_guilds(world, harness, monkeypatch):
    async def at_once(self, shard_id, *, initial=False) -> None:
        """Discord's 5 s between IDENTIFYs protects Discord, not the stand-in."""

    monkeypatch.setattr(ShardedGroundrulesBot, "before_identify_hook", at_once)
    # The guild's shard is (id >> 22) % shard_count: put the second guild on the other shard.
    other_id = ((world.guild.id >> 22) + 1) << 22
    other = world.api.add_guild("Other team", guild_id=other_id)
    other.add_text_channel("lobby")
    runtime = await harness.start(shards="2")
    rosters = await runtime.wait_for(RosterSynced, count=2)

    assert sorted(f.d["shard"] for f in world.api.identifies) == [[0, 2], [1, 2]]
    assert {e.workspace for e in rosters} == {workspace(world.guild), workspace(other)}
    assert isinstance(harness.adapter.bot, discord.AutoShardedClient)


async def test_gateway_the_token_is_never_logged(world, harness, caplog):
    caplog.set_level(logging.DEBUG)
    runtime = await harness.start()
    await world.api.message_create(world.guild, world.general, world.bob, "hello")
    await runtime.wait_for(MessagePosted)
    await harness.stop()
    assert caplog.records
    assert TOKEN not in caplog.text


async def test_gateway_interaction_tokens_are_never_logged(world, harness, operator_log):
    """An interaction's token answers and follows up as the bot for 15 minutes: at DEBUG
    discord.py logs the gateway's payload and the URLs it answers through, which hold
    it; the operator's log does not."""
    await harness.start()
    ix = await world.api.slash_command(world.guild, world.general, world.bob, "groundrules")
    await world.api.wait_for_callback(ix)
    await harness.stop()

    written = operator_log.getvalue()
    assert "INTERACTION_CREATE" in written and "/callback" in written  # logged, at DEBUG
    assert ix.token not in written


async def test_gateway_a_server_that_removes_the_bot_keeps_its_data_until_it_is_back(
    world, harness
):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    name = workspace(world.guild)

    def removed() -> bool:
        return name in workspaces.removed(harness.app.database)

    await world.api.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})  # kicked
    await eventually(removed)
    assert table(harness, world.guild, world.general.id)  # kept through the grace period

    payload = world.guild.payload(bot_user_id=world.api.bot_user.id)
    await world.api.dispatch("GUILD_CREATE", payload)  # added to the server again
    await runtime.wait_for(RosterSynced, count=2)
    assert not removed()


async def test_gateway_a_server_that_adds_the_bot_back_is_back_before_any_channel_is_readable(
    world, harness
):
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    name = workspace(world.guild)

    def removed() -> bool:
        return name in workspaces.removed(harness.app.database)

    await world.api.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})
    await eventually(removed)

    # Added again, before anyone gave it a channel to read: no roster to tell, yet back.
    payload = world.guild.payload(bot_user_id=world.api.bot_user.id)
    payload["channels"] = []
    del payload["unavailable"]  # as Discord sends a server just joined
    await world.api.dispatch("GUILD_CREATE", payload)

    def back() -> bool:
        return not removed()

    await eventually(back)


async def test_gateway_a_server_that_removed_the_bot_while_it_was_down_is_noted_at_start(
    world, harness
):
    """Discord sends no GUILD_DELETE for a server that kicked the bot while no process
    was connected; READY just leaves it out. It was never noted as removed, so its data
    was kept for ever. Now its grace period starts at the next start; a server in an
    outage (listed in READY, unavailable) and one still there are left alone."""
    other = world.api.add_guild("Other team", owner="dana")
    other_general = other.add_text_channel("general")
    down = world.api.add_guild("Down team", owner="erik")
    down_general = down.add_text_channel("general")
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced, count=3)
    await harness.stop()

    del world.api.guilds[world.guild.id]  # kicked while the bot was down
    world.api.in_outage.add(down.id)
    await harness.start()
    name = workspace(world.guild)
    await eventually(lambda: name in workspaces.removed(harness.app.database))
    assert set(workspaces.removed(harness.app.database)) == {name}
    assert table(harness, world.guild, world.general.id)  # kept through the grace period
    assert table(harness, other, other_general.id) and table(harness, down, down_general.id)


async def test_gateway_a_server_that_added_the_bot_back_while_it_was_down_is_back_at_start(
    world, harness
):
    """Added back while no process was connected: no GUILD_CREATE as a join, only READY
    listing it (here in an outage, so no channel's roster brings it back either)."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    name = workspace(world.guild)
    await world.api.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})  # kicked
    await eventually(lambda: name in workspaces.removed(harness.app.database))
    await harness.stop()

    world.api.in_outage.add(world.guild.id)
    await harness.start()
    await eventually(lambda: name not in workspaces.removed(harness.app.database))
    assert not harness.runtime.has_removed(name)


async def test_gateway_an_edit_of_an_hour_old_message_opens_no_problem(world, harness):
    runtime = await harness.start()
    old = await world.api.message_create(
        world.guild, world.general, world.alice, "the build", message_id=snowflake_ago(3600)
    )
    await runtime.wait_for(MessagePosted)
    await world.api.message_update(old, content="#problem the build is broken agian")
    [edited] = await runtime.wait_for(MessageEdited)

    # The edit carries when its message was posted (the snowflake's time), not the edit's.
    assert edited.at - edited.posted_at > timedelta(minutes=59)
    counts = problem_counts(harness.app.database, workspace(world.guild))
    assert (counts.named, counts.waiting) == (0, 0)  # no nudge an hour late


def rosters_slowly(app) -> None:
    """Each roster takes the database a while, as on a busy machine with many channels."""
    handle = app.service.handle

    def slowly(event):
        if isinstance(event, RosterSynced):
            time.sleep(0.3)
        return handle(event)

    app.service.handle = slowly


async def test_gateway_a_stop_while_the_rosters_go_out_ends_them_without_an_error(
    world, harness, caplog
):
    """Stopped while it still sends its tables' rosters after connecting, the bot sends
    no more of them (its next start sends them all), and the one under way is stored
    before the runtime's worker stops: nothing is handed in after it stopped, which
    failed and was logged as an error."""
    for n in range(8):
        world.guild.add_text_channel(f"team-{n}")
    runtime = await harness.start(before_connecting=rosters_slowly)
    await runtime.wait_for(RosterSynced)
    syncing = [t for t in asyncio.all_tasks() if t.get_name().endswith("on_guild_available")]
    await harness.stop()
    # What Runtime.run does once its adapters stopped.
    await asyncio.get_running_loop().run_in_executor(None, runtime._worker.shutdown)
    await asyncio.gather(*syncing, return_exceptions=True)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert 1 <= len(runtime.of(RosterSynced)) < len(world.guild.text_channels)
