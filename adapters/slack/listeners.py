"""Bolt listeners: ack first, then turn the payload into a neutral event and submit it.

Every listener follows Bolt's convention: `ack()` within Slack's 3 seconds (a modal's
ack carries its validation errors), the work in a lazy listener or, for Events API
events that Bolt acks itself, in the listener body. The translation is in
`translate`, the rendering in `blocks`; nothing here decides anything the rules decide.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from adapters.slack import blocks, ids, translate
from adapters.slack.translate import Invalid
from bot.models import now_utc
from rules.events import AgreementSubmitted, CommandInvoked, ProposalAdded
from rules.grammar import COMMANDS

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)

Body = dict[str, Any]
# Registered after the grammar's names, so it only gets what they do not match.
_ANY_COMMAND = re.compile(r"^/.+")


def workspace_of(context: AsyncBoltContext) -> str:
    return translate.workspace_id(team_id=context.team_id, enterprise_id=context.enterprise_id)


KEPT_OPEN_REMEMBERED = 1000


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
        # Problems whose proposal form is being posted now (a form submitted twice).
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
        if self.adapter.installations is not None:  # Bolt drops revoked tokens it stored
            app.event("tokens_revoked")(app.default_tokens_revoked_event_listener())
        else:
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
        app.action(ids.ROUND_NONE)(ack=self.ack, lazy=[self.on_no_concerns])
        app.action(ids.ROUND_CONCERN)(ack=self.ack, lazy=[self.open_concern])
        app.action(ids.ROUND_RECORD)(ack=self.ack, lazy=[self.open_agreement_from_round])
        app.action(ids.REVIEW_KEEP)(ack=self.ack, lazy=[self.on_review_click])
        app.action(ids.REVIEW_RETIRE)(ack=self.ack, lazy=[self.on_review_click])
        app.action(ids.REVIEW_REVISE)(ack=self.ack, lazy=[self.open_revise])
        app.action(ids.RENEWAL_RENEWED)(ack=self.ack, lazy=[self.on_renewal_click])
        app.action(ids.RENEWAL_CHECK)(ack=self.ack, lazy=[self.on_renewal_click])
        app.action(ids.EVALUATE)(ack=self.ack, lazy=[self.open_evaluation])
        app.shortcut(ids.RECORD_SHORTCUT)(ack=self.ack, lazy=[self.open_agreement_from_message])
        app.view(ids.PROPOSAL_MODAL)(ack=self.check_proposal, lazy=[self.on_proposal])
        app.view(ids.CONCERN_MODAL)(ack=self.check_concern, lazy=[self.on_concern])
        app.view(ids.AGREEMENT_MODAL)(ack=self.check_agreement, lazy=[self.on_agreement])
        app.view(ids.REVISE_MODAL)(ack=self.check_revise, lazy=[self.on_revise])
        app.view(ids.EVALUATION_MODAL)(ack=self.check_evaluation, lazy=[self.on_evaluation])

    async def ack(self, ack: AsyncAck) -> None:
        await ack()

    # --- Events API ------------------------------------------------------------------

    async def on_message(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        workspace = workspace_of(context)
        said = translate.message_event(
            event, workspace=workspace, event_id=body["event_id"],
            bot_user_id=context.bot_user_id, now=now_utc(),
        )  # fmt: skip
        if said is None:
            return
        await self.adapter.sync_roster(workspace, said.channel)
        await self.adapter.submit(said)

    async def on_mention(self, body: Body, event: Body, context: AsyncBoltContext) -> None:
        workspace = workspace_of(context)
        # In a channel two organisations share, Slack may deliver "@Groundrules …" aimed
        # at the other organisation's installation (its own bot user) through this one.
        named = translate.leading_mention(event.get("text"))
        other: tuple[str, ...] = ()
        if named and named != context.bot_user_id and await self.adapter.is_app_bot(named):
            other = (named,)
        command = translate.mention_command(
            event, workspace=workspace, event_id=body["event_id"],
            bot_user_id=context.bot_user_id, now=now_utc(), app_bots=other,
        )  # fmt: skip
        if command is None:
            return
        target = translate.command_target(command.name, command.args)
        await self.adapter.sync_roster(
            workspace, command.channel, force=target is not None and target.name == "concerns"
        )
        await self.adapter.submit(await self._in_members_language(command, target))

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
        workspace = workspace_of(context)
        change = translate.member_event(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if change is None:
            return
        if change.user == context.bot_user_id:
            # The bot was invited: watch the channel from the start, with everyone in it.
            if event.get("type") == "member_joined_channel":
                self.adapter.joined_channel(workspace, change.channel)
                await self.adapter.sync_roster(workspace, change.channel, force=True)
            else:
                self.adapter.forget_channel(workspace, change.channel)
            return
        if event.get("type") == "member_joined_channel":
            person = await self.adapter.directory.person(workspace, change.user)
            if not person.human:
                return
        await self.adapter.submit(change)

    async def on_channel_id_changed(
        self, body: Body, event: Body, context: AsyncBoltContext
    ) -> None:
        workspace = workspace_of(context)
        changed = translate.channel_id_changed(
            event, workspace=workspace, event_id=body["event_id"], now=now_utc()
        )
        if changed is None:
            return
        await self.adapter.submit(changed)
        await self.adapter.channel_moved(workspace, changed.old_channel, changed.channel)

    async def on_uninstalled(self, context: AsyncBoltContext) -> None:
        await self.adapter.workspace_removed(workspace_of(context))

    async def on_token_revoked(self, event: Body, context: AsyncBoltContext) -> None:
        """One workspace, one configured token: if it is revoked, only an operator can
        help. Answered all the same, so that Slack does not retry."""
        if (event.get("tokens") or {}).get("bot"):
            log.error("Slack revoked the bot token of %s: reinstall the app and set a new "
                      "SLACK_BOT_TOKEN", workspace_of(context))  # fmt: skip

    async def on_home_opened(self, event: Body, context: AsyncBoltContext) -> None:
        if event.get("tab") not in (None, "home"):
            return
        await self.adapter.publish_home(workspace_of(context), event["user"])

    # --- slash commands --------------------------------------------------------------

    async def on_command(self, command: Body, context: AsyncBoltContext) -> None:
        workspace = workspace_of(context)
        invoked = translate.slash_command(command, workspace=workspace, now=now_utc())
        target = translate.command_target(invoked.name, invoked.args)
        if not await self.adapter.bot_is_in(workspace, invoked.channel, invoked.user):
            hint = target.lang if target is not None else None
            lang = await self.adapter.lang_for(workspace, invoked.user, hint)
            await self.adapter.respond_privately(
                workspace, invoked.user, command.get("response_url"),
                blocks.not_here(invoked.channel, self.adapter.voice(lang)),
            )  # fmt: skip
            return
        if target is not None and target.name == "agree" and not target.args:
            lang = await self.adapter.lang_for(
                workspace, invoked.user, target.lang, channel=invoked.channel
            )
            metadata = ids.pack(ids.MAX_METADATA, c=invoked.channel, l=lang)
            await self.adapter.open_modal(
                workspace, command["trigger_id"], lang,
                lambda voice: blocks.agreement_modal(metadata, voice),
            )  # fmt: skip
            return
        await self.adapter.sync_roster(
            workspace, invoked.channel, force=target is not None and target.name == "concerns"
        )
        await self.adapter.submit(await self._in_members_language(invoked, target))

    # --- buttons ---------------------------------------------------------------------

    @staticmethod
    def _clicked(body: Body) -> Body:
        return (body.get("actions") or [{}])[0]

    def _fields(self, body: Body) -> dict[str, Any]:
        """The clicked button's fields, its table where it was clicked (click_fields)."""
        return translate.click_fields(self._clicked(body).get("value"), translate.clicked_in(body))

    async def on_nudge_click(self, body: Body, context: AsyncBoltContext) -> None:
        clicked = self._clicked(body)
        action_id, value = clicked.get("action_id", ""), clicked.get("value")
        event = translate.nudge_click(
            action_id, value, workspace=workspace_of(context), user=body["user"]["id"],
            at=now_utc(), event_id=trigger_of(body), clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        await self.adapter.submit(event)
        if action_id == ids.NUDGE_WHY:
            return  # the nudge keeps its buttons: the author has yet to choose
        voice = self.adapter.voice(ids.unpack(value).get("l") or "en")
        await self.adapter.replace_original(
            body.get("response_url"), blocks.answered(action_id, voice)
        )

    async def on_no_concerns(self, body: Body, context: AsyncBoltContext) -> None:
        workspace, user = workspace_of(context), body["user"]["id"]
        event = translate.concern_click(
            self._clicked(body).get("value"), workspace=workspace, user=user, at=now_utc(),
            event_id=trigger_of(body), clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        await self.adapter.submit(event)
        if (body.get("container") or {}).get("type") == "view":  # answered on App Home
            await self.adapter.publish_home(workspace, user)

    async def on_review_click(self, body: Body, context: AsyncBoltContext) -> None:
        clicked = self._clicked(body)
        event = translate.review_click(
            clicked.get("action_id", ""), clicked.get("value"), workspace=workspace_of(context),
            user=body["user"]["id"], at=now_utc(), event_id=trigger_of(body),
            clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is not None:
            await self.adapter.submit(event)

    async def on_renewal_click(self, body: Body, context: AsyncBoltContext) -> None:
        """The engine answers for the table; a reminder DM also loses its buttons."""
        clicked = self._clicked(body)
        event = translate.renewal_click(
            clicked.get("action_id", ""), clicked.get("value"), workspace=workspace_of(context),
            user=body["user"]["id"], at=now_utc(), event_id=trigger_of(body),
            clicked_in=translate.clicked_in(body),
        )  # fmt: skip
        if event is None:
            return
        await self.adapter.submit(event)
        if (body.get("channel") or {}).get("id") != event.channel:  # clicked in a DM
            voice = self.adapter.voice(ids.unpack(clicked.get("value")).get("l") or "en")
            await self.adapter.replace_original(body.get("response_url"), voice.say(blocks.DONE))

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
        )  # fmt: skip

    async def open_agreement_from_message(self, body: Body, context: AsyncBoltContext) -> None:
        """The message shortcut: the same form, prefilled with the message's words."""
        workspace, user = workspace_of(context), body["user"]["id"]
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        lang = await self.adapter.lang_for(workspace, user, channel=channel)
        if not channel or not await self.adapter.bot_is_in(workspace, channel, user):
            await self.adapter.respond_privately(
                workspace, user, body.get("response_url"),
                blocks.not_here(channel or "", self.adapter.voice(lang)),
            )  # fmt: skip
            return
        words = translate.unescape(message.get("text"))
        metadata = ids.pack(ids.MAX_METADATA, c=channel, t=translate.thread_of(message),
                            l=lang)  # fmt: skip
        await self.adapter.open_modal(
            workspace, body["trigger_id"], lang,
            lambda voice: blocks.agreement_modal(metadata, voice, text=words),
        )  # fmt: skip

    async def open_revise(self, body: Body, context: AsyncBoltContext) -> None:
        fields = self._fields(body)
        lang = fields.get("l") or "en"
        number = fields.get("n")
        if not isinstance(number, int):
            return
        workspace, channel = workspace_of(context), fields.get("c")
        version = fields.get("v") if isinstance(fields.get("v"), int) else None
        metadata = ids.pack(ids.MAX_METADATA, c=channel, n=number, v=version, l=lang)
        # The text as stored: a button carries only as much of it as fits in its value.
        stored = await self.adapter.agreement_text(workspace, channel, number) if channel else None
        text = stored if stored is not None else fields.get("x") or ""
        shortened = stored is None and bool(fields.get("s"))
        await self.adapter.open_modal(
            workspace, body["trigger_id"], lang,
            lambda voice: blocks.revise_modal(metadata, number, text, voice, shortened=shortened),
        )  # fmt: skip

    # --- modals: ack with the errors, then submit --------------------------------------

    @staticmethod
    async def _answer(ack: AsyncAck, result: object, view: Body) -> None:
        if isinstance(result, Invalid):
            voice = blocks.Voice(translate.metadata(view).get("l") or "en")
            await ack(response_action="errors", errors=blocks.errors(result.errors, voice))
        else:
            await ack()

    def _form(self, parse, body: Body, view: Body, context: AsyncBoltContext):
        return parse(
            view, workspace=workspace_of(context), user=body["user"]["id"], at=now_utc(),
            event_id=trigger_of(body),
        )  # fmt: skip

    async def check_proposal(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        await self._answer(ack, self._form(translate.proposal_form, body, view, context), view)

    async def on_proposal(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        added = self._form(translate.proposal_form, body, view, context)
        if not isinstance(added, ProposalAdded):
            return
        meta = translate.metadata(view)
        lang = meta.get("l") or "en"
        # Checked before posting: a form opened before the problem was settled (answered,
        # withdrawn, deleted) posts nothing. The claim comes before the read, so that a
        # form submitted twice at once cannot pass it twice.
        key = (added.workspace, added.channel, added.problem_id)
        if key in self._answering:
            return  # the first submission posts, and says so
        self._answering.add(key)
        try:
            if not await self.adapter.problem_waiting(*key, proposal=True):
                # The nudge's buttons give way to why nothing happened (else a DM says so).
                settled = blocks.Voice(lang).say(blocks.SETTLED)
                if meta.get("u"):
                    await self.adapter.replace_original(meta["u"], settled)
                else:
                    await self.adapter.respond_privately(added.workspace, added.user, None, settled)
                return
            await self.adapter.post_proposal(added, thread_ts=meta.get("t") or added.problem_id,
                                             lang=lang)  # fmt: skip
            await self.adapter.submit(added)
        finally:
            self._answering.discard(key)
        await self.adapter.replace_original(
            meta.get("u"), blocks.answered(ids.NUDGE_PROPOSE, self.adapter.voice(lang))
        )

    async def check_concern(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        await self._answer(ack, self._form(translate.concern_form, body, view, context), view)

    async def on_concern(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        answered = self._form(translate.concern_form, body, view, context)
        if isinstance(answered, Invalid):
            return
        await self.adapter.submit(answered)
        if translate.metadata(view).get("h"):
            await self.adapter.publish_home(answered.workspace, answered.user)

    async def check_agreement(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        result = self._form(translate.agreement_form, body, view, context)
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
        submitted = self._form(translate.agreement_form, body, view, context)
        if isinstance(submitted, Invalid):
            return  # the ack kept the form open, saying why
        trigger = trigger_of(body)
        try:  # the ack decides within Slack's 3 seconds; without it, the engine does
            kept_open = await asyncio.wait_for(asyncio.shield(self._ack_decision(trigger)), 3.5)
        except TimeoutError:
            kept_open = False
        finally:
            self._kept_open.pop(trigger, None)
        if not kept_open:  # a role read too slowly is refused by the engine, words quoted
            await self.adapter.submit(submitted)

    def _ack_decision(self, trigger: str) -> asyncio.Future[bool]:
        decided = self._kept_open.get(trigger)
        if decided is None:
            decided = self._kept_open[trigger] = asyncio.get_running_loop().create_future()
            while len(self._kept_open) > KEPT_OPEN_REMEMBERED:
                self._kept_open.popitem(last=False)
        return decided

    async def check_revise(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        await self._answer(ack, self._form(translate.revise_form, body, view, context), view)

    async def on_revise(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        decided = self._form(translate.revise_form, body, view, context)
        if not isinstance(decided, Invalid):
            await self.adapter.submit(decided)

    async def check_evaluation(self, ack: AsyncAck, body: Body, view: Body, context) -> None:
        await self._answer(ack, self._form(translate.evaluation_form, body, view, context), view)

    async def on_evaluation(self, body: Body, view: Body, context: AsyncBoltContext) -> None:
        given = self._form(translate.evaluation_form, body, view, context)
        if not isinstance(given, Invalid):
            await self.adapter.submit(given)
