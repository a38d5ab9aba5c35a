"""`groundrules run discord` settings: one clear line for each mistake."""

from __future__ import annotations

import logging

import pytest

from adapters.discord import build_adapter
from adapters.discord.config import Sharding, parse_shards
from bot.settings import Settings, SettingsError
from tests.discord.harness import TOKEN


def settings(**values) -> Settings:
    return Settings(database_url="sqlite://", **values)


@pytest.mark.parametrize("token", [None, "", "   "])
def test_config_missing_token_names_the_variable(token):
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN: not set; .*Reset Token"):
        build_adapter(settings(discord_token=token))


@pytest.mark.parametrize("token", ["hunter2", "abc.def", "xoxb-1234-5678-abcdef", TOKEN + ".x y"])
def test_config_malformed_token_is_refused_without_showing_it(token):
    with pytest.raises(SettingsError) as refused:
        build_adapter(settings(discord_token=token))
    message = str(refused.value)
    assert message.startswith("DISCORD_TOKEN: does not look like a Discord bot token")
    assert token not in message


def test_config_token_with_bot_prefix_and_spaces_is_fine():
    adapter = build_adapter(settings(discord_token=f"  Bot {TOKEN}\n"))
    assert adapter.config.token == TOKEN
    assert TOKEN not in repr(adapter.config)


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v10"),
        ("https://discord.com/api/v10/", "https://discord.com/api/v10"),
        ("http://proxy.local/api/v9", "http://proxy.local/api/v9"),
    ],
)
def test_config_api_url_gets_the_version(api, expected):
    adapter = build_adapter(settings(discord_token=TOKEN, discord_api_url=api))
    assert adapter.config.api_url == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("DISCORD_API_URL", "discord.com/api"), ("DISCORD_GATEWAY_URL", "http://gw")],
)
def test_config_bad_urls_name_the_variable(name, value):
    field = name.lower()
    with pytest.raises(SettingsError, match=rf"^{name}: must start with"):
        build_adapter(settings(discord_token=TOKEN, **{field: value}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("1", None), ("off", None), ("auto", Sharding()),
     ("4", Sharding(4)), (" AUTO ", Sharding())],
)  # fmt: skip
def test_config_shards(value, expected):
    assert parse_shards(value) == expected


def test_config_shards_from_the_environment(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_DISCORD_SHARDS", "auto")
    assert build_adapter(settings(discord_token=TOKEN)).config.sharding == Sharding()
    monkeypatch.setenv("GROUNDRULES_DISCORD_SHARDS", "many")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_DISCORD_SHARDS: write auto"):
        build_adapter(settings(discord_token=TOKEN))


def test_config_build_adapter_logs_no_token(caplog):
    caplog.set_level(logging.DEBUG)
    build_adapter(settings(discord_token=TOKEN))
    assert TOKEN not in caplog.text
