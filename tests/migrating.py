"""A migration's test, up and down: what it adds is absent before it, present after it
and absent again once the database is migrated back down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import Engine, inspect

from bot.database import make_engine
from bot.migrate import alembic_config, upgrade


@contextmanager
def engine_on(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def columns(engine: Engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def goes_up_and_down(
    url: str,
    before: str,
    added: Callable[[Engine], bool],
    *,
    at_before: Callable[[Engine], object] | None = None,
    at_newest: Callable[[Engine], object] | None = None,
) -> None:
    """A new database at `url` migrated to `before` (`added` false; `at_before` runs
    there, to write what an older bot wrote), then to the newest (`added` true;
    `at_newest` runs there), then down to `before` again (`added` false)."""
    with engine_on(url) as engine:
        upgrade(engine, before)
        assert not added(engine)
        if at_before is not None:
            at_before(engine)
        upgrade(engine)
        assert added(engine)
        if at_newest is not None:
            at_newest(engine)
    command.downgrade(alembic_config(url), before)
    with engine_on(url) as engine:
        assert not added(engine)
