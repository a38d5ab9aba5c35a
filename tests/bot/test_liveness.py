"""/livez (bot.liveness) beside /healthz, through the health server a bot without an
HTTP-serving adapter runs: it does not ask the database, so a database outage leaves
it at 200 (the ticker keeps ticking, failing quickly); only a ticker that stopped
moving for far longer than its interval makes it 503."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.health import HealthServer
from bot.liveness import STUCK_AFTER, Heartbeat
from bot.runtime import Runtime
from tests.bot.test_runtime import RecordingAdapter
from tests.conftest import make_app
from tests.standins.database_outage import DatabaseOutage

INTERVAL = timedelta(seconds=1)


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def past_the_limit(self) -> None:
        self.now += (INTERVAL + STUCK_AFTER).total_seconds() + 1


async def answer(server: HealthServer, path: str) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


Served = tuple[Runtime, HealthServer, Clock, DatabaseOutage]


@pytest.fixture
async def served(outage_url, tagged) -> AsyncIterator[Served]:
    with DatabaseOutage(outage_url) as outage:
        app = make_app(outage.url, tagged, tick_interval=INTERVAL)
        runtime = Runtime(app, [RecordingAdapter()])
        clock = Clock()
        runtime.heartbeat = Heartbeat(INTERVAL, clock=clock)
        server = HealthServer(
            runtime.healthy, port=0, host="127.0.0.1", heartbeat=runtime.heartbeat
        )
        await server.start()
        try:
            yield runtime, server, clock, outage
        finally:
            await server.stop()
            app.database.dispose()


async def test_livez_stays_200_while_the_database_is_down_and_the_ticker_ticks(served):
    runtime, server, clock, outage = served
    assert await answer(server, "/livez") == (200, {"ticker": "ticking", "silent_s": 0.0})
    outage.cut(runtime.app.database)
    assert (await answer(server, "/healthz"))[0] == 503
    clock.past_the_limit()
    # A tick during the outage fails, quickly: the ticker still moves.
    ticker = asyncio.create_task(runtime.run_ticker())
    try:
        for _ in range(100):
            if (await answer(server, "/livez"))[0] == 200:
                break
            await asyncio.sleep(0.05)
        assert await answer(server, "/livez") == (200, {"ticker": "ticking", "silent_s": 0.0})
        assert (await answer(server, "/healthz"))[0] == 503
    finally:
        runtime.stop()
        await asyncio.wait_for(ticker, 10)


async def test_livez_503_when_the_ticker_is_stuck_and_200_once_it_moves_again(served):
    """The worker the ticker waits on hangs (a call that never returns): nothing beats."""
    runtime, server, clock, _ = served
    hanging, release = threading.Event(), threading.Event()

    def hang() -> None:
        hanging.set()
        release.wait(30)

    stuck = asyncio.ensure_future(runtime._in_worker(hang))
    await asyncio.to_thread(hanging.wait, 5)
    ticker = asyncio.create_task(runtime.run_ticker())
    try:
        await asyncio.sleep(0.1)  # its tick waits for the worker
        assert (await answer(server, "/livez"))[0] == 200  # not yet long
        clock.past_the_limit()
        status, body = await answer(server, "/livez")
        assert (status, body["ticker"]) == (503, "stuck")
        assert body["silent_s"] > STUCK_AFTER.total_seconds()
        assert await answer(server, "/healthz") == (200, {"database": "ok"})  # not asked

        release.set()
        await stuck
        for _ in range(100):
            if (await answer(server, "/livez"))[0] == 200:
                break
            await asyncio.sleep(0.05)
        assert await answer(server, "/livez") == (200, {"ticker": "ticking", "silent_s": 0.0})
    finally:
        release.set()
        runtime.stop()
        await asyncio.wait_for(ticker, 10)


def test_heartbeat_a_long_tick_that_delivers_is_not_stuck():
    """Each delivery of a tick counts: a backlog delivered under a rate limit is work."""
    clock = Clock()
    heartbeat = Heartbeat(INTERVAL, clock=clock)
    for _ in range(5):
        clock.now += STUCK_AFTER.total_seconds() / 2
        heartbeat.beat()
        assert not heartbeat.stuck()
    clock.now += (INTERVAL + STUCK_AFTER).total_seconds()
    assert not heartbeat.stuck()  # on the limit
    clock.now += 0.5
    assert heartbeat.stuck()


async def test_a_running_bot_without_an_http_adapter_serves_livez(tmp_path, tagged):
    """`Runtime.run` starts the health server with the ticker's heartbeat (Discord alone)."""
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    app = make_app(f"sqlite:///{tmp_path}/rt.db", tagged, tick_interval=INTERVAL)
    app.settings.http_port = port
    runtime = Runtime(app, [RecordingAdapter()])
    running = asyncio.create_task(runtime.run())
    try:
        url = f"http://127.0.0.1:{port}/livez"
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(url) as response:
                        status, body = response.status, await response.json()
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        assert (status, body["ticker"]) == (200, "ticking")
    finally:
        runtime.stop()
        await asyncio.wait_for(running, 10)
        app.database.dispose()
