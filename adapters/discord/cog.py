"""The receiving side: gateway events, slash commands, buttons and forms in; events to
the runtime out. What each thing means lives in `translate`; what the bot says back is
decided by the engine and carried out by `delivery`.

While the database does not answer, what the gateway tells (messages, edits, deletes,
members and rosters) is kept and handled once it is back: Discord sends it only once.
Whoever waits on an interaction is told privately that nothing was recorded; the
runtime logs the outage once, not a traceback an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands
from discord.utils import utcnow

from adapters.discord import gone_threads, posting_rights, refusals, translate
from adapters.discord.acknowledged import answered, respond
from adapters.discord.answering import InteractionAnswer
from adapters.discord.commands import build_commands
from adapters.discord.components import (
    COG_NAME,
    agreement_form,
    concern_form,
    evaluation_form,
    nudge_view,
    proposal_form,
    revision_form,
)
from adapters.discord.custom_ids import (
    AgreementForm,
    AgreeOnRound,
    ConcernForm,
    EvaluateMeeting,
    EvaluationForm,
    Form,
    NotNow,
    NudgeChoice,
    ProposalForm,
    RecordSuggestion,
    RenewalAnswer,
    ReviewChoice,
    RevisionForm,
    RoundAnswer,
    Where,
    parse_form,
)
from adapters.discord.left_out import left_out_of
from adapters.discord.refusals import MISSING_ACCESS, MISSING_PERMISSIONS
from adapters.discord.rendering import (
    Outgoing,
    Renderer,
    as_typed,
    channel_mention,
    first_quote,
    jump_url,
    paged,
    say,
)
from adapters.discord.typed_names import SharedName, form_owner, with_members_named
from adapters.heard_while_reading import HeardWhileReading
from adapters.least_recent import LeastRecentSet
from bot import dm_once
from bot.dm_answers import (
    FOR_THE_LATEST,
    NotAProposal,
    NothingWaiting,
    SnoozeAsked,
    answer_in_dm,
    snooze_asked,
    snooze_target,
    snoozed_elsewhere,
)
from bot.keyed_locks import KeyedLocks
from bot.outage import NotRecorded
from bot.views import (
    NudgedProblem,
    nudged_problems,
    problem_language,
    problem_named,
    problem_waiting,
    tables_reminding,
    tables_with_pending_work,
)
from rules.events import AgreementSubmitted, Event, MemberJoined, MemberLeft, RosterSynced
from rules.grammar import CommandSpec, command_language
from rules.i18n import supported
from rules.language import clear_language, detect_language
from rules.say import N_, Lines, Member, Quote, Say, Text
from rules.typed_names import several_in_form
from rules.visible import shows

if TYPE_CHECKING:
    from adapters.discord.delivery import Delivery
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# Tables remembered as rostered (some hundred bytes each; a forum's every post is one):
# one forgotten gets its roster again with its next event, as after a restart.
ROSTERED_HELD = 10_000
# The "Undo" buttons under the thanks for "Not a problem" and "It has a proposal".
UNDOES = ("undo", "unhas")
DONE = N_("Done.")
NOTED = N_("Thank you. Noted.")
OOPS = N_("Something went wrong. Please try again.")
NOT_RECORDED = N_(
    "Sorry, that did not go through: nothing was recorded. Please try again in a few minutes."
)
NOT_HERE = N_("Use this in a channel of a server.")
SETTLED = N_("This is settled already: there is nothing left to choose.")
NOT_IN_SERVER = N_(
    "I am not in that server (any more), so I did nothing with this. Once someone who "
    "manages the server adds me again, it works there."
)
UNREADABLE = N_(
    "I cannot read that channel, so I did nothing there. Ask someone who manages the server "
    "to let me view it (the View Channel permission), then try again."
)
# Discord lets only who may also connect to a call read its chat.
UNREADABLE_CALL = N_(
    "I cannot read the chat of that voice or stage channel, so I did nothing there. Ask "
    "someone who manages the server to let me view it and connect to it (the View Channel "
    "and Connect permissions; I never join the call), then try again."
)
# A nudge's proposal that could not be posted beside its problem: the words come back
# (quoted below it), so that nothing typed is lost, and the nudge's buttons stay.
NOT_POSTED = N_(
    "I could not post your proposal in that channel just now. Your words are below, so "
    "nothing is lost: try again in a while with the buttons under my message, or post "
    "them there yourself."
)
# The post got no answer (the connection broke, Discord's own trouble): it may be there.
MAYBE_POSTED = N_(
    "I am not sure your proposal was posted: Discord did not answer in time. Please look "
    "beside your problem; if it is not there, add it again with the buttons under my "
    "message: I will look for it first, so it is not posted twice."
)
NOT_POSTED_LOCKED = N_(
    "I could not post your proposal: that thread is locked, so nobody can post in it. "
    "Your words are below, so nothing is lost. You could ask a moderator to unlock the "
    "thread, or bring your proposal up elsewhere; the buttons under my message stay for "
    "when you are ready."
)
# The same in a forum's post: Discord calls a forum's threads posts.
NOT_POSTED_LOCKED_POST = N_(
    "I could not post your proposal: that post is locked, so nobody can post in it. "
    "Your words are below, so nothing is lost. You could ask a moderator to unlock the "
    "post, or bring your proposal up elsewhere; the buttons under my message stay for "
    "when you are ready."
)
NOT_POSTED_NOT_ALLOWED = N_(
    "I could not post your proposal: I may not post in that channel. Your words are "
    "below, so nothing is lost. Ask someone who manages the server to give me "
    "{permissions} there, then try again with the buttons under my message."
)
# The same when which permission is missing cannot be told (it changed meanwhile, say).
NOT_POSTED_LEFT_OUT = N_(
    "I could not post your proposal: I am not a member of that private thread. Your "
    "words are below, so nothing is lost. Someone in the thread can add me by mentioning "
    "me there (@{bot}), then try again with the buttons under my message."
)
NOT_POSTED_NOT_ALLOWED_UNKNOWN = N_(
    "I could not post your proposal: I may not post in that channel. Your words are "
    "below, so nothing is lost. Ask someone who manages the server to check my "
    "permissions there, then try again with the buttons under my message."
)
# Discord's refusals of a post: a locked (or archived) thread; no access; no permission.
THREAD_CLOSED = frozenset({160005, 50083})
# A proposal is posted as a reply to its problem.
PROPOSAL_POST = posting_rights.Post(reply=True)
# Answers to words typed in the bot's DM.
NOT_A_PROPOSAL = N_(
    "Thanks for your message. I did not take it for a proposal, so I posted nothing. To add "
    "one to your problem, use “Add a proposal” under my message above (the other choices are "
    "there too), or write it beside your problem:"
)
NOTHING_WAITING = N_(
    "Thanks for your message. Nothing of yours is waiting for a proposal right now. I work in "
    "the channels of a server: my commands and buttons are there."
)
# A message opening with the bot's mention ("@Groundrules help"): a command on Slack, but
# Discord has none by mention, so its writer hears where the commands are, not silence.
USE_THE_SLASH = N_(
    "On Discord my commands start with a slash, not a mention: type / and pick one, such "
    "as /agree or /agreements. /groundrules help lists everything I do."
)
# At most one such pointer per person and channel this often: a few mentions in a row
# hear it once.
POINT_AGAIN_AFTER_S = 300.0
# A form sent with nothing that shows (spaces, zero-width or blank characters only).
WRITE_PROPOSAL = N_("Write your proposal; a small first step is plenty.")
WRITE_CONCERN = N_("Write your concern, or close this and answer “No concerns”.")


def lang_of(interaction: discord.Interaction) -> str:
    return supported(str(interaction.locale))


class GroundrulesCog(commands.Cog, name=COG_NAME):
    def __init__(self, bot: commands.Bot, runtime: Runtime, delivery: Delivery) -> None:
        self.bot = bot
        self.runtime = runtime
        self.delivery = delivery
        # Tables whose roster was sent since this process connected (those heard from
        # lately).
        self._rostered: LeastRecentSet[int] = LeastRecentSet(ROSTERED_HELD)
        # Nudges being answered now, by problem.
        self._answering: set[tuple[str, int]] = set()
        # One roster sync at a time per table, so the newest member list is the last.
        self._sync_locks: KeyedLocks[int] = KeyedLocks()
        # Who was heard joining or leaving a private thread's table while its members
        # were fetched: Discord may have answered before, and it arrives after.
        self._heard_while_reading: HeardWhileReading[int] = HeardWhileReading()
        # Set once the servers READY listed were compared with those the database holds.
        self.listed = asyncio.Event()
        # Set while no event is being handed to the runtime: a stopping adapter waits for
        # it (`handed_in`), so that nothing reaches the runtime after its worker stopped.
        self._handing_in = 0
        self._none_handing_in = asyncio.Event()
        self._none_handing_in.set()
        # Servers this process has looked up or been added to (`_never_heard_of`).
        self._heard_of: set[int] = set()
        # When each (channel, person) was last pointed to the slash commands: kept in
        # this process only, so a restart may point someone once more.
        self._pointed: dict[tuple[int, int], float] = {}
        self._commands = build_commands(self.run_command)
        self._record = app_commands.guild_only(
            app_commands.ContextMenu(
                name=locale_str(N_("Record as agreement")), callback=self.record_as_agreement
            )
        )

    async def cog_load(self) -> None:
        for command in (*self._commands, self._record):
            self.bot.tree.add_command(command)

    async def cog_unload(self) -> None:
        for command in self._commands:
            self.bot.tree.remove_command(command.name)
        self.bot.tree.remove_command(self._record.name, type=discord.AppCommandType.message)

    async def submit(self, event: Event, *, keep: bool, roster_again: bool = False) -> None:
        """Hand `event` (after its table's roster) to the runtime; raises `NotRecorded`
        if it could not be stored. `keep`: an event nobody waits on (the gateway's) is
        kept while the database does not answer, and handled once it does."""
        await self._ensure_roster(event, keep=keep, again=roster_again)
        self._heard_while_reading.note(int(event.channel), event)
        self._handing_in += 1
        self._none_handing_in.clear()
        try:
            await self.runtime.submit(event, platform="discord", keep=keep)
        finally:
            self._handing_in -= 1
            if not self._handing_in:
                self._none_handing_in.set()

    async def handed_in(self) -> None:
        """Once no event is being handed to the runtime."""
        await self._none_handing_in.wait()

    async def _ensure_roster(self, event: Event, *, keep: bool, again: bool = False) -> None:
        """A table heard from for the first time since connecting gets its roster first
        (a private thread's table is known only once someone speaks there); `again`: sent
        once more (before a concern round, so that it asks everyone who is there now,
        whatever the database lost: an operator may have forgotten the server). `keep`:
        as `submit`."""
        if isinstance(event, RosterSynced | MemberJoined | MemberLeft):
            return
        channel_id = int(event.channel)
        if channel_id in self._rostered and not again:
            return
        guild = self.bot.get_guild(translate.guild_of(event.workspace))
        channel = guild.get_channel_or_thread(channel_id) if guild is not None else None
        # A channel's roster is read from the member cache: before the guild's members
        # are all in it, a roster would leave people out (and withdraw their problems).
        # The guild's own sync sends it once they are.
        readers = translate.read_by_all_readers(channel)
        if readers and not channel.guild.chunked:
            return
        # A channel the bot cannot read is no table: nobody is polled about it.
        if readers and not translate.can_read(guild.me, channel):
            return
        if isinstance(channel, translate.TableChannel):
            await self.sync_table(channel, keep=keep)

    # --- the gateway ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """READY lists every server the bot is in, those in an outage too (discord.py
        keeps them all). A server with data here that it leaves out removed the bot while
        it was not connected: Discord sends no GUILD_DELETE for that, so only this tells.
        (Each new session: a restart, or a connection that could not be resumed.)"""
        listed = {translate.workspace_of(guild.id) for guild in self.bot.guilds}
        try:
            await self.runtime.workspaces_listed(translate.PREFIX, listed)
        finally:
            self.listed.set()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server READY lists (or one back from an outage). One that added the bot
        while no process was connected gets no join from Discord, only this: if the
        database has never heard of it, it is introduced to as on a join. Asked before
        its rosters are stored, which make it known; a server known before introductions
        existed (an upgrade) is not introduced to. If the database cannot tell now, it is
        asked again once it answers, before the rosters kept meanwhile are stored."""
        new = await self._never_heard_of(guild)
        await self.sync_guild(guild)
        if new:
            await self._introduce(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        self._heard_of.add(guild.id)
        # Back after a removal: its data stays, even before a channel is readable to
        # send a roster from.
        await self.runtime.workspace_returned(translate.workspace_of(guild.id), keep=True)
        await self.sync_guild(guild)
        await self._introduce(guild)

    async def _never_heard_of(self, guild: discord.Guild) -> bool:
        """Whether nothing of `guild` is stored, asked once a process (noted at once, so
        a second GUILD_CREATE meanwhile does not ask again). False while it cannot be
        told: the runtime asks again later and introduces it then if it is new."""
        if guild.id in self._heard_of:
            return False
        self._heard_of.add(guild.id)
        workspace = translate.workspace_of(guild.id)
        later = partial(self._introduce_if_still_here, guild.id)
        return bool(await self.runtime.never_heard_of(workspace, if_new_later=later))

    async def _introduce_if_still_here(self, guild_id: int) -> None:
        """The introduction a server gets once the database could tell it was new: unless
        the bot left it meanwhile."""
        guild = self.bot.get_guild(guild_id)
        if guild is not None:
            await self._introduce(guild)

    async def _introduce(self, guild: discord.Guild) -> None:
        """Who it is, once (the engine knows whether it said so lately), where Discord
        welcomes newcomers; a server without such a channel it may write in hears nothing."""
        welcome = translate.welcome_channel(guild)
        if welcome is not None:
            await self.submit(translate.bot_joined(welcome, utcnow()), keep=True)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked, banned, or the server was deleted: its data goes after the grace
        period unless the bot is added again (stored once the database answers, if it
        does not now, like the events: Runtime.change)."""
        self._rostered.discard_all(channel.id for channel in guild.channels)
        await self.runtime.workspace_removed(translate.workspace_of(guild.id))

    async def sync_guild(self, guild: discord.Guild) -> None:
        """Every channel the bot can read is a table: send each its roster."""
        if not guild.chunked:
            await guild.chunk()
        # A bot that is stopping sends no more (its next start sends every table's): a
        # busy machine may still be at it when the process is told to stop.
        for channel in translate.open_tables(guild):
            if translate.can_read(guild.me, channel) and not self.bot.is_closed():
                await self.sync_table(channel, keep=True)
        for thread in guild.threads:
            if thread.is_private() and not self.bot.is_closed():
                await self.sync_table(thread, keep=True)

    async def sync_table(self, channel: translate.TableChannel, *, keep: bool) -> None:
        """Send a table its roster: a channel's (or forum post's) readers, a private
        thread's members. `keep`: as `submit`."""
        async with self._sync_locks.hold(channel.id):
            await self._sync_table(channel, keep=keep)

    async def _sync_table(self, channel: translate.TableChannel, *, keep: bool) -> None:
        if translate.read_by_all_readers(channel):
            roster = translate.roster_synced(channel, utcnow())
        elif translate.is_private_thread(channel):
            with self._heard_while_reading.reading(channel.id) as heard:
                try:
                    members = [member.id for member in await channel.fetch_members()]
                except discord.HTTPException as error:
                    log.warning("could not read the members of a private thread: %s", error)
                    return
            roster = translate.thread_roster_synced(channel, members, utcnow())
            roster = replace(roster, members=heard.applied_to(roster.members))
        else:
            return
        # Noted before it is sent: a message meanwhile does not send it again.
        self._rostered.add(channel.id)
        try:
            await self.submit(roster, keep=keep)
        except NotRecorded:  # not sent: the table's next event sends it
            self._rostered.discard(channel.id)
            raise

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if translate.said_to_the_bot_in_dm(message):
            await self._answer_in_dm(message)
            return
        if (place := translate.said_to_the_bot_at_a_table(message)) is not None:
            await self._point_to_the_commands(message, place)
            return
        event = translate.message_posted(message)
        if event is not None:
            await self.submit(event, keep=True)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        event = translate.message_edited(payload.message)
        if event is not None:
            await self.submit(event, keep=True)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._deleted(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._deleted(payload.guild_id, payload.channel_id, sorted(payload.message_ids))

    async def _deleted(self, guild_id: int | None, channel_id: int, message_ids: list[int]) -> None:
        """Deleted messages: the engine withdraws what they said (no cache tells whose
        they were; the engine knows the ones that matter)."""
        guild = self.bot.get_guild(guild_id) if guild_id is not None else None
        if guild is None:
            return  # a DM, or a server the bot left
        channel: object = guild.get_channel_or_thread(channel_id)
        if channel is None:  # an archived thread, say: ask which table it belongs to
            try:
                channel = await guild.fetch_channel(channel_id)
            except discord.HTTPException as error:
                log.info("a deleted message's channel is unknown: %s", error)
                return
        for event in translate.messages_deleted(guild.id, channel, message_ids, utcnow()):
            await self.submit(event, keep=True)

    # A deleted channel or thread: the table's open work there ends (rounds withdrawn
    # without a post, waiting problems no longer nudged about, reminders stopped); its
    # record stays. discord.py tells of each cached thread of a deleted channel too; the
    # others (archived, or unseen since a restart) are looked for (gone_threads).

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        place = translate.place_of(channel)
        if place is not None:  # a forum or a category is no table (a forum's posts are)
            self._rostered.discard(channel.id)
            await self.submit(translate.place_deleted(channel.guild.id, place, utcnow()), keep=True)
        if isinstance(channel, discord.TextChannel | discord.ForumChannel):  # with threads
            await self._threads_gone_with(channel)

    async def _threads_gone_with(self, channel: discord.TextChannel | discord.ForumChannel) -> None:
        """The deleted channel's private threads and forum posts discord.py did not hold,
        whose tables have work to come: their open work ends too."""
        guild = channel.guild
        try:
            tables = await asyncio.to_thread(
                tables_with_pending_work, self.runtime.app.database,
                translate.workspace_of(guild.id),
            )  # fmt: skip
        except Exception as error:
            if not self.runtime.outage.noticed(error):
                raise
            log.warning("channel %s deleted while the database did not answer: its archived "
                        "threads' work is not ended", channel.id)  # fmt: skip
            return
        for thread_id in await gone_threads.gone_with(guild, channel.id, tables):
            self._rostered.discard(thread_id)
            place = translate.own_table(thread_id)
            await self.submit(translate.place_deleted(guild.id, place, utcnow()), keep=True)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is None:
            return
        self._rostered.discard(payload.thread_id)
        place = translate.deleted_thread_place(guild, payload)
        await self.submit(translate.place_deleted(guild.id, place, utcnow()), keep=True)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        for event in translate.members_joined(member, utcnow()):
            await self.submit(event, keep=True)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        for event in translate.members_left(member, utcnow()):
            await self.submit(event, keep=True)

    # Who sits at a table follows who may read the channel.

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        """Permissions of the channel (or of a category its channels follow) may have
        changed."""
        if isinstance(after, discord.CategoryChannel):
            chats = [channel for channel in after.channels if translate.is_chat(channel)]
            channels = [*chats, *_posts(after.forums)]
        elif translate.is_chat(after):
            channels = [after]
        elif isinstance(after, discord.ForumChannel):
            channels = _posts([after])
        else:
            return
        for channel in channels:
            if translate.can_read(channel.guild.me, channel):
                await self.sync_table(channel, keep=True)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        if before.permissions != after.permissions:
            await self.sync_guild(after.guild)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """New or lost roles: the tables the member may read change with them."""
        if before.roles != after.roles:
            for event in translate.access_changed(before, after, utcnow()):
                await self.submit(event, keep=True)

    # A private thread's table follows who is in the thread.

    @commands.Cog.listener()
    async def on_thread_join(self, thread: discord.Thread) -> None:
        if thread.is_private():
            await self.sync_table(thread, keep=True)

    @commands.Cog.listener()
    async def on_thread_member_join(self, member: discord.ThreadMember) -> None:
        if member.thread.is_private():
            await self.sync_table(member.thread, keep=True)

    @commands.Cog.listener()
    async def on_raw_thread_member_remove(self, payload: discord.RawThreadMembersUpdate) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        thread = guild.get_thread(payload.thread_id) if guild is not None else None
        if thread is not None and thread.is_private():
            await self.sync_table(thread, keep=True)

    # --- commands -----------------------------------------------------------------------

    async def run_command(
        self, interaction: discord.Interaction, spec: CommandSpec, text: str
    ) -> None:
        lang = lang_of(interaction)
        origin = translate.origin_of(interaction)
        if origin is None:
            await self._tell(interaction, lang, Say.of(NOT_HERE))
        elif (unreadable := self._unreadable(origin.workspace, origin.channel)) is not None:
            await self._tell(interaction, lang, unreadable)
        elif spec.name == "agree" and not shows(text):
            # Not a form to fill in for nothing: its agreement could not be announced.
            if refused := self._cannot_post_here(interaction, posting_rights.Post()):
                await self._tell(interaction, await self._form_lang(interaction), refused)
                return
            await respond(
                interaction,
                interaction.response.send_modal(agreement_form(await self._form_lang(interaction))),
            )
        else:
            # The client's language picks the name Discord shows, so the name is no sign of
            # the member's: the engine answers in the language of their words, and of
            # their client (origin.lang) only when the words show none.
            named = with_members_named(spec.name, text, interaction.channel, origin.at.date())
            if isinstance(named, Say):
                written = command_language(spec.name, text)
                await self._tell(
                    interaction, await self._form_lang(interaction, None, written), named
                )
                return
            post = posting_rights.posted_by(spec, named, origin.at.date())
            if post is not None and (refused := self._cannot_post_here(interaction, post)):
                written = command_language(spec.name, text)
                await self._tell(
                    interaction, await self._form_lang(interaction, None, written), refused
                )
                return
            command = translate.command_invoked(origin, spec.name, named)
            await self._decide(interaction, command, roster_again=spec.name == "concerns")

    def _cannot_post_here(
        self, interaction: discord.Interaction, post: posting_rights.Post
    ) -> Say | None:
        """What to tell when the bot may not make `post` where `interaction` came from
        (Discord's own account of its permissions there, overwrites included); None when
        it may."""
        if interaction.guild_id is None or interaction.channel is None:
            return None
        return posting_rights.missing(interaction.channel, interaction.app_permissions, post)

    async def record_as_agreement(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Message menu -> Apps -> Record as agreement: the form, filled in with the
        message; where no table is (no form whose answer then fails), said at once."""
        if translate.origin_of(interaction) is None:
            await self._tell(interaction, lang_of(interaction), Say.of(NOT_HERE))
            return
        text = message.clean_content
        if self.bot.user is not None and message.author.id == self.bot.user.id:
            text = as_typed(text)  # the bot's own post: people's words as they typed them
        await respond(
            interaction,
            interaction.response.send_modal(
                agreement_form(await self._form_lang(interaction), text)
            ),
        )

    # --- buttons -----------------------------------------------------------------------

    async def on_nudge(self, interaction: discord.Interaction, choice: NudgeChoice) -> None:
        lang = lang_of(interaction)
        if not await self._is_for(interaction, choice):
            return
        if choice.act in UNDOES:
            # Its problem is settled, not waiting: the engine decides whether it comes back,
            # and says so. The button goes: one undo.
            origin = translate.origin_of(interaction, choice.where)
            assert origin is not None
            await respond(interaction, interaction.response.edit_message(view=None))
            await self._decide(interaction, translate.nudge_answered(origin, choice))
            return
        try:
            waiting = await self._waiting(choice, proposal=choice.act == "add")
        except Exception as error:  # the nudge keeps its buttons, to try again later
            if not self._database_unreachable(error):
                raise
            await self._tell(interaction, lang, Say.of(NOT_RECORDED))
            return
        if choice.act == "open":
            # A quiet reply: posted because its author's DMs were closed.
            self.delivery.note_dms(choice.user, closed=True)
        if not waiting:
            await self._settled(interaction, lang)
            if choice.act == "open" and interaction.message is not None:
                # A quiet reply left from before its settling cleared it: it goes now.
                with contextlib.suppress(discord.HTTPException):
                    await interaction.message.delete()
        elif choice.act == "open":
            question = say(N_("Your problem is still waiting for a proposal. What would you like "
                              "to do?"), lang)  # fmt: skip
            await respond(
                interaction,
                interaction.response.send_message(
                    question, view=nudge_view(choice, lang), ephemeral=True
                ),
            )
            if interaction.message is not None:
                await self._quiet_seen(interaction.message, choice)
        elif choice.act == "add":
            form_lang = await self._form_lang(interaction, choice.where)
            await respond(
                interaction, interaction.response.send_modal(proposal_form(choice, form_lang))
            )
        else:
            origin = translate.origin_of(interaction, choice.where)
            assert origin is not None
            # A choice is made and the buttons go; after "Why?" the author has yet to choose.
            if choice.act != "why":
                await respond(interaction, interaction.response.edit_message(view=None))
            # Its quiet reply, if any, goes once the engine settles it (ClearNudge); a
            # snooze's answer says whether its reminder can reach them (Delivery).
            await self._decide(interaction, translate.nudge_answered(origin, choice))

    async def _form_lang(
        self, interaction: discord.Interaction, where: Where | None = None, shown: str | None = None
    ) -> str:
        """A form at a table speaks the table's language if it chose one (/table language),
        as the engine's answers there do; else the language of the message whose button
        opened it (`shown`), as its answer will; else the person's client language. (So
        does an answer the adapter gives a command itself, `shown` being its words'.)"""
        origin = translate.origin_of(interaction, where)
        if origin is not None:
            chosen = await self.runtime.table_language(origin.workspace, origin.channel)
            if chosen:
                return supported(chosen)
        return supported(shown) if shown else lang_of(interaction)

    async def _waiting(self, choice: NudgeChoice, *, proposal: bool = False) -> bool:
        """Still waiting, and not being answered this moment (a second proposal form).
        `proposal`: for the proposal form (bot.views.problem_waiting)."""
        if _nudge_key(choice) in self._answering:
            return False
        return await self._still_open(choice, proposal=proposal)

    async def _still_open(self, choice: NudgeChoice, *, proposal: bool = False) -> bool:
        workspace = translate.workspace_of(choice.where.guild)
        return await asyncio.to_thread(
            partial(problem_waiting, proposal=proposal), self.runtime.app.database, workspace,
            str(choice.where.channel), str(choice.problem),
        )  # fmt: skip

    def _elsewhere(self, workspace: str) -> Say | None:
        """What to tell when a DM's button or form names a server the bot is not in (its
        id is the client's word; or the bot left since); None when it is in it. Nothing
        is recorded then: its events and outbox items would list a server the bot was
        never in (`groundrules workspace list`) until the retention sweep."""
        if self.bot.get_guild(translate.guild_of(workspace)) is not None:
            return None
        return Say.of(NOT_IN_SERVER)

    def _unreadable(self, workspace: str, channel_id: str) -> Say | None:
        """What to tell when the bot may not read a table's channel; None when it may.
        Discord offers its commands in every channel, also one whose View Channel is
        denied to the bot: acting there would poll people about a round nobody can see,
        whose posts all fail."""
        guild = self.bot.get_guild(translate.guild_of(workspace))
        channel = guild.get_channel_or_thread(int(channel_id)) if guild is not None else None
        if not isinstance(channel, translate.TableChannel):
            return None  # not in the cache (an archived thread, say): as before, posts tell
        if translate.can_read(channel.guild.me, channel):
            return None
        call = isinstance(channel, discord.VoiceChannel | discord.StageChannel)
        return Say.of(UNREADABLE_CALL if call else UNREADABLE)

    async def _settled(self, interaction: discord.Interaction, lang: str) -> None:
        """A button of a nudge that is settled: it goes, and says why nothing happens."""
        if interaction.message is not None and not answered(interaction):
            await respond(interaction, interaction.response.edit_message(view=None))
        await self._tell(interaction, lang, Say.of(SETTLED))

    async def _quiet_seen(self, quiet: discord.Message, choice: NudgeChoice) -> None:
        """The quiet reply reached its author, who opened their choices from it: it names
        them no more, in the language it was posted in (its problem's)."""
        language = await asyncio.to_thread(
            problem_language, self.runtime.app.database,
            translate.workspace_of(choice.where.guild), str(choice.where.channel),
            str(choice.problem),
        )  # fmt: skip
        with contextlib.suppress(discord.HTTPException):
            await self.delivery.quiet_reply_seen(quiet, language)

    async def on_round(self, interaction: discord.Interaction, answer: RoundAnswer) -> None:
        lang = lang_of(interaction)
        if answer.answer == "concern":
            form_lang = await self._form_lang(interaction, answer.where, answer.lang)
            form = ConcernForm(answer.round_id, answer.where, answer.lang)
            await respond(
                interaction, interaction.response.send_modal(concern_form(form, form_lang))
            )
            return
        origin = translate.origin_of(interaction, answer.where, answer.lang)
        if origin is None:
            await self._tell(interaction, lang, Say.of(NOT_HERE))
            return
        await self._decide(interaction, translate.concern_answered(origin, answer.round_id, None))

    async def on_review(self, interaction: discord.Interaction, choice: ReviewChoice) -> None:
        lang = lang_of(interaction)
        where = _forums_table(interaction, choice.table)
        if choice.decision == "revise":
            form_lang = await self._form_lang(interaction, where, shown=choice.lang)
            form = RevisionForm(choice.number, choice.version, choice.lang, choice.table)
            await respond(
                interaction, interaction.response.send_modal(revision_form(form, form_lang))
            )
            return
        origin = translate.origin_of(interaction, where, shown=choice.lang)
        if origin is None:
            await self._tell(interaction, lang, Say.of(NOT_HERE))
            return
        event = translate.review_decided(
            origin, choice.number, choice.decision, version=choice.version, asked_at=choice.asked_at
        )
        await self._decide(interaction, event, fallback=NOTED)

    async def on_agree_on_round(
        self, interaction: discord.Interaction, choice: AgreeOnRound
    ) -> None:
        """The form for the agreement, filled in with the round's proposal; it settles
        that round (not the table's latest)."""
        await self._agreement_form_for_shown(
            interaction, AgreementForm(round_id=choice.round_id, lang=choice.lang)
        )

    async def on_record_suggestion(
        self, interaction: discord.Interaction, choice: RecordSuggestion
    ) -> None:
        """The form for the agreement, filled in with the suggested proposal; only a
        submitted form records anything."""
        await self._agreement_form_for_shown(
            interaction, AgreementForm(suggested=True, lang=choice.lang)
        )

    async def _agreement_form_for_shown(
        self, interaction: discord.Interaction, origin: AgreementForm
    ) -> None:
        """The agreement form, filled in with the proposal the clicked message quotes."""
        form = agreement_form(
            await self._form_lang(interaction, shown=origin.lang), _quoted(interaction.message),
            origin,
        )  # fmt: skip
        await respond(interaction, interaction.response.send_modal(form))

    async def on_renewal(self, interaction: discord.Interaction, answer: RenewalAnswer) -> None:
        """Renewed, or must check first: the same as /mandate renew or /mandate check."""
        origin = translate.origin_of(interaction, answer.where, answer.lang)
        if origin is None:
            await self._tell(interaction, lang_of(interaction), Say.of(NOT_HERE))
            return
        await self._decide(
            interaction, translate.renewal_answered(origin, answer.outcome, answer.meeting_id)
        )

    async def on_not_now(self, interaction: discord.Interaction, choice: NotNow) -> None:
        """ "Not now" under a reminder DM: the engine answers privately until when; the
        reminder keeps its buttons, to answer when the person is ready."""
        origin = translate.origin_of(interaction, choice.where, choice.lang)
        assert origin is not None  # the button names its table
        await self._decide(interaction, translate.reminders_snoozed(origin))

    async def on_evaluate(self, interaction: discord.Interaction, choice: EvaluateMeeting) -> None:
        form_lang = await self._form_lang(interaction, shown=choice.lang)
        form = EvaluationForm(choice.meeting_id, choice.lang)
        await respond(
            interaction, interaction.response.send_modal(evaluation_form(form, form_lang))
        )

    # --- client languages -------------------------------------------------------------------

    @commands.Cog.listener("on_interaction")
    async def remember_client_language(self, interaction: discord.Interaction) -> None:
        """A slash command, button or form shows its member's client language, which
        Discord tells no other way: remembered for the server (written only when it
        changed), for the DMs that answer none of theirs, as Slack's locale is. Beside
        the interaction's own handling, never holding up its answer."""
        known = translate.client_language(interaction)
        # A DM's button or form names its server, in an id that is the client's word: a
        # server the bot is not in keeps nothing.
        if known is not None and self.bot.get_guild(translate.guild_of(known.workspace)):
            await self.runtime.remember_client_language(known.workspace, known.user, known.lang)

    # --- forms -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
            return
        form = parse_form(str(interaction.data.get("custom_id", "")))
        if form is None:
            return
        values = translate.form_values(interaction.data.get("components", []))  # type: ignore[arg-type]
        try:
            await self.on_form(interaction, form, values)
        except Exception as error:
            # The database did not answer before anything was posted (a proposal's claim):
            # forms decide through `_decide`, which says so itself.
            told = NOT_RECORDED if self._database_unreachable(error) else OOPS
            if told is OOPS:
                log.exception("handling a submitted form failed")
            with contextlib.suppress(discord.HTTPException):
                await self._tell(interaction, lang_of(interaction), Say.of(told))

    async def on_form(
        self, interaction: discord.Interaction, form: Form, values: dict[str, str]
    ) -> None:
        lang = lang_of(interaction)
        match form:
            case ProposalForm(nudge=choice):
                proposal = values.get("proposal", "")
                if not shows(proposal):
                    await self._tell(interaction, lang, Say.of(WRITE_PROPOSAL))
                    return
                await self._add_proposal(interaction, choice, proposal)
            case ConcernForm(round_id=round_id, where=where, lang=shown):
                origin = translate.origin_of(interaction, where, shown)
                if not shows(values.get("concern")):
                    # Read as "no concerns" otherwise: the button says that.
                    await self._tell(interaction, lang, Say.of(WRITE_CONCERN))
                elif origin is not None:
                    event = translate.concern_answered(origin, round_id, values.get("concern"))
                    await self._decide(interaction, event)
            case AgreementForm():
                await self._agreement_submitted(interaction, form, values)
            case RevisionForm(number=number, version=version, lang=shown, table=table):
                where = _forums_table(interaction, table)
                origin = translate.origin_of(interaction, where, shown=shown)
                if origin is not None:
                    # The new version is announced in the channel.
                    if refused := self._cannot_post_here(interaction, posting_rights.Post()):
                        await self._tell(interaction, lang, refused)
                        return
                    event = translate.review_decided(
                        origin, number, "revise", values, version=version
                    )
                    await self._decide(interaction, event, fallback=NOTED)
            case EvaluationForm(meeting_id=meeting_id, lang=shown):
                origin = translate.origin_of(interaction, shown=shown)
                if origin is None:
                    await self._tell(interaction, lang, Say.of(NOT_HERE))
                    return
                given = translate.evaluation_given(origin, values, meeting_id)
                if isinstance(given, Say):
                    await self._tell(interaction, lang, given)  # nothing is submitted
                else:
                    await self._decide(interaction, given, fallback=NOTED)

    async def _agreement_submitted(
        self, interaction: discord.Interaction, form: AgreementForm, values: dict[str, str]
    ) -> None:
        """The agreement form. An owner's name several people answer to, or a review date
        that cannot be read, is refused before the engine hears of it, in the language the
        engine would answer in: the table's, else the words', else the form's."""
        origin = translate.origin_of(interaction, shown=form.lang)
        if origin is None:  # no table here (a call's chat it may not read, say): never silence
            await self._tell(interaction, form.lang or lang_of(interaction), Say.of(NOT_HERE))
            return
        # A suggestion's form names the proposal its message quotes (the form is
        # submitted from that message).
        proposal = (_quoted(interaction.message) or "") if form.suggested else None
        text, why = values.get("text", ""), values.get("why", "")
        owner = form_owner(values.get("owner", ""), interaction.channel)
        if isinstance(owner, SharedName):
            submitted: AgreementSubmitted | Say = several_in_form(owner.name, text, why)
        else:
            submitted = translate.agreement_submitted(
                origin, values, owner, round_id=form.round_id, proposal=proposal
            )
        if not isinstance(submitted, Say):
            # The agreement is announced in the channel.
            submitted = self._cannot_post_here(interaction, posting_rights.Post()) or submitted
        if isinstance(submitted, Say):
            written = clear_language(f"{text} {why}") or form.lang
            await self._tell(
                interaction, await self._form_lang(interaction, None, written), submitted
            )
        else:
            await self._decide(interaction, submitted)

    async def _is_for(self, interaction: discord.Interaction, choice: NudgeChoice) -> bool:
        """A nudge's buttons and form are its author's: anyone else is told so. Its id
        names them, and where the problem is, but a form's id is the client's word: the
        problem must be theirs, in the thread it names (its proposal is posted there), or
        nothing is done (an Undo's is the one who said "Not a problem": the engine knows
        whose)."""
        author, lang = str(choice.user), lang_of(interaction)
        if interaction.user.id == choice.user and choice.act not in UNDOES:
            named = await self._problem_named(choice)
            if named is not None:
                author, thread = named
                if author == str(choice.user) and thread != _thread_of(choice):
                    await self._tell(interaction, lang, Say.of(SETTLED))
                    return False
        if str(interaction.user.id) == author:
            return True
        text = Say.of(N_("This button is for {user}."), user=Member(author))
        await self._tell(interaction, lang, text)
        return False

    async def _problem_named(self, choice: NudgeChoice) -> tuple[str, str | None] | None:
        """Who named the nudge's problem, and in which thread; None when not known, or
        while the database does not answer (what the choice does next needs it, and says
        so)."""
        try:
            return await asyncio.to_thread(
                problem_named, self.runtime.app.database,
                translate.workspace_of(choice.where.guild), str(choice.where.channel),
                str(choice.problem),
            )  # fmt: skip
        except Exception as error:
            if not self._database_unreachable(error):
                raise
            return None

    async def _add_proposal(
        self, interaction: discord.Interaction, choice: NudgeChoice, proposal: str
    ) -> None:
        """Post the author's proposal beside their problem, in their name, then tell the engine.
        The form is checked again: its id names the author, whoever submits it."""
        if not await self._is_for(interaction, choice):
            return
        lang = lang_of(interaction)
        origin = translate.origin_of(interaction, choice.where)
        assert origin is not None
        if (refused := self._elsewhere(origin.workspace)) is not None:
            await self._tell(interaction, lang, refused)  # nothing claimed, nothing posted
            return
        if (unreadable := self._unreadable(origin.workspace, origin.channel)) is not None:
            await self._tell(interaction, lang, unreadable)
            return
        if (refused := self._cannot_post_proposal(choice, proposal)) is not None:
            await self._tell(interaction, lang, refused)  # nothing claimed: the buttons stay
            return
        buttons_gone = False

        async def claimed() -> None:
            nonlocal buttons_gone
            if interaction.message is not None:
                # The choice is made.
                await respond(interaction, interaction.response.edit_message(view=None))
                buttons_gone = True

        posted = await self._post_proposal(choice, origin.user, proposal, lang, claimed)
        if posted == Say.of(SETTLED):
            await self._settled(interaction, lang)
        elif isinstance(posted, Lines | Say):
            if buttons_gone:  # not posted: the nudge still waits, with its choices
                await self._restore_nudge(interaction, choice, lang)
            await self._tell(interaction, lang, posted)
        else:
            await self._decide(
                interaction, translate.nudge_answered(origin, choice, proposal, posted=posted)
            )

    async def _restore_nudge(
        self, interaction: discord.Interaction, choice: NudgeChoice, lang: str
    ) -> None:
        """The nudge's buttons back on its message, in the language it was sent in (its
        problem's), after a proposal that could not be posted."""
        shown = await asyncio.to_thread(
            problem_language, self.runtime.app.database,
            translate.workspace_of(choice.where.guild), str(choice.where.channel),
            str(choice.problem),
        )  # fmt: skip
        try:
            await interaction.edit_original_response(view=nudge_view(choice, shown or lang))
        except discord.HTTPException as error:
            log.warning("could not put a nudge's buttons back: %s", error)

    def _cannot_post_proposal(self, choice: NudgeChoice, proposal: str) -> Text | None:
        """What to tell (the proposal quoted back) when the bot may not post beside the
        problem, as far as its cache tells; None when it may or cannot tell."""
        guild = self.bot.get_guild(choice.where.guild)
        target = guild.get_channel_or_thread(choice.where.target) if guild is not None else None
        allowed = posting_rights.in_cache(target)
        if allowed is None:
            return None
        thread = isinstance(target, discord.Thread)
        if thread and target.locked and not allowed.manage_threads:  # type: ignore[union-attr]
            return _not_posted(_locked(target), proposal)
        lacking = posting_rights.missing_permissions(allowed, PROPOSAL_POST, target)
        if not lacking:
            return None
        return _not_posted(_not_allowed(lacking), proposal)

    async def _why_not_posted(self, error: discord.HTTPException, choice: NudgeChoice) -> Say:
        """Discord's refusal of a proposal's post, said for what its author can do: the
        permissions the bot lacks there, as the cache tells now; in a private thread that
        left the bot out, that someone there adds it."""
        if error.code in THREAD_CLOSED:
            guild = self.bot.get_guild(choice.where.guild)
            return _locked(guild.get_channel_or_thread(choice.where.target) if guild else None)
        if error.code == MISSING_ACCESS:
            me = await left_out_of(self.bot, choice.where.guild, choice.where.target)
            if me is not None:
                return Say.of(NOT_POSTED_LEFT_OUT, bot=me)
            return _not_allowed((posting_rights.VIEW_CHANNEL,))
        if error.code == MISSING_PERMISSIONS:
            guild = self.bot.get_guild(choice.where.guild)
            target = guild.get_channel_or_thread(choice.where.target) if guild else None
            post = refusals.refused_post(error) or PROPOSAL_POST
            return _not_allowed(posting_rights.lacking_in(target, post))
        return Say.of(NOT_POSTED)

    async def _post_proposal(
        self,
        choice: NudgeChoice,
        user: str,
        proposal: str,
        lang: str,
        claimed: Callable[[], Awaitable[None]] | None = None,
    ) -> str | Text:
        """The author's answer to a nudge (its form's, or typed in the nudge's DM), posted
        beside their problem in their name: the posted message's id, else what to tell
        them. Claimed before posting, in the database: a second answer (in this process
        or another), or a form opened before the nudge was settled, posts nothing; the
        set spares this process's own second one the database. `claimed`: called once
        the claim is had, before posting."""
        key = _nudge_key(choice)
        if key in self._answering:
            return Say.of(SETTLED)
        self._answering.add(key)
        where = (
            translate.workspace_of(choice.where.guild), str(choice.where.channel),
            str(choice.problem),
        )  # fmt: skip
        try:
            claim = await self.runtime.claim_proposal(*where)
            if claim is None:
                return Say.of(SETTLED)
            if claimed is not None:
                await claimed()
            try:
                return await self.delivery.post_proposal(
                    choice, user, proposal, lang, maybe_posted_since=claim.earlier
                )
            except discord.DiscordServerError as error:  # Discord's trouble: it may be there
                return await self._maybe_posted(where, claim.until, str(error), proposal)
            except discord.HTTPException as error:
                await self.runtime.release_proposal(*where, claim.until)
                log.warning("could not post a proposal for a nudge: %s", error)
                return _not_posted(await self._why_not_posted(error, choice), proposal)
            except (aiohttp.ClientError, TimeoutError) as error:  # only the answer lost?
                return await self._maybe_posted(where, claim.until, type(error).__name__,
                                                proposal)  # fmt: skip
            except Exception:
                await self.runtime.proposal_outcome_unknown(*where, claim.until)
                raise
        finally:
            self._answering.discard(key)

    async def _maybe_posted(
        self, where: tuple[str, str, str], until: datetime, reason: str, proposal: str
    ) -> Lines:
        """A proposal's post whose answer was lost: not given back blind (the next answer
        looks for this post before posting: bot.proposing); what to tell its author."""
        await self.runtime.proposal_outcome_unknown(*where, until)
        log.warning("a proposal for a nudge may not have been posted: %s", reason)
        return _not_posted(Say.of(MAYBE_POSTED), proposal)

    # --- a mention -----------------------------------------------------------------------

    async def _point_to_the_commands(
        self, message: discord.Message, place: translate.Place
    ) -> None:
        """Words to the bot at a table ("@Groundrules agree …"): not the table's chat,
        and no command on Discord. A short reply says where the commands are, pinging
        nobody (not its writer either), at most once a POINT_AGAIN_AFTER_S per person
        and channel."""
        assert message.guild is not None
        now = time.monotonic()
        key = (message.channel.id, message.author.id)
        last = self._pointed.get(key)
        if last is not None and now - last < POINT_AGAIN_AFTER_S:
            return
        # Noted before anything is awaited: a second mention meanwhile is not answered.
        self._pointed = {k: t for k, t in self._pointed.items() if now - t < POINT_AGAIN_AFTER_S}
        self._pointed[key] = now
        # The table's language if it chose one; else that of the words after the mention,
        # read as Slack reads them (a mention is /groundrules there); else the server's.
        chosen = await self.runtime.table_language(
            translate.workspace_of(message.guild.id), place.channel
        )
        words = command_language("groundrules", translate.after_the_mention(message.content))
        lang = supported(chosen or words or str(message.guild.preferred_locale))
        content = Renderer(message.guild, lang, self.bot)(Say.of(USE_THE_SLASH))
        try:
            await message.reply(
                content, mention_author=False, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as error:  # no Send Messages there, or it was deleted
            log.info("could not point a mention to the slash commands: %s", error)

    # --- the nudge's DM ----------------------------------------------------------------

    async def _answer_in_dm(self, message: discord.Message) -> None:
        """Words typed in the bot's DM: the nudge there asked "What would you suggest?".
        A proposal answers the problem its author was nudged about (the latest, if
        several: the DM says which), posted beside it in their name as the nudge's form
        does; "not now" (`snooze 2h`, `nu even niet`) holds things where their latest
        reminder or nudge came from, as on Slack; anything else is answered with where
        to go. Never silence. Answered once, however often the gateway delivers the
        message: to each process of the bot connected, say (bot.dm_once; a DM is with no
        server). While the database does not answer they are told that nothing was
        recorded: Discord sends the message once, so it is theirs to send again."""
        answer_id = dm_once.answer_id(str(message.author.id), str(message.id))
        dms = dm_once.dms_of(translate.PREFIX)
        try:
            async with self.runtime.answering_dm(dms, answer_id) as answering:
                if answering is not None:
                    await self._answered_in_dm(message, answering)
        except Exception as error:
            if not self._database_unreachable(error):
                raise
            # In the language of their words: reading their client's needs the database.
            lang = supported(detect_language(message.content))
            content = Renderer(None, lang, self.bot)(Say.of(NOT_RECORDED))
            with contextlib.suppress(discord.HTTPException):
                await message.channel.send(content, allowed_mentions=discord.AllowedMentions.none())

    async def _answered_in_dm(self, message: discord.Message, answering: dm_once.Answering) -> None:
        database, user = self.runtime.app.database, str(message.author.id)
        say_in_dm = partial(self._say_in_dm, answering, message)
        nudged = await asyncio.to_thread(nudged_problems, database, user, prefix=translate.PREFIX)
        # Of servers the bot is still in.
        waiting = [p for p in nudged if self.bot.get_guild(translate.guild_of(p.workspace))]
        asked = snooze_asked(message.content)  # "not now", as to a reminder
        if asked is not None and await self._snoozed_from_dm(message, asked, waiting, answering):
            return

        def where_of(problem: NudgedProblem) -> Where:
            thread = int(problem.thread_id) if problem.thread_id else None
            return Where(translate.guild_of(problem.workspace), int(problem.channel), thread)

        async def reads_as_proposal(problem: NudgedProblem, words: str) -> bool:
            origin = translate.dm_origin(message, where_of(problem), problem.lang)
            return await self.runtime.reads_as_proposal(
                translate.as_posted(origin, message.id, words)
            )

        answer = await answer_in_dm(waiting, message.content, reads_as_proposal)
        if isinstance(answer, NothingWaiting):
            lang = supported(detect_language(message.content))
            await say_in_dm(None, lang, Say.of(NOTHING_WAITING))
            return
        latest = answer.problem
        where = where_of(latest)
        guild = where.guild
        choice = NudgeChoice("add", where, int(latest.problem_id), message.author.id)
        link = jump_url(guild, where.target, choice.problem)
        origin = translate.dm_origin(message, where, latest.lang)
        if isinstance(answer, NotAProposal):
            await say_in_dm(guild, latest.lang, Say.of(NOT_A_PROPOSAL), link)
            return
        proposal = answer.text
        if answer.several:
            await say_in_dm(guild, latest.lang, Say.of(FOR_THE_LATEST), link)
        if (unreadable := self._unreadable(origin.workspace, origin.channel)) is not None:
            await say_in_dm(guild, latest.lang, unreadable)
            return
        if (refused := self._cannot_post_proposal(choice, proposal)) is not None:
            await say_in_dm(guild, latest.lang, refused)
            return
        posted = await self._post_proposal(choice, origin.user, proposal, latest.lang)
        if isinstance(posted, Lines | Say):
            await say_in_dm(guild, latest.lang, posted)
            return
        answering.reached()  # posted beside the problem
        # The engine's thanks comes by DM: there is no interaction to answer.
        added = translate.nudge_answered(origin, choice, proposal, posted=posted)
        await self.submit(added, keep=True)

    async def _snoozed_from_dm(
        self,
        message: discord.Message,
        asked: SnoozeAsked,
        waiting: list[NudgedProblem],
        answering: dm_once.Answering,
    ) -> bool:
        """ "Not now" typed in the bot's DM, which is no table: a /snooze where the
        member's latest reminder or nudge came from (bot.dm_answers.snooze_target), as
        typed there: at their nudged problem, in its thread, else at the table whose round
        or renewal reminded them. The engine's answer comes by DM, opening with its table
        (until when, what it holds); with other tables waiting on them, the DM first says
        which one it is and how to hold another's. False when nothing waits on them at
        any table of a server the bot is in: the words are answered as any others."""
        database, user = self.runtime.app.database, str(message.author.id)
        reminding = [
            table
            for table in await asyncio.to_thread(
                tables_reminding, database, user, prefix=translate.PREFIX
            )
            if self.bot.get_guild(translate.guild_of(table.workspace))
        ]
        target = snooze_target(waiting, reminding)
        if target is None:
            return False
        problem = target.problem
        guild = translate.guild_of(target.workspace)
        # As the engine answers there: the table's language (or the bot's), else that of
        # their words, else of their problem, else their client's as last remembered.
        lang = (
            await self.runtime.table_language(target.workspace, target.channel)
            or clear_language(message.content)
            or asked.lang
            or (problem.lang if problem is not None else None)
            or (await self.runtime.client_languages(target.workspace, [user])).get(user)
        )
        lang = supported(lang)
        origin = translate.dm_origin(message, Where(guild, int(target.channel)), lang)
        snooze = translate.command_invoked(origin, asked.name, asked.args)
        # At their problem, as typed in its thread; its answer comes back by DM.
        thread = (problem.thread_id or problem.problem_id) if problem is not None else None
        snooze = replace(snooze, thread_id=thread, direct=True)
        if target.others:
            others = [channel_mention(other) for other in target.others]
            said = snoozed_elsewhere(
                channel_mention(target.channel), others, nudged=problem is not None
            )
            await self._say_in_dm(answering, message, guild, lang, said)
        await self.submit(snooze, keep=False)
        answering.reached()
        return True

    async def _say_in_dm(
        self,
        answering: dm_once.Answering,
        message: discord.Message,
        guild: int | None,
        lang: str,
        text: Text,
        link: str | None = None,
    ) -> None:
        """A private part of an answer in the DM `message` was typed in; `link` on its own
        line. Words it gives back are given whole: past Discord's limit, in several
        messages."""
        found = self.bot.get_guild(guild) if guild is not None else None
        content = Renderer(found, lang, self.bot)(text) + (f"\n{link}" if link else "")
        for part in paged(content, lang):
            await message.channel.send(part, allowed_mentions=discord.AllowedMentions.none())
        answering.reached()

    # --- answering ------------------------------------------------------------------------

    async def _decide(
        self,
        interaction: discord.Interaction,
        event: Event,
        *,
        fallback: str = DONE,
        roster_again: bool = False,
    ) -> None:
        """Submit an event from an interaction; the engine's private replies answer it.
        `roster_again`: the table's roster is sent first (`_ensure_roster`)."""
        lang = lang_of(interaction)
        if (refused := self._elsewhere(event.workspace)) is not None:
            await self._tell(interaction, lang, refused)  # nothing is recorded
            return
        if (unreadable := self._unreadable(event.workspace, event.channel)) is not None:
            await self._tell(interaction, lang, unreadable)  # nothing is recorded
            return
        answer = InteractionAnswer(interaction, workspace=event.workspace)
        try:
            await answer.run(self.submit(event, keep=False, roster_again=roster_again))
        except Exception as error:
            if not self._database_unreachable(error):
                log.exception("deciding on %s failed", type(event).__name__)
            # Only an event not stored is "nothing recorded": not one whose delivery
            # failed after it was.
            unrecorded = isinstance(error, NotRecorded) and error.unreachable
            told = say(NOT_RECORDED if unrecorded else OOPS, lang)
            with contextlib.suppress(discord.HTTPException):
                await answer.private([Outgoing(content=told)])
        else:
            await answer.finish(Outgoing(content=say(fallback, lang)))

    def _database_unreachable(self, error: BaseException) -> bool:
        """Whether `error` means the database does not answer: the runtime logs that
        once an outage, not once an interaction."""
        return self.runtime.outage.noticed(error)

    async def _tell(self, interaction: discord.Interaction, lang: str, text: Text) -> None:
        """Only the member who acted sees it. Words it gives back (a form's, refused) are
        given whole: past Discord's limit, in several messages."""
        guild = self.bot.get_guild(interaction.guild_id) if interaction.guild_id else None
        for part in paged(Renderer(guild, lang, self.bot)(text), lang):
            if answered(interaction):
                await interaction.followup.send(part, ephemeral=True)
            else:
                await respond(interaction, interaction.response.send_message(part, ephemeral=True))


def _quoted(message: discord.Message | None) -> str | None:
    """The proposal a message of the bot quotes (a round summary's, a suggestion's)."""
    if message is None:
        return None
    # A long one has its headline in the content and the quote in its embed.
    embedded = message.embeds[0].description if message.embeds else None
    return first_quote(message.content or "") or first_quote(embedded or "")


def _locked(thread: object) -> Say:
    """A proposal's thread is locked: said as Discord names it (a forum's: a post)."""
    return Say.of(NOT_POSTED_LOCKED_POST if posting_rights.in_forum(thread) else NOT_POSTED_LOCKED)


def _not_posted(why: Say, proposal: str) -> Lines:
    """Why a proposal was not posted, and the proposal itself, quoted (it pings nobody)."""
    return Lines((why, Say.of(N_("> {proposal}"), proposal=Quote(proposal))))


def _not_allowed(lacking: tuple[str, ...]) -> Say:
    """Why a proposal was not posted: the bot lacks these permissions (msgids; none:
    which cannot be told)."""
    if not lacking:
        return Say.of(NOT_POSTED_NOT_ALLOWED_UNKNOWN)
    return Say.of(NOT_POSTED_NOT_ALLOWED, permissions=posting_rights.named(lacking))


def _thread_of(choice: NudgeChoice) -> str | None:
    return str(choice.where.thread) if choice.where.thread else None


def _nudge_key(choice: NudgeChoice) -> tuple[str, int]:
    return (translate.workspace_of(choice.where.guild), choice.problem)


def _forums_table(interaction: discord.Interaction, table: int | None) -> Where | None:
    """A click in a forum post the bot opened for a whole forum's review is the forum's
    table's, said in the post (where its answers go); None: the post's own. Only in a
    post of that forum: a form's id is the client's word, and one naming another channel
    (a private one its sender cannot read) acts where it was sent, as any other."""
    if table is None or interaction.guild_id is None or interaction.channel_id is None:
        return None
    if getattr(interaction.channel, "parent_id", None) != table:
        return None
    return Where(interaction.guild_id, table, interaction.channel_id)


def _posts(forums: list[discord.ForumChannel]) -> list[discord.Thread]:
    """A forum's posts known to the cache: each is a table whose members are its readers."""
    return [post for forum in forums for post in forum.threads]
