"""Running it: settings checked with one clear line, the manifests in step with the code,
and the installation tables made by the project's migrations."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect
from typer.testing import CliRunner

from adapters.slack import BOT_SCOPES, build_adapter
from adapters.slack.manifest import FILES, main, manifest, render
from bot.cli import app as cli
from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from bot.settings import Settings, SettingsError
from rules.grammar import COMMANDS, find_command
from rules.i18n import gettext

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"slack_bot_token": "xoxb-1-abc", "slack_signing_secret": "s3cret"}


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxp-user-token", "slack_signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "  "}, "SLACK_SIGNING_SECRET"),
        (GOOD | {"slack_app_token": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        (GOOD | {"slack_api_url": "slack.example"}, "SLACK_API_URL"),
        ({"slack_client_id": "1.2", "slack_signing_secret": "s"}, "SLACK_CLIENT_SECRET"),
        ({"slack_client_id": "1.2", "slack_client_secret": "c"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_setup_bad_settings_stop_with_one_line_naming_them(settings, named):
    with pytest.raises(SettingsError) as raised:
        build_adapter(Settings(database_url="sqlite://", **settings))
    message = str(raised.value)
    assert message.startswith(f"{named}:") and "\n" not in message
    for secret in ("xoxp-user-token", "s3cret"):
        assert secret not in message


def test_setup_modes_from_the_settings():
    http = build_adapter(Settings(database_url="sqlite://", **GOOD)).config
    assert (http.socket_mode, http.oauth, http.port) == (False, False, 3000)
    socket = build_adapter(
        Settings(database_url="sqlite://", slack_bot_token="xoxb-1", slack_app_token="xapp-1-x")
    ).config
    assert (socket.socket_mode, socket.signing_secret) == (True, None)  # no secret needed
    api = build_adapter(
        Settings(database_url="sqlite://", http_port=8080, slack_api_url="http://127.0.0.1:9/api",
                 **GOOD)
    ).config  # fmt: skip
    assert (api.port, api.api_url) == (8080, "http://127.0.0.1:9/api/")


def test_setup_the_settings_repr_shows_no_secret():
    """As DiscordConfig's: a repr ends up in logs and error messages."""
    url = "postgresql://groundrules:db-pa55word@db/groundrules"
    config = build_adapter(
        Settings(database_url=url, slack_client_id="1.2", slack_client_secret="client-s3cret",
                 slack_app_token="xapp-1-app-s3cret", **GOOD)
    ).config  # fmt: skip
    shown = repr(config)
    assert shown.startswith("SlackConfig(") and "1.2" in shown
    for secret in ("xoxb-1-abc", "s3cret", "client-s3cret", "xapp-1-app-s3cret", "db-pa55word"):
        assert secret not in shown


