"""What a bot kept while the database did not answer survives a restart meanwhile (an
orchestrator restarting it, a deploy): the next process hands it in, once, in order, and
then nothing of it stays on disk (bot.spool)."""

from __future__ import annotations

import asyncio
import os
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
from tests.conftest import bot_on, sqlite_of_its_own
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


@pytest.fixture
def url(tmp_path) -> str:
    return sqlite_of_its_own(tmp_path)


def spooled(spool: Path) -> list[Path]:
    return sorted(spool.iterdir()) if spool.exists() else []


def handled(app) -> list[str]:
    with Session(app.database) as session:
        return sorted(session.exec(select(ProcessedEvent.event_id)).all())


def a_runtime(app, *adapters: RecordingAdapter) -> Runtime:
    return Runtime(app, list(adapters) or [RecordingAdapter()])


async def keep_problems(runtime: Runtime, *ids: str) -> None:
    """Problems submitted to be kept (as the adapters submit them) while the database
    does not answer."""
    for problem_id in ids:
        await runtime.submit(problem(problem_id, minutes_ago=0), keep=True)


async def kept_in_an_outage(url: str, tagged, keep) -> None:
    """A process that loses its database, is told what `keep` submits, and stops (its
    spool closed, as a crash leaves it) before the database answers again."""
    with bot_on(url, tagged) as app, DatabaseOutage(url) as outage:
        runtime = a_runtime(app)
        outage.cut(app.database)
        await keep(runtime)
        runtime.spool.close()


async def stopped_in_an_outage(outage, tagged, keep) -> None:
    """A bot that runs, loses its database, is told what `keep` submits, and is stopped
    (as an orchestrator stops it) before the database answers again."""
    with bot_on(outage.url, tagged, tick_interval=timedelta(seconds=1)) as app:
        app.settings.http_port = 0
        runtime = a_runtime(app)
        running = asyncio.create_task(runtime.run())
        try:
            await asyncio.sleep(0.1)
            outage.cut(app.database)
            await keep(runtime)
            # A tick begun after them tries to hand them in, and cannot: missed, it ends.
            missed = runtime.outage.ticks_missed
            await eventually(lambda: runtime.outage.ticks_missed >= missed + 2)
        finally:
            runtime.stop()
            await asyncio.wait_for(running, timeout=10)


async def test_events_kept_in_an_outage_are_handed_in_once_in_order_after_a_restart(
    outage_url, tagged, spool, operator_log
):
    async def keep(runtime: Runtime) -> None:
        await keep_problems(runtime, "p1")
        await runtime.workspace_removed("W2")
        await keep_problems(runtime, "p2", "p3")
        assert runtime.kept == 4

    with DatabaseOutage(outage_url) as outage:
        await stopped_in_an_outage(outage, tagged, keep)
        [file] = spooled(spool)
        assert stat.S_IMODE(file.stat().st_mode) == 0o600  # message text is in it
        assert "the VPN is down" in file.read_text()
        assert "stay in" in operator_log.getvalue()
        outage.restore()

        with bot_on(outage.url, tagged, tick_interval=timedelta(seconds=1)) as app:
            app.settings.http_port = 0
            # Stored just before the first process stopped: a restart does not hand it in
            # twice.
            await a_runtime(app).submit(problem("p1", minutes_ago=0))
            order = handed_in(app)
            runtime = a_runtime(app)
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


async def test_a_line_cut_short_by_a_crash_is_skipped_with_a_warning(
    url, spool, tagged, operator_log
):
    await kept_in_an_outage(url, tagged, lambda runtime: keep_problems(runtime, "p1", "p2"))
    [file] = spooled(spool)  # the process crashed while writing a third:
    with file.open("a") as written:
        written.write('{"event":{"$":"MessagePosted","workspace":"W1","chan')

    with bot_on(url, tagged) as app:
        runtime = a_runtime(app)
        assert runtime.take_over_spool() == 2
        assert "line 3 of the spool" in operator_log.getvalue()
        assert "cut short" in operator_log.getvalue()
        assert await runtime.hand_in_kept() == 2
        assert handled(app) == ["p1", "p2"]
        assert spooled(spool) == []


