"""The migrated PostgreSQL schemas the tests share (tests.schemas): each test gets one as
the migrations left it, whatever the test before did with it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect, text

from bot.database import make_engine
from tests.conftest import postgres_base_url
from tests.schemas import MigratedSchemas

pytestmark = pytest.mark.postgres


@pytest.fixture
def schemas() -> Iterator[MigratedSchemas]:
    base = postgres_base_url()
    if base is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    own = MigratedSchemas(base)  # not the session's: these tests count its schemas
    try:
        yield own
    finally:
        own.close()


def state(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return (
            connection.execute(text("SELECT version_num FROM alembic_version")).all(),
            connection.execute(text("SELECT * FROM applied_defaults")).all(),
            connection.execute(text("SELECT count(*) FROM processed_event")).scalar(),
            connection.execute(text("SELECT nextval('agreement_id_seq')")).scalar(),
        )


def test_the_next_test_gets_the_schema_as_the_migrations_left_it(schemas):
    with schemas.lease() as first:
        engine = make_engine(first)
        fresh = state(engine)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO processed_event (workspace, event_id, processed_at) "
                    "VALUES ('slack:T1', 'Ev1', now())"
                )
            )
            connection.execute(text("UPDATE applied_defaults SET timezone = 'Europe/Amsterdam'"))
            connection.execute(text("SELECT nextval('agreement_id_seq')"))
        engine.dispose()
    with schemas.lease() as second:
        assert second != first  # a name of its own: nothing keyed by a URL carries over
        engine = make_engine(second)
        assert state(engine) == fresh
        engine.dispose()
    assert len(schemas.made) == 1  # the same schema, emptied rather than migrated again


def test_a_schema_whose_shape_a_test_changed_is_not_handed_on(schemas):
    with schemas.lease() as first:
        engine = make_engine(first)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE processed_event ADD COLUMN extra INTEGER"))
        engine.dispose()
    with schemas.lease() as second:
        engine = make_engine(second)
        columns = {c["name"] for c in inspect(engine).get_columns("processed_event")}
        engine.dispose()
    assert "extra" not in columns
    assert len(schemas.made) == 1  # the changed one dropped
