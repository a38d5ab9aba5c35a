"""`groundrules run` while its platform cannot be reached at start-up: SIGTERM (an
orchestrator's stop, Ctrl-C's SIGINT alike) still stops it at once and cleanly, and an
unreachable platform is said in one line, not a traceback.

The real command in a process of its own, as a person runs it: the signal handlers and
the exit code are the command's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.standins.discord_api import DiscordStandIn
from tests.standins.lifecycle import PATIENCE_S
from tests.standins.slack_api import SlackStandIn
from tests.standins.slack_socket_mode import SlackSocketModeStandIn
from tests.standins.unanswered import Unanswered, closed_port

ROOT = Path(__file__).resolve().parents[2]
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1-2-secretvalue", "SLACK_APP_TOKEN": "xapp-1-A1-secretapp"}
DISCORD_TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0.GaBcDe." + "x" * 38
# Generous: a stop within this is prompt however busy the machine; one that waited for
# the platform (or for SIGKILL) is not.
STOPPED_WITHIN_S = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Running:
    """The command's process, its log read as it is written."""

    def __init__(self, process: asyncio.subprocess.Process, database: Path) -> None:
        self.process = process
        self.database = database
        self.lines: list[str] = []
        self._reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode().rstrip("\n"))

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, wanted: Callable[[str], bool]) -> str:
        try:
            async with asyncio.timeout(PATIENCE_S):
                while True:
                    found = [line for line in self.lines if wanted(line)]
                    if found:
                        return found[0]
                    if self._reading.done():
                        raise AssertionError(f"it ended without that line:\n{self.stderr}")
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(f"no such line in {PATIENCE_S} s:\n{self.stderr}") from None

    async def ended(self, within: float = PATIENCE_S) -> int:
        """Its exit code; a process still running after `within` seconds fails the test."""
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            raise AssertionError(f"still running {within} s on:\n{self.stderr}") from None
        await self._reading
        return code


@asynccontextmanager
async def groundrules_run(platform: str, tmp_path: Path, **env: str) -> AsyncIterator[Running]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "DISCORD_", "GROUNDRULES_"))
    }
    database = tmp_path / "run.db"
    environment.update(
        DATABASE_URL=f"sqlite:///{database}", GROUNDRULES_CLASSIFIER="rules",
        GROUNDRULES_HTTP_PORT=str(free_port()), **env,
    )  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", platform, cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    running = Running(process, database)
    try:
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await running._reading


@asynccontextmanager
async def slack_socket_mode_run(
    tmp_path: Path, **socket_mode_options: str
) -> AsyncIterator[tuple[SlackStandIn, SlackSocketModeStandIn, Running]]:
    """The real bot in Socket Mode, against the stand-in Slack and its Socket Mode."""
    async with (
        SlackStandIn() as slack,
        SlackSocketModeStandIn(slack, **socket_mode_options) as socket_mode,
        groundrules_run("slack", tmp_path, SLACK_API_URL=slack.url, **SLACK) as running,
    ):  # fmt: skip
        yield slack, socket_mode, running


def assert_slack_lost_in_one_line(running: Running, code: int, said: str, port: str) -> None:
    """Slack lost after start-up: each try one line, then a clean stop on SIGTERM, with
    none of slack_sdk's own error lines and no token in the log."""
    # A stand-in that is stopping may hold a connection unanswered: "no answer", then.
    assert said.endswith(
        (f"[Connect call failed ('127.0.0.1', {port})]); trying again in 10 s",
         "cannot reach Slack (no answer); trying again in 10 s")
    ), said  # fmt: skip
    assert_stopped_cleanly(running, code)
    assert "Failed to" not in running.stderr  # slack_sdk's own error lines
    assert not any(secret in running.stderr for secret in SLACK.values())


