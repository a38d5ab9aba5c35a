"""Bolt listeners: ack first, then turn the payload into a neutral event and submit it.

Every listener follows Bolt's convention: `ack()` within Slack's 3 seconds (a modal's
ack carries its validation errors), the work in a lazy listener or, for Events API
events that Bolt acks itself, in the listener body. The translation is in
`translate`, the rendering in `blocks`; nothing here decides anything the rules decide.

Acked first, a payload that then cannot be stored (the database does not answer) would
be lost without a word: an Events API event is kept and handled once the database is
back; whoever sent a command, click or form is told privately that nothing was recorded.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from adapters.slack import blocks, ids, translate
from adapters.slack.outbound import error_of
from adapters.slack.translate import Invalid
from bot import dm_once
from bot.dm_answers import (
    NotAProposal,
    NothingWaiting,
    answer_in_dm,
    snooze_asked,
    snooze_target,
)
from bot.models import now_utc
from bot.outage import NotRecorded
from bot.views import NudgedProblem
from rules.events import AgreementSubmitted, CommandInvoked, Event, ProposalAdded
from rules.grammar import COMMANDS, asks_to_undo, resolves_a_concern
from rules.language import clear_language
from rules.say import Say
from rules.visible import shows

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

Body = dict[str, Any]
T = TypeVar("T")
# The commands a nudge names: typed in the bot's DM, they act on a nudged problem.
NUDGE_COMMANDS = frozenset({"not-a-problem", "has-proposal", "snooze", "why"})
# Of those, the ones whose word is taken back with "undo" (rules.dismissals).
UNDOABLE = frozenset({"not-a-problem", "has-proposal"})
# Commands about no table in particular (the ground rules, help): they answer in a DM too.
ANYWHERE = frozenset({"groundrules"})
# What the DM reminders ask for: typed in the bot's DM, it acts at the table it is about.
ROUTED_FROM_DM = frozenset({"concern", "mandate"})
# Registered after the grammar's names, so it only gets what they do not match.
_ANY_COMMAND = re.compile(r"^/.+")


def workspace_of(context: AsyncBoltContext) -> str:
    return translate.workspace_id(team_id=context.team_id, enterprise_id=context.enterprise_id)


KEPT_OPEN_REMEMBERED = 1000
# Where a form that no longer belongs to a table says so.
_FIRST_FIELD = {
    translate.proposal_form: ids.PROPOSAL,
    translate.concern_form: ids.CONCERN,
    translate.agreement_form: ids.WHAT,
    translate.revise_form: ids.NEW_TEXT,
    translate.evaluation_form: ids.score_block(1),
}


# Slack takes a click's trigger_id for 3 seconds: what a form needs to know before it
# opens is waited for this long at most (its lookups may hit a rate limit).
BEFORE_FORM_S = 1.5
NOT_IN_TIME = ""  # what a lookup `_by` its deadline gives when it is not done by then
# How long a form's submission waits for its ack to decide whether the form stays open:
# past Slack's 3 seconds the ack cannot have kept it open, and the engine decides.
ACK_DECISION_WAIT_S = 3.5


async def _by(deadline: float, lookup: Coroutine[Any, Any, T], *, otherwise: T) -> T:
    """What `lookup` finds by `deadline` (the event loop's time), else `otherwise`; a
    lookup not done by then goes on, so that what it learns is there next time."""
    task = asyncio.ensure_future(lookup)
    try:
        async with asyncio.timeout_at(deadline):
            return await asyncio.shield(task)
    except TimeoutError:
        task.add_done_callback(_log_failure)
        return otherwise


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("a lookup left to finish failed: %r", task.exception())


def happened_by(body: Body) -> datetime:
    """When an event had happened (`translate.happened_by`), heard now at the latest."""
    now = now_utc()
    return min(translate.happened_by(body) or now, now)


def trigger_of(body: Body) -> str:
    """The neutral event id of an interaction: Slack's one-off trigger id."""
    trigger = body.get("trigger_id")
    if trigger:
        return str(trigger)
    view = body.get("view") or {}
    return f"view:{view.get('id')}:{view.get('hash')}"


class Listeners:
    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter
        # Problems whose proposal form this process is posting now (a form submitted
        # twice); the database claim (bot.proposing) holds across processes.
        self._answering: set[tuple[str, str, str]] = set()
        # Each agreement form's ack decision (kept open for a role the table lacks, or
        # not), by the submission's trigger, for its lazy half, which Bolt starts beside
        # the ack. Bounded: a lazy half that never runs leaves its entry behind.
        self._kept_open: OrderedDict[str, asyncio.Future[bool]] = OrderedDict()

    def register(self, app: AsyncApp) -> None:
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.event("member_joined_channel")(self.on_member)
        app.event("member_left_channel")(self.on_member)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("app_uninstalled")(self.on_uninstalled)
        app.event("channel_id_changed")(self.on_channel_id_changed)
        app.event("channel_shared")(self.on_sharing_changed)
        app.event("channel_unshared")(self.on_sharing_changed)
        for gone in sorted(translate.ARCHIVED | translate.DELETED):
            app.event(gone)(self.on_place_gone)
        for back in sorted(translate.UNARCHIVED):
            app.event(back)(self.on_place_back)
        app.event("tokens_revoked")(self.on_token_revoked)
        # Both languages' names: manifest.nl.yml registers the Dutch ones with Slack.
        for spec in COMMANDS:
            for name in (spec.name, spec.dutch):
                app.command(f"/{name}")(ack=self.ack, lazy=[self.on_command])
        # Any other command Slack sends (an app configured from an older or edited
        # manifest) is answered too, by the engine, instead of failing in Slack.
        app.command(_ANY_COMMAND)(ack=self.ack, lazy=[self.on_command])
        app.action(ids.NUDGE_PROPOSE)(ack=self.ack, lazy=[self.open_proposal])
        app.action(ids.NUDGE_DISMISS)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.NUDGE_HAS_PROPOSAL)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.NUDGE_SNOOZE)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.NUDGE_WHY)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.NUDGE_UNDO)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.NUDGE_UNDO_PROPOSAL)(ack=self.ack, lazy=[self.on_nudge_click])
        app.action(ids.ROUND_NONE)(ack=self.ack, lazy=[self.on_no_concerns])
        app.action(ids.ROUND_CONCERN)(ack=self.ack, lazy=[self.open_concern])
        app.action(ids.ROUND_RECORD)(ack=self.ack, lazy=[self.open_agreement_from_round])
        app.action(ids.REVIEW_KEEP)(ack=self.ack, lazy=[self.on_review_click])
        app.action(ids.REVIEW_RETIRE)(ack=self.ack, lazy=[self.on_review_click])
        app.action(ids.REVIEW_REVISE)(ack=self.ack, lazy=[self.open_revise])
        app.action(ids.RENEWAL_RENEWED)(ack=self.ack, lazy=[self.on_renewal_click])
        app.action(ids.RENEWAL_CHECK)(ack=self.ack, lazy=[self.on_renewal_click])
        app.action(ids.EVALUATE)(ack=self.ack, lazy=[self.open_evaluation])
        app.action(ids.REMINDERS_SNOOZE)(ack=self.ack, lazy=[self.on_reminders_snoozed])
        app.shortcut(ids.RECORD_SHORTCUT)(ack=self.ack, lazy=[self.open_agreement_from_message])
        app.view(ids.PROPOSAL_MODAL)(ack=self.check_proposal, lazy=[self.on_proposal])
        app.view(ids.CONCERN_MODAL)(ack=self.check_concern, lazy=[self.on_concern])
        app.view(ids.AGREEMENT_MODAL)(ack=self.check_agreement, lazy=[self.on_agreement])
        app.view(ids.REVISE_MODAL)(ack=self.check_revise, lazy=[self.on_revise])
        app.view(ids.EVALUATION_MODAL)(ack=self.check_evaluation, lazy=[self.on_evaluation])

    async def ack(self, ack: AsyncAck) -> None:
        await ack()

    async def _recorded(
        self, work: Awaitable[object], workspace: str, user: str, response_url: str | None,
        lang: str | None,
    ) -> bool:  # fmt: skip
        """Do `work` for a person who waits for it; True when done. If it could not be
        recorded (or the database did not answer a read on the way), False: they are
        told privately, through `response_url` or else by DM, in `lang` or their own."""
        try:
            await work
        except NotRecorded as error:
            if not error.unreachable:  # a fault, not an outage: worth its traceback
                log.error("recording %s failed", error, exc_info=error.__cause__)
        except Exception as error:
            if not self.adapter.database_unreachable(error):
                raise
        else:
            return True
        # Not the table's language: reading that needs the database.
        lang = await self.adapter.lang_for(workspace, user, lang)
        await self.adapter.respond_privately(
            workspace, user, response_url, blocks.not_recorded(self.adapter.voice(lang))
        )
        return False

    async def _click_recorded(self, body: Body, event: Event, lang: str | None) -> bool:
        """`_recorded` for a click's event: told where the click was."""
        return await self._recorded(self.adapter.submit(event), event.workspace,
                                    body["user"]["id"], body.get("response_url"), lang)  # fmt: skip

    async def _form_recorded(self, event: Event, view: Body) -> bool:
        """`_recorded` for a form's event: told by DM (a form has no response_url)."""
        lang = translate.metadata(view).get("l")
        return await self._recorded(
            self.adapter.submit(event), event.workspace, event.user, None, lang
        )

    async def _table(
        self, context: AsyncBoltContext, channel: str | None, *, settle: bool = True
    ) -> str | None:
        """The workspace whose table `channel` is, for a payload through `context`'s
        installation (adapters.slack.homes); None while that table's home has removed the
        bot. `settle=False` for a channel named by a button's value or a form's metadata."""
        return await self.adapter.homes.table_of(workspace_of(context), channel, settle=settle)

    # --- Events API ------------------------------------------------------------------

    async def on_message(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        if event.get("channel_type") == "im":
            await self._answer_in_dm(body, event, context)
            return
        workspace = await self._table(context, event.get("channel"))
        if workspace is None:
            return
        # "@Groundrules agree …" is a command (`on_mention`), to another organisation's
        # installation too: not chat as well. A message says nothing of being a mention.
        text = (event.get("message") or event).get("text")
        said = translate.message_event(
            event, workspace=workspace, event_id=body["event_id"],
            bot_user_id=context.bot_user_id, now=now_utc(),
            app_bots=await self._other_app_bot(text, context, mention=False),
        )  # fmt: skip
        if said is None:
            return
        delivered = workspace_of(context)
        await self.adapter.sync_roster(workspace, said.channel, keep=True, through=delivered)
        await self.adapter.submit(said, keep=True, through=delivered)

    async def on_mention(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        workspace = await self._table(context, event.get("channel"))
        if workspace is None:  # the table's home removed the bot: said why, privately
            if event.get("user") and not event.get("bot_id"):
                await self._table_away(workspace_of(context), event["user"], None)
            return
        # In a channel two organisations share, Slack may deliver "@Groundrules …" aimed
        # at the other organisation's installation (its own bot user) through this one.
        command = translate.mention_command(
            event, workspace=workspace, event_id=body["event_id"],
            bot_user_id=context.bot_user_id, now=now_utc(),
            app_bots=await self._other_app_bot(event.get("text"), context, mention=True),
        )  # fmt: skip
        if command is None:
            return
        target = translate.command_target(command.name, command.args)
        delivered = workspace_of(context)
        # An edited command runs nothing (its author is told): no round to ask for.
        asks_everyone = target is not None and target.name == "concerns" and not command.edited
        await self.adapter.sync_roster(
            workspace, command.channel, force=asks_everyone, keep=True, through=delivered
        )
        await self.adapter.submit(
            await self._in_members_language(command, target), keep=True, through=delivered
        )

    async def _other_app_bot(
        self, text: str | None, context: AsyncBoltContext, *, mention: bool
    ) -> tuple[str, ...]:
        """The app's bot user in another organisation that `text` opens with a mention
        of, if it does; the database knows. An app_mention (`mention`) names one of the
        app's bots: asked afresh, and while the database does not answer, a text that
        does not name this installation's names another's. Most messages that open with
        a mention name a person: a recent reading will do, and meanwhile none is a bot."""
        named = translate.leading_mention(text)
        if not named or named == context.bot_user_id:
            return ()
        try:
            found = await self.adapter.is_app_bot(named, fresh=mention)
        except Exception as error:
            if not self.adapter.database_unreachable(error):
                raise
            found = mention and not translate.mentions(text, context.bot_user_id)
        return (named,) if found else ()

    async def _in_members_language(
        self, command: CommandInvoked, target: translate.Target | None
    ) -> CommandInvoked:
        """A command whose name and words show no language ("@Groundrules ?",
        "/groundrules"), with the member's own from their Slack locale."""
        if target is None or target.lang is not None:
            return command
        lang = await self.adapter.member_language(command.workspace, command.user)
        return replace(command, lang=lang) if lang else command

    async def on_member(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        delivered = workspace_of(context)
        workspace = await self._table(context, event.get("channel"))
        if workspace is None:
            return
        change = translate.member_event(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if change is None:
            return
        if change.user == context.bot_user_id:
            # The bot was invited: watch the channel from the start, with everyone in it.
            # (Its being there is its installation's, whichever table the channel is.)
            if event.get("type") == "member_joined_channel":
                await self.adapter.joined_channel(delivered, change.channel)
                await self.adapter.sync_roster(
                    workspace, change.channel, force=True, keep=True, through=delivered
                )
                # And says who it is (once: the engine knows whether it did lately), in
                # the language of whoever invited it.
                inviter = event.get("inviter")
                lang = await self.adapter.member_language(delivered, inviter) if inviter else None
                joined = translate.bot_joined(change, lang=lang)
                await self.adapter.submit(joined, keep=True, through=delivered)
            else:
                await self.adapter.left_channel(delivered, change.channel)
            return
        if event.get("type") == "member_joined_channel" and not await self.adapter.is_person(
            workspace, change.channel, change.user
        ):
            return
        await self.adapter.submit(change, keep=True, through=delivered)

    async def on_channel_id_changed(
        self, body: Body, event: Body, context: AsyncBoltContext
    ) -> None:
        # The table is the old channel's home's (a shared channel's, whichever
        # installation this came through); while that home has removed the bot, the
        # delivering workspace's own rows move.
        old, delivered = event.get("old_channel_id"), workspace_of(context)
        workspace = await self._table(context, old, settle=False) or delivered
        changed = translate.channel_id_changed(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if changed is None:
            return
        # Kept while the database does not answer: Slack says it only once.
        await self.adapter.submit(changed, keep=True, through=delivered)
        await self.adapter.channel_moved(
            workspace, changed.old_channel, changed.channel, through=delivered
        )

    async def on_place_gone(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """A channel archived or deleted: its table's open round is withdrawn (its asker
        told by DM) and its waiting problems with it (PlaceDeleted). The table is the
        channel's home's where Slack says this installation shares it (homes.Homes);
        a deleted channel this installation no longer sees stays its own, and its home's
        work ends when Slack refuses the home's next post there (adapter.deliver)."""
        delivered = workspace_of(context)
        workspace = await self._table(context, event.get("channel"), settle=False)
        if workspace is None:
            return
        gone = translate.place_gone(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if gone is None:
            return
        self.adapter.place_gone(workspace, gone.channel)
        # Kept while the database does not answer: Slack says it only once.
        await self.adapter.submit(gone, keep=True, through=delivered)

    async def on_place_back(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """A channel unarchived. What ended with its archiving stays ended: its round's
        asker was told it ended and may start a new one, and the problems withdrawn were
        words of the channel's past. The channel is read afresh from now on, and its
        agreements' reviews resume (PlaceBack): they are in force there again."""
        channel = event.get("channel")
        if not isinstance(channel, str) or not channel:
            return
        workspace = await self._table(context, channel, settle=False)
        for table in {workspace_of(context), workspace} - {None}:
            self.adapter.place_back(table, channel)
        back = translate.place_back(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if back is not None:
            await self.adapter.submit(back, keep=True, through=workspace_of(context))

    async def on_sharing_changed(self, event: Body) -> None:
        """A channel shared with another organisation, or no longer (Slack Connect):
        whichever installation Slack tells it through, its table, its home's, reads its
        members again, so that the people of an organisation that left leave it and its
        open round no longer waits for them, and those of one that came are asked in the
        next round (RosterSynced); and whether each installation shares the channel with
        its home is asked of Slack again, not believed for SHARED_KEPT_S more."""
        channel = event.get("channel")
        if not isinstance(channel, str) or not channel:
            return
        self.adapter.homes.sharing_changed(channel)
        home = await self.adapter.homes.home(channel)
        if home is None or self.adapter.home_removed(home):
            return
        await self.adapter.members_changed(home, channel)

    async def on_uninstalled(self, body: Body, context: AsyncBoltContext) -> None:
        await self.adapter.workspace_removed(workspace_of(context), at=happened_by(body))

    async def on_token_revoked(self, event: Body, body: Body, context: AsyncBoltContext) -> None:
        """OAuth installs: the revoked tokens are deleted (as Bolt's own listener does,
        but kept through a database outage). One workspace, one configured token: if it
        is revoked, only an operator can help. Answered all the same, so that Slack does
        not retry."""
        tokens = event.get("tokens") or {}
        if self.adapter.installations is not None:
            await self.adapter.tokens_revoked(
                workspace_of(context), users=list(tokens.get("oauth") or ()),
                bot=bool(tokens.get("bot")), at=happened_by(body),
                org_wide=bool(context.is_enterprise_install),
            )  # fmt: skip
            return
        if tokens.get("bot"):
            log.error("Slack revoked the bot token of %s: reinstall the app and set a new "
                      "SLACK_BOT_TOKEN", workspace_of(context))  # fmt: skip

    async def on_home_opened(self, event: Body, context: AsyncBoltContext) -> None:
        if event.get("tab") not in (None, "home"):
            return
        try:
            await self.adapter.publish_home(workspace_of(context), event["user"])
        except Exception as error:  # the tab shows what it showed before
            if not self.adapter.database_unreachable(error):
                raise

    async def _table_away(
        self, delivered: str, user: str, response_url: str | None, hint: str | None = None
    ) -> None:
        """Told to someone who used a command in a shared channel whose table's home
        removed the bot: nothing is recorded there meanwhile."""
        lang = await self.adapter.lang_for(delivered, user, hint)
        await self.adapter.respond_privately(
            delivered, user, response_url, self.adapter.voice(lang).say(blocks.AWAY)
        )

    # --- slash commands --------------------------------------------------------------

    async def on_command(self, command: Body, context: AsyncBoltContext) -> None:
        delivered = workspace_of(context)
        said = translate.slash_command(command, workspace=delivered, now=now_utc())
        said_target = translate.command_target(said.name, said.args)
        await self._recorded(
            self._command(command, context, delivered), delivered, said.user,
            command.get("response_url"), said_target.lang if said_target is not None else None,
        )  # fmt: skip

    async def _command(self, command: Body, context: AsyncBoltContext, delivered: str) -> None:
        workspace = await self._table(context, command.get("channel_id"))
        invoked = translate.slash_command(command, workspace=workspace or delivered, now=now_utc())
        target = translate.command_target(invoked.name, invoked.args)
        hint = target.lang if target is not None else None
        if workspace is None:
            await self._table_away(delivered, invoked.user, command.get("response_url"), hint)
            return
        channel, user = invoked.channel, invoked.user
        if not await self.adapter.can_answer_in(workspace, delivered, channel, user):
            lang = await self.adapter.lang_for(delivered, user, hint)
            await self.adapter.respond_privately(
                delivered, user, command.get("response_url"),
                blocks.not_here(channel, self.adapter.voice(lang)),
            )  # fmt: skip
            return
        if channel.startswith("D") and target is not None and target.name == "snooze":
            snoozing = await self._snooze_from_dm(invoked, context, target.lang)
            if snoozing is not None:  # else it stays in the DM: the engine says none waits
                invoked, lang, note = snoozing
                text = await self.adapter.deliverer.render(invoked.workspace, lang, note)
                await self.adapter.respond_privately(
                    delivered, user, command.get("response_url"), text
                )
                workspace = invoked.workspace
        elif channel.startswith("D") and target is not None and target.name in NUDGE_COMMANDS:
            undo = target.name in UNDOABLE and asks_to_undo(target.args)
            invoked = await self._at_nudged_table(
                invoked, context, command.get("response_url"), target.lang,
                undo_of=target.name if undo else None,
            )  # fmt: skip
            workspace = invoked.workspace
        elif channel.startswith("D") and target is not None and target.name not in ANYWHERE:
            at_table = await self._at_their_table(
                invoked, context, command.get("response_url"), target
            )
            if at_table is None:
                return
            invoked, workspace = at_table, at_table.workspace
        if target is not None and target.name == "agree" and not shows(target.args):
            lang = await self.adapter.lang_for(
                workspace, invoked.user, target.lang, channel=invoked.channel
            )
            metadata = ids.pack(ids.MAX_METADATA, c=invoked.channel, l=lang)
            await self.adapter.open_modal(
                delivered, command["trigger_id"], lang,
                lambda voice: blocks.agreement_modal(metadata, voice),
                user=user, response_url=command.get("response_url"),
            )  # fmt: skip
            return
        await self.adapter.sync_roster(
            workspace, invoked.channel, force=target is not None and target.name == "concerns"
        )
        named = await self.adapter.with_members_named(invoked)
        if isinstance(named, Say):
            lang = await self.adapter.lang_for(workspace, user, hint, channel=channel)
            text = self.adapter.voice(lang)(named)
            await self.adapter.respond_privately(delivered, user, command.get("response_url"), text)
            return
        await self.adapter.submit(await self._in_members_language(named, target))

    async def _at_nudged_table(
        self,
        invoked: CommandInvoked,
        context: AsyncBoltContext,
        response_url: str | None,
        typed_lang: str | None,
        *,
        undo_of: str | None = None,
    ) -> CommandInvoked:
        """A nudge that came by DM names commands (/snooze, /not-a-problem …); typed in
        the bot's DM, which is no table, they act on the problem the person was nudged
        about, at its table (the latest nudged, if several), in its thread. The DM is
        told which table; the engine's answer, which quotes the problem, follows there
        (`direct`). With none waiting, the command stays in the DM: the engine says
        there is none. An undo (`undo_of` "not-a-problem" or "has-proposal") acts on the
        problem the person last said that of."""
        if undo_of is not None:
            proposes = undo_of == "has-proposal"
            found = await self.adapter.dismissed_problems(invoked.user, proposes=proposes)
        else:
            found = await self.adapter.nudged_problems(invoked.user)
        for nudged in found:
            # One this installation still reaches (a shared channel's home may have left).
            if await self._table(context, nudged.channel, settle=False) == nudged.workspace:
                break
        else:
            return invoked
        lang = await self.adapter.lang_for(
            nudged.workspace, invoked.user, typed_lang or nudged.lang, channel=nudged.channel
        )
        note = await self.adapter.deliverer.render(
            nudged.workspace, lang, lambda voice: blocks.about_nudged(nudged.channel, voice)
        )
        delivered = workspace_of(context)
        await self.adapter.respond_privately(delivered, invoked.user, response_url, note)
        return replace(
            invoked, workspace=nudged.workspace, channel=nudged.channel,
            thread_id=nudged.thread_id or nudged.problem_id, direct=True,
        )  # fmt: skip

    async def _snooze_from_dm(
        self, invoked: CommandInvoked, context: AsyncBoltContext, typed_lang: str | None
    ) -> tuple[CommandInvoked, str, Callable[[blocks.Voice], str]] | None:
        """/snooze typed in the bot's DM (or "not now" in words), which is no table: it
        holds things where the person's latest reminder or nudge came from, as typed
        there: at a nudged problem, in its thread (as `_at_nudged_table`), else at the
        table whose round or renewal reminded them. The snooze as routed, the language
        and what tells the DM which table (and, with several waiting on them, how to
        hold another's); None when nothing waits on them at any table it reaches."""

        async def reached(workspace: str, channel: str) -> bool:
            # A shared channel's home may have left: its table is not this one's now.
            return await self._table(context, channel, settle=False) == workspace

        user = invoked.user
        nudged = [n for n in await self.adapter.nudged_problems(user)
                  if await reached(n.workspace, n.channel)]  # fmt: skip
        reminding = [t for t in await self.adapter.tables_reminding(user)
                     if await reached(t.workspace, t.channel)]  # fmt: skip
        target = snooze_target(nudged, reminding)
        if target is None:
            return None
        workspace, channel, problem = target.workspace, target.channel, target.problem
        lang = await self.adapter.lang_for(
            workspace, user, typed_lang or (problem.lang if problem else None), channel=channel
        )
        routed = replace(invoked, workspace=workspace, channel=channel, thread_id=None, direct=True)
        if problem is not None:
            routed = replace(routed, thread_id=problem.thread_id or problem.problem_id)
        return (
            routed,
            lang,
            lambda v: blocks.snoozed_from_dm(channel, target.others, v, nudged=problem is not None),
        )

    async def _at_their_table(
        self,
        invoked: CommandInvoked,
        context: AsyncBoltContext,
        response_url: str | None,
        target: translate.Target,
    ) -> CommandInvoked | None:
        """A table command typed in the bot's DM, which is no table (a reminder there
        named /concern or /mandate): it acts at the one table it can be about
        (`tables_for_command`: the round waiting for the person's answer, the mandate
        waiting to be renewed, else the only table they sit at). The DM is told which;
        the engine's private answer follows there (`direct`). With none or several,
        nothing is done, and the DM says where to type it (None)."""
        delivered = workspace_of(context)
        reached = [
            table
            for table in await self.adapter.tables_for_command(
                invoked.user,
                target.name,
                resolving=target.name == "concern" and resolves_a_concern(target.args),
            )
            # One this installation still reaches (a shared channel's home may have left).
            if await self._table(context, table.channel, settle=False) == table.workspace
        ]
        # Only what a DM reminder asks for is done from the DM: its answer stays private.
        # A command that speaks at the table (/agree, /concerns, ...) is typed there.
        routed = target.name in ROUTED_FROM_DM
        if len(reached) != 1 or not routed:
            lang = await self.adapter.lang_for(delivered, invoked.user, target.lang)
            channels = [table.channel for table in reached]
            text = await self.adapter.deliverer.render(
                delivered, lang,
                lambda voice: blocks.not_a_table(target.name, channels, voice, routed=routed),
            )  # fmt: skip
            await self.adapter.respond_privately(delivered, invoked.user, response_url, text)
            return None
        [table] = reached
        lang = await self.adapter.lang_for(
            table.workspace, invoked.user, target.lang, channel=table.channel
        )
        note = await self.adapter.deliverer.render(
            table.workspace, lang, lambda voice: blocks.about_table(table.channel, voice)
        )
        await self.adapter.respond_privately(delivered, invoked.user, response_url, note)
        return replace(
            invoked, workspace=table.workspace, channel=table.channel, thread_id=None, direct=True
        )

    # --- the bot's DM ----------------------------------------------------------------

    async def _answer_in_dm(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        """Words typed in the bot's DM (its Messages tab), as Discord answers them
        (bot.dm_answers): a proposal from someone a nudge waits on answers the problem
        they were nudged about last, posted beside it in their name as the nudge's form
        posts it; anything else gets a short pointer, in their language. Never silence,
        never a ping. Not recorded (the database did not answer): they are told so.
        Answered once, however often Slack delivers the event (bot.dm_once); one whose
        answer failed before any of it was said is answered when Slack sends it again."""
        text = translate.typed_in_dm(event, bot_user_id=context.bot_user_id)
        if text is None:
            return
        delivered, user = workspace_of(context), event["user"]
        typed = clear_language(text)
        await self._recorded(
            self._answered_once(body, event, context, text, typed), delivered, user, None, typed
        )

    async def _answered_once(
        self, body: Body, event: Body, context: AsyncBoltContext, text: str, typed: str | None
    ) -> None:
        assert self.adapter.runtime is not None
        answer_id = dm_once.answer_id(event["user"], body["event_id"])
        async with self.adapter.runtime.answering_dm(workspace_of(context), answer_id) as answering:
            if answering is not None:
                await self._answered_in_dm(body, event, context, text, typed, answering)

    async def _answered_in_dm(
        self, body: Body, event: Body, context: AsyncBoltContext, text: str, typed: str | None,
        answering: dm_once.Answering,
    ) -> None:  # fmt: skip
        delivered, user, dm = workspace_of(context), event["user"], event["channel"]
        assert self.adapter.runtime is not None
        runtime = self.adapter.runtime
        said = partial(self._say_in_dm, answering, delivered, dm)
        # Of tables this installation still reaches (a shared channel's home may have left).
        waiting = [
            nudged
            for nudged in await self.adapter.nudged_problems(user)
            if await self._table(context, nudged.channel, settle=False) == nudged.workspace
        ]

        async def reads_as_proposal(problem: NudgedProblem, words: str) -> bool:
            return await runtime.reads_as_proposal(translate.as_posted_beside(
                event, words, workspace=problem.workspace, channel=problem.channel,
                thread_id=problem.thread_id or problem.problem_id, event_id=body["event_id"],
            ))  # fmt: skip

        asked = snooze_asked(text)  # "not now", as to a reminder: held where it came from
        if asked is not None:
            snooze = CommandInvoked(
                workspace=delivered, channel=dm, at=now_utc(), event_id=body["event_id"],
                user=user, name=asked.name, args=asked.args, lang=typed,
            )  # fmt: skip
            snoozing = await self._snooze_from_dm(snooze, context, typed)
            if snoozing is not None:
                routed, lang, note = snoozing
                await said(lang, note)
                await self.adapter.submit(routed)  # the engine's answer follows (`direct`)
                return
        answer = await answer_in_dm(waiting, text, reads_as_proposal)
        if isinstance(answer, NothingWaiting):
            lang = await self.adapter.lang_for(delivered, user, typed)
            await said(lang, lambda v: v.say(blocks.DM_NOTHING_WAITING))
            return
        problem = answer.problem
        lang = await self.adapter.lang_for(
            problem.workspace, user, typed or problem.lang, channel=problem.channel
        )
        if isinstance(answer, NotAProposal):
            await said(lang, lambda v: blocks.not_a_proposal_in_dm(problem.channel, v))
            return
        if answer.several:
            await said(lang, lambda v: blocks.for_the_latest(problem.channel, v))
        added = translate.dm_proposal(
            event, answer.text, workspace=problem.workspace, channel=problem.channel,
            problem_id=problem.problem_id, event_id=body["event_id"],
        )  # fmt: skip
        # Posted at the table in its language, as the nudge's form posts it.
        table_lang = await self.adapter.lang_for(
            problem.workspace, user, problem.lang, channel=problem.channel
        )
        posted = await self._post_for_nudge(
            added, thread_ts=problem.thread_id or problem.problem_id, lang=table_lang,
            response_url=None,
        )  # fmt: skip
        answering.reached()  # posted, or they were told why not
        if posted is not None:  # the engine's thanks comes back to the DM (`direct`)
            await self.adapter.submit(posted)

    async def _say_in_dm(
        self, answering: dm_once.Answering, delivered: str, dm: str, lang: str,
        build: Callable[[blocks.Voice], str],
    ) -> None:  # fmt: skip
        """A private part of an answer in the DM where it was typed: only words, no mention."""
        text = await self.adapter.deliverer.render(delivered, lang, build)
        client = await self.adapter.client_for(delivered)
        await client.chat_postMessage(channel=dm, text=text, unfurl_links=False,
                                      unfurl_media=False)  # fmt: skip
        answering.reached()

    # --- buttons ---------------------------------------------------------------------

    @staticmethod
    def _clicked(body: Body) -> Body:
        return (body.get("actions") or [{}])[0]

    @staticmethod
    def _clicker(body: Body) -> dict[str, Any]:
        """Whom to tell if the form a click asks for does not open, and where."""
        return {"user": body["user"]["id"], "response_url": body.get("response_url")}

    def _fields(self, body: Body) -> dict[str, Any]:
        """The clicked button's fields, its table where it was clicked (click_fields)."""
        return translate.click_fields(self._clicked(body).get("value"), translate.clicked_in(body))

    async def on_nudge_click(self, body: Body, context: AsyncBoltContext) -> None:
        clicked = self._clicked(body)
        action_id, value = clicked.get("action_id", ""), clicked.get("value")
        workspace = await self._table(context, self._fields(body).get("c"), settle=False)
        if workspace is None:
            return
        event = translate.nudge_click(
            action_id, value, workspace=workspace, user=body["user"]["id"],
            at=now_utc(), event_id=trigger_of(body), clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        lang = self._fields(body).get("l")
        if not await self._click_recorded(body, event, lang):
            return
        if action_id == ids.NUDGE_WHY:
            return  # the nudge keeps its buttons: the author has yet to choose
        if action_id in (ids.NUDGE_UNDO, ids.NUDGE_UNDO_PROPOSAL):
            # The thanks goes, with its button: the engine's answer says what was done.
            await self.adapter.delete_original(body.get("response_url"))
            return
        voice = self.adapter.voice(lang or "en")
        await self.adapter.replace_original(
            body.get("response_url"), blocks.answered(action_id, voice)
        )

    async def on_no_concerns(self, body: Body, context: AsyncBoltContext) -> None:
        user, value = body["user"]["id"], self._clicked(body).get("value")
        workspace = await self._table(context, self._fields(body).get("c"), settle=False)
        if workspace is None:
            return
        event = translate.concern_click(
            value, workspace=workspace, user=user, at=now_utc(), event_id=trigger_of(body),
            clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        lang = self._fields(body).get("l")
        if not await self._click_recorded(body, event, lang):
            return
        if (body.get("container") or {}).get("type") == "view":  # answered on App Home
            await self.adapter.publish_home(workspace_of(context), user)

    async def on_review_click(self, body: Body, context: AsyncBoltContext) -> None:
        clicked = self._clicked(body)
        workspace = await self._table(context, self._fields(body).get("c"), settle=False)
        if workspace is None:
            return
        event = translate.review_click(
            clicked.get("action_id", ""), clicked.get("value"), workspace=workspace,
            user=body["user"]["id"], at=now_utc(), event_id=trigger_of(body),
            clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is not None:
            await self._click_recorded(body, event, self._fields(body).get("l"))

    async def on_renewal_click(self, body: Body, context: AsyncBoltContext) -> None:
        """The engine answers for the table; a reminder DM also loses its buttons."""
        clicked = self._clicked(body)
        workspace = await self._table(context, self._fields(body).get("c"), settle=False)
        if workspace is None:
            return
        event = translate.renewal_click(
            clicked.get("action_id", ""), clicked.get("value"), workspace=workspace,
            user=body["user"]["id"], at=now_utc(), event_id=trigger_of(body),
            clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        lang = self._fields(body).get("l")
        if not await self._click_recorded(body, event, lang):
            return
        if (body.get("channel") or {}).get("id") != event.channel:  # clicked in a DM
            voice = self.adapter.voice(lang or "en")
            await self.adapter.replace_original(body.get("response_url"), voice.say(blocks.DONE))

    async def on_reminders_snoozed(self, body: Body, context: AsyncBoltContext) -> None:
        """ "Not now" under a reminder DM: the engine answers by DM until when; the
        reminder keeps its buttons, to answer when the person is ready."""
        workspace = await self._table(context, self._fields(body).get("c"), settle=False)
        if workspace is None:
            return
        event = translate.reminders_snoozed(
            self._clicked(body).get("value"), workspace=workspace, user=body["user"]["id"],
            at=now_utc(), event_id=trigger_of(body), clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is not None:
            await self._click_recorded(body, event, self._fields(body).get("l"))

    async def open_evaluation(self, body: Body, context: AsyncBoltContext) -> None:
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        values = [v for v in fields.get("v") or () if isinstance(v, str)]
        if not fields.get("c") or not values:
            return
        metadata = ids.pack(ids.MAX_METADATA, c=fields["c"], m=fields.get("m"), k=len(values),
                            l=lang)  # fmt: skip
        await self.adapter.open_modal(
            workspace_of(context), body["trigger_id"], lang,
            lambda voice: blocks.evaluation_modal(metadata, values, voice),
            **self._clicker(body),
        )  # fmt: skip

    async def open_proposal(self, body: Body, context: AsyncBoltContext) -> None:
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        # The nudge's response_url goes along, so the nudge can say "Done." once posted.
        metadata = ids.pack(ids.MAX_METADATA, c=fields.get("c"), p=fields.get("p"),
                            t=fields.get("t"), l=lang, u=body.get("response_url"))  # fmt: skip
        await self.adapter.open_modal(
            workspace_of(context), body["trigger_id"], lang,
            lambda voice: blocks.proposal_modal(metadata, fields.get("x") or "", voice),
            **self._clicker(body),
        )  # fmt: skip

    async def open_concern(self, body: Body, context: AsyncBoltContext) -> None:
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        on_home = (body.get("container") or {}).get("type") == "view"
        metadata = ids.pack(ids.MAX_METADATA, c=fields.get("c"), r=fields.get("r"), l=lang,
                            h=1 if on_home else None)  # fmt: skip
        await self.adapter.open_modal(
            workspace_of(context), body["trigger_id"], lang,
            lambda voice: blocks.concern_modal(metadata, fields.get("x") or "", voice),
            **self._clicker(body),
        )  # fmt: skip

    async def open_agreement_from_round(self, body: Body, context: AsyncBoltContext) -> None:
        """ "Record as agreement" under a round's summary (its value names the round, "r")
        or under a suggestion (no round: the form names the proposal, "q")."""
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        text, shortened = fields.get("x") or "", bool(fields.get("s"))
        where = {"c": fields.get("c"), "t": fields.get("t"), "l": lang}
        if fields.get("r"):
            metadata = ids.pack(ids.MAX_METADATA, r=fields["r"], **where)
        else:
            metadata = ids.pack_with_text("q", text, ids.MAX_METADATA, **where)
        await self.adapter.open_modal(
            workspace_of(context), body["trigger_id"], lang,
            lambda voice: blocks.agreement_modal(metadata, voice, text=text, shortened=shortened),
            **self._clicker(body),
        )  # fmt: skip

    async def open_agreement_from_message(self, body: Body, context: AsyncBoltContext) -> None:
        """The message shortcut: the same form, prefilled with the message's words. What
        it needs to know first is looked up within BEFORE_FORM_S (the form must open
        within Slack's 3 seconds): a slow Slack locale is not waited for, a slow "is the
        bot in the channel?" a yes (as when Slack cannot say, `bot_is_in`); a slow table
        leaves the form unopened, and the person is told to try again."""
        delivered, user = workspace_of(context), body["user"]["id"]
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        deadline = asyncio.get_running_loop().time() + BEFORE_FORM_S
        workspace = await _by(deadline, self._table(context, channel), otherwise=NOT_IN_TIME)
        if workspace == NOT_IN_TIME:  # no answer later is worth its wait: Slack's would be
            lang = await self.adapter.lang_for(delivered, user)
            text = self.adapter.voice(lang).say(blocks.FORM_NOT_OPENED)
            await self.adapter.respond_privately(delivered, user, body.get("response_url"), text)
            return
        if workspace is None:
            await self._table_away(delivered, user, body.get("response_url"))
            return
        lang = await _by(
            deadline, self.adapter.lang_for(workspace, user, channel=channel), otherwise=None
        )
        if lang is None:  # their Slack locale was slow: the table's, the bot's, or English
            lang = await self.adapter.lang_for(workspace, user, "en", channel=channel)
        answers = channel and await _by(
            deadline, self.adapter.can_answer_in(workspace, delivered, channel, user),
            otherwise=True,
        )  # fmt: skip
        if not answers:
            await self.adapter.respond_privately(
                delivered, user, body.get("response_url"),
                blocks.not_here(channel or "", self.adapter.voice(lang)),
            )  # fmt: skip
            return
        words = translate.unescape(message.get("text"))
        if message.get("user") == context.bot_user_id or (
            message.get("bot_id") and message.get("bot_id") == context.bot_id
        ):  # the bot's own post shows people's words by look-alikes
            words = blocks.as_written(words)
        metadata = ids.pack(ids.MAX_METADATA, c=channel, t=translate.thread_of(message),
                            l=lang)  # fmt: skip
        await self.adapter.open_modal(
            delivered, body["trigger_id"], lang,
            lambda voice: blocks.agreement_modal(metadata, voice, text=words),
            **self._clicker(body),
        )  # fmt: skip

    async def open_revise(self, body: Body, context: AsyncBoltContext) -> None:
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        number = fields.get("n")
        if not isinstance(number, int):
            return
        channel = fields.get("c")
        workspace = await self._table(context, channel, settle=False)
        version = fields.get("v") if isinstance(fields.get("v"), int) else None
        metadata = ids.pack(ids.MAX_METADATA, c=channel, n=number, v=version, l=lang)
        # The text as stored: a button carries only as much of it as fits in its value.
        stored = None
        if channel and workspace:
            try:
                stored = await self.adapter.agreement_text(workspace, channel, number)
            except Exception as error:  # the form opens; its submission says if it failed
                if not self.adapter.database_unreachable(error):
                    raise
        text = stored if stored is not None else fields.get("x") or ""
        shortened = stored is None and bool(fields.get("s"))
        await self.adapter.open_modal(
            workspace_of(context), body["trigger_id"], lang,
            lambda voice: blocks.revise_modal(metadata, number, text, voice, shortened=shortened),
            **self._clicker(body),
        )  # fmt: skip

    # --- modals: ack with the errors, then submit --------------------------------------

    @staticmethod
    async def _answer(ack: AsyncAck, result: object, view: Body) -> None:
        if isinstance(result, Invalid):
            voice = blocks.Voice(translate.metadata(view).get("l") or "en")
            await ack(response_action="errors", errors=blocks.errors(result.errors, voice))
        else:
            await ack()

    async def _form(self, parse, body: Body, view: Body, context: AsyncBoltContext):
        """The form as an event of the table its metadata names; expired while that
        table's home has removed the bot."""
        workspace = await self._table(context, translate.metadata(view).get("c"), settle=False)
        if workspace is None:
            return Invalid({_FIRST_FIELD[parse]: translate.FORM_EXPIRED})
        return parse(
            view, workspace=workspace, user=body["user"]["id"], at=now_utc(),
            event_id=trigger_of(body),
        )  # fmt: skip

    async def check_proposal(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        form = await self._form(translate.proposal_form, body, view, context)
        await self._answer(ack, form, view)

    async def on_proposal(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        added = await self._form(translate.proposal_form, body, view, context)
        if not isinstance(added, ProposalAdded):
            return
        meta = translate.metadata(view)
        # Claimed before posting, in the database: a form submitted twice (in this
        # process or another) posts once, and one opened before the problem was settled
        # (answered, withdrawn, deleted) posts nothing. The set spares this process's
        # own second submission the database.
        key = (added.workspace, added.channel, added.problem_id)
        if key in self._answering:
            return  # the first submission posts, and says so
        self._answering.add(key)
        try:
            await self._recorded(self._answer_nudge(added, meta), added.workspace, added.user,
                                 meta.get("u"), meta.get("l"))  # fmt: skip
        finally:
            self._answering.discard(key)

    async def _answer_nudge(self, added: ProposalAdded, meta: Body) -> None:
        lang = meta.get("l") or "en"
        posted = await self._post_for_nudge(
            added, thread_ts=meta.get("t") or added.problem_id, lang=lang,
            response_url=meta.get("u"),
        )  # fmt: skip
        if posted is None:
            return
        await self.adapter.submit(posted)
        await self.adapter.replace_original(
            meta.get("u"), blocks.answered(ids.NUDGE_PROPOSE, self.adapter.voice(lang))
        )

    async def _post_for_nudge(
        self, added: ProposalAdded, *, thread_ts: str, lang: str, response_url: str | None
    ) -> ProposalAdded | None:
        """A nudge's proposal (its form's, or typed in the bot's DM), posted in the
        problem's thread in its author's name: `added` as posted, for the table to
        answer. Claimed first, in the database: a second answer (in this process or
        another), or one for a problem settled meanwhile, posts nothing. None when
        nothing was posted; its author is told why, beside the nudge (`response_url`,
        whose buttons give way) or else by DM."""
        key = (added.workspace, added.channel, added.problem_id)
        assert self.adapter.runtime is not None
        claimed = await self.adapter.runtime.claim_proposal(*key)
        if claimed is None:
            if await self.adapter.problem_waiting(*key, proposal=True):
                return None  # another process posts it, and says so
            settled = blocks.Voice(lang).say(blocks.SETTLED)
            if response_url:
                await self.adapter.replace_original(response_url, settled)
            else:
                await self.adapter.respond_privately(added.workspace, added.user, None, settled)
            return None
        try:
            return await self.adapter.post_proposal(
                added, thread_ts=thread_ts, lang=lang, maybe_posted_since=claimed.earlier
            )
        except SlackApiError as error:
            if error.response.status_code >= 500:  # Slack's own trouble: it may have posted
                await self._maybe_posted(added, claimed.until, response_url, lang, error_of(error))
                return None
            # Refused. The form has closed (or the DM was read) and this is no outbox
            # item: nothing retries the post. The problem still waits, and its author
            # gets their words back.
            await self.adapter.runtime.release_proposal(*key, claimed.until)
            log.warning("could not post a proposal for a nudge: %s", error_of(error))
            await self._not_posted(added, response_url, lang)
            return None
        except (aiohttp.ClientError, TimeoutError) as error:
            # Only the answer may be lost: Slack may have posted it.
            await self._maybe_posted(added, claimed.until, response_url, lang,
                                     type(error).__name__)  # fmt: skip
            return None
        except Exception:
            await self.adapter.runtime.proposal_outcome_unknown(*key, claimed.until)
            raise

    async def _maybe_posted(
        self, added: ProposalAdded, until: datetime, response_url: str | None, lang: str,
        reason: str,
    ) -> None:  # fmt: skip
        """A proposal's post whose answer was lost: not given back blind (the next answer
        looks for this post before posting: bot.proposing), and its author is told it may
        be there, not asked to post it themselves."""
        assert self.adapter.runtime is not None
        await self.adapter.runtime.proposal_outcome_unknown(
            added.workspace, added.channel, added.problem_id, until
        )
        log.warning("a proposal for a nudge may not have been posted: %s", reason)
        text = await self.adapter.deliverer.render(
            added.workspace, lang, lambda voice: blocks.maybe_posted(added.text, voice)
        )
        try:
            await self.adapter.respond_privately(added.workspace, added.user, response_url, text)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.error("could not tell the author of a proposal that it may not be posted: %s",
                      type(error).__name__)  # fmt: skip

    async def _not_posted(self, added: ProposalAdded, response_url: str | None, lang: str) -> None:
        """Tell the author of a proposal Slack would not post, beside the nudge (which
        keeps its buttons) or else by DM, with the words they typed."""
        text = await self.adapter.deliverer.render(
            added.workspace, lang, lambda voice: blocks.not_posted(added.text, voice)
        )
        try:
            await self.adapter.respond_privately(added.workspace, added.user, response_url, text)
        except SlackApiError as error:
            log.error("could not tell the author of a proposal that it was not posted: %s",
                      error_of(error))  # fmt: skip

    async def check_concern(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        form = await self._form(translate.concern_form, body, view, context)
        await self._answer(ack, form, view)

    async def on_concern(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        answered = await self._form(translate.concern_form, body, view, context)
        if isinstance(answered, Invalid) or not await self._form_recorded(answered, view):
            return
        if translate.metadata(view).get("h"):
            await self.adapter.publish_home(workspace_of(context), answered.user)

    async def check_agreement(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        result = await self._form(translate.agreement_form, body, view, context)
        kept_open = False
        if isinstance(result, AgreementSubmitted):
            # A role the table does not have: the form stays open with the person's words
            # (a quick read, within the 3 seconds; if slow, the engine refuses instead).
            unknown = await self.adapter.unknown_role(result)
            if unknown is not None:
                kept_open, result = True, Invalid({ids.ROLE: unknown})
            decided = self._ack_decision(trigger_of(body))
            if not decided.done():
                decided.set_result(kept_open)
        await self._answer(ack, result, view)

    async def on_agreement(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        submitted = await self._form(translate.agreement_form, body, view, context)
        if isinstance(submitted, Invalid):
            return  # the ack kept the form open, saying why
        trigger = trigger_of(body)
        try:  # the ack decides within Slack's 3 seconds; without it, the engine does
            kept_open = await asyncio.wait_for(
                asyncio.shield(self._ack_decision(trigger)), ACK_DECISION_WAIT_S
            )
        except TimeoutError:
            kept_open = False
        finally:
            self._kept_open.pop(trigger, None)
        if not kept_open:  # a role read too slowly is refused by the engine, words quoted
            await self._form_recorded(submitted, view)

    def _ack_decision(self, trigger: str) -> asyncio.Future[bool]:
        decided = self._kept_open.get(trigger)
        if decided is None:
            decided = self._kept_open[trigger] = asyncio.get_running_loop().create_future()
            while len(self._kept_open) > KEPT_OPEN_REMEMBERED:
                self._kept_open.popitem(last=False)
        return decided

    async def check_revise(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        form = await self._form(translate.revise_form, body, view, context)
        await self._answer(ack, form, view)

    async def on_revise(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        decided = await self._form(translate.revise_form, body, view, context)
        if not isinstance(decided, Invalid):
            await self._form_recorded(decided, view)

    async def check_evaluation(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        form = await self._form(translate.evaluation_form, body, view, context)
        await self._answer(ack, form, view)

    async def on_evaluation(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        given = await self._form(translate.evaluation_form, body, view, context)
        if not isinstance(given, Invalid):
            await self._form_recorded(given, view)
