"""The bound on what a bot keeps while the database does not answer (bot.runtime,
KEPT_EVENTS) across restarts, several spool files and handing in: whatever goes past it
is said, in all (not only what the last process saw go), and handing in while more is
kept loses nothing it did not say it dropped, and never a workspace's removal."""

from __future__ import annotations

import asyncio
import threading

import pytest

import bot.runtime
from bot import workspaces
from bot.runtime import Runtime
from bot.spool import left_spools, read_records
from bot.spool_replay import needs_its_platform, replay
from tests.bot.test_kept_spool import (
    a_runtime,
    handed_in,
    handled,
    keep_problems,
    spooled,
)
from tests.conftest import bot_on
from tests.helpers import eventually
from tests.standins.database_outage import DatabaseOutage

BOUND = 3


@pytest.fixture(autouse=True)
def small_bound(monkeypatch) -> None:
    monkeypatch.setattr(bot.runtime, "KEPT_EVENTS", BOUND)


@pytest.fixture
def url(outage_url) -> str:
    return outage_url


def ids(first: int, last: int) -> list[str]:
    return [f"p{n}" for n in range(first, last + 1)]


async def kept_in_an_outage(url: str, tagged, keep) -> None:
    """A process that loses its database, is told what `keep` submits, and stops (its
    spool closed, as a crash leaves it) before the database answers again."""
    with DatabaseOutage(url) as outage, bot_on(outage.url, tagged) as app:
        runtime = a_runtime(app)
        outage.cut(app.database)
        await keep(runtime)
        runtime.spool.close()


async def test_kept_bound_a_long_outage_says_when_it_starts_dropping(url, tagged, operator_log):
    await kept_in_an_outage(url, tagged, lambda gone: keep_problems(gone, *ids(1, 5)))
    said = operator_log.getvalue()
    assert said.count("the oldest go from now") == 1, said  # told once, when it starts


async def test_kept_bound_what_a_process_dropped_before_a_restart_is_said_after_it(
    url, spool, tagged, operator_log
):
    """Ten kept by a process that stopped: seven went past the bound. The next process
    hands in the last three and says seven were dropped, not only the one its own
    reading of the spool file dropped."""
    await kept_in_an_outage(url, tagged, lambda gone: keep_problems(gone, *ids(1, 10)))
    [left] = left_spools(spool)
    assert left.lines < 2 * BOUND  # bounded on disk too

    with bot_on(url, tagged) as app:
        runtime = a_runtime(app)
        assert runtime.take_over_spool() == BOUND
        assert await runtime.hand_in_kept() == BOUND
        assert handled(app) == sorted(ids(8, 10))
    assert "handled 3 event(s) kept while the database did not answer; 7 older one(s) " \
           "were dropped" in operator_log.getvalue()  # fmt: skip
    assert spooled(spool) == []


async def test_kept_bound_the_dropped_count_goes_through_restarts_and_spool_replay(
    url, spool, tagged, operator_log
):
    """Two processes each stopped in the outage, the second after taking over the
    first's file; `groundrules spool replay` (bot.spool_replay) hands in what is left and
    says what went in all, the file's count of dropped ones being no event of its own."""
    await kept_in_an_outage(url, tagged, lambda gone: keep_problems(gone, *ids(1, 6)))

    async def take_over_then_keep(second: Runtime) -> None:
        assert second.take_over_spool() == BOUND  # p4 to p6; p1 to p3 dropped
        await keep_problems(second, *ids(7, 8))  # p4, p5 dropped

    await kept_in_an_outage(url, tagged, take_over_then_keep)
    [left] = left_spools(spool)
    records = read_records(left.path)
    assert left.lines == len([r for r in records if "event" in r])  # a note is no line
    assert [needs_its_platform(record) for record in records] == [None] * len(records)
    with bot_on(url, tagged) as app:
        # `groundrules spool replay` runs its own event loop.
        assert (await asyncio.to_thread(replay, app, [left])).stored == BOUND
        assert handled(app) == ids(6, 8)
    assert "5 older one(s) were dropped" in operator_log.getvalue()


async def slowed(app) -> tuple[threading.Event, threading.Event]:
    """The service's next decision waits (in the worker) until `release` is set;
    `started` is set when it begins."""
    started, release = threading.Event(), threading.Event()
    handle = app.service.handle

    def waiting(event):
        if not started.is_set():
            started.set()
            release.wait(10)
        return handle(event)

    app.service.handle = waiting
    return started, release


async def test_kept_bound_an_event_heard_while_the_kept_are_handed_in_loses_no_other(
    url, tagged, operator_log
):
    """The bound is full while the first kept event is being stored, and one more is
    heard: the one that goes is the oldest still waiting (and said), never the one being
    stored, nor a workspace's removal behind it, and each is handed in once."""
    with DatabaseOutage(url) as outage, bot_on(outage.url, tagged) as app:
        runtime = a_runtime(app)
        outage.cut(app.database)
        await keep_problems(runtime, "p1")
        await runtime.workspace_removed("W2")
        await keep_problems(runtime, "p3")
        assert runtime.kept == BOUND
        outage.restore()

        order = handed_in(app)
        started, release = await slowed(app)
        handing_in = asyncio.create_task(runtime.hand_in_kept())
        await eventually(started.is_set)
        await keep_problems(runtime, "p4")  # heard now: kept behind the others
        release.set()
        await handing_in

        assert runtime.kept == 0
        assert list(workspaces.removed(app.database)) == ["W2"]
        assert order == ["p1", "p4"]  # p3, the oldest waiting, went for p4
        assert handled(app) == ["p1", "p4"]
    assert "1 older one(s) were dropped" in operator_log.getvalue()
