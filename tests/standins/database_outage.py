"""A database that goes away and comes back, for tests of what the bot does meanwhile.

PostgreSQL is reached through a small TCP proxy on loopback: `cut()` refuses new
connections and resets the open ones (a server that went down), `stall()` keeps them
open but passes nothing on (a network that stopped answering). SQLite's file is moved
out of reach with its folder, and the engine's idle connections dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url


class DatabaseProxy:
    """Forwards TCP connections on 127.0.0.1 (port 0) to `target`, from a thread of its
    own: the bot under test talks to its database synchronously, on the test's loop too
    (a migration, a health check), and a proxy on that loop would wait for it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.mode = "forward"  # forward | refuse | stall
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="database-proxy")  # fmt: skip
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        self._thread.start()
        self._call(self._start())

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def cut(self) -> None:
        """Refused from now on; every open connection reset."""
        self.mode = "refuse"
        self._call(self._reset_all())

    def stall(self) -> None:
        """Connections stay open and new ones are accepted, but nothing passes."""
        self.mode = "stall"

    def restore(self) -> None:
        self.mode = "forward"

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(5)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        await self._reset_all()
        if self._server is not None:
            self._server.close()
        # Their connections reset, the handlers end of themselves.
        handlers = asyncio.all_tasks() - {asyncio.current_task()}
        if handlers:
            await asyncio.wait(handlers, timeout=2)

    async def _reset_all(self) -> None:
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    while self.mode == "stall":
                        await asyncio.sleep(0.05)
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._open -= {writer, up_writer}


class DatabaseOutage:
    """`url` is what the bot connects to; `cut` and `restore` take the database away
    and bring it back."""

    def __init__(self, url: str) -> None:
        self._real = url
        parsed = make_url(url)
        self._sqlite = parsed.get_backend_name() == "sqlite"
        self.proxy: DatabaseProxy | None = None
        self.url = url
        if not self._sqlite:
            self.proxy = DatabaseProxy((parsed.host or "127.0.0.1", parsed.port or 5432))

    def __enter__(self) -> DatabaseOutage:
        if self.proxy is not None:
            self.proxy.start()
            proxied = make_url(self._real).set(host="127.0.0.1", port=self.proxy.port)
            self.url = proxied.render_as_string(hide_password=False)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.restore()
        if self.proxy is not None:
            self.proxy.stop()

    @property
    def _folder(self) -> Path:
        return Path(make_url(self._real).database or "").parent

    @property
    def _away(self) -> Path:
        return self._folder.with_name(self._folder.name + "-away")

    def cut(self, engine: Engine) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        engine.dispose()  # the connections a pool keeps: a server going down drops them
        self._folder.rename(self._away)

    def restore(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
        elif self._away.exists():
            self._away.rename(self._folder)