def assert_stopped_cleanly(running: Running, code: int) -> None:
    assert code == 0, running.stderr
    assert "Traceback" not in running.stderr
    assert "Unclosed" not in running.stderr  # an aiohttp session or connector left open
    assert "Task was destroyed" not in running.stderr
    # Its database let go: SQLite's last connection closed folds the write-ahead log
    # into the file (one copied as a backup then holds everything) and deletes it.
    assert running.database.is_file()
    assert not running.database.with_name("run.db-wal").exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
async def test_a_slack_start_waiting_for_slack_stops_at_once(tmp_path, stop):
    """Socket Mode's start waited for apps.connections.open, and tried again for ever:
    SIGTERM was heard only once it connected (the process stopped at SIGKILL)."""
    async with (
        Unanswered() as slack,
        groundrules_run("slack", tmp_path, SLACK_API_URL=f"{slack.url}/api/", **SLACK) as running,
    ):
        await slack.wait_connected()
        running.process.send_signal(stop)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_stopped_cleanly(running, code)


async def test_a_slack_bot_running_stops_cleanly(tmp_path):
    async with slack_socket_mode_run(tmp_path) as (_slack, socket_mode, running):
        await socket_mode.wait_connected()
        await running.wait_for_line(lambda line: "slack adapter running" in line)
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_stopped_cleanly(running, code)


async def test_a_slack_that_refuses_the_connection_is_said_in_one_line_until_stopped(tmp_path):
    """Slack's Web API unreachable at start-up: Socket Mode tries again (it did, with a
    traceback each time); each try is one line saying so, and SIGTERM stops it."""
    with closed_port() as port:
        api = f"http://127.0.0.1:{port}/api/"
        async with groundrules_run("slack", tmp_path, SLACK_API_URL=api, **SLACK) as running:
            said = await running.wait_for_line(lambda line: "cannot reach Slack" in line)
            running.process.send_signal(signal.SIGTERM)
            code = await running.ended(STOPPED_WITHIN_S)
    assert said.endswith(
        f"cannot reach Slack (Cannot connect to host 127.0.0.1:{port} ssl:default "
        f"[Connect call failed ('127.0.0.1', {port})]); trying again in 10 s"
    )
    assert_stopped_cleanly(running, code)
    assert not any(secret in running.stderr for secret in SLACK.values())


def app_token_refused(error: str) -> str:
    return (
        f"groundrules: SLACK_APP_TOKEN: Slack refused the token ({error}); copy the app-level "
        "token (xapp-…) with the connections:write scope from your app's page at "
        "api.slack.com/apps (Basic Information -> App-Level Tokens), and start again."
    )


async def test_an_app_token_slack_does_not_know_ends_the_start_in_one_line(tmp_path):
    """Socket Mode's apps.connections.open refused (invalid_auth): slack_sdk asked again
    every 10 s for ever, logging a traceback each time."""
    async with slack_socket_mode_run(tmp_path, app_token="xapp-1-A1-issued") as (
        _slack,
        socket_mode,
        running,
    ):
        code = await running.ended()
    assert code == 1, running.stderr
    assert running.lines[-1] == app_token_refused("invalid_auth")
    assert "Traceback" not in running.stderr
    assert "Failed to" not in running.stderr  # slack_sdk's own error line
    assert socket_mode.connections == 0
    assert not any(secret in running.stderr for secret in SLACK.values())


async def test_an_app_token_without_connections_write_ends_the_start_in_one_line(tmp_path):
    async with slack_socket_mode_run(tmp_path) as (slack, _, running):
        slack.fail_next("apps.connections.open", "missing_scope", needed="connections:write")
        code = await running.ended()
    assert code == 1, running.stderr
    assert running.lines[-1] == app_token_refused("missing_scope")
    assert "Traceback" not in running.stderr


async def test_a_discord_start_waiting_for_discord_stops_at_once(tmp_path):
    """The start waited for Discord's answer to the login (or for the gateway, up to two
    minutes) before it heard SIGTERM."""
    async with (
        Unanswered() as discord,
        groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=f"{discord.url}/api/v10",
        ) as running,
    ):  # fmt: skip
        await discord.wait_connected()
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_stopped_cleanly(running, code)


