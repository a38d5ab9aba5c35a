"""Neutral actions carried out with the Slack Web API.

Private things (nudges, private replies and reports) go as ephemeral messages and, when
Slack cannot show one (the person left the channel, the bot is not in it), as a DM.
Rounds are edited in place through the ts the runtime remembered for them. A report
posts its summary, and its full form in the summary's thread. Long replies and reports
go page by page (`blocks.pages`): Slack refuses a message past its limits outright.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.blocks import SlackMessage, Voice
from adapters.slack.people import ClientFor, Directory
from bot.store import review_message_keys
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    CloseReview,
    Outbound,
    PostConcernRound,
    PostReport,
    PostRoundSummary,
    RemindMembers,
    Reply,
    SendNudge,
    SuggestAgreement,
    UpdateRoundProgress,
)

log = logging.getLogger(__name__)

# chat.postEphemeral errors that a DM gets around.
EPHEMERAL_UNREACHABLE = frozenset(
    {"user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived",
     "restricted_action", "ekm_access_denied"}
)  # fmt: skip
# Errors that say the bot is not in the channel (removed from it, perhaps as another
# process heard).
NOT_IN_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})

T = TypeVar("T")
MessageRef = Callable[..., Awaitable[str | None]]  # (workspace, key, *fallback keys)
NotIn = Callable[[str, str], None]  # (workspace, channel)


def error_of(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown")


class Deliverer:
    def __init__(
        self,
        *,
        client_for: ClientFor,
        directory: Directory,
        message_ref: MessageRef,
        commands: frozenset[str] | None = None,
        not_in: NotIn | None = None,
    ) -> None:
        self._client_for = client_for
        self._directory = directory
        self._message_ref = message_ref
        self._commands = commands  # the slash commands the app has (Voice.commands)
        # Told when an ephemeral message, sent as a DM instead, found the bot not in its
        # channel (a failed post raises, and the adapter sees it there).
        self._not_in = not_in

    def voice(self, lang: str, names: Mapping[str, str | None] | None = None) -> Voice:
        return Voice(lang, dict(names or {}), commands=self._commands)

    async def render(self, workspace: str, lang: str, build: Callable[[Voice], T]) -> T:
        """Render twice: first to learn whom the text names, then with their names."""
        probe = self.voice(lang)
        build(probe)
        names = await self._directory.names(workspace, probe.asked) if probe.asked else {}
        return build(self.voice(lang, names))

    async def deliver(
        self, action: Outbound, *, client: AsyncWebClient | None = None
    ) -> str | None:
        """Carry out `action` with its workspace's client, or with `client`."""
        client = client or await self._client_for(action.workspace)
        ws, lang = action.workspace, action.lang
        match action:
            case SendNudge():
                message = await self.render(ws, lang, lambda v: blocks.nudge(action, v))
                direct = await self.render(ws, lang, lambda v: blocks.nudge(action, v, direct=True))
                await self._private(client, ws, action.channel, action.user, message, direct,
                                    thread_ts=action.thread_id)  # fmt: skip
                return None
            case Reply(private=True):
                if action.user is None:  # never let a private reply fall through to public
                    log.error("a private reply without a person to send it to; dropped")
                    return None
                for page in await self.render(ws, lang, lambda v: blocks.reply(action, v)):
                    await self._private(client, ws, action.channel, action.user, page, page,
                                        thread_ts=action.thread_id)  # fmt: skip
                return None
            case Reply():
                first: str | None = None
                for page in await self.render(ws, lang, lambda v: blocks.reply(action, v)):
                    ts = await self._post(client, action.channel, page, action.thread_id)
                    first = first or ts
                return first
            case PostConcernRound():
                message = await self.render(
                    ws,
                    lang,
                    lambda v: blocks.concern_round(
                        action.round,
                        action.channel,
                        v,
                        is_open=not action.closed,
                        withdrawn=action.withdrawn,
                    ),
                )
                return await self._post(client, action.channel, message, action.round.thread_id)
            case UpdateRoundProgress():
                await self._update_round(client, action, is_open=not action.closed)
                return None
            case RemindMembers():
                message = await self.render(ws, lang, lambda v: blocks.reminder(action, v))
                await self._remind(client, action.users, message)
                return None
            case PostRoundSummary():
                try:
                    await self._update_round(client, action, is_open=False)
                except SlackApiError as error:  # the summary matters more than the old buttons
                    log.warning("closing the round message failed: %s", error_of(error))
                message = await self.render(ws, lang, lambda v: blocks.summary(action, v))
                return await self._post(client, action.channel, message, action.round.thread_id)
            case AnnounceAgreement():
                message = await self.render(ws, lang, lambda v: blocks.agreement(action, v))
                return await self._post(client, action.channel, message, action.thread_id)
            case AnnounceReview():
                message = await self.render(ws, lang, lambda v: blocks.review(action, v))
                return await self._post(client, action.channel, message, None)
            case CloseReview():
                await self._close_review(client, action)
                return None
            case SuggestAgreement():
                message = await self.render(ws, lang, lambda v: blocks.suggestion(action, v))
                return await self._post(client, action.channel, message, action.thread_id)
            case AskRenewal(reminder=True):
                message = await self.render(ws, lang, lambda v: blocks.renewal(action, v))
                await self._remind(client, action.users, message)
                return None
            case AskRenewal():
                message = await self.render(ws, lang, lambda v: blocks.renewal(action, v))
                return await self._post(client, action.channel, message, None)
            case AskEvaluation():
                message = await self.render(ws, lang, lambda v: blocks.evaluation(action, v))
                return await self._post(client, action.channel, message, None)
            case PostReport(private=True):
                if action.user is None:
                    log.error("a private report without a person to send it to; dropped")
                    return None
                # Ephemeral messages have no threads: the full report itself, page by page.
                full = await self.render(ws, lang, lambda v: v(action.full))
                for page in blocks.pages(full):
                    await self._private(client, ws, action.channel, action.user, page, page,
                                        thread_ts=None)  # fmt: skip
                return None
            case PostReport():
                return await self._report(client, action)
        raise TypeError(f"the Slack adapter cannot deliver {type(action).__name__}")

    # --- the Web API calls ---------------------------------------------------------

    async def _post(
        self, client: AsyncWebClient, channel: str, message: SlackMessage, thread_ts: str | None
    ) -> str:
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def _private(
        self,
        client: AsyncWebClient,
        workspace: str,
        channel: str,
        user: str,
        message: SlackMessage,
        direct: SlackMessage,
        *,
        thread_ts: str | None,
    ) -> None:
        try:
            await client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread_ts,
            )
        except SlackApiError as error:
            if error_of(error) not in EPHEMERAL_UNREACHABLE:
                raise
            log.info("ephemeral message not possible (%s); sending a DM", error_of(error))
            if error_of(error) in NOT_IN_CHANNEL and self._not_in is not None:
                self._not_in(workspace, channel)
            await self._direct(client, user, direct)

    async def _direct(self, client: AsyncWebClient, user: str, message: SlackMessage) -> str:
        opened = await client.conversations_open(users=user)
        return await self._post(client, opened["channel"]["id"], message, None)

    async def _remind(
        self, client: AsyncWebClient, users: tuple[str, ...], message: SlackMessage
    ) -> None:
        """A DM to each; one unreachable member does not hold up the others."""
        failures: list[SlackApiError] = []
        for user in users:
            try:
                await self._direct(client, user, message)
            except SlackApiError as error:
                log.warning("reminding a member failed: %s", error_of(error))
                failures.append(error)
        if failures and len(failures) == len(users):
            raise failures[0]

    async def _report(self, client: AsyncWebClient, action: PostReport) -> str:
        """The summary in the channel; the full form, when it says more, in its thread."""
        summary, full = await self.render(
            action.workspace,
            action.lang,
            lambda v: (blocks.text(action.summary, v), v(action.full)),
        )
        ts = await self._post(client, action.channel, summary, None)
        if full == summary.text:
            return ts
        try:
            for page in blocks.pages(full):
                await self._post(client, action.channel, page, ts)
        except SlackApiError as error:  # posting the summary again on a retry would be worse
            log.warning("posting the full report in its thread failed: %s", error_of(error))
        return ts

    async def _close_review(self, client: AsyncWebClient, action: CloseReview) -> None:
        """A decided review's message says what was decided and loses its buttons."""
        ts = await self._message_ref(action.workspace, *review_message_keys(action.agreement))
        if ts is None:  # decided by a typed /review before any message, or posted earlier
            return
        message = await self.render(
            action.workspace, action.lang, lambda v: blocks.closed_review(action, v)
        )
        try:
            await client.chat_update(
                channel=action.channel, ts=ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:  # the decision stands; the old buttons say so if used
            log.warning("closing the review message failed: %s", error_of(error))

    async def _update_round(
        self,
        client: AsyncWebClient,
        action: UpdateRoundProgress | PostRoundSummary,
        *,
        is_open: bool,
    ) -> None:
        view = action.round
        ts = await self._message_ref(action.workspace, f"round:{view.round_id}")
        if ts is None:
            log.info("no posted message for round %s; nothing to update", view.round_id)
            return
        if isinstance(action, PostRoundSummary):
            withdrawn = action.outcome == "withdrawn"
        else:
            withdrawn = action.withdrawn
        message = await self.render(
            action.workspace,
            action.lang,
            lambda v: blocks.concern_round(
                view, action.channel, v, is_open=is_open, withdrawn=withdrawn
            ),
        )
        await client.chat_update(
            channel=action.channel, ts=ts, text=message.text, blocks=message.blocks
        )
