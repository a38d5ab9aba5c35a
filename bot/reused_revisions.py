"""Databases stamped by development builds whose migration of that id was another one.

Some ids went to other changes after a build had shipped them, so a database that build
made says it is at one of today's revisions while holding only part of what today's
migrations up to there create:

- d7e7218 squashed three migrations into 0005; 0006 and 0007 then went to new changes.
  9877c43 stamps 0005 with only table_config.nudges; 5062b30 stamps 0006 with that and
  correction.fingerprint; a3bd9d3 stamps 0007 with those and problem_watch.doubted.
- 0010 grew on its branch: f628397 stamps it without problem_watch.proposing_until
  and outbox.claim, 41a8bf7 without outbox.claim.
- db2b1e0 (branch fix-reports) stamps 0011 with review_decision.why, today's 0012; its
  merge made 0011 channel_home.

Alembic reads such a database as up to date there and skips the rest; the bot fails
later on a missing column. Before each upgrade, `mend` looks for that and runs each
migration below whose changes are missing again (they make each change only where it
is missing: `missing`), keeping what the database holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# Today's migrations that a development build's database may lack although stamped at or
# past them, and what each makes (a table: column None).
MADE = {
    "0005": (
        ("table_config", "nudges"),
        ("correction", "fingerprint"),
        ("problem_watch", "doubted"),
    ),
    "0006": (("removed_workspace", None),),
    "0007": (("meeting", "lang"),),
    "0010": (("problem_watch", "proposing_until"), ("outbox", "claim")),
    "0011": (("channel_home", None),),
    "0012": (("review_decision", "why"),),
}


def missing(table: str, column: str | None = None) -> bool:
    """For the migrations in `MADE`: whether to make this; offline (`--sql`), always."""
    from alembic import op

    if op.get_context().as_sql:
        return True
    return _missing(inspect(op.get_bind()), table, column)


def mend(connection: Connection, config: Config) -> list[str]:
    """Run again each migration in `MADE` that the database is stamped past but lacks the
    changes of, then stamp it where it was; returns what was missing."""
    from alembic import command
    from alembic.script import ScriptDirectory

    recorded = _recorded_revision(connection)
    scripts = ScriptDirectory.from_config(config)
    if recorded is None or recorded not in {s.revision for s in scripts.walk_revisions()}:
        return []  # none yet, or one newer than this version: Alembic's to judge
    inspector = inspect(connection)
    lacking: dict[str, list[str]] = {}
    for revision, made in MADE.items():
        if revision <= recorded:  # ids are four digits: their order is their history's
            names = [_name(t, c) for t, c in made if _missing(inspector, t, c)]
            if names:
                lacking[revision] = names
    for revision in lacking:
        command.stamp(config, scripts.get_revision(revision).down_revision)
        command.upgrade(config, revision)
    if lacking:
        command.stamp(config, recorded)
    return [name for names in lacking.values() for name in names]


def _name(table: str, column: str | None) -> str:
    return f"{table}.{column}" if column else table


def _missing(inspector, table: str, column: str | None) -> bool:
    if not inspector.has_table(table):
        return True
    return column is not None and column not in {c["name"] for c in inspector.get_columns(table)}


def _recorded_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
