"""Neutral actions carried out with the Slack Web API.

Private things (nudges, private replies and reports) go as ephemeral messages and, when
Slack cannot show one (the person left the channel, the bot is not in it), as a DM.
Reminders go as a DM to each member (through their own organisation's installation, at
a table shared with another organisation; one Slack will not let the bot DM sees it in
the channel, to them alone); a retry after some failed DMs only the rest.
Rounds are edited in place through the ts the runtime remembered for them. A report
posts its summary, and its full form in the summary's thread. Long replies, reports,
summaries and announcements go page by page (`blocks.pages`): Slack refuses a message
past its limits outright. An action that fails part-way is offered again by the
outbox; its retry, by whichever process, sends only the pages and DMs that did not go
out (bot.sent_steps). A private message Slack will show a member neither in the channel
nor by DM (NO_DM: deactivated, of another organisation, their Messages tab off) is
undeliverable at once: trying again would fail the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.blocks import SlackMessage, Voice
from adapters.slack.people import ClientFor, Directory
from adapters.slack.posted_once import posted_already, posted_metadata
from adapters.slack.translate import team_of, workspace_id
from bot.sent_steps import Sent, sent_of
from bot.store import Undeliverable, review_message_keys
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
from rules.i18n import supported

log = logging.getLogger(__name__)

# chat.postEphemeral errors that a DM gets around.
EPHEMERAL_UNREACHABLE = frozenset(
    {"user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived",
     "restricted_action", "ekm_access_denied"}
)  # fmt: skip
# conversations.open and chat.postMessage errors that say this member can never be sent a
# DM by the bot: trying again would fail the same way. messages_tab_disabled: an app
# made from an older manifest, its Messages tab off (App Home), until someone turns it on.
# invalid_user_combination: someone of another organisation (Slack Connect).
NO_DM = frozenset(
    {"user_not_found", "user_not_visible", "user_disabled", "cannot_dm_bot",
     "restricted_action", "is_archived", "messages_tab_disabled", "invalid_user_combination"}
)  # fmt: skip
# Errors that mean the stored token is no longer good: look it up again next time.
TOKEN_ERRORS = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed"})
# A Slack user id ("U0123ABCD", "W…" in an Enterprise Grid); a name is none.
_SLACK_USER = re.compile(r"[UW][A-Z0-9\-]+")
# Errors that say the bot is not in the channel (removed from it, perhaps as another
# process heard).
NOT_IN_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})

T = TypeVar("T")
MessageRef = Callable[..., Awaitable[str | None]]  # (workspace, key, *fallback keys)
NotIn = Callable[[str, str], None]  # (workspace, channel)


async def _ready(message: SlackMessage) -> SlackMessage:
    return message


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
        """Carry out `action` with its workspace's client, or with `client`; after a
        failure part-way, the retry of the same action sends only what did not go out."""
        client = client or await self._client_for(action.workspace)
        ws, lang = action.workspace, action.lang
        match action:
            case SendNudge():
                message = await self.render(ws, lang, lambda v: blocks.nudge(action, v))
                direct = await self.render(ws, lang, lambda v: blocks.nudge(action, v, direct=True))
                done = await sent_of(action)
                dm = done.pages("dm", [direct], _page)

                async def by_dm(unshown: str | None) -> None:
                    await self._dm_once(client, ws, action.user, done, "dm", 0, dm, unshown)

                if done.may_have_gone("dm", 0):  # not shown in the channel as well
                    await by_dm(None)
                else:
                    await self._private(client, ws, action.channel, action.user, message,
                                        by_dm, thread_ts=action.thread_id)  # fmt: skip
                return None
            case Reply(private=True):
                if action.user is None:  # never let a private reply fall through to public
                    log.error("a private reply without a person to send it to; dropped")
                    return None
                if not _SLACK_USER.fullmatch(action.user):
                    # An owner written in words: nobody to reach, now or on a retry.
                    log.info("a private reply was skipped: no Slack member to send it to")
                    return None
                messages = await self.render(ws, lang, lambda v: blocks.reply(action, v))
                await self._private_pages(client, action, action.user, messages,
                                          action.thread_id, direct=action.direct)  # fmt: skip
                return None
            case Reply():
                messages = await self.render(ws, lang, lambda v: blocks.reply(action, v))
                return await self._post_pages(client, action, messages, action.thread_id)
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
                # As the round stands now, not as a try before rendered it.
                return await self._post_once(client, action, message, action.round.thread_id)
            case UpdateRoundProgress():
                await self._update_round(client, action, is_open=not action.closed)
                return None
            case RemindMembers():
                message = await self.render(ws, lang, lambda v: blocks.reminder(action, v))
                await self._remind(client, action, lambda _user: _ready(message))
                return None
            case PostRoundSummary():
                try:
                    await self._update_round(client, action, is_open=False)
                except SlackApiError as error:  # the summary matters more than the old buttons
                    log.warning("closing the round message failed: %s", error_of(error))
                messages = await self.render(ws, lang, lambda v: blocks.summary(action, v))
                return await self._post_pages(client, action, messages, action.round.thread_id)
            case AnnounceAgreement():
                messages = await self.render(ws, lang, lambda v: blocks.agreement(action, v))
                return await self._post_pages(client, action, messages, action.thread_id)
            case AnnounceReview():  # once, as a forum's review post on Discord
                message = await self.render(ws, lang, lambda v: blocks.review(action, v))
                return await self._post_pages(client, action, [message], None)
            case CloseReview():
                await self._close_review(client, action)
                return None
            case SuggestAgreement():
                messages = await self.render(ws, lang, lambda v: blocks.suggestion(action, v))
                return await self._post_pages(client, action, messages, action.thread_id)
            case AskRenewal(reminder=True):
                await self._remind(client, action, self._renewal_reminder(action))
                return None
            case AskRenewal():
                messages = await self.render(ws, lang, lambda v: blocks.renewal(action, v))
                return await self._post_pages(client, action, messages, None)
            case AskEvaluation():
                message = await self.render(ws, lang, lambda v: blocks.evaluation(action, v))
                return await self._post_once(client, action, message, None)
            case PostReport(private=True):
                if action.user is None:
                    log.error("a private report without a person to send it to; dropped")
                    return None
                # Ephemeral messages have no threads: the full report itself, page by page.
                full = await self.render(ws, lang, lambda v: v(action.full))
                paged = blocks.pages(full, self.voice(lang))
                await self._private_pages(client, action, action.user, paged, None)
                return None
            case PostReport():
                return await self._report(client, action)
        raise TypeError(f"the Slack adapter cannot deliver {type(action).__name__}")

    # --- pages ---------------------------------------------------------------------

    async def _post_pages(
        self,
        client: AsyncWebClient,
        action: Outbound,
        messages: list[SlackMessage],
        thread_ts: str | None,
        *,
        step: str = "post",
    ) -> str:
        """Each page not yet posted for `action`; the first page's ts (the one to keep).
        Each carries its key in its metadata, for a retry to find it by (bot.sent_steps:
        posted once)."""
        done = await sent_of(action)
        messages = done.pages(step, messages, _page)
        for index, page in enumerate(messages):

            async def post(key: str, page: SlackMessage = page) -> str:
                return await self._post(client, action.channel, page, thread_ts, key=key)

            async def find(key: str, since: datetime) -> str | None:
                return await posted_already(client, action.channel, thread_ts, key, since)

            await done.post_page_once(step, index, messages, asdict, post, find)
        return done[f"{step}:0"]  # type: ignore[return-value]

    async def _post_once(
        self, client: AsyncWebClient, action: Outbound, message: SlackMessage,
        thread_ts: str | None,
    ) -> str:  # fmt: skip
        """`message`, one page rendered afresh on every try, posted once for `action`: a
        try whose answer was lost leaves it to be looked for (`_post_pages`)."""
        done = await sent_of(action)

        async def post(key: str) -> str:
            return await self._post(client, action.channel, message, thread_ts, key=key)

        async def find(key: str, since: datetime) -> str | None:
            return await posted_already(client, action.channel, thread_ts, key, since)

        await done.post_page_once("post", 0, [message], asdict, post, find)
        return done["post:0"]  # type: ignore[return-value]

    async def _private_pages(
        self,
        client: AsyncWebClient,
        action: Reply | PostReport,
        user: str,
        messages: list[SlackMessage],
        thread_ts: str | None,
        *,
        direct: bool = False,
    ) -> None:
        """Each page not yet shown to `user` for `action` (ephemeral, else by DM; by DM
        when `direct`: the answer to a command typed there)."""
        done = await sent_of(action)
        messages = done.pages("private", messages, _page)
        for index, page in enumerate(messages):
            if f"private:{index}" in done:
                continue

            async def by_dm(unshown: str | None, index: int = index) -> None:
                await self._dm_once(client, action.workspace, user, done, "private", index,
                                    messages, unshown)  # fmt: skip

            # A page a try before sent by DM, perhaps, is not shown in the channel as well.
            if direct or done.may_have_gone("private", index):
                await by_dm(None)
            elif await self._private(client, action.workspace, action.channel, user, page,
                                     by_dm, thread_ts=thread_ts):  # fmt: skip
                await done.add_page("private", index, messages, asdict)

    # --- the Web API calls ---------------------------------------------------------

    async def _post(
        self, client: AsyncWebClient, channel: str, message: SlackMessage, thread_ts: str | None,
        *, key: str | None = None,
    ) -> str:  # fmt: skip
        """`key`: carried in the message's metadata (`posted_already` finds it by it)."""
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **({} if key is None else {"metadata": posted_metadata(key)}),
        )
        return str(response["ts"])

    async def _private(
        self,
        client: AsyncWebClient,
        workspace: str,
        channel: str,
        user: str,
        message: SlackMessage,
        by_dm: Callable[[str | None], Awaitable[None]],
        *,
        thread_ts: str | None,
    ) -> bool:
        """`message` shown to `user` alone in `channel`; where Slack cannot show it there,
        `by_dm(why)` instead. Whether it was shown in the channel."""
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
            await by_dm(error_of(error))
            return False
        return True

    async def _dm_once(
        self, client: AsyncWebClient, workspace: str, user: str, done: Sent, step: str,
        index: int, pages: list[SlackMessage], unshown: str | None,
    ) -> None:  # fmt: skip
        """Page `index` of `pages` by DM to `user`, unless it went out already: on record,
        or found in the DM by the key it carries, where a try before put its going out on
        record and its having gone was lost (as a public page: Sent.post_page_once)."""

        async def post(key: str) -> str:
            return await self._direct_or_nowhere(
                client, workspace, user, pages[index], unshown, key=key
            )

        async def find(key: str, since: datetime) -> str | None:
            return await self._dm_posted_already(client, workspace, user, key, since)

        await done.post_page_once(step, index, pages, asdict, post, find)

    async def _dm_posted_already(
        self, client: AsyncWebClient, workspace: str, user: str, key: str, since: datetime
    ) -> str | None:
        """The ts of the bot's DM to `user` carrying `key`, sent since `since`, through
        either installation `_direct` may have sent it with; None: none found."""
        theirs = await self.dm_client(client, workspace, user)
        for each in (theirs,) if theirs is client else (theirs, client):
            try:
                opened = await each.conversations_open(users=user)
            except SlackApiError as error:
                if error_of(error) not in TOKEN_ERRORS | NO_DM:
                    raise
                continue
            found = await posted_already(each, opened["channel"]["id"], None, key, since)
            if found is not None:
                return found
        return None

    async def _direct_or_nowhere(
        self, client: AsyncWebClient, workspace: str, user: str, message: SlackMessage,
        unshown: str | None = None, *, key: str | None = None,
    ) -> str:  # fmt: skip
        """`_direct`; a DM Slack will never allow this member (NO_DM) leaves the message
        nowhere to go (`unshown`: why it could not be shown in the channel either), so it
        is undeliverable rather than tried again until it is given up."""
        try:
            return await self._direct(client, workspace, user, message, key=key)
        except SlackApiError as error:
            if error_of(error) not in NO_DM:
                raise
            why = error_of(error)
            channel = "" if unshown is None else f"not in the channel ({unshown}), "
            raise Undeliverable(
                f"Slack shows that member nothing from the bot: {channel}not by DM ({why})",
                code=why,
            ) from error

    async def _direct(
        self, client: AsyncWebClient, workspace: str, user: str, message: SlackMessage,
        *, key: str | None = None,
    ) -> str:  # fmt: skip
        """`key`: carried in the DM's metadata (`posted_already` finds it by it)."""
        theirs = await self.dm_client(client, workspace, user)
        if theirs is not client:
            try:
                return await self._open_and_post(theirs, user, message, key=key)
            except SlackApiError as error:
                # Their organisation's installation lost its token (removed, heard by
                # another process) or cannot reach them: the table's own tries.
                if error_of(error) not in TOKEN_ERRORS | NO_DM:
                    raise
                log.info("their organisation's installation cannot send a DM (%s)",
                         error_of(error))  # fmt: skip
        return await self._open_and_post(client, user, message, key=key)

    async def _open_and_post(
        self, client: AsyncWebClient, user: str, message: SlackMessage, *, key: str | None = None
    ) -> str:
        opened = await client.conversations_open(users=user)
        return await self._post(client, opened["channel"]["id"], message, None, key=key)

    async def dm_client(self, client: AsyncWebClient, workspace: str, user: str) -> AsyncWebClient:
        """The client that can send `user` a DM: for a member of another organisation at
        a Slack Connect table, the installation of their own workspace, where it has
        one (Slack lets no bot open a DM with someone of another organisation); else
        `client`, the table's."""
        enterprise, team = team_of(workspace)
        try:
            person = await self._directory.person(workspace, user)
        except (SlackApiError, LookupError):  # LookupError: delivered through a guest
            return client
        if person.team is None or person.team == team:
            return client
        if enterprise is not None and person.enterprise == enterprise:
            return client  # another workspace of the same Enterprise Grid org
        try:
            return await self._client_for(
                workspace_id(team_id=person.team, enterprise_id=person.enterprise)
            )
        except LookupError:  # their organisation has not installed the bot
            return client

    def _renewal_reminder(self, action: AskRenewal) -> Callable[[str], Awaitable[SlackMessage]]:
        """Each member's renewal reminder, in their own language (`AskRenewal.dm_lang`:
        their Slack locale, where it may choose); rendered once for each language."""
        rendered: dict[str, SlackMessage] = {}

        async def message_for(user: str) -> SlackMessage:
            client_lang = None
            if action.asks_client(user):  # None when Slack does not say: `action.lang`
                locale = await self._directory.locale(action.workspace, user)
                client_lang = supported(locale) if locale else None
            lang = action.dm_lang(user, client_lang)
            if lang not in rendered:
                # A reminder names nobody: its one page, with the table and the buttons,
                # which answer in the language they were shown in.
                rendered[lang], *_ = await self.render(
                    action.workspace, lang, lambda v: blocks.renewal(action, v)
                )
            return rendered[lang]

        return message_for

    async def _remind(
        self,
        client: AsyncWebClient,
        action: RemindMembers | AskRenewal,
        message_for: Callable[[str], Awaitable[SlackMessage]],
    ) -> None:
        """A DM to each of the action's users; one whose DM fails does not hold up the
        others. A failure that may pass (a rate limit past the retry handler's, an outage)
        fails the action at the end, and its retry DMs only those not reached yet; one
        Slack will never allow (a deactivated member) leaves that member out."""
        done = await sent_of(action)
        failed: SlackApiError | None = None
        for user in action.users:
            if user in done:
                continue
            message = await message_for(user)
            try:
                ts: str | None = await self._direct(client, action.workspace, user, message)
            except SlackApiError as error:
                if error_of(error) not in NO_DM:
                    log.warning("reminding a member failed: %s; tried again later",
                                error_of(error))  # fmt: skip
                    failed = failed or error
                    continue
                log.info("a member cannot be sent a DM (%s); reminded in the channel",
                         error_of(error))  # fmt: skip
                try:
                    await self._remind_in_channel(client, action, user, message)
                except SlackApiError as refused:
                    failed = failed or refused
                    continue
                ts = None
            await done.add(user, ts)
        if failed is not None:
            raise failed

    async def _remind_in_channel(
        self,
        client: AsyncWebClient,
        action: RemindMembers | AskRenewal,
        user: str,
        message: SlackMessage,
    ) -> None:
        """A reminder Slack will not let the bot send `user` by DM (someone of another
        organisation whose own has not installed the bot): shown to them alone in the
        table's channel instead, so that it is not lost. One Slack cannot show there
        either (a deactivated member, someone who left) is not reminded; a failure that
        may pass is raised, to be tried again."""
        if action.channel.startswith("D"):
            return
        try:
            await client.chat_postEphemeral(
                channel=action.channel, user=user, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            if error_of(error) not in EPHEMERAL_UNREACHABLE | NO_DM:
                raise
            log.info("a member cannot be shown a reminder (%s); not reminded", error_of(error))

    async def _report(self, client: AsyncWebClient, action: PostReport) -> str:
        """The summary in the channel; the full form, when it says more, in its thread.
        A retry after a failed page posts neither the summary nor the pages again."""
        summary, full = await self.render(
            action.workspace,
            action.lang,
            lambda v: (blocks.text(action.summary, v), v(action.full)),
        )
        ts = await self._post_pages(client, action, [summary], None, step="summary")
        if full != summary.text:
            paged = blocks.pages(full, self.voice(action.lang))
            await self._post_pages(client, action, paged, ts, step="thread")
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


def _page(kept: object) -> SlackMessage:
    """A page kept as its first try rendered it (bot.sent_steps)."""
    return SlackMessage(**kept)  # type: ignore[arg-type]
