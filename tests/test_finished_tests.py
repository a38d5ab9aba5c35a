"""What a finished test made is let go: no cache of the process keeps its database.

A test run is one process for thousands of tests, each with a bot (an engine) of its
own; whatever a process-wide cache keeps per engine grows with every test, and every
full collection walks it on the event loop of the next test's stand-ins.
"""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from bot.database import make_engine
from bot.models import ProcessedEvent
from tests.helpers import forget_dialects


def written_through_the_orm() -> weakref.ref[Dialect]:
    """An engine that wrote a row through the ORM, then was let go: its dialect."""
    engine = make_engine("sqlite://")
    ProcessedEvent.__table__.create(engine)  # type: ignore[attr-defined]
    with Session(engine) as session:
        session.add(ProcessedEvent(workspace="w", event_id="e", processed_at=datetime.now(UTC)))
        session.commit()
    engine.dispose()
    return weakref.ref(engine.dialect)


def test_the_statements_the_orm_compiled_for_an_engine_keep_its_dialect_until_forgotten():
    dialect = written_through_the_orm()
    gc.collect()
    assert dialect() is not None  # the mappers' caches hold it, though the engine is gone

    assert forget_dialects() > 0
    gc.collect()
    assert dialect() is None


@pytest.mark.postgres
def test_what_postgresql_reflected_through_an_engine_keeps_its_dialect_until_forgotten(
    postgres_url,
):
    engine = make_engine(postgres_url)
    assert "claim" in {column["name"] for column in inspect(engine).get_columns("processed_event")}
    engine.dispose()
    dialect = weakref.ref(engine.dialect)
    del engine
    gc.collect()
    assert dialect() is not None  # as the migrations' checks leave it (bot.reused_revisions)

    assert forget_dialects() > 0
    gc.collect()
    assert dialect() is None


# Between these two tests: the teardown of the first (tests/conftest.py).
_FIRST: list[weakref.ref[Dialect]] = []


def test_a_test_writes_through_the_orm():
    _FIRST.append(written_through_the_orm())


def test_the_next_test_finds_the_previous_ones_dialect_let_go():
    if not _FIRST:
        pytest.skip("runs after test_a_test_writes_through_the_orm")
    gc.collect()
    assert _FIRST[0]() is None
