"""A spool left for a platform this process does not serve (a Discord spool, the bot now
run with Slack alone) is never left on disk unseen: the start names it in the log with
its counts, /healthz shows it, and `groundrules spool` lists it, stores it or, when
asked to, deletes it (bot.spool, bot.spool_replay)."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot import codec
from bot.cli import app as cli
from bot.health import health_answer
from bot.models import ProcessedEvent, WatchRow
from bot.runtime import Runtime
from bot.spool import left_spools
from bot.spool_replay import replay
from tests.bot.test_kept_spool import a_runtime, handled, keep_problems
from tests.bot.test_runtime import RecordingAdapter, problem
from tests.conftest import bot_on, sqlite_of_its_own
from tests.migrating import engine_on
from tests.standins.database_outage import DatabaseOutage

runner = CliRunner()


class Discord(RecordingAdapter):
    name = "discord"


class Slack(RecordingAdapter):
    name = "slack"
    prefix = "slack:"


@pytest.fixture
def url(tmp_path) -> str:
    return sqlite_of_its_own(tmp_path)


@pytest.fixture
def command_line(url, monkeypatch):
    """The CLI on the tests' database, with the rule classifier (no model to load)."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GROUNDRULES_CLASSIFIER", "rules")
    monkeypatch.setenv("GROUNDRULES_SECOND_READING", "false")


async def left_by_discord(url, tagged, *ids: str) -> None:
    """A process serving Discord kept `ids` in an outage, and stopped before it ended."""
    with bot_on(url, tagged) as app, DatabaseOutage(url) as outage:
        runtime = Runtime(app, [Discord()])
        outage.cut(app.database)
        await keep_problems(runtime, *ids)
        runtime.spool.close()


def left_by_slack(spool: Path) -> Path:
    """A Slack process's spool: an event whose table Slack reads again."""
    spool.mkdir(exist_ok=True)
    path = spool / "kept-slack-4242-abcd0123.jsonl"
    event = codec.event_data(problem("s1", minutes_ago=0))
    line = {"event": event, "platform": "slack", "through": "slack:T1"}
    path.write_text(json.dumps(line) + "\n")
    return path


async def test_the_start_names_what_waits_for_another_platform_and_healthz_shows_it(
    url, tagged, spool, operator_log
):
    await left_by_discord(url, tagged, "p1", "p2")
    [left] = spool.iterdir()
    assert left.name.startswith("kept-discord-")
    with bot_on(url, tagged) as app:
        slack_only = Runtime(app, [Slack()])
        assert slack_only.take_over_spool() == 0
        log = operator_log.getvalue()
        assert "(2 for discord)" in log and "groundrules spool replay" in log
        assert left.exists()
        answer = await health_answer(slack_only.healthy, slack_only.spool_waiting)
        assert answer.status == 200
        assert json.loads(answer.text) == {"database": "ok", "spool_waiting": {"discord": 2}}
        # A process serving Discord takes it over: nothing waits any more.
        discord = Runtime(app, [Discord()])
        assert discord.take_over_spool() == 2
        assert slack_only.spool_waiting() == {}
        answer = await health_answer(slack_only.healthy, slack_only.spool_waiting)
        assert json.loads(answer.text) == {"database": "ok"}
        discord.close()


def test_spool_replay_stores_a_platform_no_process_serves_once(url, tagged, spool, command_line):
    asyncio.run(left_by_discord(url, tagged, "p1", "p2"))
    with bot_on(url, tagged) as app:  # p1 was stored just before the process stopped
        asyncio.run(a_runtime(app).submit(problem("p1", minutes_ago=0)))

    listed = runner.invoke(cli, ["spool", "list"])
    assert listed.exit_code == 0, listed.output
    assert "2 event(s)" in listed.stdout and "discord" in listed.stdout

    result = runner.invoke(cli, ["spool", "replay"])
    assert result.exit_code == 0, result.output
    assert "handed in 2 event(s) from 1 spool file(s)" in result.stderr
    assert list(spool.iterdir()) == []
    with bot_on(url, tagged) as app:
        assert handled(app) == ["p1", "p2"]
        with Session(app.database) as session:
            assert sorted(session.exec(select(WatchRow.problem_id)).all()) == ["p1", "p2"]


