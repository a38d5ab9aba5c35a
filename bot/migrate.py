"""Bring a database to the newest schema with Alembic; the bot does this on start.

`groundrules run` migrates in a short-lived child process (`upgrade_apart`): Alembic
costs 10 MB that the long-running bot would otherwise hold for nothing
(training/RESULTS.md). Alembic is imported only where a migration runs.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from bot.database import is_memory_sqlite, is_sqlite, make_engine, reason

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# Several bot processes may start at once against one PostgreSQL database.
_MIGRATION_LOCK = 74_201_113
# Tables that a library defines, not bot.models: slack_sdk's OAuth stores (migration 0002).
LIBRARY_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate compares only the models' tables; it leaves the library ones alone."""
    return not (type_ == "table" and name in LIBRARY_TABLES)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("bot") / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    from bot.reused_revisions import mend

    config = alembic_config(str(engine.url))
    with engine.begin() as connection:
        if not is_sqlite(str(engine.url)):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        # A database a development build stamped with an id that now means another
        # migration first (bot.reused_revisions): Alembic would skip what it lacks.
        mended = mend(connection, config)
        if mended:
            log.warning(
                "the database lacked %s, which a development build's migrations left out "
                "under the same revision ids; added",
                ", ".join(mended),
            )
        command.upgrade(config, revision)


class SchemaMismatch(Exception):
    """A database a command would only read is not at this version's schema: one line."""


def check_schema(engine: Engine, shown: str, migrating: str = "groundrules migrate") -> None:
    """For a command that reads (or deletes from) an existing database, named `shown` in
    errors: raises `SchemaMismatch` unless it holds Groundrules' schema at its newest
    revision. Such a command changes no schema: creating one in a database it was pointed
    at by mistake, or upgrading one an older bot still runs on, is `groundrules migrate`'s
    to do; `migrating` is that command as it reaches this database."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    scripts = ScriptDirectory.from_config(alembic_config())
    newest = scripts.get_current_head()
    if current is None:
        raise SchemaMismatch(f"no Groundrules database at {shown}")
    if current == newest:
        return
    try:
        scripts.get_revision(current)
    except CommandError:  # a revision this version has never heard of
        raise SchemaMismatch(
            f"{shown} has a newer schema ({current}) than this version knows ({newest}): "
            "use the version that migrated it"
        ) from None
    raise SchemaMismatch(
        f"{shown} has an older schema ({current}) than this version ({newest}): run "
        f"`{migrating}` first, with no older bot still running on it"
    )


# The child reads the database URL from here, not from its arguments: a URL may hold a
# password, and a process's arguments are visible to every user of the machine.
URL_VARIABLE = "GROUNDRULES_MIGRATE_URL"


class MigrationError(RuntimeError):
    pass


def upgrade_apart(engine: Engine) -> None:
    """`upgrade`, in a child process (a database in memory is migrated here: no other
    process can reach it)."""
    url = engine.url.render_as_string(hide_password=False)
    if is_memory_sqlite(url):
        upgrade(engine)
        return
    found = subprocess.run(
        [sys.executable, "-m", "bot.migrate"],
        env={**os.environ, URL_VARIABLE: url},
        capture_output=True,
        text=True,
        check=False,
    )
    said = _pass_on(found.stderr)
    if found.returncode != 0:
        last = said[-1:] or ["no output"]
        raise MigrationError(f"the schema migration failed: {last[0]}")
    log.info("database schema is up to date (migrated in a child process)")


# The child's records worth an operator's eye (a mended database's warning), one JSON
# object a line on its stderr, for the parent to log again as its own: through the
# parent's handlers, so they read and are redacted like every other line of its log.
_CHILD_LEVEL = logging.WARNING


class _RecordPerLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {"level": record.levelno, "logger": record.name, "message": super().format(record)}
        )


def _log_for_parent() -> None:
    from bot.logs import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RecordPerLine("%(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(_CHILD_LEVEL)


def _pass_on(stderr: str) -> list[str]:
    """Logs the child's records here; gives its other lines (a failure's reason last)."""
    said = []
    for line in stderr.splitlines():
        try:
            record = json.loads(line)
            level, name, message = record["level"], record["logger"], record["message"]
        except (ValueError, TypeError, KeyError):
            if line.strip():
                said.append(line.strip())
            continue
        logging.getLogger(name).log(level, "%s", message)
    return said


def _migrate_as_child() -> int:
    """The child's side of `upgrade_apart`: its warnings go to the parent's log, and its
    last line of other output is the reason the parent shows, so a database's refusal
    ("permission denied for schema ...") ends it, not SQLAlchemy's link to its
    background page."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    _log_for_parent()
    try:
        upgrade(make_engine(os.environ[URL_VARIABLE]))
    except (SQLAlchemyError, CommandError, ImportError) as error:
        print(reason(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # The module as imported, not this copy of it run as __main__: its records are
    # bot.migrate's, and Alembic's env.py imports that one anyway.
    from bot.migrate import _migrate_as_child as migrate_as_child

    sys.exit(migrate_as_child())
