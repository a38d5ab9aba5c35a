"""The Discord adapter's settings, checked once so a mistake is one clear line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from bot.settings import Settings, SettingsError

API_VERSION = "v10"
SHARDS_ENV = "GROUNDRULES_DISCORD_SHARDS"
# Three base64url parts separated by dots: user id, timestamp, signature.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{25,}$")
_API = re.compile(r"/api/v\d+$")


@dataclass(frozen=True, slots=True)
class Sharding:
    """Run as discord.py's AutoShardedBot; `count` None lets Discord choose."""

    count: int | None = None


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str = field(repr=False)
    api_url: str | None = None
    gateway_url: str | None = None
    sharding: Sharding | None = None


def discord_config(settings: Settings, *, shards: str | None = None) -> DiscordConfig:
    """From the settings (DISCORD_*) and GROUNDRULES_DISCORD_SHARDS; raises SettingsError."""
    secret = settings.discord_token
    if secret is None or not secret.get_secret_value().strip():
        raise SettingsError(
            "DISCORD_TOKEN: not set; copy the bot token from the Discord Developer Portal "
            "(your application -> Bot -> Reset Token)"
        )
    token = secret.get_secret_value().strip().removeprefix("Bot ").strip()
    if not _TOKEN.match(token):
        raise SettingsError(
            "DISCORD_TOKEN: does not look like a Discord bot token (three parts separated by "
            "dots); copy it again from the Developer Portal (Bot -> Reset Token)"
        )
    if shards is None:
        shards = getattr(settings, "discord_shards", None) or os.environ.get(SHARDS_ENV)
    return DiscordConfig(
        token=token,
        api_url=_api_url(settings.discord_api_url),
        gateway_url=_gateway_url(settings.discord_gateway_url),
        sharding=parse_shards(shards),
    )


def parse_shards(value: str | int | None) -> Sharding | None:
    """Unset, 0, 1 or "off": one connection. "auto": Discord's count. A number: that many."""
    text = str(value).strip().lower() if value is not None else ""
    if text in ("", "0", "1", "off", "no", "false", "none"):
        return None
    if text == "auto":
        return Sharding()
    if text.isdigit() and int(text) <= 10_000:
        return Sharding(int(text))
    # The field lets the command line name --shards when that is where it came from.
    reason = "write auto, or the number of shards (e.g. 4)"
    raise SettingsError(f"{SHARDS_ENV}: {reason}", field="discord_shards", reason=reason)


def _api_url(value: str | None) -> str | None:
    """discord.py's REST base, e.g. https://discord.com/api/v10 (the version is added)."""
    if not value:
        return None
    url = value.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SettingsError("DISCORD_API_URL: must start with http:// or https://")
    return url if _API.search(url) else f"{url}/api/{API_VERSION}"


def _gateway_url(value: str | None) -> str | None:
    if not value:
        return None
    url = value.strip()
    if not url.startswith(("ws://", "wss://")):
        raise SettingsError("DISCORD_GATEWAY_URL: must start with ws:// or wss://")
    return url