RUNTIME_LINES = ("keeping events until the database answers", "kept before a restart")


@pytest.mark.parametrize("verbose", [False, True], ids=["plain", "verbose"])
def test_spool_replay_says_what_it_does_and_the_bots_lines_only_when_verbose(
    url, tagged, spool, command_line, verbose
):
    """The runtime's own lines read as if a bot were waiting out an outage: the command
    says what it does itself; --verbose adds them."""
    asyncio.run(left_by_discord(url, tagged, "p1", "p2"))
    result = runner.invoke(cli, ["spool", "replay", *(["--verbose"] if verbose else [])])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("groundrules:")]
    assert said[0] == "groundrules: handing in 2 event(s)…"
    assert said[-1].startswith("groundrules: handed in 2 event(s) from 1 spool file(s)")
    assert all(line in result.stderr for line in RUNTIME_LINES) is verbose
    assert any(line in result.stderr for line in RUNTIME_LINES) is verbose
    if not verbose:  # nothing else
        assert result.stderr.splitlines() == said and len(said) == 2


def test_spool_replay_of_a_big_file_says_how_far_it_got(url, tagged, spool, command_line):
    with bot_on(url, tagged):
        pass  # the schema
    spool.mkdir()
    lines = (
        json.dumps({"event": codec.event_data(problem(f"p{n}", minutes_ago=0)),
                    "platform": "discord"})
        for n in range(300)
    )  # fmt: skip
    (spool / "kept-discord-4242-abcd0123.jsonl").write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["spool", "replay"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("groundrules:")]
    assert said[0] == "groundrules: handing in 300 event(s)…"
    assert said[1:-1] == [f"groundrules: {n} of 300 event(s) handed in" for n in range(30, 300, 30)]
    assert said[-1].startswith("groundrules: handed in 300 event(s) from 1 spool file(s)")


