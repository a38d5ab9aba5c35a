"""The database going away under a running bot: one line in the log when it goes, one
when it is back (not a traceback every tick), and nothing half-remembered meanwhile."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

import bot.runtime
from bot import workspaces
from bot.database import make_engine
from bot.models import ProcessedEvent
from bot.outage import NotRecorded, unreachable
from bot.runtime import Runtime
from tests.bot.test_runtime import RecordingAdapter, problem
from tests.conftest import make_app
from tests.helpers import eventually
from tests.standins.database_outage import DatabaseOutage


async def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    outage_url, tagged, operator_log
):
    with DatabaseOutage(outage_url) as outage:
        app = make_app(outage.url, tagged, tick_interval=timedelta(seconds=1))
        runtime = Runtime(app, [RecordingAdapter()])
        ticker = asyncio.create_task(runtime.run_ticker())
        try:
            await eventually(lambda: "retention sweep" in operator_log.getvalue())
            outage.cut(app.database)
            await eventually(lambda: runtime.outage.ticks_missed >= 3)
            outage.restore()
            await eventually(lambda: "reachable again" in operator_log.getvalue())
        finally:
            runtime.stop()
            await ticker
            app.database.dispose()
    lines = operator_log.getvalue().splitlines()
    [down] = [line for line in lines if "database unreachable" in line]
    [back] = [line for line in lines if "database reachable again" in line]
    assert " ERROR bot.outage: database unreachable: " in down and down.endswith("; retrying")
    assert " INFO bot.outage: database reachable again after " in back
    assert "tick(s) missed" in back
    assert not any("Traceback" in line or "tick failed" in line for line in lines)


async def test_a_tick_that_went_on_past_an_unanswered_step_is_no_sign_the_database_is_back(
    tmp_path, tagged, operator_log
):
    """Cut while a tick ran, its outbox claim failed and the tick went on: that tick's
    end logged "reachable again", and the next tick "unreachable" once more."""
    import sqlite3

    app = make_app(f"sqlite:///{tmp_path}/g.db", tagged, tick_interval=timedelta(seconds=1))

    def unanswered(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    app.store.claim_undelivered = unanswered
    runtime = Runtime(app, [RecordingAdapter()])
    ticker = asyncio.create_task(runtime.run_ticker())
    try:
        await eventually(lambda: "database unreachable" in operator_log.getvalue())
        # Three ticks ended, each having gone on past its claim (the fourth has begun).
        await eventually(lambda: runtime.outage.failures >= 4)
    finally:
        runtime.stop()
        await ticker
        app.database.dispose()
    lines = operator_log.getvalue().splitlines()
    assert len([line for line in lines if "database unreachable" in line]) == 1
    assert not any("reachable again" in line for line in lines)


async def test_other_failures_keep_their_tracebacks(tmp_path, tagged, operator_log):
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    with app.database.begin() as connection:  # a fault, not an outage
        connection.exec_driver_sql("DROP TABLE outbox")
    ticker = asyncio.create_task(runtime.run_ticker())
    await eventually(lambda: "tick failed" in operator_log.getvalue())
    runtime.stop()
    await ticker
    app.database.dispose()
    written = operator_log.getvalue()
    assert "tick failed; trying again next time" in written and "Traceback" in written
    assert "database unreachable" not in written


async def test_an_event_that_could_not_be_stored_leaves_nothing_remembered(outage_url, tagged):
    """Handed in again once the database is back, a message is read as it was the first
    time, not as the reply to itself."""
    with DatabaseOutage(outage_url) as outage:
        app = make_app(outage.url, tagged)
        runtime = Runtime(app, [RecordingAdapter()])
        said = problem("p1", minutes_ago=0)
        outage.cut(app.database)
        with pytest.raises(NotRecorded) as failed:
            await runtime.submit(said)
        assert failed.value.unreachable and unreachable(failed.value)
        assert app.service.recent.previous([said]) == [None]

        assert await runtime.submit(said, keep=True) == []
        assert runtime.kept == 1
        outage.restore()
        assert await runtime.hand_in_kept() == 1
        assert runtime.kept == 0
        assert app.service.recent.previous([said]) != [None]  # remembered now
        app.database.dispose()


async def test_a_removal_kept_through_a_long_outage_outlasts_the_oldest_events(
    outage_url, tagged, monkeypatch
):
    """Past the bound the oldest events go, not a workspace removing the bot."""
    monkeypatch.setattr(bot.runtime, "KEPT_EVENTS", 3)
    with DatabaseOutage(outage_url) as outage:
        app = make_app(outage.url, tagged)
        runtime = Runtime(app, [RecordingAdapter()])
        outage.cut(app.database)
        await runtime.submit(problem("p1", minutes_ago=0), keep=True)
        await runtime.workspace_removed("W2")
        for n in (2, 3, 4):
            await runtime.submit(problem(f"p{n}", minutes_ago=0), keep=True)
        assert runtime.kept == 3

        outage.restore()
        assert await runtime.hand_in_kept() == 3
        assert list(workspaces.removed(app.database)) == ["W2"]
        with Session(app.database) as session:
            handled = session.exec(select(ProcessedEvent.event_id)).all()
        assert sorted(handled) == ["p3", "p4"]
        app.database.dispose()


@pytest.mark.postgres
def test_postgres_connections_give_up_on_a_silent_network(postgres_url):
    """libpq waits on the kernel by default: forever for a new connection, 15 minutes
    for a lost one."""
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            given = connection.connection.dbapi_connection.info.get_parameters()
    finally:
        engine.dispose()
    assert given["connect_timeout"] == "10"
    assert (given["keepalives"], given["keepalives_idle"]) == ("1", "30")
    assert given["tcp_user_timeout"] == "30000"


@pytest.mark.postgres
def test_a_stalled_postgres_is_given_up_on_after_the_connect_timeout(postgres_url):
    with DatabaseOutage(postgres_url) as outage:
        assert outage.proxy is not None
        outage.proxy.stall()
        engine = make_engine(f"{outage.url}&connect_timeout=1")  # the URL's own wins
        started = time.monotonic()
        with pytest.raises(OperationalError) as failed, engine.connect():
            pass
        # Under the bot's own 10 s, with room for a busy machine: the URL's 1 s it is.
        assert time.monotonic() - started < 8
        assert unreachable(failed.value)
        engine.dispose()


def test_a_timer_tick_while_the_database_is_down_raises_the_outage_itself(outage_url, tagged):
    """What the database said reaches the tick, which knows an outage by it: the step
    that fires a timer once hid it behind an UnboundLocalError of its own."""
    with DatabaseOutage(outage_url) as outage:
        app = make_app(outage.url, tagged)
        try:
            outage.cut(app.database)
            with pytest.raises(OperationalError) as failed:
                app.service.fire_next_timer(bot.runtime.now_utc())
            assert unreachable(failed.value)
        finally:
            outage.restore()
            app.database.dispose()