@pytest.mark.parametrize("planted", ["writable by others", "another user's", "a link"])
async def test_a_spool_file_this_user_did_not_make_alone_is_not_handed_in(
    url, spool, tagged, operator_log, tmp_path, planted
):
    """What a spool holds is handed in as Slack's and Discord's word: a file in the
    folder that others may have written (the folder shared, /tmp say) is left alone,
    with a warning, and so is a link to a file elsewhere."""
    await kept_in_an_outage(url, tagged, lambda runtime: keep_problems(runtime, "p1"))
    [file] = spooled(spool)
    if planted == "writable by others":
        file.chmod(0o666)
    elif planted == "another user's":
        if os.getuid() != 0:
            pytest.skip("only root gives a file to another user")
        os.chown(file, 65534, 65534)
    else:
        elsewhere = tmp_path / "elsewhere.jsonl"
        file.rename(elsewhere)
        file.symlink_to(elsewhere)

    with bot_on(url, tagged) as app:
        runtime = a_runtime(app)
        assert runtime.take_over_spool() == 0
        assert await runtime.hand_in_kept() == 0
        assert handled(app) == []
        assert f"the spool {file} was not handed in" in operator_log.getvalue()
        assert file.is_symlink() or file.exists()  # left where it is, for the operator


async def test_a_process_that_loses_the_database_again_keeps_what_it_took_over(url, spool, tagged):
    """Taken over but not yet stored, it stays on disk (in the new process's own file)
    for the process after; what was stored meanwhile is not handed in again."""
    await kept_in_an_outage(url, tagged, lambda first: keep_problems(first, "p1", "p2", "p3"))
    [left] = spooled(spool)
    with bot_on(url, tagged) as app:
        with DatabaseOutage(url) as outage:
            second = a_runtime(app)
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
        app.service.handle = handle

        third = a_runtime(app)
        order = handed_in(app)
        assert third.take_over_spool() == 2
        assert await third.hand_in_kept() == 2
        assert order == ["p2", "p3"]
        assert handled(app) == ["p1", "p2", "p3"]
        assert spooled(spool) == []


async def test_the_spool_holds_the_bound_and_never_drops_a_removal(url, spool, tagged, monkeypatch):
    monkeypatch.setattr(bot.runtime, "KEPT_EVENTS", 3)

    async def keep(runtime: Runtime) -> None:
        await keep_problems(runtime, "p1")
        await runtime.workspace_removed("W2")
        for n in range(2, 10):
            await keep_problems(runtime, f"p{n}")
            [file] = spooled(spool)
            assert file.read_text().count("\n") < 2 * 3  # bounded on disk too

    await kept_in_an_outage(url, tagged, keep)
    with bot_on(url, tagged) as app:
        runtime = a_runtime(app)
        assert runtime.take_over_spool() == 3
        assert await runtime.hand_in_kept() == 3
        assert list(workspaces.removed(app.database)) == ["W2"]
        assert handled(app) == ["p8", "p9"]


def test_two_running_processes_never_share_a_spool(tmp_path, spool, tagged):
    """A process whose spool is locked (it runs) keeps it: another one starting beside
    it (a shard, a replica) takes over nothing of it."""
    with bot_on(f"sqlite:///{tmp_path}/g.db", tagged) as app:
        running = a_runtime(app)
        running.spool.add({"event": "its own"})
        starting = a_runtime(app)
        assert starting.take_over_spool() == 0
        assert [running.spool.path] == spooled(spool)
        running.spool.close()


class OtherPlatform(RecordingAdapter):
    name = "other"
    prefix = "O"


async def test_a_spool_is_taken_over_by_a_process_serving_its_platforms(
    url, spool, tagged, operator_log
):
    """Not by one serving another platform (it waits for one serving its own); by one
    serving a platform more (one added since) too."""
    await kept_in_an_outage(url, tagged, lambda gone: keep_problems(gone, "p1"))
    [left] = spooled(spool)

    with bot_on(url, tagged) as app:
        assert a_runtime(app, OtherPlatform()).take_over_spool() == 0
        assert left.exists()
        assert "(1 for test): this process (other) does not" in operator_log.getvalue()
        both = a_runtime(app, OtherPlatform(), RecordingAdapter())
        assert both.take_over_spool() == 1
        assert await both.hand_in_kept() == 1
        assert handled(app) == ["p1"]
        assert spooled(spool) == []
