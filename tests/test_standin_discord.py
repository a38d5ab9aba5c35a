"""The Discord stand-in works with the real discord.py client.

Each test runs an unmodified ``commands.Bot`` over loopback against
``tests.standins.discord_api``: login, gateway, events, REST answers,
interactions and their callbacks. Nothing inside discord.py is mocked, so these
tests also pin down the discord.py behaviour the Discord adapter relies on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from tests.standins.discord_api import (
    DiscordStandIn,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    discord_standin,
    running_client,
)
from tests.standins.lifecycle import PATIENCE_S

MODERATE_MEMBERS = 1 << 40


@dataclass
class World:
    """A guild with a channel, a thread, a moderator, an ordinary member and another bot."""

    api: DiscordStandIn
    guild: FakeGuild
    general: FakeChannel
    thread: FakeChannel
    moderators: FakeRole
    alice: FakeMember
    bob: FakeMember
    helper_bot: FakeMember


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with discord_standin() as api:
        guild = api.add_guild("Groundrules HQ")
        general = guild.add_text_channel("general", topic="Be kind")
        moderators = guild.add_role("Moderators", permissions=MODERATE_MEMBERS)
        alice = guild.add_member("alice", roles=[moderators], nick="Alice")
        bob = guild.add_member("bob")
        helper_bot = guild.add_member("helper-bot", bot=True)
        thread = guild.add_thread(general, "rule proposals", owner=alice)
        yield World(api, guild, general, thread, moderators, alice, bob, helper_bot)


def make_bot(
    cls: type[commands.Bot] = commands.Bot, *, privileged: bool = True, **kwargs: Any
) -> commands.Bot:
    """A bot as the adapter builds it; a small guild_ready_timeout keeps start-up fast."""
    intents = discord.Intents.default()
    intents.message_content = privileged
    intents.members = privileged
    return cls(
        command_prefix="!", intents=intents, guild_ready_timeout=0.05, help_command=None, **kwargs
    )


async def wait_event(event: asyncio.Event, timeout: float = PATIENCE_S) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"event not set within {timeout}s") from None


# ---------------------------------------------------------------------------- gateway


async def test_bot_connects_and_sees_guild_channels_and_members(world: World) -> None:
    bot = make_bot()
    async with running_client(bot, world.api):
        assert bot.user is not None
        assert bot.user.id == world.api.bot_user.id
        assert bot.application_id == world.api.application_id
        guild = bot.get_guild(world.guild.id)
        assert guild is not None
        assert guild.name == "Groundrules HQ"
        assert guild.chunked  # the members intent plus a full member list: no chunk requests
        general = guild.get_channel(world.general.id)
        assert isinstance(general, discord.TextChannel)
        assert (general.name, general.topic) == ("general", "Be kind")
        thread = guild.get_thread(world.thread.id)
        assert thread is not None and thread.parent_id == world.general.id
        alice = guild.get_member(world.alice.id)
        assert alice is not None and alice.display_name == "Alice"
        assert alice.get_role(world.moderators.id) is not None
        helper = guild.get_member(world.helper_bot.id)
        assert helper is not None and helper.bot
        assert guild.me.id == world.api.bot_user.id
        assert guild.owner is not None and guild.owner.id == world.guild.owner.id
        assert guild.default_role.id == guild.id

    intents = discord.Intents._from_value(world.api.intents or 0)
    assert intents.message_content and intents.members and intents.guild_messages
    assert [r.method + " " + r.path for r in world.api.requests] == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
    ]
    assert not world.api.unknown_routes


async def test_on_message_gets_message_create_and_replies(world: World) -> None:
    bot = make_bot()
    seen: list[discord.Message] = []

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:  # Discord echoes the bot's own messages too
            return
        seen.append(message)
        await message.reply(
            f"Thanks {message.author.mention}", allowed_mentions=discord.AllowedMentions.none()
        )

    async with running_client(bot, world.api):
        sent = await world.api.message_create(world.guild, world.general, world.alice, "hello all")
        [post] = await world.api.wait_for("POST /channels/{channel_id}/messages")

    assert post.path == f"/channels/{world.general.id}/messages"
    # discord.py leaves out "replied_user" unless it is True (Discord's default is False).
    assert post.json["allowed_mentions"] == {"parse": []}
    assert post.json["message_reference"]["message_id"] == int(sent["id"])  # an int, not str
    [message] = seen
    assert message.content == "hello all"
    assert isinstance(message.author, discord.Member)
    assert message.author.get_role(world.moderators.id) is not None
    assert isinstance(message.channel, discord.TextChannel)
    [reply] = world.api.messages_in(world.general)
    assert reply["content"] == f"Thanks <@{world.alice.id}>"
    assert reply["referenced_message"]["id"] == sent["id"]


async def test_message_in_thread_arrives_on_the_thread(world: World) -> None:
    bot = make_bot()
    got = asyncio.Event()
    channels: list[object] = []

    @bot.event
    async def on_message(message: discord.Message) -> None:
        channels.append(message.channel)
        got.set()

    async with running_client(bot, world.api):
        await world.api.message_create(
            world.guild, world.general, world.bob, "I propose...", thread=world.thread
        )
        await wait_event(got)

    [channel] = channels
    assert isinstance(channel, discord.Thread)
    assert channel.id == world.thread.id and channel.parent_id == world.general.id


async def test_without_message_content_intent_guild_messages_arrive_blank(world: World) -> None:
    bot = make_bot(privileged=False)
    contents: list[str] = []
    got = asyncio.Event()

    @bot.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)
        if len(contents) == 2:
            got.set()

    async with running_client(bot, world.api):
        await world.api.message_create(world.guild, world.general, world.bob, "secret text")
        mention = f"<@{world.api.bot_user.id}> hi"
        await world.api.message_create(world.guild, world.general, world.bob, mention)
        await wait_event(got)

    assert contents == ["", mention]  # Discord keeps content when the bot is mentioned
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    # Without the members intent GUILD_CREATE lists only the bot itself.
    assert [m.id for m in guild.members] == [world.api.bot_user.id]
    assert guild.member_count == 5  # bot, owner, alice, bob, helper-bot


async def test_dm_to_user_with_closed_dms_raises_forbidden_50007(world: World) -> None:
    world.api.close_dms(world.alice)
    bot = make_bot()
    async with running_client(bot, world.api):
        guild = bot.get_guild(world.guild.id)
        assert guild is not None
        alice, bob = guild.get_member(world.alice.id), guild.get_member(world.bob.id)
        assert alice is not None and bob is not None
        with pytest.raises(discord.Forbidden) as refused:
            await alice.send("Please read rule 3")
        await bob.send("Please read rule 3")

    assert refused.value.status == 403
    assert refused.value.code == 50007
    assert "Cannot send messages to this user" in refused.value.text
    assert len(world.api.requests_to("POST /users/@me/channels")) == 2
    [dm] = world.api.messages_in(world.api.dm_channel(world.bob))
    assert dm["content"] == "Please read rule 3"
    assert world.api.messages_in(world.api.dm_channel(world.alice)) == []


async def test_fail_next_turns_into_discord_py_exception(world: World) -> None:
    world.api.fail_next("POST /channels/{channel_id}/messages")
    bot = make_bot()
    async with running_client(bot, world.api):
        channel = bot.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("first")
        await channel.send("second")

    assert refused.value.code == 50013
    assert [m["content"] for m in world.api.messages_in(world.general)] == ["second"]


async def test_reconnect_and_dropped_socket_resume_the_session(world: World) -> None:
    bot = make_bot()
    resumes = 0
    contents: list[str] = []
    got = asyncio.Event()

    @bot.event
    async def on_resumed() -> None:
        nonlocal resumes
        resumes += 1

    @bot.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)
        got.set()

    async with running_client(bot, world.api):
        await world.api.request_reconnect()  # op 7
        await world.api.wait_for_gateway(6)
        await world.api.message_create(world.guild, world.general, world.bob, "still there?")
        await wait_event(got)
        got.clear()
        await world.api.drop_connections(4000)  # the server closes the socket
        await world.api.wait_for_gateway(6, count=2)
        await world.api.message_create(world.guild, world.general, world.bob, "and now?")
        await wait_event(got)

    assert contents == ["still there?", "and now?"]
    assert resumes == 2
    assert len(world.api.identifies) == 1  # RESUME each time, never a second IDENTIFY


async def test_privileged_intents_refused_raises_privileged_intents_required(
    world: World,
) -> None:
    world.api.refuse_privileged_intents()
    bot = make_bot()
    try:
        with pytest.raises(discord.errors.PrivilegedIntentsRequired):
            await asyncio.wait_for(bot.start("x"), 5.0)
    finally:
        await bot.close()

    # Same through the helper, and a bot without privileged intents still connects.
    with pytest.raises(discord.errors.PrivilegedIntentsRequired):
        async with running_client(make_bot(), world.api):
            pass
    async with running_client(make_bot(privileged=False), world.api) as plain:
        assert plain.get_guild(world.guild.id) is not None


async def test_unknown_routes_answer_404_and_are_listed(world: World) -> None:
    bot = make_bot()
    async with running_client(bot, world.api):
        route = discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=world.guild.id)
        with pytest.raises(discord.NotFound):
            await bot.http.request(route)

    [unknown] = world.api.unknown_routes
    assert (unknown.method, unknown.path, unknown.route) == (
        "GET",
        f"/guilds/{world.guild.id}/bans",
        None,
    )
    with pytest.raises(AssertionError, match=r"GET /guilds/\d+/bans -> 404"):
        await world.api.wait_for("POST /channels/{channel_id}/messages", timeout=0.05)


# ---------------------------------------------------------------------------- interactions


async def test_slash_command_answered_ephemerally(world: World) -> None:
    bot = make_bot()
    warned: list[tuple[discord.Member, str]] = []

    @bot.tree.command(name="warn", description="Remind someone of the ground rules")
    async def warn(interaction: discord.Interaction, member: discord.Member, reason: str) -> None:
        warned.append((member, reason))
        await interaction.response.send_message(
            f"Reminded {member.display_name}: {reason}", ephemeral=True
        )

    async with running_client(bot, world.api):
        ix = await world.api.slash_command(
            world.guild, world.general, world.alice, "warn", {"member": world.bob, "reason": "spam"}
        )
        callback = await world.api.wait_for_callback(ix)

    assert callback.type == 4
    assert callback.data is not None and callback.data["flags"] == 64
    assert callback.ephemeral and callback.content == "Reminded bob: spam"
    [(member, reason)] = warned
    assert (member.id, reason) == (world.bob.id, "spam")
    [post] = world.api.requests_to("POST /interactions/{interaction_id}/{token}/callback")
    assert post.query == {"with_response": "1"}


async def test_tree_sync_puts_commands_with_dutch_localisation(world: World) -> None:
    dutch = {"rules": "regels", "Show the ground rules": "Toon de basisregels"}

    class DutchTranslator(app_commands.Translator):
        async def translate(
            self,
            string: locale_str,
            locale: discord.Locale,
            context: app_commands.TranslationContextTypes,
        ) -> str | None:
            return dutch.get(string.message) if locale is discord.Locale.dutch else None

    class TranslatedBot(commands.Bot):
        async def setup_hook(self) -> None:
            await self.tree.set_translator(DutchTranslator())

    bot = make_bot(TranslatedBot)

    @bot.tree.command(name=locale_str("rules"), description=locale_str("Show the ground rules"))
    async def rules(interaction: discord.Interaction) -> None:
        in_dutch = interaction.locale is discord.Locale.dutch
        await interaction.response.send_message("Wees aardig" if in_dutch else "Be kind")

    async with running_client(bot, world.api):
        synced = await bot.tree.sync()
        ix = await world.api.slash_command(
            world.guild, world.general, world.alice, "rules", locale="nl"
        )
        callback = await world.api.wait_for_callback(ix)

    [put] = world.api.requests_to("PUT /applications/{application_id}/commands")
    assert put.path == f"/applications/{world.api.application_id}/commands"
    [command] = put.json
    assert command["name"] == "rules"
    assert command["name_localizations"] == {"nl": "regels"}
    assert command["description_localizations"] == {"nl": "Toon de basisregels"}
    assert synced[0].name_localizations[discord.Locale.dutch] == "regels"
    assert synced[0].id == int(world.api.commands()[0]["id"])
    assert ix.data["id"] == world.api.commands()[0]["id"]
    assert callback.content == "Wees aardig"


async def test_guild_command_sync_and_invocation(world: World) -> None:
    bot = make_bot()
    guild_obj = discord.Object(world.guild.id)

    @bot.tree.command(name="ping", description="Check the bot", guild=guild_obj)
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    async with running_client(bot, world.api):
        await bot.tree.sync(guild=guild_obj)
        ix = await world.api.slash_command(world.guild, world.general, world.bob, "ping")
        callback = await world.api.wait_for_callback(ix)

    assert [c["name"] for c in world.api.commands(world.guild)] == ["ping"]
    assert ix.data["guild_id"] == str(world.guild.id)
    assert callback.content == "pong" and not callback.ephemeral
    [echoed] = world.api.messages_in(world.general)  # a public answer is a channel message
    assert echoed["interaction_metadata"]["id"] == str(ix.id)


class AgreeView(discord.ui.View):
    """A persistent view: no timeout, fixed custom_id, so it survives restarts."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(
        label="Agree", custom_id="groundrules:agree", style=discord.ButtonStyle.success
    )
    async def agree(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message(
            f"Noted, {interaction.user.display_name}", ephemeral=True
        )


class PersistentBot(commands.Bot):
    async def setup_hook(self) -> None:
        self.add_view(AgreeView())


async def test_persistent_view_button_answered_before_and_after_restart(world: World) -> None:
    first = make_bot(PersistentBot)
    async with running_client(first, world.api):
        channel = first.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Do you agree with rule 1?", view=AgreeView())
        [proposal] = world.api.messages_in(world.general)
        before = await world.api.click_button(proposal, world.alice, label="Agree")
        answered_before = await world.api.wait_for_callback(before)
    assert first.is_closed()

    second = make_bot(PersistentBot)  # a new process would build a new Bot the same way
    async with running_client(second, world.api):
        after = await world.api.click_button(proposal, world.bob, "groundrules:agree")
        answered_after = await world.api.wait_for_callback(after)

    assert proposal["components"][0]["components"][0]["custom_id"] == "groundrules:agree"
    assert (answered_before.type, answered_before.content) == (4, "Noted, Alice")
    assert (answered_after.type, answered_after.content) == (4, "Noted, bob")
    assert answered_after.ephemeral
    assert len(world.api.identifies) == 2


async def test_button_edit_message_updates_the_stored_message(world: World) -> None:
    class CloseVote(discord.ui.View):
        @discord.ui.button(label="Close vote", custom_id="vote:close")
        async def close(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.edit_message(content="Vote closed", view=None)

    bot = make_bot()
    async with running_client(bot, world.api):
        channel = bot.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Vote open", view=CloseVote())
        [vote] = world.api.messages_in(world.general)
        ix = await world.api.click_button(vote, world.alice, "vote:close")
        callback = await world.api.wait_for_callback(ix)

    assert callback.type == 7
    assert world.api.message(vote["id"])["content"] == "Vote closed"
    assert world.api.message(vote["id"])["components"] == []
    with pytest.raises(LookupError, match=r"custom_id='vote:close'"):  # the edit removed it
        await world.api.click_button(vote, world.alice, "vote:close")


async def test_deferred_answer_then_edit_original_and_followup(world: World) -> None:
    bot = make_bot()

    @bot.tree.command(name="report", description="Weekly report")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await interaction.edit_original_response(content="3 rules broken this week")
        followup = await interaction.followup.send("Details in the thread", wait=True)
        assert followup.id

    async with running_client(bot, world.api):
        ix = await world.api.slash_command(world.guild, world.general, world.alice, "report")
        deferred = await world.api.wait_for_callback(ix)
        followup = await world.api.wait_for_followup(ix)

    assert deferred.type == 5 and deferred.ephemeral
    [edit] = world.api.requests_to("PATCH /webhooks/{application_id}/{token}/messages/@original")
    assert edit.json["content"] == "3 rules broken this week"
    assert deferred.message is not None
    assert world.api.message(deferred.message["id"])["content"] == "3 rules broken this week"
    assert followup["content"] == "Details in the thread"


async def test_modal_submit_is_answered(world: World) -> None:
    submitted: list[str] = []

    class ProposeRule(discord.ui.Modal, title="Propose a rule"):
        rule = discord.ui.TextInput(label="Rule")
        why = discord.ui.TextInput(label="Why", style=discord.TextStyle.paragraph, required=False)

        async def on_submit(self, interaction: discord.Interaction) -> None:
            submitted.append(self.why.value)
            await interaction.response.send_message(f"Proposed: {self.rule.value}", ephemeral=True)

    bot = make_bot()

    @bot.tree.command(name="propose", description="Propose a ground rule")
    async def propose(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ProposeRule())

    async with running_client(bot, world.api):
        ix = await world.api.slash_command(world.guild, world.thread, world.bob, "propose")
        modal = await world.api.wait_for_callback(ix)
        submit = await world.api.submit_modal(modal, {"Rule": "No spoilers", "Why": "fairness"})
        answer = await world.api.wait_for_callback(submit)

    assert modal.type == 9
    assert modal.data is not None and modal.data["title"] == "Propose a rule"
    assert (answer.type, answer.content, answer.ephemeral) == (4, "Proposed: No spoilers", True)
    assert submitted == ["fairness"]
    assert submit.channel_id == world.thread.id and submit.user_id == world.bob.id


async def test_message_context_menu_command_is_answered(world: World) -> None:
    bot = make_bot()
    reported: list[discord.Message] = []

    @bot.tree.context_menu(name="Report message")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        reported.append(message)
        await interaction.response.send_message(
            f"Reported {message.author.name}: {message.content}", ephemeral=True
        )

    async with running_client(bot, world.api):
        spam = await world.api.message_create(
            world.guild, world.general, world.helper_bot, "buy cheap stuff"
        )
        ix = await world.api.message_command(world.alice, "Report message", spam)
        callback = await world.api.wait_for_callback(ix)

    assert (callback.type, callback.content) == (4, "Reported helper-bot: buy cheap stuff")
    [message] = reported
    assert message.id == int(spam["id"]) and message.author.bot
    assert ix.data["type"] == 3 and ix.data["target_id"] == spam["id"]


async def test_interaction_answered_twice_is_rejected_by_the_stand_in(world: World) -> None:
    bot = make_bot()
    errors: list[BaseException] = []

    @bot.tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        route = discord.http.Route(
            "POST",
            "/interactions/{webhook_id}/{webhook_token}/callback",
            webhook_id=interaction.id,
            webhook_token=interaction.token,
        )
        try:  # bypass discord.py's own InteractionResponded guard to see what Discord says
            await bot.http.request(route, json={"type": 4, "data": {"content": "two"}})
        except discord.HTTPException as exc:
            errors.append(exc)

    async with running_client(bot, world.api):
        ix = await world.api.slash_command(world.guild, world.general, world.alice, "twice")
        await world.api.wait_for("POST /interactions/{interaction_id}/{token}/callback", count=2)

    assert len(world.api.callbacks_for(ix)) == 1
    [error] = errors
    assert isinstance(error, discord.HTTPException) and error.code == 40060


# ---------------------------------------------------------------------------- limits


def _many(count: int) -> list[discord.Object]:
    return [discord.Object(10**17 + n) for n in range(count)]


PAST_THE_LIMITS = {
    "content": ({"content": "x" * 2001}, "content"),
    "embed-description": ({"embed": discord.Embed(description="x" * 4097)}, "description"),
    "embeds-together": (
        {"embeds": [discord.Embed(description="x" * 3001), discord.Embed(description="x" * 3000)]},
        "Embed size exceeds maximum size of 6000",
    ),
    "mentioned-users": (
        {"content": "hi", "allowed_mentions": discord.AllowedMentions(users=_many(101))},
        "allowed_mentions.users",
    ),
    "mentioned-roles": (
        {"content": "hi", "allowed_mentions": discord.AllowedMentions(roles=_many(101))},
        "allowed_mentions.roles",
    ),
}


@pytest.mark.parametrize("kwargs, said", PAST_THE_LIMITS.values(), ids=PAST_THE_LIMITS.keys())
async def test_a_message_past_discords_limits_is_refused_with_50035(
    world: World, kwargs: dict[str, Any], said: str
) -> None:
    bot = make_bot()
    async with running_client(bot, world.api):
        channel = bot.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(**kwargs)
        posted = await channel.send("short")
        with pytest.raises(discord.HTTPException) as refused_edit:
            await posted.edit(**kwargs)

    for error in (refused.value, refused_edit.value):
        assert (error.status, error.code) == (400, 50035)
        assert said in error.text
    assert [m["content"] for m in world.api.messages_in(world.general)] == ["short"]
    assert len(world.api.refused) == 2


async def test_a_message_at_discords_limits_goes_through(world: World) -> None:
    bot = make_bot()
    async with running_client(bot, world.api):
        channel = bot.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send(
            "x" * 2000,
            embeds=[discord.Embed(title="t" * 256, description="x" * 4096),
                    discord.Embed(description="x" * (6000 - 256 - 4096))],
            allowed_mentions=discord.AllowedMentions(users=_many(100), roles=_many(100)),
        )  # fmt: skip

    [message] = world.api.messages_in(world.general)
    assert len(message["content"]) == 2000 and world.api.refused == []


async def test_an_interaction_answer_past_discords_limits_is_refused(world: World) -> None:
    bot = make_bot()
    errors: list[discord.HTTPException] = []

    @bot.tree.command(name="long", description="Answers at length")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001, ephemeral=True)
        except discord.HTTPException as error:
            errors.append(error)
            await interaction.response.send_message("x" * 2000, ephemeral=True)
        try:
            await interaction.followup.send("y" * 2001)
        except discord.HTTPException as error:
            errors.append(error)

    async with running_client(bot, world.api):
        ix = await world.api.slash_command(world.guild, world.general, world.alice, "long")
        callback = await world.api.wait_for_callback(ix)
        await world.api.wait_for("POST /webhooks/{application_id}/{token}")

    assert [(error.status, error.code) for error in errors] == [(400, 50035)] * 2
    assert callback.content == "x" * 2000
    assert world.api.followups_for(ix) == []
