"""At start-up the bot waits for a database that may yet answer (a container's, still
starting), saying why; one that never will stops it at once with one line naming why."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.bootstrap import wait_for_database
from bot.database import make_engine
from tests.conftest import postgres_base_url
from tests.standins.lifecycle import PATIENCE_S

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789A"


def _postgres(database: str) -> str:
    base = postgres_base_url()
    if base is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    return base.rsplit("/", 1)[0] + f"/{database}"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _never_opens(kind: str) -> str:
    if kind == "sqlite folder missing":
        return "sqlite:////nonexistent-groundrules-dir/groundrules.db"
    if kind == "postgresql database missing":
        return _postgres("no_such_groundrules_database")
    return _postgres("test").replace("://postgres@", "://no_such_groundrules_role@")


NEVER_OPENS = [
    "sqlite folder missing",
    pytest.param("postgresql database missing", marks=pytest.mark.postgres),
    pytest.param("postgresql role missing", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize("kind", NEVER_OPENS)
def test_database_that_will_never_open_is_not_waited_for(caplog, kind):
    database = make_engine(_never_opens(kind))
    started = time.monotonic()
    with pytest.raises(OperationalError):
        wait_for_database(database)
    database.dispose()
    # Far less than its patience (60 s), with room for a busy machine.
    assert time.monotonic() - started < PATIENCE_S
    assert "not reachable yet" not in caplog.text


def test_database_that_may_yet_answer_is_waited_for_saying_why(caplog):
    """Refused (a PostgreSQL still starting): the warning names the reason, once."""
    database = make_engine(f"postgresql://postgres@127.0.0.1:{_closed_port()}/test")
    started = time.monotonic()
    with pytest.raises(OperationalError):
        wait_for_database(database, patience=2)
    assert time.monotonic() - started >= 2
    [warning] = [r.getMessage() for r in caplog.records if "not reachable yet" in r.getMessage()]
    assert "Connection refused" in warning and warning.endswith("waiting up to 2 s")


@pytest.mark.parametrize("kind", NEVER_OPENS)
def test_run_stops_at_once_naming_a_database_that_will_never_open(tmp_path, kind):
    url = _never_opens(kind)
    environment = {
        "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
        "DATABASE_URL": url, "DISCORD_TOKEN": TOKEN,
    }  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "discord"], cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=2 * PATIENCE_S,  # a start, however slow
    )  # fmt: skip
    assert done.returncode == 1
    assert "not reachable yet" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("groundrules: cannot open ")
    assert line.endswith(
        {
            "sqlite folder missing": "unable to open database file",
            "postgresql database missing": 'database "no_such_groundrules_database" does not exist',
            "postgresql role missing": 'role "no_such_groundrules_role" does not exist',
        }[kind]
    )
