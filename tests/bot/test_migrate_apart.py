"""`groundrules run` migrates in a child process: the long-running bot never imports
Alembic (10 MB), and a failed migration stops the start with Alembic's reason."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.bootstrap import bootstrap
from bot.database import make_engine
from bot.migrate import MigrationError, upgrade_apart
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def newest_revision() -> str:
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.mark.empty_database
def test_the_running_bot_migrates_apart_and_never_imports_alembic(database_url):
    script = "\n".join(
        [
            "import sys",
            "from sqlalchemy import text",
            "from bot.bootstrap import bootstrap",
            "from bot.settings import Settings",
            f"app = bootstrap(Settings(database_url={database_url!r}, classifier='rules'),"
            " migrate_apart=True)",
            "with app.database.connect() as connection:",
            "    found = connection.execute(text('SELECT version_num FROM alembic_version'))",
            "    print(found.scalar())",
            "print('alembic' in sys.modules)",
        ]
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    version, alembic_loaded = found.stdout.split()[-2:]
    assert version == newest_revision()
    assert alembic_loaded == "False"


def test_a_database_in_memory_is_migrated_in_the_process_itself():
    app = bootstrap(Settings(database_url="sqlite://", classifier="rules"), migrate_apart=True)
    assert "alembic_version" in inspect(app.database).get_table_names()


def test_the_child_s_warnings_reach_the_parent_s_log_with_tokens_redacted(caplog):
    """What the migration warns of (a mended database) is the operator's to read: the
    child writes its records for the parent, which logs them as its own."""
    from bot.migrate import _pass_on

    script = (
        "import logging; from bot.migrate import _log_for_parent; _log_for_parent(); "
        "logging.getLogger('bot.migrate').info('not worth passing on'); "
        "logging.getLogger('bot.migrate').warning('added %s for xoxb-1-secret', 'lang'); "
        "import sys; print('the last words', file=sys.stderr)"
    )
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "xoxb-1-secret" not in child.stderr
    with caplog.at_level("INFO"):
        said = _pass_on(child.stderr)
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("bot.migrate", "WARNING", "added lang for [redacted]")
    ]
    assert said == ["the last words"]  # a failure's reason, for MigrationError


def test_a_failed_migration_stops_the_start_with_its_reason(tmp_path):
    url = f"sqlite:///{tmp_path}/ahead.db"
    database = make_engine(url)
    with database.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    with pytest.raises(MigrationError, match="9999"):
        upgrade_apart(database)


def test_a_migration_the_database_refuses_says_the_databases_reason(tmp_path):
    """The child's last line is the reason, not SQLAlchemy's "(Background on this error
    at: https://sqlalche.me/...)" that ends its traceback."""
    url = f"sqlite:///{tmp_path}/taken.db"
    database = make_engine(url)
    with database.begin() as connection:  # a table the first migration creates
        connection.execute(text("CREATE TABLE agreement (id INTEGER)"))
    with pytest.raises(MigrationError) as raised:
        upgrade_apart(database)
    assert str(raised.value) == "the schema migration failed: table agreement already exists"


@pytest.mark.empty_database
@pytest.mark.postgres
def test_a_role_that_may_not_create_tables_is_told_so_in_one_line(postgres_url):
    """The reported case: psycopg's own message, without the SQL it quotes after it."""
    schema = make_url(postgres_url).query["options"].removeprefix("-csearch_path=")
    role = f"r_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
    url = make_url(postgres_url).set(username=role, password="pw")
    try:
        limited = make_engine(url.render_as_string(hide_password=False))
        with pytest.raises(MigrationError) as raised:
            upgrade_apart(limited)
        limited.dispose()
        assert str(raised.value) == (
            f"the schema migration failed: permission denied for schema {schema}"
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"REVOKE ALL ON SCHEMA {schema} FROM {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
