"""The Slack part of the settings, checked once at start-up.

Each problem becomes one `SettingsError` line naming the environment variable, so a
wrong deployment stops before it serves anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from bot.settings import Settings, SettingsError

# Bot tokens; rotating ones carry the xoxe. prefix.
BOT_TOKEN_PREFIXES = ("xoxb-", "xoxe.xoxb-")
APP_TOKEN_PREFIX = "xapp-"
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True, slots=True)
class SlackConfig:
    # The secrets (and the database URL, which may hold a password) stay out of its
    # repr, as DiscordConfig's token does: a repr ends up in logs and error messages.
    bot_token: str | None = field(repr=False)
    signing_secret: str | None = field(repr=False)
    app_token: str | None = field(repr=False)
    api_url: str | None
    client_id: str | None
    client_secret: str | None = field(repr=False)
    database_url: str = field(repr=False)
    host: str
    port: int

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def oauth(self) -> bool:
        """Many workspaces: installs go through OAuth and tokens live in the database."""
        return self.client_id is not None


def _secret(value) -> str | None:
    if value is None:
        return None
    text = value.get_secret_value().strip()
    return text or None


def _plain(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def config_from(
    settings: Settings, *, port: int | None = None, host: str = "0.0.0.0"
) -> SlackConfig:
    """Check the Slack settings; raise `SettingsError` naming the first bad one."""
    bot_token = _secret(settings.slack_bot_token)
    signing_secret = _secret(settings.slack_signing_secret)
    app_token = _secret(settings.slack_app_token)
    client_id = _plain(settings.slack_client_id)
    client_secret = _secret(settings.slack_client_secret)
    api_url = _plain(settings.slack_api_url)

    if client_id is None and bot_token is None:
        raise SettingsError(
            "SLACK_BOT_TOKEN: missing; set it (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
            "to install in many workspaces)"
        )
    if bot_token is not None and not bot_token.startswith(BOT_TOKEN_PREFIXES):
        raise SettingsError("SLACK_BOT_TOKEN: not a bot token; it starts with xoxb-")
    if client_id is not None and client_secret is None:
        raise SettingsError(
            "SLACK_CLIENT_SECRET: missing; OAuth installs (SLACK_CLIENT_ID) need it"
        )
    if app_token is not None and not app_token.startswith(APP_TOKEN_PREFIX):
        raise SettingsError(
            "SLACK_APP_TOKEN: not an app-level token; it starts with xapp- (Socket Mode)"
        )
    # Socket Mode needs no signing secret; anything reaching us over HTTP does.
    if signing_secret is None and client_id is not None:
        raise SettingsError("SLACK_SIGNING_SECRET: missing; Slack's requests are verified with it")
    if signing_secret is None and app_token is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET: missing; Slack's requests over HTTP are verified with it "
            "(or set SLACK_APP_TOKEN for Socket Mode)"
        )
    if api_url is not None:
        parsed = urlparse(api_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SettingsError("SLACK_API_URL: not an http(s) URL, e.g. https://slack.com/api/")
        # slack_sdk joins method names onto the base: it must end in a slash.
        api_url = api_url if api_url.endswith("/") else api_url + "/"
    return SlackConfig(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        client_id=client_id,
        client_secret=client_secret,
        database_url=settings.database_url,
        host=host,
        port=settings.http_port if port is None else port,
    )