async def test_a_discord_start_waiting_for_the_gateway_stops_at_once(tmp_path):
    """Logged in, the gateway does not answer: the start waited up to two minutes for
    it before it heard SIGTERM."""
    async with (
        DiscordStandIn() as discord,
        Unanswered() as gateway,
        groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
            DISCORD_GATEWAY_URL=gateway.url.replace("http", "ws", 1),
        ) as running,
    ):  # fmt: skip
        await gateway.wait_connected()
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_stopped_cleanly(running, code)


async def test_a_discord_gateway_that_refuses_the_connection_ends_the_start_in_one_line(
    tmp_path,
):
    """Logged in, the gateway refused: discord.py logged a traceback as it tried again,
    then failed to (its websocket was never made), and the start ended in another."""
    with closed_port() as port:
        async with (
            DiscordStandIn() as discord,
            groundrules_run(
                "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
                DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gw",
            ) as running,
        ):  # fmt: skip
            code = await running.ended()
    refused = f"Cannot connect to host 127.0.0.1:{port} ssl:default [Connect call failed"
    assert code == 1
    assert running.lines[-1] == (
        f"groundrules: cannot reach Discord ({refused} ('127.0.0.1', {port})]); not trying "
        "again: start the bot again once Discord can be reached"
    )
    assert "Traceback" not in running.stderr
    assert DISCORD_TOKEN not in running.stderr


async def test_a_discord_that_refuses_the_connection_ends_the_start_in_one_line(tmp_path):
    """Discord's API unreachable at login: a full aiohttp traceback before. discord.py
    does not try a login again: the line says so."""
    with closed_port() as port:
        api = f"http://127.0.0.1:{port}/api/v10"
        async with groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=api
        ) as running:
            code = await running.ended()
    assert code == 1
    assert running.lines[-1] == (
        f"groundrules: cannot reach Discord (Cannot connect to host 127.0.0.1:{port} "
        f"ssl:default [Connect call failed ('127.0.0.1', {port})]); not trying again: "
        "start the bot again once Discord can be reached"
    )
    assert "Traceback" not in running.stderr
    assert DISCORD_TOKEN not in running.stderr


@pytest.mark.parametrize("asked_to_reconnect", [False, True])
async def test_a_slack_lost_after_start_is_said_in_one_line_each_try_until_stopped(
    tmp_path, asked_to_reconnect
):
    """Connected, then Slack goes (the connection drops, nothing answers at its address;
    or Slack asks the bot to reconnect, then goes): slack_sdk tried again every 10 s for
    ever, logging its errors (a traceback among them) each time. Each try is one line
    saying so, and SIGTERM stops it."""
    async with slack_socket_mode_run(tmp_path) as (slack, socket_mode, running):
        await running.wait_for_line(lambda line: "slack adapter running" in line)
        port = slack.url.split(":")[2].split("/")[0]
        if asked_to_reconnect:  # slack_sdk reconnects in a task of its own then
            slack.fail_next("apps.connections.open", "internal_error")
            await socket_mode.send_disconnect()
            await running.wait_for_line(lambda line: "internal_error" in line)
        await socket_mode.stop()
        await slack.stop()
        said = await running.wait_for_line(lambda line: "cannot reach Slack" in line)
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_slack_lost_in_one_line(running, code, said, port)


async def test_an_app_token_refused_after_start_ends_the_run_in_one_line(tmp_path):
    """Connected, then the app-level token is revoked: each reconnect is refused
    (invalid_auth), and slack_sdk asked again every 10 s for ever. A revoked token does
    not come back: the run ends, saying what to do, as a start refused does."""
    async with slack_socket_mode_run(tmp_path, app_token=SLACK["SLACK_APP_TOKEN"]) as (
        _slack,
        socket_mode,
        running,
    ):
        await running.wait_for_line(lambda line: "slack adapter running" in line)
        socket_mode.app_token = "xapp-1-A1-issued-anew"  # the one the bot holds revoked
        await socket_mode.send_disconnect()
        code = await running.ended()
    assert code == 1, running.stderr
    assert running.lines[-1] == app_token_refused("invalid_auth")
    assert "Traceback" not in running.stderr
    assert "Failed to" not in running.stderr
    assert not running.database.with_name("run.db-wal").exists()
    assert not any(secret in running.stderr for secret in SLACK.values())


