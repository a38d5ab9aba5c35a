"""The Slack adapter: a Bolt `AsyncApp` in front of the shared runtime.

HTTP mode serves Bolt's aiohttp app at /slack/events (plus /slack/install and
/slack/oauth_redirect for OAuth installs); Socket Mode connects out with the app-level
token. Either way the same port answers /healthz, /livez and /metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from adapters.heard_while_reading import HeardWhileReading
from adapters.least_recent import LeastRecentSet
from adapters.slack import blocks, translate
from adapters.slack.config import EVENTS_PATH, SlackConfig, config_from
from adapters.slack.homes import Homes
from adapters.slack.installed import installed_names
from adapters.slack.left_while_asking import LeftWhileAsking
from adapters.slack.listeners import Listeners
from adapters.slack.outbound import NOT_IN_CHANNEL, TOKEN_ERRORS, Deliverer, error_of
from adapters.slack.people import Directory
from adapters.slack.posted_once import posted_already, posted_metadata
from adapters.slack.retries import LostConnectionRetryHandler
from adapters.slack.socket_url import ConnectingInOneLine, SocketUrl
from adapters.slack.start_error import SlackStartError
from bot import channels_left, homes
from bot.database import make_engine
from bot.health import health_answer, listen, liveness_answer
from bot.keyed_locks import KeyedLocks
from bot.metrics import REGISTRY
from bot.models import now_utc
from bot.settings import Settings
from bot.store import Undeliverable
from bot.views import (
    NudgedProblem,
    TableOf,
    TableReminding,
    agreements,
    dismissed_problems,
    member_home,
    nudged_problems,
    problem_waiting,
    tables_for_command,
    tables_reminding,
)
from rules.actions import Outbound, PostRoundSummary
from rules.agreements import NO_SUCH_ROLE, ROLE_OWNER
from rules.events import (
    AgreementSubmitted,
    ChannelIdChanged,
    CommandInvoked,
    Event,
    PlaceDeleted,
    ProposalAdded,
    RosterSynced,
)
from rules.folding import fold
from rules.i18n import supported
from rules.say import Quote, Say
from rules.typed_names import typed_name

if TYPE_CHECKING:
    from adapters.slack.installations import ThreadedInstallationStore
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# What the bot may do in a workspace; manifest.yml asks for the same.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:history",  # the words people type in the bot's DM (message.im)
    "im:write",
    "users:read",
)
# How long the bot's being in a channel is believed without asking Slack again: another
# process may have heard that it was removed.
MEMBERSHIP_KEPT_S = 60.0
# How long a reading of the app's bot users serves a message that opens with a mention
# (`is_app_bot`): an installation made meanwhile is known within this many seconds.
APP_BOTS_FRESH = 60.0
# conversations.info errors that mean the bot is not in a conversation (a DM between
# people or a group DM is hidden from it: it has no im:read or mpim:read).
NOT_A_MEMBER = frozenset(
    {"channel_not_found", "not_in_channel", "missing_scope",
     "method_not_supported_for_channel_type"}
)  # fmt: skip
# Channels remembered archived, deleted or left, each kind (some hundred bytes each): one
# forgotten, as after a restart, is asked of Slack again when a post there is refused.
CHANNELS_HELD = 10_000
# A post refused with these may be one in a channel archived or deleted (channel_not_found
# also says the bot is not in a private channel: conversations.info is asked first).
PLACE_GONE = frozenset({"is_archived", "channel_not_found"})


class _ClientHoldsTheToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and then warns that it is
    unused, since the client we give it already holds that token: not worth a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


BOLT_LOG = logging.getLogger("adapters.slack.bolt")
BOLT_LOG.addFilter(_ClientHoldsTheToken())


TokenSource = Callable[[], Awaitable[str | None]]


class InstalledClient(AsyncWebClient):
    """The client of a workspace installed through OAuth. The app may have been installed
    again through another process (a new token, the old one revoked): a call refused for
    its token reads the installed one and, when that is another, tries once more with it."""

    def __init__(self, installed_token: TokenSource, **options: Any) -> None:
        super().__init__(**options)
        self.installed_token = installed_token

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            if error_of(error) not in TOKEN_ERRORS:
                raise
            refused = self.token
            token = await self.installed_token()
            if token is None or token == refused:
                raise
            log.info("the installed token changed (the app was installed again): using it")
            self.token = token
            return await super().api_call(api_method, **kwargs)


def make_client(
    token: str | None,
    api_url: str | None,
    *,
    installed_token: TokenSource | None = None,
    patient: bool = True,
) -> AsyncWebClient:
    """A Web API client that waits out 429s (Retry-After) and retries lost connections
    where that cannot do a call twice (adapters.slack.retries); with `installed_token`,
    one that follows the token installed for its workspace. Not `patient`: a 429 is
    raised at once, for a call that is useless later (views.open: Slack takes a click's
    trigger only for 3 seconds, a Retry-After is longer)."""
    options: dict[str, Any] = {"base_url": api_url} if api_url else {}
    options["retry_handlers"] = [LostConnectionRetryHandler(max_retry_count=2 if patient else 1)]
    if patient:
        options["retry_handlers"].append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    if installed_token is None:
        return AsyncWebClient(token=token, **options)
    return InstalledClient(installed_token, token=token, **options)


class Activity:
    """Counts the events this adapter handed to the runtime, by kind, so operators and
    tests can see work finish after Bolt's ack without sleeping."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.recent: deque[Event] = deque(maxlen=100)
        self._changed = asyncio.Condition()

    async def note(self, event: Event) -> None:
        async with self._changed:
            self.counts[type(event).__name__] += 1
            self.recent.append(event)
            self._changed.notify_all()

    async def wait(self, kind: type[Event], count: int = 1, timeout: float = 5.0) -> list[Event]:
        """Wait until `count` events of `kind` were submitted in all; return those seen."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: self.counts[kind.__name__] >= count)
        except TimeoutError:
            raise TimeoutError(
                f"expected {count} {kind.__name__} within {timeout}s; submitted: "
                f"{dict(self.counts)}"
            ) from None
        return [e for e in self.recent if isinstance(e, kind)]


class SlackAdapter:
    name = "slack"
    prefix = translate.PREFIX
    serves_http = True  # /healthz, /livez and /metrics come with its server

    def __init__(self, config: SlackConfig, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.runtime: Runtime | None = None
        self.activity = Activity()
        self.port: int | None = None
        self.installations: ThreadedInstallationStore | None = None
        self._oauth_database: Engine | None = None
        self.client = make_client(None if config.oauth else config.bot_token, config.api_url)
        self._clients: dict[str, AsyncWebClient] = {}
        self._synced: set[tuple[str, str]] = set()
        # Channels the bot is in, and when Slack last said so (by `clock`).
        self._member_of: dict[tuple[str, str], float] = {}
        # Membership questions under way: (workspace, channel, user for a DM else "").
        self._asking: dict[tuple[str, str, str], asyncio.Future[bool]] = {}
        self.clock: Callable[[], float] = time.monotonic
        # Whether the bot left a channel while a membership check was under way: that
        # check must not remember the "yes" it read before.
        self._left_while_asking: LeftWhileAsking[tuple[str, str]] = LeftWhileAsking()
        self._roster_locks: KeyedLocks[tuple[str, str]] = KeyedLocks()
        # Who was heard joining or leaving a channel while its roster was read: Slack
        # may have answered the read before, and it is handed in after.
        self._heard_while_reading: HeardWhileReading[tuple[str, str]] = HeardWhileReading()
        # Channels heard archived or deleted (an event, or a refused post) and not back:
        # their table's open work was ended once, and what is refused there is set aside.
        self._gone: LeastRecentSet[tuple[str, str]] = LeastRecentSet(CHANNELS_HELD)
        # Channels the bot heard it was removed from: Slack answers channel_not_found for
        # a private one of them as for one deleted, and that ends nothing.
        self._removed_from: LeastRecentSet[tuple[str, str]] = LeastRecentSet(CHANNELS_HELD)
        # Events submitted apart from the delivery that learned of them.
        self._later: set[asyncio.Future[None]] = set()
        # The app's bot users in the workspaces it is installed in (OAuth), as last read.
        self._app_bots: frozenset[str] = frozenset()
        self._app_bots_read_at = float("-inf")  # by `clock`
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._starting = False  # a token refused now ends the start, else the run
        self._fatal: SlackStartError | None = None  # why the run ends, said at exit
        self.directory = Directory(self.client_for)
        # Which table a payload is for: its channel's home (a Slack Connect channel).
        self.homes = Homes(
            self._database,
            self.client_for,
            removed=self.home_removed,
            clock=lambda: self.clock(),
        )
        self.deliverer = Deliverer(
            client_for=self.client_for, directory=self.directory, message_ref=self._message_ref,
            commands=installed_names(settings.slack_commands), not_in=self._not_in,
        )  # fmt: skip
        self.voice = self.deliverer.voice
        self.app = self._bolt_app()
        Listeners(self).register(self.app)

    def _bolt_app(self) -> AsyncApp:
        oauth_settings = authorize = None
        if self.config.oauth:
            # Imported here: only OAuth installs need the SQLAlchemy stores.
            from adapters.slack.installations import (
                QUIET_WHILE_UNREACHABLE,
                InstalledAuthorize,
                oauth_stores,
            )

            assert self.config.client_id is not None
            self._oauth_database = make_engine(self.config.database_url)
            self.installations, states = oauth_stores(
                self._oauth_database, self.config.client_id, self.database_unreachable
            )
            authorize = InstalledAuthorize(
                logger=BOLT_LOG,
                installation_store=self.installations,
                client_id=self.config.client_id,
                client_secret=self.config.client_secret,
                bot_only=True,
                client=self.client,
            )
            BOLT_LOG.addFilter(QUIET_WHILE_UNREACHABLE)
            oauth_settings = AsyncOAuthSettings(
                client_id=self.config.client_id,
                client_secret=self.config.client_secret,
                scopes=list(BOT_SCOPES),
                installation_store=self.installations,
                installation_store_bot_only=True,
                state_store=states,
                callback_options=AsyncCallbackOptions(
                    success=self._installed, failure=self._install_failed
                ),
                logger=log,
            )
        return AsyncApp(
            name="groundrules",
            logger=BOLT_LOG,
            signing_secret=self.config.signing_secret or "",
            client=self.client,
            authorize=authorize,
            oauth_settings=oauth_settings,
            installation_store_bot_only=True if oauth_settings else None,
        )

    # --- the runtime's side -------------------------------------------------------------

    async def start(self, runtime: Runtime) -> None:
        self.runtime = runtime
        await self._serve()
        if self.config.socket_mode:
            self._starting = True
            try:
                await self._connect_socket()
            finally:
                self._starting = False
        log.info(
            "Slack adapter running: %s, %s; health and metrics on port %s",
            "Socket Mode" if self.config.socket_mode else f"HTTP {EVENTS_PATH}",
            "OAuth installs" if self.config.oauth else "one workspace",
            self.port,
        )

    async def _connect_socket(self) -> None:
        """Socket Mode's connection, once Slack gave its URL (asked until it does)."""
        self._socket = AsyncSocketModeHandler(self.app, self.config.app_token)
        client = self._socket.client
        # Asked at start-up and at each reconnect: one line a try, a refusal ends it.
        client.issue_new_wss_url = SocketUrl(client, self._app_token_refused)  # type: ignore[method-assign]
        if not any(isinstance(f, ConnectingInOneLine) for f in BOLT_LOG.filters):
            BOLT_LOG.addFilter(ConnectingInOneLine(client.ping_interval))
        client.wss_uri = await client.issue_new_wss_url()
        await self._socket.connect_async()

    def _app_token_refused(self, refused: SlackStartError) -> None:
        """Slack refused the app-level token: a start ends with the line that says what
        to do; a run (the token revoked since) stops and exits with it, as a Discord bot
        whose token is refused mid-run does."""
        if self._starting or self.runtime is None:
            raise refused
        if self._fatal is None:
            log.error("Slack refused the app-level token; stopping")
            self._fatal = refused
            self.runtime.stop()

    async def stop(self) -> None:
        for pending in list(self._later):
            pending.cancel()
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._oauth_database is not None:
            self._oauth_database.dispose()
        if self._fatal is not None:
            raise self._fatal

    async def deliver(self, action: Outbound) -> str | None:
        try:
            return await self._deliver(action)
        except SlackApiError as error:
            if await self._place_gone_by(action, error):
                if isinstance(action, PostRoundSummary):
                    await self._summary_to_starter(action)
                gone = error_of(error)
                raise Undeliverable(f"its channel is gone ({gone})", code=gone) from error
            raise

    async def _summary_to_starter(self, action: PostRoundSummary) -> None:
        """A round that closed in a channel archived or deleted unheard: its summary goes
        to whoever asked for the round, by DM, so its outcome is not lost (as on
        Discord). Best effort: the summary is set aside either way."""
        user = action.round.started_by or action.round.proposer
        try:
            client = await self.client_for(action.workspace)
            messages = await self.deliverer.render(
                action.workspace, action.lang, lambda v: blocks.summary_by_dm(action, v)
            )
            client = await self.deliverer.dm_client(client, action.workspace, user)
            opened = await client.conversations_open(users=user)
            for message in messages:
                await client.chat_postMessage(
                    channel=opened["channel"]["id"], text=message.text, blocks=message.blocks,
                    unfurl_links=False, unfurl_media=False,
                )  # fmt: skip
        except (SlackApiError, LookupError, aiohttp.ClientError) as failed:
            log.info("could not send a refused summary to its starter: %s", failed)

    async def _deliver(self, action: Outbound) -> str | None:
        try:
            return await self.deliverer.deliver(action)
        except LookupError:  # the table's home has no token installed any more
            guest = await self._guest_client(action)
            if guest is None:
                raise
        except SlackApiError as error:
            if error_of(error) in TOKEN_ERRORS:
                self._clients.pop(action.workspace, None)
            elif error_of(error) in NOT_IN_CHANNEL:
                self._not_in(action.workspace, action.channel)
            else:
                raise
            guest = await self._guest_client(action)
            if guest is None:
                raise
        log.info("delivering through another installation that shares the channel")
        return await self.deliverer.deliver(action, client=guest)

    async def _place_gone_by(self, action: Outbound, error: SlackApiError) -> bool:
        """Whether Slack refused `action` because its table's channel was archived or
        deleted: a post in the channel itself (never a DM) refused so, as
        conversations.info, asked with the table's own installation, confirms (a refusal
        after the channel came back, or a bot removed from a public channel, is not).
        The first such refusal ends the table's open work there, as the event would
        have (Slack sent it while the bot was down, or through another organisation's
        installation); what is refused there later is only set aside."""
        channel = action.channel
        if error_of(error) not in PLACE_GONE or channel.startswith("D"):
            return False
        if _refused_channel(error) != channel:  # a DM on the way, or another channel
            return False
        key = (action.workspace, channel)
        if error_of(error) == "channel_not_found" and await self._removed_from_channel(key):
            return False
        if key in self._gone:
            return True
        archived = await self._archived_or_deleted(action.workspace, channel)
        if archived is None:
            return False
        if key in self._gone:  # another refusal got there first meanwhile
            return True
        self.place_gone(*key)
        log.warning("Slack refused a post in a channel that is %s: its table's open work "
                    "there ends", "archived" if archived else "deleted")  # fmt: skip
        gone = PlaceDeleted(
            workspace=action.workspace, channel=channel, at=now_utc(),
            event_id=f"gone:{channel}:{uuid.uuid4().hex}", archived=archived,
        )  # fmt: skip
        # Apart from this delivery, which holds its round's turn (bot.round_messages).
        pending = asyncio.ensure_future(self._submit_gone(gone))
        self._later.add(pending)
        pending.add_done_callback(self._later.discard)
        return True

    async def _submit_gone(self, gone: PlaceDeleted) -> None:
        try:
            await self.submit(gone, keep=True)
        except Exception:  # the next refusal there does not try again: say so
            log.exception("could not end the open work of a channel that is gone")

    async def _removed_from_channel(self, key: tuple[str, str]) -> bool:
        """Whether the bot was heard removed from a channel, by this process or, before it
        or elsewhere, by another. While the database does not answer, taken to be so: a
        refused post is then set aside rather than ending the table's work."""
        if key in self._removed_from:
            return True
        try:
            return await asyncio.to_thread(channels_left.was_removed, self._database(), *key)
        except DBAPIError:
            log.warning("could not read whether the bot was removed from a channel: "
                        "its open work stays")  # fmt: skip
            return True

    async def _archived_or_deleted(self, workspace: str, channel: str) -> bool | None:
        """True: `channel` is archived; False: Slack knows it no more (deleted, or a
        private channel the bot is not in: either way nothing can be posted there);
        None: it is there, or Slack could not say."""
        try:
            client = await self.client_for(workspace)
            info = await client.conversations_info(channel=channel)
        except LookupError:
            return None
        except SlackApiError as error:
            return False if error_of(error) == "channel_not_found" else None
        except aiohttp.ClientError:
            return None
        return True if info["channel"].get("is_archived") else None

    def place_gone(self, workspace: str, channel: str) -> None:
        """`channel` was archived or deleted: nothing more is ended there for a refused
        post, and its members and the bot's being there are read again if it is back."""
        self._gone.add((workspace, channel))
        self.forget_channel(workspace, channel)

    def place_back(self, workspace: str, channel: str) -> None:
        """`channel` was unarchived: it is a channel like any other again."""
        self._gone.discard((workspace, channel))
        self.forget_channel(workspace, channel)

    async def _guest_client(self, action: Outbound) -> AsyncWebClient | None:
        """For a shared channel whose home's installation cannot post there (its token
        is gone, its bot is not in the channel): the client of another installation that
        Slack lately said shares the channel (bot.homes), if any."""
        for guest in self.homes.guests(action.workspace, action.channel):
            try:
                return await self.client_for(guest)
            except LookupError:
                continue
        return None

    # --- serving ------------------------------------------------------------------------

    async def _serve(self) -> None:
        if self.config.socket_mode:
            # No /slack/events: over HTTP nothing could verify Slack's signature.
            web_app = web.Application()
            flow = self.app.oauth_flow
            if flow is not None:
                web_app.router.add_get(flow.install_path, self._oauth)
                web_app.router.add_get(flow.redirect_uri_path, self._oauth)
        else:
            web_app = self.app.web_app(path=EVENTS_PATH, port=self.config.port)
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/livez", self._livez)
        web_app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        await listen(self._runner, self.config.host, self.config.port)
        self.port = self._runner.addresses[0][1]

    async def _oauth(self, request: web.Request) -> web.StreamResponse:
        flow = self.app.oauth_flow
        assert flow is not None
        bolt_request = await to_bolt_request(request)
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        """An install went through (the token is stored): a workspace that had removed
        the bot is back, so its data stays and what it is owed is sent again."""
        installation = args.installation
        workspace = translate.workspace_id(
            team_id=installation.team_id, enterprise_id=installation.enterprise_id
        )
        assert self.runtime is not None, "the adapter is not started"
        # After its removal, should that still wait for the database (Runtime.change).
        await self.runtime.workspace_returned(workspace, keep=True)
        return await args.default.success(args)

    async def _install_failed(self, args: AsyncFailureArgs) -> BoltResponse:
        return await args.default.failure(args)

    async def _healthz(self, request: web.Request) -> web.Response:
        if self.runtime is None:
            return await health_answer(None)
        return await health_answer(self.runtime.healthy, self.runtime.spool_waiting)

    async def _livez(self, request: web.Request) -> web.Response:
        return liveness_answer(None if self.runtime is None else self.runtime.heartbeat)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    # --- helpers for the listeners ------------------------------------------------------

    async def client_for(self, workspace: str) -> AsyncWebClient:
        """The single-workspace client, or one with the token installed for `workspace`."""
        if not self.config.oauth:
            return self.client
        client = self._clients.get(workspace)
        if client is None:
            assert self.installations is not None
            installed = partial(self.installations.bot_token, workspace)
            token = await installed()
            if token is None:
                raise LookupError(f"Groundrules is not installed in {workspace}")
            client = make_client(token, self.config.api_url, installed_token=installed)
            self._clients[workspace] = client
        return client

    async def submit(self, event: Event, *, keep: bool = False, through: str | None = None) -> None:
        """Hand `event` to the runtime; raises `NotRecorded` if it could not be stored.
        `keep`: an event Slack will not send again (the Events API's, acked before any
        work) is kept while the database does not answer, and handled once it does;
        `through`: the installation it came through, its table is then read again
        (`table_again`)."""
        assert self.runtime is not None, "the adapter is not started"
        self._heard_while_reading.note((event.workspace, event.channel), event)
        through = through if keep else None
        await self.runtime.submit(event, platform=self.name, keep=keep, through=through)
        await self.activity.note(event)

    async def table_again(self, through: str, event: Event) -> Event | None:
        """A kept event at its table as the listener would have found it with the
        database answering: a Slack Connect channel's home may not have been read when
        it was heard. None: that home has removed the bot."""
        if isinstance(event, ChannelIdChanged):  # as Listeners.on_channel_id_changed
            old = event.old_channel
            table = await self.homes.table_of(through, old, settle=False, guess=False) or through
        else:
            table = await self.homes.table_of(through, event.channel, guess=False)
        if table is None:
            return None
        return event if table == event.workspace else replace(event, workspace=table)

    def database_unreachable(self, error: BaseException) -> bool:
        """Whether `error` means the database does not answer (logged once per outage)."""
        return self.runtime is not None and self.runtime.outage.noticed(error)

    async def sync_roster(
        self, workspace: str, channel: str, *, force: bool = False, keep: bool = False,
        through: str | None = None,
    ) -> None:  # fmt: skip
        """Tell the engine who is in a channel: the first time it is seen, and before a
        concern round (`force`), so the round asks everyone who is there now. `keep`,
        `through`: as `submit`."""
        key = (workspace, channel)
        if not force and key in self._synced:
            return
        async with self._roster_locks.hold(key):
            if not force and key in self._synced:
                return
            with self._heard_while_reading.reading(key) as heard:
                try:
                    roster = await self.directory.roster(workspace, channel)
                except SlackApiError as error:
                    log.warning("could not read the members of a channel: %s", error_of(error))
                    return
                members = roster.members - await self.app_bot_users()
            if roster.unsure:
                log.warning("could not look up %d members of a channel; kept, unnamed, and "
                            "looked up again", len(roster.unsure))  # fmt: skip
            await self.submit(
                RosterSynced(
                    workspace=workspace,
                    channel=channel,
                    at=now_utc(),
                    event_id=f"roster:{channel}:{uuid.uuid4().hex}",
                    members=heard.applied_to(members),
                ),
                keep=keep,
                through=through,
            )
            if not roster.unsure:  # else read again next time
                self._synced.add(key)

    async def members_changed(self, workspace: str, channel: str) -> None:
        """Slack says `channel`'s members changed wholesale (another organisation left
        it): they are read again now, through `workspace`'s installation."""
        self._synced.discard((workspace, channel))
        try:
            await self.sync_roster(workspace, channel, force=True, keep=True, through=workspace)
        except LookupError:  # the home's token is gone: nothing to read the channel with
            log.info("could not read the members of a channel whose home has no token")

    async def is_person(self, workspace: str, channel: str, user: str) -> bool:
        """Whether someone who joined `channel` sits at its table: a person, not a bot.
        If Slack cannot say for now, they do, unnamed; the channel's roster is read again
        with its next message, and leaves them out if they are a bot after all."""
        if user in await self.app_bot_users():
            return False
        try:
            return (await self.directory.person(workspace, user)).human
        except SlackApiError as error:
            log.warning("could not look up a member who joined a channel: %s; kept, unnamed",
                        error_of(error))  # fmt: skip
            self._synced.discard((workspace, channel))
            return True

    async def channel_moved(self, workspace: str, old: str, new: str, *, through: str) -> None:
        """A channel has a new id (its table moved with it): the old one is forgotten,
        and the new one's members are read now, those of the other organisation too."""
        self._synced.discard((workspace, old))
        self._member_of.pop((workspace, old), None)
        # The new id took the old one's home, whatever another installation settled.
        self.homes.forget_channel(old)
        self.homes.forget_channel(new)
        await self.sync_roster(workspace, new, force=True, keep=True, through=through)

    async def left_channel(self, workspace: str, channel: str) -> None:
        """The bot was removed from `channel` (member_left_channel): noted for every
        process, and for this one after a restart (bot.channels_left)."""
        self._removed_from.add((workspace, channel))
        self.forget_channel(workspace, channel)
        try:
            await asyncio.to_thread(
                channels_left.note_removed, self._database(), workspace, channel, now_utc()
            )
        except DBAPIError as error:  # this process still knows, until it restarts
            log.warning("could not note that the bot was removed from a channel: %s",
                        type(error).__name__)  # fmt: skip

    def forget_channel(self, workspace: str, channel: str) -> None:
        self._synced.discard((workspace, channel))
        self._not_in(workspace, channel)

    def _not_in(self, workspace: str, channel: str) -> None:
        """The bot is not in `channel` (it left, or Slack refused a post there): asked
        again next time."""
        key = (workspace, channel)
        self._member_of.pop(key, None)
        self._left_while_asking.left(key)

    async def joined_channel(self, workspace: str, channel: str) -> None:
        self._gone.discard((workspace, channel))
        self._removed_from.discard((workspace, channel))
        self._member_of[(workspace, channel)] = self.clock()
        try:
            await asyncio.to_thread(channels_left.note_back, self._database(), workspace, channel)
        except DBAPIError as error:  # read as removed until it is noted back
            log.warning("could not note that the bot is back in a channel: %s",
                        type(error).__name__)  # fmt: skip

    async def can_answer_in(self, table: str, delivered: str, channel: str, user: str) -> bool:
        """Whether the bot is in the channel of a command or shortcut: the installation of
        the table's home, or, in a shared channel, the one it came through (deliveries
        for the table fall back to it)."""
        if await self.bot_is_in(table, channel, user):
            return True
        return delivered != table and await self.bot_is_in(delivered, channel, user)

    async def bot_is_in(self, workspace: str, channel: str, user: str) -> bool:
        """Whether the bot is in the conversation a command or shortcut came from. If it
        is not, nothing it records there could be announced (the bot has no
        chat:write.public) and it hears nothing said there. A membership is believed for
        MEMBERSHIP_KEPT_S (Slack may have told another process that the bot was removed),
        until the bot leaves, or until Slack refuses a post there; a "no" is asked again,
        so an invitation counts at once. A DM is the bot's own when it is the one
        conversations.open gives for `user`."""
        key = (workspace, channel)
        confirmed = self._member_of.get(key)
        if confirmed is not None and self.clock() - confirmed < MEMBERSHIP_KEPT_S:
            return True
        # Commands that come together share one question to Slack.
        asking_key = (workspace, channel, user if channel.startswith("D") else "")
        asking = self._asking.get(asking_key)
        if asking is None:
            asking = asyncio.ensure_future(self._ask_membership(workspace, channel, user))
            self._asking[asking_key] = asking
            asking.add_done_callback(lambda _: self._asking.pop(asking_key, None))
        return await asyncio.shield(asking)

    async def _ask_membership(self, workspace: str, channel: str, user: str) -> bool:
        key = (workspace, channel)
        with self._left_while_asking.asking(key) as left_since:
            client = await self.client_for(workspace)
            try:
                if channel.startswith("D"):
                    opened = await client.conversations_open(users=user)
                    member = opened["channel"]["id"] == channel
                else:
                    info = await client.conversations_info(channel=channel)
                    member = bool(info["channel"].get("is_member"))
            except SlackApiError as error:
                if error_of(error) not in NOT_A_MEMBER:
                    log.warning("could not tell whether I am in a channel: %s", error_of(error))
                    return True  # let it through: a failed announcement is still logged
                member = False
            left = left_since()
        if member and not left:
            self._member_of[key] = self.clock()
        elif not member:
            self._member_of.pop(key, None)
        return member

    def forget_cached(self, workspace: str) -> None:
        """Drop what this process holds of `workspace` (its token, the channels it is in,
        the rosters sent, who is who, the channels it is home to): it came back or was
        forgotten, so all of that is read again when next needed."""
        self._clients.pop(workspace, None)
        self.homes.forget_workspace(workspace)
        self._synced = {key for key in self._synced if key[0] != workspace}
        self._member_of = {key: at for key, at in self._member_of.items() if key[0] != workspace}
        self.directory.forget_workspace(workspace)

    def forget_person(self, workspace: str, user: str) -> None:
        """`user` was forgotten in `workspace` (bot.person_data): who they are, as Slack
        described them, is read again if ever needed."""
        self.directory.forget(workspace, user)

    async def workspace_removed(self, workspace: str, *, at: datetime | None = None) -> None:
        """The app was uninstalled from `workspace` (at `at`, as Slack says): drop its
        token and what this process holds of it; the runtime keeps its data for the grace
        period. While the database does not answer, both are stored once it does
        (bot.runtime.Runtime.change). Installed again since `at`, both stay."""
        self.forget_cached(workspace)
        assert self.runtime is not None, "the adapter is not started"
        await self.runtime.workspace_removed(workspace, at=at, also=self.removal_heard(workspace))

    def removal_heard(self, workspace: str) -> Callable[[datetime], Awaitable[bool]] | None:
        """OAuth installs: `workspace`'s token is no longer served, and what deletes its
        install given when it was removed (the runtime's `also`: also for a removal a
        process kept before a restart). None with one configured token."""
        if self.installations is None:
            return None
        enterprise_id, team_id = translate.team_of(workspace)
        self.installations.forget(enterprise_id, team_id)  # not served meanwhile
        return partial(
            self.installations.async_delete_removed, enterprise_id=enterprise_id, team_id=team_id
        )

    async def tokens_revoked(
        self, workspace: str, *, users: list[str], bot: bool, at: datetime | None = None,
        org_wide: bool = False,
    ) -> None:  # fmt: skip
        """Slack revoked tokens of `workspace` (OAuth installs) at `at`: they are deleted
        as Bolt's own listener would, or, while the database does not answer, once it
        does; not a bot installed since. `org_wide`: the Enterprise Grid org's install,
        whichever of its workspaces the event names."""
        assert self.runtime is not None
        at = at or now_utc()
        record = {"change": "revoked", "workspace": workspace, "users": users, "bot": bot,
                  "at": at.isoformat(), "org_wide": org_wide}  # fmt: skip
        step = self.change_again(record)
        assert step is not None
        await self.runtime.change(f"revoked tokens of {workspace}", step, record=record)

    def change_again(self, record: Mapping[str, Any]) -> Callable[[], Awaitable[object]] | None:
        """The step of a change kept in the spool (`Runtime.change`'s `record`): revoked
        tokens, deleted as `tokens_revoked` says. None: not one of this adapter's."""
        if record.get("change") != "revoked" or self.installations is None:
            return None
        enterprise_id, team_id = translate.team_of(str(record["workspace"]))
        if record.get("org_wide"):
            team_id = None  # how Bolt stores an org-wide install
        users, bot = [str(user) for user in record["users"]], bool(record["bot"])
        if bot:
            self.installations.forget(enterprise_id, team_id)
        return partial(
            self.installations.async_delete_revoked, datetime.fromisoformat(str(record["at"])),
            enterprise_id=enterprise_id, team_id=team_id, users=users, bot=bot,
        )  # fmt: skip

    async def app_bot_users(self) -> frozenset[str]:
        """This app's bot users in every workspace it is installed in, read now: in a
        channel shared with another organisation that installed it, Slack may not
        describe that organisation's bot user (as someone of another organisation), and
        no bot sits at a table. While the database does not answer, the last read."""
        if self.installations is None:
            return self._app_bots
        try:
            self._app_bots = await self.installations.bot_user_ids()
        except DBAPIError:
            return self._app_bots
        self._app_bots_read_at = self.clock()
        return self._app_bots

    async def is_app_bot(self, user: str, *, fresh: bool = True) -> bool:
        """Whether `user` is this app's bot user in a workspace it is installed in: an
        organisation sharing a channel with another that installed it too has its own.
        Read again when one is not known (installed since, through another process);
        not `fresh`: only when the last reading is older than `APP_BOTS_FRESH`."""
        if user in self._app_bots:
            return True
        if self.installations is None:
            return False
        if not fresh and self.clock() - self._app_bots_read_at < APP_BOTS_FRESH:
            return False
        self._app_bots = await self.installations.bot_user_ids()
        self._app_bots_read_at = self.clock()
        return user in self._app_bots

    async def lang_for(
        self, workspace: str, user: str, hint: str | None = None, *, channel: str | None = None
    ) -> str:
        """The language of the table at `channel` (/table language), else the bot's
        configured one, else what the person typed, else their Slack locale: as the
        engine answers there."""
        table = None
        if channel is not None and self.runtime is not None:
            table = await self.runtime.table_language(workspace, channel)
        if table or self.settings.language or hint:
            return supported(table or self.settings.language or hint)
        return supported(await self.directory.locale(workspace, user))

    async def with_members_named(self, invoked: CommandInvoked) -> CommandInvoked | Say:
        """A typed "@name" (not picked from Slack's list, so no mention) as the mention of
        the one person in the channel who goes by it; else what to tell the author."""
        typed = typed_name(invoked.name, invoked.args, today=invoked.at.date())
        if typed is None:
            return invoked
        try:
            people = await self.directory.called(invoked.workspace, invoked.channel, typed.name)
        except SlackApiError as error:
            log.warning("could not read the members of a channel: %s", error_of(error))
            people = []
        if len(people) != 1:
            return typed.not_found(len(people))
        return replace(invoked, args=typed.mentioning(invoked.args, people[0]))

    async def member_language(self, workspace: str, user: str) -> str | None:
        """The language of `user`'s Slack locale; None when Slack does not say."""
        locale = await self.directory.locale(workspace, user)
        return supported(locale) if locale else None

    async def unknown_role(self, submitted: AgreementSubmitted) -> Say | None:
        """Why the form's owner role cannot own it (the table has no such role); None
        when it can, names no role, or the roles are slow to read."""
        owner = submitted.owner or ""
        if not owner.startswith(ROLE_OWNER) or self.runtime is None:
            return None
        name = owner.removeprefix(ROLE_OWNER)
        roles = await self.runtime.table_roles(submitted.workspace, submitted.channel)
        if roles is None or fold(name) in {fold(role) for role in roles}:
            return None
        return Say.of(NO_SUCH_ROLE, role=Quote(name))

    async def open_modal(
        self,
        workspace: str,
        trigger_id: str,
        lang: str,
        build: Callable[[blocks.Voice], dict],
        *,
        user: str,
        response_url: str | None,
    ) -> bool:
        """Open the form `build` makes for `user`'s click (or shortcut, or command) now,
        or not at all: its trigger is good for 3 seconds, so a rate limit is not waited
        out. If Slack will not open it, `user` is told privately, through `response_url`
        or else by DM, to try again (False)."""
        probe = self.voice(lang)  # whom the form names (someone its quote mentions)
        build(probe)
        names = self.directory.known_names(workspace, probe.asked)
        view = build(self.voice(lang, names))
        try:
            client = await self._hurried_client(workspace)
            await client.views_open(trigger_id=trigger_id, view=view)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            reason = error_of(error) if isinstance(error, SlackApiError) else type(error).__name__
            log.warning("a form did not open: %s", reason)
            text = self.voice(lang).say(blocks.FORM_NOT_OPENED)
            await self.respond_privately(workspace, user, response_url, text)
            return False
        return True

    async def _hurried_client(self, workspace: str) -> AsyncWebClient:
        """`workspace`'s client (`client_for`), but one that does not wait out a 429. A
        token installed since, which it takes up, serves the workspace's client too."""
        client = await self.client_for(workspace)
        if not isinstance(client, InstalledClient):
            return make_client(client.token, self.config.api_url, patient=False)
        follows = client.installed_token

        async def installed() -> str | None:
            token = await follows()
            if token is not None:
                client.token = token
            return token

        return make_client(client.token, self.config.api_url, installed_token=installed,
                           patient=False)  # fmt: skip

    async def post_proposal(
        self, added: ProposalAdded, *, thread_ts: str, lang: str,
        maybe_posted_since: datetime | None = None,
    ) -> ProposalAdded:  # fmt: skip
        """The proposal from a nudge's form, in the problem's thread, attributed to its
        author: `added` as posted there, for the table to answer. It carries the
        problem's key: `maybe_posted_since`, a claim that began then ran out unrecorded
        (bot.proposing), whose post, if found by it, is the one."""
        message = await self.deliverer.render(
            added.workspace, lang, lambda v: blocks.posted_proposal(added.user, added.text, v)
        )
        client = await self.client_for(added.workspace)
        key = f"proposal:{added.channel}:{added.problem_id}"
        if maybe_posted_since is not None:
            found = await posted_already(client, added.channel, thread_ts, key, maybe_posted_since)
            if found is not None:
                return replace(added, message_id=found, thread_id=thread_ts)
        try:
            posted = await client.chat_postMessage(
                channel=added.channel,
                thread_ts=thread_ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
                metadata=posted_metadata(key),
            )
        except SlackApiError as error:
            if error_of(error) in NOT_IN_CHANNEL:  # asked again next time, as a delivery
                self._not_in(added.workspace, added.channel)
            raise
        return replace(added, message_id=posted.get("ts"), thread_id=thread_ts)

    async def replace_original(self, response_url: str | None, text: str) -> None:
        """Replace the message a button sat on (ephemeral ones too: only this can) with one
        line, through the interaction's response_url. Cosmetic: a failure is only logged."""
        await self._through_response_url(
            response_url, "replacing", text=text, replace_original=True
        )

    async def _through_response_url(
        self, response_url: str | None, doing: str, **body: object
    ) -> None:
        if not response_url:
            return
        try:
            response = await AsyncWebhookClient(response_url, timeout=10, logger=log).send_dict(
                body
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("%s an answered message failed: %s", doing, type(error).__name__)
            return
        if response.status_code >= 300:
            log.warning("%s an answered message failed: HTTP %s %s", doing,
                        response.status_code, response.body[:100])  # fmt: skip

    async def delete_original(self, response_url: str | None) -> None:
        """Delete the message a button sat on (an ephemeral one too), through the
        interaction's response_url. Cosmetic, as `replace_original`."""
        await self._through_response_url(response_url, "deleting", delete_original=True)

    async def respond_privately(
        self, workspace: str, user: str, response_url: str | None, text: str
    ) -> None:
        """Only `user` sees `text`: through the command's or shortcut's response_url,
        which works even where the bot is not a member; else by DM (through their own
        organisation's installation, for someone of another organisation at a shared
        table: Slack lets no bot DM across organisations)."""
        if response_url:
            try:
                response = await AsyncWebhookClient(response_url, timeout=10, logger=log).send(
                    text=text, response_type="ephemeral", replace_original=False
                )
                if response.status_code < 300:
                    return
                log.warning("a private answer through response_url failed: HTTP %s",
                            response.status_code)  # fmt: skip
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("a private answer through response_url failed: %s",
                            type(error).__name__)  # fmt: skip
        client = await self.deliverer.dm_client(await self.client_for(workspace), workspace, user)
        opened = await client.conversations_open(users=user)
        await client.chat_postMessage(channel=opened["channel"]["id"], text=text)

    async def publish_home(self, workspace: str, user: str) -> None:
        """The member's App Home in `workspace`'s installation: its tables, and the
        tables homed elsewhere of channels Slack says it shares."""
        assert self.runtime is not None
        elsewhere = await self._tables_elsewhere(workspace, user)
        page = await asyncio.to_thread(
            partial(member_home, elsewhere=elsewhere),
            self.runtime.app.database, workspace, user, now=now_utc(),
            default_zone=self.runtime.app.settings.timezone,
        )  # fmt: skip
        lang = await self.lang_for(workspace, user)
        view = await self.deliverer.render(workspace, lang, lambda v: blocks.home(page, v))
        client = await self.client_for(workspace)
        await client.views_publish(user_id=user, view=view)

    async def _tables_elsewhere(self, workspace: str, user: str) -> dict[str, list[str]]:
        assert self.runtime is not None
        seated = await asyncio.to_thread(
            homes.tables_of_member, self.runtime.app.database, user, prefix=self.prefix
        )
        elsewhere: dict[str, list[str]] = {}
        for home, channel in seated:
            if home == workspace:
                continue
            if await self.homes.table_of(workspace, channel, settle=False) == home:
                elsewhere.setdefault(home, []).append(channel)
        return elsewhere

    def _database(self) -> Engine:
        assert self.runtime is not None, "the adapter is not started"
        return self.runtime.app.database

    def home_removed(self, workspace: str) -> bool:
        return self.runtime is not None and self.runtime.has_removed(workspace)

    async def problem_waiting(
        self, workspace: str, channel: str, problem_id: str, *, proposal: bool = False
    ) -> bool:
        """Whether a nudged problem still waits for a proposal, from storage (`proposal`:
        for the proposal form, bot.views.problem_waiting)."""
        assert self.runtime is not None
        return await asyncio.to_thread(
            partial(problem_waiting, proposal=proposal),
            self.runtime.app.database, workspace, channel, problem_id,
        )  # fmt: skip

    async def nudged_problems(self, user: str) -> list[NudgedProblem]:
        """`user`'s nudged problems still waiting, the latest nudged first, from storage."""
        assert self.runtime is not None
        return await asyncio.to_thread(
            partial(nudged_problems, prefix=self.prefix), self.runtime.app.database, user
        )

    async def tables_for_command(
        self, user: str, command: str, *, resolving: bool = False
    ) -> list[TableOf]:
        """The tables a table command typed in the bot's DM may be about, from storage
        (bot.views.tables_for_command)."""
        assert self.runtime is not None
        return await asyncio.to_thread(
            partial(tables_for_command, prefix=self.prefix, resolving=resolving),
            self.runtime.app.database, user, command,
        )  # fmt: skip

    async def tables_reminding(self, user: str) -> list[TableReminding]:
        """The tables a reminder may come from for `user`, the latest reminded first, from
        storage (bot.views.tables_reminding)."""
        assert self.runtime is not None
        return await asyncio.to_thread(
            partial(tables_reminding, prefix=self.prefix), self.runtime.app.database, user
        )

    async def dismissed_problems(self, user: str, *, proposes: bool = False) -> list[NudgedProblem]:
        """`user`'s problems settled by their "Not a problem" (`proposes`: "It has a
        proposal"), the latest said first."""
        assert self.runtime is not None
        return await asyncio.to_thread(
            partial(dismissed_problems, prefix=self.prefix, proposes=proposes),
            self.runtime.app.database,
            user,
        )

    async def agreement_text(self, workspace: str, channel: str, number: int) -> str | None:
        """The text of agreement #`number` at a table (its latest version), from storage."""
        assert self.runtime is not None
        rows = await asyncio.to_thread(agreements, self.runtime.app.database, workspace, channel)
        versions = [row for row in rows if row.number == number]
        return versions[-1].text if versions else None

    async def _message_ref(self, workspace: str, key: str, *fallbacks: str) -> str | None:
        assert self.runtime is not None
        return await self.runtime.message_ref(workspace, key, *fallbacks)


def build_adapter(
    settings: Settings, *, port: int | None = None, host: str = "0.0.0.0"
) -> SlackAdapter:
    """What `groundrules run slack` calls; raises `SettingsError` naming a bad setting."""
    config = config_from(settings, port=port, host=host)
    if config.oauth and config.bot_token:
        log.warning("SLACK_CLIENT_ID is set: installs go through OAuth; SLACK_BOT_TOKEN is unused")
    return SlackAdapter(config, settings)


def _refused_channel(error: SlackApiError) -> str | None:
    """The channel the call Slack refused was for, as the client sent it."""
    sent = getattr(error.response, "req_args", None) or {}
    for part in ("json", "data", "params"):
        args = sent.get(part)
        if isinstance(args, dict) and args.get("channel"):
            return str(args["channel"])
    return None
