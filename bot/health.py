"""/healthz and /metrics on GROUNDRULES_HTTP_PORT when no adapter serves HTTP itself
(a Discord-only bot): orchestrators and Prometheus need them either way."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import REGISTRY


class HealthServer:
    def __init__(self, healthy, *, port: int, host: str = "0.0.0.0") -> None:
        self._healthy = healthy
        self._port = port
        self._host = host
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        assert self._runner is not None
        return self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        ok = await asyncio.to_thread(self._healthy)
        return web.json_response({"database": "ok" if ok else "unreachable"},
                                 status=200 if ok else 503)  # fmt: skip

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        response = web.Response(body=body)
        response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return response
