"""The Discord adapter as the runtime sees it: start, stop, deliver.

A start that Discord refuses (a wrong token, privileged intents that are off), or that
cannot reach it, ends the process with one line that says what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
import discord.gateway
import discord.http
import yarl

from adapters.discord.client import GroundrulesBot, ShardedGroundrulesBot, make_bot
from adapters.discord.cog import GroundrulesCog
from adapters.discord.components import COG_NAME
from adapters.discord.config import DiscordConfig
from adapters.discord.translate import PREFIX
from adapters.discord.unreachable import one_line_tries
from adapters.unreachable import connection_error, reason
from rules.actions import Outbound

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

INTENTS_OFF = (
    "groundrules: Discord refused the bot's privileged gateway intents. In the Discord "
    "Developer Portal open your application -> Bot -> Privileged Gateway Intents, switch on "
    "Message Content Intent and Server Members Intent, save, and start again."
)
TOKEN_REFUSED = (
    "groundrules: DISCORD_TOKEN: Discord refused the token; copy a fresh one from the "
    "Developer Portal (your application -> Bot -> Reset Token)."
)


# The gateway gave up after start-up, for a reason no one is told how to fix: a restart
# (a supervisor's, on exit code 1) may do.
CONNECTION_ENDED = "groundrules: the Discord connection ended ({reason}); start the bot again"

# The gateway's close code for a token it does not take (reset in the Developer Portal).
AUTHENTICATION_FAILED = 4004

# discord.py tries neither a login again nor, before its first connection, the gateway.
UNREACHABLE = (
    "groundrules: cannot reach Discord ({reason}); not trying again: start the bot again "
    "once Discord can be reached"
)


class DiscordStartError(SystemExit):
    """Discord will not let the bot in; the message says what to change. Exits with 1."""


def start_error(error: BaseException) -> DiscordStartError | None:
    """The one-line exit for what a person must fix, or None for anything else."""
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return DiscordStartError(INTENTS_OFF)
    if isinstance(error, discord.LoginFailure):
        return DiscordStartError(TOKEN_REFUSED)
    if isinstance(error, discord.ConnectionClosed) and error.code == AUTHENTICATION_FAILED:
        return DiscordStartError(TOKEN_REFUSED)  # a token reset while the bot ran
    return None


def unreachable(error: BaseException) -> DiscordStartError | None:
    """The one-line exit for a start that could not reach Discord, or None (also for
    a start cancelled while it tried)."""
    if not isinstance(error, Exception):
        return None
    failed = connection_error(error)
    return None if failed is None else DiscordStartError(UNREACHABLE.format(reason=reason(failed)))


class DiscordAdapter:
    name = "discord"
    prefix = PREFIX

    def __init__(
        self,
        config: DiscordConfig,
        *,
        guild_ready_timeout: float = 2.0,
        ready_timeout: float = 120.0,
    ) -> None:
        self.config = config
        self.guild_ready_timeout = guild_ready_timeout
        self.ready_timeout = ready_timeout
        self.bot: GroundrulesBot | ShardedGroundrulesBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._fatal: DiscordStartError | None = None
        self._saved_urls: tuple[str, yarl.URL] | None = None
        self._running = False

    async def start(self, runtime: Runtime) -> None:
        """Log in, connect, and return once the guilds are in (or the wait is over)."""
        self._point_at_urls()
        one_line_tries()
        bot = make_bot(
            runtime, sharding=self.config.sharding, guild_ready_timeout=self.guild_ready_timeout
        )
        self.bot = bot
        try:
            await bot.login(self.config.token)
        except BaseException as error:
            await self._close()
            raise start_error(error) or unreachable(error) or error from None
        self._task = asyncio.create_task(bot.connect(), name="discord-gateway")
        self._task.add_done_callback(lambda task: self._connection_ended(task, runtime))
        ready = asyncio.ensure_future(bot.wait_until_ready())
        try:
            await asyncio.wait(
                {ready, self._task}, timeout=self.ready_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )  # fmt: skip
        finally:  # also when the start is cancelled (a stop): `stop()` closes the rest
            ready.cancel()
        if self._task.done():
            error = self._task.exception() if not self._task.cancelled() else None
            await self._close()
            if error is not None:
                raise start_error(error) or unreachable(error) or error
            raise RuntimeError("the Discord connection ended during start-up")
        if not bot.is_ready():
            log.warning("Discord is slow to send the guilds; carrying on while it connects")
        elif isinstance(cog := bot.get_cog(COG_NAME), GroundrulesCog):
            # Started once the servers READY left out are noted as removed (or kept to
            # note while the database does not answer).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cog.listed.wait(), self.ready_timeout)
        self._running = True

    def _connection_ended(self, task: asyncio.Task[None], runtime: Runtime) -> None:
        """The gateway gave up after start-up: stop the bot, exiting with the reason.
        discord.py closes the bot itself before it gives up (a token refused): only a
        stop of ours (`_running` false) is no reason."""
        if not self._running or task.cancelled() or self.bot is None:
            return
        error = task.exception()
        if error is None:
            return
        self._fatal = start_error(error) or DiscordStartError(
            CONNECTION_ENDED.format(reason=str(error) or type(error).__name__)
        )
        log.error("the Discord connection ended: %s", type(error).__name__)
        runtime.stop()

    async def stop(self) -> None:
        await self._close()
        if self._fatal is not None:
            raise self._fatal

    async def deliver(self, action: Outbound) -> str | None:
        if self.bot is None:
            raise RuntimeError("the Discord adapter is not started")
        return await self.bot.delivery.deliver(action)

    def forget_person(self, workspace: str, user: str) -> None:
        """`user` was forgotten in `workspace` (bot.person_data): that their DMs were
        closed, and what they were told lately, go with them."""
        if self.bot is not None:
            self.bot.delivery.forget_person(user)

    async def _close(self) -> None:
        self._running = False
        launching = isinstance(self.bot, ShardedGroundrulesBot) and not self.bot.is_ready()
        if launching and self._task is not None:
            # Its shards may still be trying the gateway, and would go on while closed.
            self._task.cancel()
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._task, 10)
            self._task = None
        # discord.py leaves its event handlers running: what they are handing to the
        # runtime is stored before the runtime stops its worker (Runtime.run).
        if self.bot is not None and isinstance(cog := self.bot.get_cog(COG_NAME), GroundrulesCog):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(cog.handed_in(), 10)
        self._restore_urls()

    def _point_at_urls(self) -> None:
        """DISCORD_API_URL and DISCORD_GATEWAY_URL: discord.py reads both from its classes."""
        if self._saved_urls is None:
            self._saved_urls = (
                discord.http.Route.BASE,
                discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
            )
        if self.config.api_url:
            discord.http.Route.BASE = self.config.api_url
        if self.config.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.config.gateway_url)

    def _restore_urls(self) -> None:
        if self._saved_urls is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                self._saved_urls
            )
            self._saved_urls = None