SHARDED = {"GROUNDRULES_DISCORD_SHARDS": "2"}


@pytest.mark.parametrize("shards", ["2", "auto"])
async def test_a_sharded_discord_that_refuses_the_connection_ends_the_start_in_one_line(
    tmp_path, shards
):
    with closed_port() as port:
        api = f"http://127.0.0.1:{port}/api/v10"
        async with groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=api,
            GROUNDRULES_DISCORD_SHARDS=shards,
        ) as running:  # fmt: skip
            code = await running.ended()
    assert code == 1
    assert running.lines[-1] == (
        f"groundrules: cannot reach Discord (Cannot connect to host 127.0.0.1:{port} "
        f"ssl:default [Connect call failed ('127.0.0.1', {port})]); not trying again: "
        "start the bot again once Discord can be reached"
    )
    assert "Traceback" not in running.stderr
    assert DISCORD_TOKEN not in running.stderr


def assert_no_shard_tried_after_the_stop(running: Running) -> None:
    """discord.py tries a shard's connection again every 5 s, closed or not: the stop
    waited for that (a try or two more, on a closed session a traceback), or for ever
    when the wait's own cancellation was lost."""
    stopped = next(
        at for at, line in enumerate(running.lines) if "stopped while the discord" in line
    )
    assert not [line for line in running.lines[stopped:] if "shard_id" in line], running.stderr


class GatewayElsewhere(DiscordStandIn):
    """A Discord whose /gateway/bot (what GROUNDRULES_DISCORD_SHARDS=auto asks for the
    shard count) names a gateway somewhere else."""

    def __init__(self, gateway_url: str) -> None:
        super().__init__()
        self._gateway_elsewhere = gateway_url

    @property
    def gateway_url(self) -> str:
        return self._gateway_elsewhere


@pytest.mark.parametrize("shards", ["2", "auto"])
async def test_a_sharded_discord_start_waiting_for_the_gateway_stops_at_once(tmp_path, shards):
    """Logged in, the gateway does not answer: each shard waits up to three minutes."""
    async with Unanswered() as gateway:
        gateway_url = gateway.url.replace("http", "ws", 1)
        async with (
            GatewayElsewhere(gateway_url) as discord,
            groundrules_run(
                "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
                DISCORD_GATEWAY_URL=gateway_url, GROUNDRULES_DISCORD_SHARDS=shards,
            ) as running,
        ):  # fmt: skip
            await gateway.wait_connected()
            running.process.send_signal(signal.SIGTERM)
            code = await running.ended(STOPPED_WITHIN_S)
    assert_stopped_cleanly(running, code)
    assert_no_shard_tried_after_the_stop(running)


async def test_a_sharded_discord_gateway_that_refuses_the_connection_is_said_in_one_line(
    tmp_path,
):
    """Logged in, the gateway refused: a shard tries again every 5 s for ever (discord.py
    does so for shards, not for the one connection of an unsharded bot), each try one
    line; SIGTERM stops it."""
    with closed_port() as port:
        async with (
            DiscordStandIn() as discord,
            groundrules_run(
                "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
                DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gw", **SHARDED,
            ) as running,
        ):  # fmt: skip
            said = await running.wait_for_line(lambda line: "shard_id" in line)
            running.process.send_signal(signal.SIGTERM)
            code = await running.ended(STOPPED_WITHIN_S)
    assert said.endswith(
        f"Failed to connect for shard_id: 0. Retrying...: Cannot connect to host "
        f"127.0.0.1:{port} ssl:default [Connect call failed ('127.0.0.1', {port})]"
    )
    assert_stopped_cleanly(running, code)
    assert_no_shard_tried_after_the_stop(running)
    assert DISCORD_TOKEN not in running.stderr


