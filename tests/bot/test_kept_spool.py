"""What a bot kept while the database did not answer survives a restart meanwhile (an
orchestrator restarting it, a deploy): the next process hands it in, once, in order, and
then nothing of it stays on disk (bot.spool)."""

from __future__ import annotations

import asyncio
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

import bot.runtime
from bot import workspaces
from bot.models import ProcessedEvent, WatchRow
from bot.outage import NotRecorded
from bot.runtime import Runtime
from tests.bot.test_runtime import RecordingAdapter, problem
from tests.conftest import make_app
from tests.helpers import eventually
from tests.standins.database_outage import DatabaseOutage


def handed_in(app) -> list[str]:
    """The ids of the events the service decides on, in the order it is given them."""
    seen: list[str] = []
    handle = app.service.handle

    def recording(event):
        seen.append(event.event_id)
        return handle(event)

    app.service.handle = recording
    return seen


def database_in(folder: Path) -> str:
    """A SQLite file in a folder of its own, for `DatabaseOutage` to take away."""
    (folder / "database").mkdir()
    return f"sqlite:///{folder}/database/g.db"


def spooled(spool: Path) -> list[Path]:
    return sorted(spool.iterdir()) if spool.exists() else []


def handled(app) -> list[str]:
    with Session(app.database) as session:
        return sorted(session.exec(select(ProcessedEvent.event_id)).all())


async def stopped_in_an_outage(outage, tagged, keep) -> None:
    """A bot that runs, loses its database, is told what `keep` submits, and is stopped
    (as an orchestrator stops it) before the database answers again."""
    app = make_app(outage.url, tagged, tick_interval=timedelta(seconds=1))
    app.settings.http_port = 0
    runtime = Runtime(app, [RecordingAdapter()])
    running = asyncio.create_task(runtime.run())
    try:
        await asyncio.sleep(0.1)
        outage.cut(app.database)
        await keep(runtime)
        await asyncio.sleep(1.2)  # a tick tries to hand them in, and cannot
    finally:
        runtime.stop()
        await asyncio.wait_for(running, timeout=10)
        app.database.dispose()


async def test_events_kept_in_an_outage_are_handed_in_once_in_order_after_a_restart(
    outage_url, tagged, tmp_path, operator_log
):
    spool = tmp_path / "spool"

    async def keep(runtime: Runtime) -> None:
        await runtime.submit(problem("p1", minutes_ago=0), keep=True)
        await runtime.workspace_removed("W2")
        await runtime.submit(problem("p2", minutes_ago=0), keep=True)
        await runtime.submit(problem("p3", minutes_ago=0), keep=True)
        assert runtime.kept == 4

    with DatabaseOutage(outage_url) as outage:
        await stopped_in_an_outage(outage, tagged, keep)
        [file] = spooled(spool)
        assert stat.S_IMODE(file.stat().st_mode) == 0o600  # message text is in it
        assert "the VPN is down" in file.read_text()
        assert "stay in" in operator_log.getvalue()
        outage.restore()

        app = make_app(outage.url, tagged, tick_interval=timedelta(seconds=1))
        app.settings.http_port = 0
        # Stored just before the first process stopped: a restart does not hand it in twice.
        await Runtime(app, [RecordingAdapter()]).submit(problem("p1", minutes_ago=0))
        order = handed_in(app)
        runtime = Runtime(app, [RecordingAdapter()])
        running = asyncio.create_task(runtime.run())
        try:
            await eventually(lambda: runtime.kept == 0 and order == ["p1", "p2", "p3"])
        finally:
            runtime.stop()
            await asyncio.wait_for(running, timeout=10)
        assert handled(app) == ["p1", "p2", "p3"]
        assert list(workspaces.removed(app.database)) == ["W2"]
        with Session(app.database) as session:
            watched = session.exec(select(WatchRow.problem_id)).all()
        assert sorted(watched) == ["p1", "p2", "p3"]  # p1 once
        assert spooled(spool) == []  # nothing of it stays on disk
        app.database.dispose()


