"""/healthz, /livez and /metrics on GROUNDRULES_HTTP_PORT when no adapter serves HTTP
itself (a Discord-only bot): orchestrators and Prometheus need them either way. The Slack
adapter answers /healthz and /livez with `health_answer` and `liveness_answer` too: one
format everywhere."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.liveness import Heartbeat
from bot.metrics import REGISTRY


class PortUnavailable(SystemExit):
    """GROUNDRULES_HTTP_PORT cannot be listened on (another process has it, or it needs
    privileges): start-up ends with one line naming it, exit code 1."""


async def listen(runner: web.AppRunner, host: str, port: int) -> None:
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise PortUnavailable(
            f"groundrules: GROUNDRULES_HTTP_PORT: cannot listen on port {port}: {reason}"
        ) from None


# How long /healthz waits for the database: an answer within docker compose's
# 3-second probe, not none at all while a stalled network holds the connection.
HEALTH_WAIT_S = 2.0


async def health_answer(
    healthy: Callable[[], bool] | None, waiting: Callable[[], dict[str, int]] | None = None
) -> web.Response:
    """/healthz: 200 {"database": "ok"} when the database answers within HEALTH_WAIT_S,
    else 503 {"database": "unreachable"} (also before the bot is running: None). With
    `waiting` (Runtime.spool_waiting), what spool files of platforms this process does not
    serve hold, by platform, under "spool_waiting" when there is any: an operator's to
    resolve (`groundrules spool`), no reason to restart."""
    ok = False
    if healthy is not None:
        try:
            async with asyncio.timeout(HEALTH_WAIT_S):
                ok = await asyncio.to_thread(healthy)
        except TimeoutError:
            ok = False
    body: dict[str, object] = {"database": "ok" if ok else "unreachable"}
    if waiting is not None and (spooled := await asyncio.to_thread(waiting)):
        body["spool_waiting"] = spooled
    return web.json_response(body, status=200 if ok else 503)


def liveness_answer(heartbeat: Heartbeat | None) -> web.Response:
    """/livez: 200 {"ticker": "ticking"} unless the ticker has been silent for far longer
    than its interval (bot.liveness), then 503 {"ticker": "stuck"}; either with the
    seconds since it last moved. It never asks the database. Before the bot is running
    (None) the process is starting, not stuck: 200 {"ticker": "starting"}."""
    if heartbeat is None:
        return web.json_response({"ticker": "starting"})
    stuck = heartbeat.stuck()
    return web.json_response(
        {"ticker": "stuck" if stuck else "ticking", "silent_s": round(heartbeat.silent_for(), 1)},
        status=503 if stuck else 200,
    )


class HealthServer:
    def __init__(
        self, healthy, *, port: int, host: str = "0.0.0.0", heartbeat: Heartbeat | None = None,
        waiting: Callable[[], dict[str, int]] | None = None,
    ) -> None:  # fmt: skip
        self._healthy = healthy
        self._waiting = waiting
        self._heartbeat = heartbeat
        self._port = port
        self._host = host
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await listen(self._runner, self._host, self._port)

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        assert self._runner is not None
        return self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        return await health_answer(self._healthy, self._waiting)

    async def _livez(self, request: web.Request) -> web.Response:
        return liveness_answer(self._heartbeat)

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        response = web.Response(body=body)
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return response
