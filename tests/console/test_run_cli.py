"""`groundrules run`: a missing or malformed setting stops start-up with one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli import app
from bot.database import make_engine

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
PLATFORM_VARIABLES = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET", "DISCORD_TOKEN",
)  # fmt: skip


def run(monkeypatch, tmp_path, *args: str, **env: str):
    for name in PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/run.db")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runner.invoke(app, ["run", *args])


def test_run_without_any_platform_says_what_to_set(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("groundrules: no platform configured")
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_unknown_platform(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path, "teams")
    assert result.exit_code == 2 and "unknown platform 'teams'" in result.stderr


def test_run_slack_without_a_signing_secret_names_it(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path, "slack", SLACK_BOT_TOKEN="xoxb-1-2-secretvalue")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundrules: SLACK_SIGNING_SECRET")
    assert "secretvalue" not in result.output


def test_run_slack_with_a_bot_token_alone_names_both_ways_to_connect(monkeypatch, tmp_path):
    """Socket Mode needs no signing secret: a bot token alone was told only to add one,
    though the app token (Socket Mode, as without a public address) was as likely missing."""
    result = run(monkeypatch, tmp_path, "slack", SLACK_BOT_TOKEN="xoxb-1-2-secretvalue")
    [line] = result.stderr.strip().splitlines()
    assert "SLACK_SIGNING_SECRET" in line and "SLACK_APP_TOKEN" in line
    result = run(monkeypatch, tmp_path)
    [line] = result.stderr.strip().splitlines()
    assert "SLACK_APP_TOKEN" in line  # no platform at all: Socket Mode's token is named too


def test_run_discord_with_a_malformed_token_names_it(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path, "discord", DISCORD_TOKEN="not a token")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundrules: DISCORD_TOKEN")


def test_run_malformed_window_names_the_variable(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path, GROUNDRULES_PROBLEM_WINDOW="ten minutes-ish")
    assert result.exit_code == 2
    assert result.stderr.startswith("groundrules: GROUNDRULES_PROBLEM_WINDOW: ")


def test_run_with_a_mistyped_log_level_names_it_in_one_line(monkeypatch, tmp_path):
    result = run(monkeypatch, tmp_path, GROUNDRULES_LOG_LEVEL="verbose")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundrules: GROUNDRULES_LOG_LEVEL: ") and "'DEBUG'" in line


def test_run_on_a_database_it_cannot_migrate_says_why_in_one_line(monkeypatch, tmp_path):
    """The schema is migrated in a child process; its failure stops the start."""
    database = make_engine(f"sqlite:///{tmp_path}/run.db")
    with database.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    database.dispose()
    result = run(
        monkeypatch, tmp_path, "slack",
        SLACK_BOT_TOKEN="xoxb-1-2-secretvalue", SLACK_SIGNING_SECRET="s3cret",
        GROUNDRULES_CLASSIFIER="rules",
    )  # fmt: skip
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("groundrules: the schema migration failed") and "9999" in line


@pytest.mark.parametrize(
    ("platform", "credentials"),
    [("slack", {"SLACK_BOT_TOKEN": "xoxb-1-2-secretvalue", "SLACK_SIGNING_SECRET": "s3cret"}),
     ("discord", {"DISCORD_TOKEN": "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GaBcDe.abcdefghijklmnopqrstuvwxyz0"
                                   "123456789ab"})],
)  # fmt: skip
def test_run_on_a_port_already_in_use_names_it_in_one_line(tmp_path, platform, credentials):
    """The Slack adapter's port, or the health server's beside Discord: a traceback
    (OSError) before; the real command in a process of its own, as a person runs it."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in PLATFORM_VARIABLES and not name.startswith("GROUNDRULES_")
    }
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        found = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run", platform],
            env={**environment, **credentials, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
                 "GROUNDRULES_CLASSIFIER": "rules", "GROUNDRULES_HTTP_PORT": str(port)},
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert found.returncode == 1
    assert found.stderr.splitlines()[-1] == (
        f"groundrules: GROUNDRULES_HTTP_PORT: cannot listen on port {port}: Address already in use"
    )
    assert "Traceback" not in found.stderr
    assert not any(secret in found.stderr for secret in credentials.values())


WELL_FORMED_DISCORD_TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0.GaBcDe." + "x" * 38


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["discord", "--shards", "many"], {}, "--shards"),
        (["discord"], {"GROUNDRULES_DISCORD_SHARDS": "many"}, "GROUNDRULES_DISCORD_SHARDS"),
    ],
)
def test_run_names_bad_shards_as_the_user_gave_them(monkeypatch, tmp_path, args, env, named):
    """`--shards many` was blamed on GROUNDRULES_DISCORD_SHARDS, which nobody had set."""
    monkeypatch.delenv("GROUNDRULES_DISCORD_SHARDS", raising=False)
    result = run(monkeypatch, tmp_path, *args, DISCORD_TOKEN=WELL_FORMED_DISCORD_TOKEN, **env)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"groundrules: {named}: write auto, or the number of shards (e.g. 4)\n"
    )