async def test_a_line_cut_short_by_a_crash_is_skipped_with_a_warning(
    tmp_path, tagged, operator_log
):
    url = database_in(tmp_path)
    spool = tmp_path / "spool"
    app = make_app(url, tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    with DatabaseOutage(url) as outage:
        outage.cut(app.database)
        for n in (1, 2):
            await runtime.submit(problem(f"p{n}", minutes_ago=0), keep=True)
        runtime.spool.close()  # the process crashed while writing a third:
        [file] = spooled(spool)
        with file.open("a") as written:
            written.write('{"event":{"$":"MessagePosted","workspace":"W1","chan')
        outage.restore()
    app.database.dispose()

    app = make_app(url, tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    assert runtime.take_over_spool() == 2
    assert "line 3 of the spool" in operator_log.getvalue()
    assert "cut short" in operator_log.getvalue()
    assert await runtime.hand_in_kept() == 2
    assert handled(app) == ["p1", "p2"]
    assert spooled(spool) == []
    app.database.dispose()


async def test_a_process_that_loses_the_database_again_keeps_what_it_took_over(tmp_path, tagged):
    """Taken over but not yet stored, it stays on disk (in the new process's own file)
    for the process after; what was stored meanwhile is not handed in again."""
    url = database_in(tmp_path)
    spool = tmp_path / "spool"
    app = make_app(url, tagged)
    first = Runtime(app, [RecordingAdapter()])
    with DatabaseOutage(url) as outage:
        outage.cut(app.database)
        for n in (1, 2, 3):
            await first.submit(problem(f"p{n}", minutes_ago=0), keep=True)
        first.spool.close()
        [left] = spooled(spool)
        outage.restore()

        second = Runtime(app, [RecordingAdapter()])
        assert second.take_over_spool() == 3
        assert not left.exists()
        [own] = spooled(spool)
        calls = 0
        handle = app.service.handle

        def down_after_one(event):  # the database goes once the first is stored
            nonlocal calls
            calls += 1
            if calls == 2:
                outage.cut(app.database)
            return handle(event)

        app.service.handle = down_after_one
        with pytest.raises(NotRecorded):
            await second.hand_in_kept()
        assert second.kept == 2
        second.spool.close()
        assert spooled(spool) == [own] and own.read_text().count("\n") == 2
        outage.restore()
    app.service.handle = handle

    third = Runtime(app, [RecordingAdapter()])
    order = handed_in(app)
    assert third.take_over_spool() == 2
    assert await third.hand_in_kept() == 2
    assert order == ["p2", "p3"]
    assert handled(app) == ["p1", "p2", "p3"]
    assert spooled(spool) == []
    app.database.dispose()


async def test_the_spool_holds_the_bound_and_never_drops_a_removal(tmp_path, tagged, monkeypatch):
    monkeypatch.setattr(bot.runtime, "KEPT_EVENTS", 3)
    url = database_in(tmp_path)
    spool = tmp_path / "spool"
    app = make_app(url, tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    with DatabaseOutage(url) as outage:
        outage.cut(app.database)
        await runtime.submit(problem("p1", minutes_ago=0), keep=True)
        await runtime.workspace_removed("W2")
        for n in range(2, 10):
            await runtime.submit(problem(f"p{n}", minutes_ago=0), keep=True)
            [file] = spooled(spool)
            assert file.read_text().count("\n") < 2 * 3  # bounded on disk too
        runtime.spool.close()
        outage.restore()
    app.database.dispose()

    app = make_app(url, tagged)
    runtime = Runtime(app, [RecordingAdapter()])
    assert runtime.take_over_spool() == 3
    assert await runtime.hand_in_kept() == 3
    assert list(workspaces.removed(app.database)) == ["W2"]
    assert handled(app) == ["p8", "p9"]
    app.database.dispose()


def test_two_running_processes_never_share_a_spool(tmp_path, tagged):
    """A process whose spool is locked (it runs) keeps it: another one starting beside
    it (a shard, a replica) takes over nothing of it."""
    app = make_app(f"sqlite:///{tmp_path}/g.db", tagged)
    running = Runtime(app, [RecordingAdapter()])
    running.spool.add({"event": "its own"})
    starting = Runtime(app, [RecordingAdapter()])
    assert starting.take_over_spool() == 0
    assert [running.spool.path] == spooled(tmp_path / "spool")
    running.spool.close()
    app.database.dispose()


class OtherPlatform(RecordingAdapter):
    name = "other"
    prefix = "O"


async def test_a_spool_is_taken_over_by_a_process_serving_its_platforms(
    tmp_path, tagged, operator_log
):
    """Not by one serving another platform (it waits for one serving its own); by one
    serving a platform more (one added since) too."""
    url = database_in(tmp_path)
    app = make_app(url, tagged)
    gone = Runtime(app, [RecordingAdapter()])
    with DatabaseOutage(url) as outage:
        outage.cut(app.database)
        await gone.submit(problem("p1", minutes_ago=0), keep=True)
        gone.spool.close()
        outage.restore()
    [left] = spooled(tmp_path / "spool")

    assert Runtime(app, [OtherPlatform()]).take_over_spool() == 0
    assert left.exists()
    assert f"the spool {left} was left by a process serving test" in operator_log.getvalue()
    both = Runtime(app, [OtherPlatform(), RecordingAdapter()])
    assert both.take_over_spool() == 1
    assert await both.hand_in_kept() == 1
    assert handled(app) == ["p1"]
    assert spooled(tmp_path / "spool") == []
    app.database.dispose()
