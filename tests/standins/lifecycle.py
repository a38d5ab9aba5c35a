"""What every stand-in server shares: `async with` starts and stops it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

# How long a test waits for what it expects to happen. Only a safety net: each wait ends
# the moment it happens. A loaded CI machine (2 cores, PostgreSQL beside the tests) can
# take seconds over what a quiet one does in milliseconds; that is not a bug to report.
PATIENCE_S = 30.0


class Served:
    """Give a class with `async start()` and `async stop()` the `async with` form."""

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
