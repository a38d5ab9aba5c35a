"""A platform that cannot be reached, for tests of a start that cannot connect.

`Unanswered` takes connections on loopback and never answers them (a platform that
stopped answering, or a firewall dropping the traffic); `closed_port` is a loopback port
that refuses every connection (nothing listens there).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from tests.standins.lifecycle import PATIENCE_S, Served


class Unanswered(Served):
    """`url`: where nothing answers; `wait_connected()` returns once a client is
    waiting there for its answer."""

    def __init__(self) -> None:
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._connected = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for writer in list(self._open):
            writer.transport.abort()
        if self._server is not None:
            self._server.close()

    async def wait_connected(self) -> None:
        async with asyncio.timeout(PATIENCE_S):
            await self._connected.wait()

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open.add(writer)
        self._connected.set()
        await reader.read()  # until the client gives up: nothing is ever sent back
        self._open.discard(writer)
        writer.transport.abort()


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port bound (so that nothing else takes it meanwhile) but not listening:
    a connection to it is refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]
