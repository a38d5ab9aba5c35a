"""The Discord adapter (discord.py): `groundrules run discord`.

Thin on purpose: `translate` turns Discord objects into neutral events, `delivery`
carries out the engine's actions, `cog` listens, `components` holds the buttons and
forms, `rendering` the text. No ground rule is decided here.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter, DiscordStartError
from adapters.discord.config import discord_config
from bot.settings import Settings


def build_adapter(settings: Settings, **options: object) -> DiscordAdapter:
    """Raises SettingsError (naming the variable) when the settings will not do."""
    shards = options.pop("shards", None)
    config = discord_config(settings, shards=shards)  # type: ignore[arg-type]
    return DiscordAdapter(config, **options)  # type: ignore[arg-type]


__all__ = ["DiscordAdapter", "DiscordStartError", "build_adapter"]
