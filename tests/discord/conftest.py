from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.discord import answering
from tests.conftest import fresh_sqlite
from tests.discord.harness import Harness, World, build_world
from tests.standins.database_outage import DatabaseOutage
from tests.standins.discord_api import DiscordStandIn

# The storage suites run on SQLite and PostgreSQL; the adapter's flows need one real
# database, and a few of them (restarts, the busiest flow) run on both.
BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)  # fmt: skip


@pytest.fixture(autouse=True)
def answers_not_deferred_by_a_busy_machine(monkeypatch) -> None:
    """The stand-in keeps no 3-second deadline, and a loaded CI machine must not turn a
    direct answer into a deferred one; tests of deferral set the deadline themselves."""
    monkeypatch.setattr(answering, "DEADLINE_S", 60.0)


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """At the newest schema, as tests/conftest.py's (SQLite unless BOTH_DATABASES)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return request.getfixturevalue("postgres_url")
    return fresh_sqlite(request, tmp_path / "groundrules.db")


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with DiscordStandIn() as api:
        yield build_world(api)


@pytest.fixture
async def harness(world: World, database_url: str) -> AsyncIterator[Harness]:
    """Not started yet: a test may change settings first."""
    running = Harness(world.api, database_url)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def down(world: World, outage_url: str) -> AsyncIterator[tuple[Harness, DatabaseOutage]]:
    """Not started yet, on a database that the outage can take away and give back."""
    with DatabaseOutage(outage_url) as outage:
        running = Harness(world.api, outage.url)
        try:
            yield running, outage
        finally:
            await running.stop()