@pytest.mark.parametrize("shards", [{}, SHARDED], ids=["unsharded", "sharded"])
async def test_a_discord_token_refused_after_start_ends_the_run_in_one_line(tmp_path, shards):
    """Running, then the token is reset in the Developer Portal: the gateway closes the
    connection with 4004, and discord.py closes the bot; the process ran on, connected
    to nothing, saying nothing. The run ends as a start refused does, saying what to do
    (a Slack app token revoked mid-run alike), and exits with 1 for a supervisor to see."""
    async with (
        DiscordStandIn(expected_token=DISCORD_TOKEN) as discord,
        groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
            DISCORD_GATEWAY_URL=discord.gateway_url, **shards,
        ) as running,
    ):  # fmt: skip
        await running.wait_for_line(lambda line: "discord adapter running" in line)
        discord.expected_token = "MTE5ODc2NTQzMjEwOTg3NjU0.GaBcDe." + "y" * 38
        await discord.drop_connections(code=4004)
        code = await running.ended()
    assert code == 1, running.stderr
    assert running.lines[-1] == (
        "groundrules: DISCORD_TOKEN: Discord refused the token; copy a fresh one from the "
        "Developer Portal (your application -> Bot -> Reset Token)."
    )
    assert "Traceback" not in running.stderr
    assert not running.database.with_name("run.db-wal").exists()
    assert DISCORD_TOKEN not in running.stderr


async def test_a_slack_socket_lost_after_start_is_said_in_one_line_each_try(tmp_path):
    """Connected, then Socket Mode's websocket goes while the Web API answers: slack_sdk
    logged a traceback at each try to connect again, every 10 s for ever."""
    async with slack_socket_mode_run(tmp_path) as (_slack, socket_mode, running):
        await running.wait_for_line(lambda line: "slack adapter running" in line)
        port = socket_mode.url.split(":")[2].split("/")[0]
        await socket_mode.stop()
        said = await running.wait_for_line(lambda line: "cannot reach Slack" in line)
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert_slack_lost_in_one_line(running, code, said, port)


async def test_a_discord_connection_closed_for_good_after_start_ends_the_run_with_code_1(
    tmp_path,
):
    """Running, then the gateway closes with a code discord.py does not reconnect after
    (4011: the bot must be sharded): it closed the bot and the process ran on, connected
    to nothing. The run ends saying why, with exit code 1 for a supervisor to restart it."""
    async with (
        DiscordStandIn() as discord,
        groundrules_run(
            "discord", tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=discord.url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
        ) as running,
    ):  # fmt: skip
        await running.wait_for_line(lambda line: "discord adapter running" in line)
        await discord.drop_connections(code=4011)
        code = await running.ended()
    assert code == 1, running.stderr
    assert running.lines[-1] == (
        "groundrules: the Discord connection ended (Shard ID None WebSocket closed with "
        "4011); start the bot again"
    )
    assert "Traceback" not in running.stderr
    assert not running.database.with_name("run.db-wal").exists()


async def test_a_slack_that_answers_again_is_connected_again(tmp_path):
    """Slack asks the bot to reconnect and first refuses the new URL for a reason of its
    own: one line, and the next try connects."""
    async with slack_socket_mode_run(tmp_path) as (slack, socket_mode, running):
        await running.wait_for_line(lambda line: "slack adapter running" in line)
        slack.fail_next("apps.connections.open", "internal_error")
        await socket_mode.send_disconnect()
        said = await running.wait_for_line(lambda line: "internal_error" in line)
        await socket_mode.wait_connected(count=2)
        running.process.send_signal(signal.SIGTERM)
        code = await running.ended(STOPPED_WITHIN_S)
    assert said.endswith("Slack did not open Socket Mode (internal_error); trying again in 10 s")
    assert_stopped_cleanly(running, code)
    assert "Failed to" not in running.stderr
