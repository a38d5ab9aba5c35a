"""The discord.py bot: intents, the cog, the buttons' routes and the command tree."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from adapters.discord.cog import GroundrulesCog
from adapters.discord.commands import CatalogueTranslator
from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.config import Sharding
from adapters.discord.delivery import Delivery
from adapters.discord.unrepeated import trace_config

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Message Content and Server Members are privileged: switched on in the portal."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    wanted.members = True
    return wanted


class _Groundrules:
    """What the plain and the sharded bot share."""

    def __init__(self, runtime: Runtime, **options: Any) -> None:
        super().__init__(**options)
        self.runtime = runtime
        self.delivery = Delivery(self, runtime)  # type: ignore[arg-type]

    async def setup_hook(self) -> None:
        bot: commands.Bot = self  # type: ignore[assignment]
        await bot.tree.set_translator(CatalogueTranslator())
        await bot.add_cog(GroundrulesCog(bot, self.runtime, self.delivery))
        # Every button of every message, sent before a restart or after, routes by custom_id.
        bot.add_dynamic_items(*DYNAMIC_ITEMS)
        try:
            await bot.tree.sync()
        except discord.HTTPException as error:
            log.warning("could not register the slash commands (%s); trying next start", error)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: the cog listens to messages."""


class GroundrulesBot(_Groundrules, commands.Bot):
    pass


class ShardedGroundrulesBot(_Groundrules, commands.AutoShardedBot):
    async def launch_shard(self, gateway: Any, shard_id: int, *, initial: bool = False) -> None:
        """discord.py tries a shard's connection again every 5 s for ever, closed or not
        (after a stop during start-up, on a closed session, a traceback each time)."""
        if self.is_closed():
            return
        await super().launch_shard(gateway, shard_id, initial=initial)


def _no_voice_warnings() -> None:
    """The bot never joins voice; discord.py would warn at start that it cannot."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def make_bot(
    runtime: Runtime, *, sharding: Sharding | None = None, guild_ready_timeout: float = 2.0
) -> GroundrulesBot | ShardedGroundrulesBot:
    _no_voice_warnings()
    options: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,
        "help_command": None,
        "intents": intents(),
        # Nobody is pinged unless a message says so on purpose.
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": guild_ready_timeout,
        # Edits arrive as raw events; a cache of the last 1,000 messages would serve no one.
        "max_messages": None,
        # Opening a thread is not sent again after a server error (adapters.discord.unrepeated).
        "http_trace": trace_config(),
    }
    if sharding is None:
        return GroundrulesBot(runtime, **options)
    if sharding.count is not None:
        options["shard_count"] = sharding.count
    return ShardedGroundrulesBot(runtime, **options)
