"""Databases stamped by development builds whose migrations 0005-0007 were other ones.

Commits 9877c43, 5062b30 and a3bd9d3 (28 November 2026) shipped three migrations that
d7e7218 squashed into 0005, after which 0006 and 0007 were given to new changes. A
database one of those builds made says 0005, 0006 or 0007 but holds only part of what
today's migrations up to there create:

    9877c43 stamps 0005: table_config.nudges
    5062b30 stamps 0006: the same, and correction.fingerprint (indexed)
    a3bd9d3 stamps 0007: the same, and problem_watch.doubted

Alembic reads it as up to date there, skips the rest, and the bot fails later on a
missing column. Before each upgrade, `mend` looks for that: 0005-0007 only add columns
and a table, and make each only where it is missing (`missing`), so running them again
over such a database completes it, keeping what it holds. A database an old version
already took past 0007 is mended the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

FIRST_REUSED, LAST_REUSED = "0005", "0007"
# What today's 0005-0007 create (a table: column None).
MADE_BY_REUSED = (
    ("table_config", "nudges"),
    ("correction", "fingerprint"),
    ("problem_watch", "doubted"),
    ("removed_workspace", None),
    ("meeting", "lang"),
)


def missing(table: str, column: str | None = None) -> bool:
    """For migrations 0005-0007: whether to make this; offline (`--sql`), always."""
    from alembic import op

    if op.get_context().as_sql:
        return True
    return _missing(inspect(op.get_bind()), table, column)


def mend(connection: Connection, config: Config) -> list[str]:
    """Complete a database stamped 0005 or later that lacks part of 0005-0007, by running
    them again over it and stamping it back where it was; returns what was missing."""
    from alembic import command

    recorded = _recorded_revision(connection)
    if recorded is None or not FIRST_REUSED <= recorded <= _newest_known(config):
        return []
    inspector = inspect(connection)
    lacking = [
        f"{table}.{column}" if column else table
        for table, column in MADE_BY_REUSED
        if _missing(inspector, table, column)
    ]
    if not lacking:
        return []
    command.stamp(config, "0004")
    command.upgrade(config, min(recorded, LAST_REUSED))
    command.stamp(config, recorded)
    return lacking


def _missing(inspector, table: str, column: str | None) -> bool:
    if not inspector.has_table(table):
        return True
    return column is not None and column not in {c["name"] for c in inspector.get_columns(table)}


def _recorded_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _newest_known(config: Config) -> str:
    """A revision newer than this version's is not ours to judge: Alembic refuses it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config).get_current_head() or ""
