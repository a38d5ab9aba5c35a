"""Databases at the newest schema, made once per test session and handed to each test
fresh: running the migrations costs a test about a second on PostgreSQL (their DDL)
and a fifth of one on SQLite, most of the suite's time.

SQLite: each test gets a copy of one migrated file. PostgreSQL: a migrated schema is
handed to one test at a time, under a name of its own (nothing keyed by a database URL
meets another test's), then emptied for the next: its rows deleted, the rows and
sequences the migrations left restored (some milliseconds; TRUNCATE and DROP SCHEMA take
most of a second). A schema whose shape a test changed, or that a test left locked,
is dropped instead. Tests about migrations ask for an empty database
(`@pytest.mark.empty_database`).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, MetaData, text

from bot.database import make_engine
from bot.migrate import upgrade


def schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def new_schema_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


def migrated_sqlite_file(path: Path) -> Path:
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


def copy_of(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


# What makes up a schema's shape, each row text in which the schema's name is replaced:
# a test that changed any of it (a migration down, a table of its own) leaves a schema
# the next test must not get.
_SHAPE = text(
    """
    SELECT c.relname::text || ' ' || c.relkind::text FROM pg_class c
     WHERE c.relnamespace = CAST(CAST(:schema AS text) AS regnamespace)
    UNION ALL
    SELECT table_name::text || '.' || column_name::text || ' ' || data_type::text || ' '
           || is_nullable::text || ' ' || coalesce(column_default::text, '')
      FROM information_schema.columns WHERE table_schema = CAST(:schema AS text)
    UNION ALL
    SELECT conrelid::regclass::text || ' ' || conname::text || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = CAST(CAST(:schema AS text) AS regnamespace)
    UNION ALL
    SELECT indexdef::text FROM pg_indexes WHERE schemaname = CAST(:schema AS text)
    UNION ALL
    SELECT tgrelid::regclass::text || ' ' || tgname::text FROM pg_trigger
     WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class
           WHERE relnamespace = CAST(CAST(:schema AS text) AS regnamespace))
    UNION ALL
    SELECT proname::text FROM pg_proc
     WHERE pronamespace = CAST(CAST(:schema AS text) AS regnamespace)
    """
)


def _shape(connection: Connection, schema: str) -> list[str]:
    rows = connection.execute(_SHAPE, {"schema": schema}).scalars()
    return sorted(row.replace(schema, "{schema}") for row in rows)


class MigratedSchemas:
    """PostgreSQL schemas at the newest revision, one per test at a time (see above)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.admin = make_engine(base)
        self.idle: list[str] = []
        self.made: set[str] = set()
        self._shape: list[str] = []
        self._reset = ""  # SQL: the rows and sequences as the migrations left them

    @contextmanager
    def lease(self) -> Iterator[str]:
        """A URL to a migrated schema no test has written to, under a name no test was
        given before."""
        schema = self.idle.pop() if self.idle else self._migrated()
        try:
            yield schema_url(self.base, schema)
        finally:
            # Renamed first: whatever the test left running reaches it no more.
            renamed = self._renamed(schema)
            if renamed is not None and self._emptied(renamed):
                self.idle.append(renamed)
            else:
                self._drop(renamed or schema)

    def close(self) -> None:
        for schema in list(self.made):
            self._drop(schema)
        self.admin.dispose()

    def _migrated(self) -> str:
        schema = new_schema_name()
        with self.admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        self.made.add(schema)
        engine = make_engine(schema_url(self.base, schema))
        try:
            upgrade(engine)
            if not self._reset:
                self._remember(engine, schema)
        finally:
            engine.dispose()
        return schema

    def _remember(self, engine: Engine, schema: str) -> None:
        """What the migrations left in a new schema: its shape, and the statements that
        bring its rows and sequences back to that (one string: one round trip)."""
        tables = MetaData()
        tables.reflect(bind=engine)
        dialect = engine.dialect
        statements = [str(table.delete().compile(dialect=dialect))
                      for table in reversed(tables.sorted_tables)]  # fmt: skip
        with engine.connect() as connection:
            for table in tables.sorted_tables:
                rows = [dict(row._mapping) for row in connection.execute(table.select())]
                if rows:
                    inserting = table.insert().values(rows)
                    statements.append(
                        str(inserting.compile(dialect=dialect,
                                              compile_kwargs={"literal_binds": True}))
                    )  # fmt: skip
            sequences = connection.execute(
                text(
                    "SELECT sequencename, coalesce(last_value, start_value), "
                    "last_value IS NOT NULL FROM pg_sequences WHERE schemaname = :schema"
                ),
                {"schema": schema},
            )
            statements += [
                f"SELECT setval('{name}', {last}, {str(called).lower()})"
                for name, last, called in sequences
            ]
        with self.admin.connect() as connection:  # its search path, as `_emptied` reads
            self._shape = _shape(connection, schema)
        self._reset = ";\n".join(statements)

    def _renamed(self, schema: str) -> str | None:
        renamed = new_schema_name()
        try:
            with self.admin.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                connection.execute(text(f"ALTER SCHEMA {schema} RENAME TO {renamed}"))
        except Exception:
            return None
        self.made.discard(schema)
        self.made.add(renamed)
        return renamed

    def _emptied(self, schema: str) -> bool:
        """Its rows as the migrations left them; False (and nothing done) when its shape
        is no longer theirs or a test's connection still holds it."""
        try:
            with self.admin.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                if _shape(connection, schema) != self._shape:
                    return False
                connection.exec_driver_sql(f"SET LOCAL search_path TO {schema};\n{self._reset}")
        except Exception:
            return False
        return True

    def _drop(self, schema: str) -> None:
        try:
            with self.admin.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        except Exception:
            return  # held by a test's leftover connection: left, as before
        self.made.discard(schema)