def test_spool_replay_says_how_many_the_outage_dropped(url, tagged, spool, command_line):
    """The process that kept the file dropped seven past its bound (its note says so):
    the command says so, not only the bot's log it hides without --verbose."""
    with bot_on(url, tagged):
        pass  # the schema
    spool.mkdir()
    lines = [json.dumps({"dropped": 7}), *(
        json.dumps({"event": codec.event_data(problem(f"p{n}", minutes_ago=0)),
                    "platform": "discord"})
        for n in (8, 9)
    )]  # fmt: skip
    (spool / "kept-discord-4242-abcd0123.jsonl").write_text("\n".join(lines) + "\n")

    listed = runner.invoke(cli, ["spool", "list"])
    assert "2 event(s)" in listed.stdout, listed.output  # the note is no event
    result = runner.invoke(cli, ["spool", "replay"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("groundrules:")]
    assert said[-2].startswith("groundrules: handed in 2 event(s) from 1 spool file(s)")
    assert said[-1] == ("groundrules: 7 older event(s) had been dropped unstored: the outage "
                        "outlasted the 1,000 a bot keeps at most")  # fmt: skip
    with bot_on(url, tagged) as app:
        assert handled(app) == ["p8", "p9"]


def test_spool_replay_leaves_what_only_slack_can_hand_in(url, tagged, spool, command_line):
    asyncio.run(left_by_discord(url, tagged, "p1"))
    slack = left_by_slack(spool)

    result = runner.invoke(cli, ["spool", "replay"])
    assert result.exit_code == 1, result.output
    assert f"left {slack} as it is" in result.stderr
    assert "Slack Connect" in result.stderr
    assert list(spool.iterdir()) == [slack]  # the Discord one stored, this one kept
    with bot_on(url, tagged) as app:
        assert handled(app) == ["p1"]
        with Session(app.database) as session:
            assert "s1" not in session.exec(select(ProcessedEvent.event_id)).all()


def test_spool_drop_asks_first_and_never_touches_a_running_process_s(
    url, tagged, spool, command_line
):
    asyncio.run(left_by_discord(url, tagged, "p1", "p2"))
    [left] = spool.iterdir()
    running = spool / "kept-discord-1-running0.jsonl"
    running.write_text('{"event": "its own"}\n')
    fd = os.open(running, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        refused = runner.invoke(cli, ["spool", "drop"], input="n\n")
        assert refused.exit_code == 1
        assert left.exists()
        listed = runner.invoke(cli, ["spool", "list"])
        assert "in use" in listed.stdout and "waiting" in listed.stdout

        dropped = runner.invoke(cli, ["spool", "drop", "--platform", "discord", "--yes"])
        assert dropped.exit_code == 0, dropped.output
        assert "dropped 2 event(s) in 1 spool file(s)" in dropped.stdout
        assert list(spool.iterdir()) == [running]
    finally:
        os.close(fd)
    with bot_on(url, tagged) as app:
        assert handled(app) == []


def test_spool_commands_refuse_an_unknown_platform(command_line):
    result = runner.invoke(cli, ["spool", "drop", "--platform", "discrod", "--yes"])
    assert result.exit_code == 2
    assert "unknown platform 'discrod'" in result.stderr


def test_a_process_taking_a_spool_over_waits_out_another_looking_at_it(url, tagged, spool):
    """/healthz or `groundrules spool list` elsewhere holds the file for a moment as it
    counts its lines: not taken for a running process's."""
    asyncio.run(left_by_discord(url, tagged, "p1"))
    [left] = spool.iterdir()
    with bot_on(url, tagged) as app:
        runtime = Runtime(app, [Discord()])
        looking = os.open(left, os.O_RDONLY)
        fcntl.flock(looking, fcntl.LOCK_EX)
        threading.Timer(0.03, os.close, [looking]).start()
        assert runtime.take_over_spool() == 1
        runtime.close()


def test_a_replay_the_database_stops_answering_in_keeps_the_rest_for_discord(url, tagged, spool):
    asyncio.run(left_by_discord(url, tagged, "p1", "p2", "p3"))
    with bot_on(url, tagged) as app, DatabaseOutage(url) as outage:
        handle, calls = app.service.handle, []

        def down_after_one(event):
            calls.append(event.event_id)
            if len(calls) == 2:
                outage.cut(app.database)
            return handle(event)

        app.service.handle = down_after_one
        done = replay(app, left_spools(spool))
        assert done.stored == 1 and done.interrupted is not None
        [rest] = spool.iterdir()
        assert str(rest) == done.interrupted
        assert rest.name.startswith("kept-discord-")  # for a Discord process, or a replay
        assert rest.read_text().count("\n") == 2
        app.service.handle = handle
    with bot_on(url, tagged) as app:
        assert handled(app) == ["p1"]
        assert replay(app, left_spools(spool)).stored == 2
        assert handled(app) == ["p1", "p2", "p3"]
        assert list(spool.iterdir()) == []


def test_spool_replay_leaves_the_bots_defaults_and_timers_as_the_bot_set_them(
    url, tagged, spool, command_line, monkeypatch
):
    """Run from a shell that does not set the bot's GROUNDRULES_TIMEZONE (the bot's own
    here: UTC, no quiet hours), `spool replay` does not take that shell's for the bot's:
    the defaults the bot last started with stay, and with them its timers."""
    asyncio.run(left_by_discord(url, tagged, "p1"))
    monkeypatch.setenv("GROUNDRULES_TIMEZONE", "America/New_York")
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    result = runner.invoke(cli, ["spool", "replay"])
    assert result.exit_code == 0, result.output
    with engine_on(url) as engine, engine.connect() as connection:
        applied = connection.execute(text("SELECT timezone, quiet_hours FROM applied_defaults"))
        assert [tuple(row) for row in applied] == [("UTC", "off")]