def test_setup_cli_reports_a_missing_setting_in_one_line(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-abc")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        result = CliRunner().invoke(cli, ["run", "slack"])
    finally:
        root.handlers[:], root.level = handlers, level
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [lines[-1]] and "SLACK_SIGNING_SECRET" in lines[-1]


@pytest.mark.parametrize(("socket_mode", "lang", "name"), [(*k, v) for k, v in FILES.items()])
def test_setup_manifests_are_made_from_the_code(socket_mode, lang, name):
    path = ROOT / name
    assert path.read_text(encoding="utf-8") == render(socket_mode=socket_mode, lang=lang), (
        f"{name} is out of date: run `python -m adapters.slack.manifest`"
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == manifest(socket_mode=socket_mode, lang=lang)
    listed = [c["command"] for c in data["features"]["slash_commands"]]
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert len(listed) == len(commands) <= 25  # Slack names each command once per app
    for name in listed:  # Slack's rule for a command's name
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", name), name
    if lang == "en":
        assert set(commands) == {f"/{spec.name}" for spec in COMMANDS}
        for spec in COMMANDS:
            assert commands[f"/{spec.name}"]["description"] == spec.summary
    else:  # the Dutch names, in Dutch, and /groundrules for the English ones
        assert set(commands) == {f"/{spec.dutch}" for spec in COMMANDS} | {"/groundrules"}
        afspraak = commands["/afspraak"]
        assert afspraak["description"] == gettext(find_command("agree")[0].summary, "nl")
        assert afspraak["description"].startswith("Leg een afspraak vast")
        assert afspraak["usage_hint"].startswith("<wat we afspreken> omdat <waarom>")
        assert commands["/seintjes"]["usage_hint"] == "[normaal | minder | uit]"
        assert (
            data["display_information"]["description"]
            != manifest(socket_mode=False)["display_information"]["description"]
        )
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert data["settings"]["socket_mode_enabled"] is socket_mode
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    [shortcut] = data["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", "record_agreement")
    if socket_mode:
        assert "request_url" not in data["settings"]["event_subscriptions"]
    else:
        assert data["settings"]["interactivity"]["request_url"].endswith("/slack/events")


# Slack's limits on a manifest's words (its manifest reference, and the same in the
# Web API's manifest types): Slack refuses a manifest past one.
MANIFEST_LIMITS = {
    ("display_information", "name"): 35,
    ("display_information", "description"): 140,
    ("display_information", "long_description"): 4000,
    ("features", "bot_user", "display_name"): 80,
}


@pytest.mark.parametrize("name", FILES.values())
def test_setup_manifests_keep_within_slacks_limits(name):
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    for path, most in MANIFEST_LIMITS.items():
        value = data
        for key in path:
            value = value[key]
        assert len(value) <= most, (path, len(value))
    # Slack asks at least this much of a long description.
    assert len(data["display_information"]["long_description"]) >= 174
    for shortcut in data["features"]["shortcuts"]:
        assert len(shortcut["description"]) <= 150, shortcut
        assert len(shortcut["callback_id"]) <= 255, shortcut
    for slash in data["features"]["slash_commands"]:
        assert len(slash["description"]) <= 2000, slash
        assert len(slash.get("usage_hint", "")) <= 1000, slash


@pytest.mark.parametrize("name", FILES.values())
def test_setup_manifests_open_the_bots_dm_and_hear_what_is_typed_there(name):
    """Nudges and reminders come by DM, and /concern, /mandate, /not-a-problem undo are
    typed there: with the Messages tab off, Slack shows "Sending messages to this app
    has been turned off" instead of the composer. What people type there comes as
    message.im, which needs im:history."""
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    app_home = data["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False
    assert "message.im" in data["settings"]["event_subscriptions"]["bot_events"]
    assert "im:history" in data["oauth_config"]["scopes"]["bot"]


SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def test_setup_manifest_script_writes_where_told_and_explains_itself(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES.values())
    with pytest.raises(SystemExit) as help_asked:
        main(["--help"])
    assert help_asked.value.code == 0 and "manifests" in capsys.readouterr().out
    assert not Path("--help").exists()  # the old script took "--help" for a folder
    with pytest.raises(SystemExit) as wrong:
        main([str(tmp_path / "missing")])
    assert wrong.value.code == 2 and "not a folder" in capsys.readouterr().err


@pytest.mark.empty_database
def test_setup_migrations_make_and_drop_the_installation_tables(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= SLACK_TABLES
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert not SLACK_TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= SLACK_TABLES
    finally:
        engine.dispose()


@pytest.mark.empty_database
def test_setup_installation_tables_match_slack_sdks_own_definitions(database_url):
    """The migration writes slack_sdk's tables out by hand; they must stay what it expects."""
    expected = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(expected, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(expected, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(expected, "slack_oauth_states")
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True,
                      "include_name": lambda name, type_, parents: type_ != "table"
                      or name in SLACK_TABLES},
            )  # fmt: skip
            assert compare_metadata(context, expected) == []
    finally:
        engine.dispose()
