"""Shared fixtures: databases (SQLite always, PostgreSQL when DATABASE_URL names one)."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot import health, runtime
from bot.bootstrap import Groundrules, bootstrap
from bot.collector import freeze_start_up
from bot.database import make_engine
from bot.logs import RedactingFormatter, configure_logging
from bot.settings import Settings
from rules.classifier.rule_based import RuleClassifier
from tests.helpers import TaggedClassifier, forget_dialects
from tests.schemas import (
    MigratedSchemas,
    copy_of,
    migrated_sqlite_file,
    new_schema_name,
    schema_url,
)

# Its asserts are the tests' own: pytest explains them when they fail.
pytest.register_assert_rewrite("tests.migrating")


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collected tests, the modules and the classifiers live as long as the run:
    frozen, as the bot freezes what its start-up made, full collections skip them. Not
    frozen, each walked them for over a second on a busy machine, holding the event loop
    of a running stand-in past Slack's 3 seconds to acknowledge a click."""
    freeze_start_up()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Once a test's fixtures let go of its databases, nothing keeps their dialects: what
    SQLAlchemy's caches keep per dialect goes too (`forget_dialects`)."""
    try:
        return (yield)
    finally:
        forget_dialects()


def postgres_base_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh database at the newest schema, as the bot's first start leaves it: a
    SQLite file, or a PostgreSQL schema of its own (tests.schemas: migrated once per
    session). An empty one for a test marked `empty_database` (one about migrations)."""
    if request.param == "sqlite":
        yield fresh_sqlite(request, tmp_path / "groundrules.db")
        return
    yield from _postgres(request)


@pytest.fixture
def postgres_url(request) -> Iterator[str]:
    """`database_url`'s PostgreSQL schema, for a test only PostgreSQL can show."""
    yield from _postgres(request)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def outage_url(request, tmp_path) -> Iterator[str]:
    """`database_url`, that `tests.standins.database_outage.DatabaseOutage` can take
    away: a SQLite file in a folder of its own, or a PostgreSQL schema."""
    if request.param == "sqlite":
        folder = tmp_path / "database"
        folder.mkdir()
        yield fresh_sqlite(request, folder / "groundrules.db")
        return
    yield from _postgres(request)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated database file; each test starts from a copy (migrating costs more)."""
    return migrated_sqlite_file(tmp_path_factory.mktemp("template") / "groundrules.db")


@pytest.fixture(scope="session")
def migrated_schemas() -> Iterator[MigratedSchemas]:
    base = postgres_base_url()
    assert base is not None
    schemas = MigratedSchemas(base)
    try:
        yield schemas
    finally:
        schemas.close()


def _empty(request) -> bool:
    return request.node.get_closest_marker("empty_database") is not None


def fresh_sqlite(request, path: Path) -> str:
    if _empty(request):
        return f"sqlite:///{path}"
    return copy_of(request.getfixturevalue("migrated_sqlite"), path)


def _postgres(request) -> Iterator[str]:
    if postgres_base_url() is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    if _empty(request):
        yield from _postgres_schema()
        return
    with request.getfixturevalue("migrated_schemas").lease() as url:
        yield url


def sqlite_of_its_own(tmp_path: Path) -> str:
    """A SQLite file in a folder of its own, for `DatabaseOutage` to take away."""
    folder = tmp_path / "database"
    folder.mkdir()
    return f"sqlite:///{folder}/groundrules.db"


def _postgres_schema() -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    schema = new_schema_name()
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema_url(base, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def rule_classifier() -> RuleClassifier:
    return RuleClassifier()


@pytest.fixture
def tagged() -> TaggedClassifier:
    return TaggedClassifier()


@pytest.fixture(scope="session")
def trained_classifier():
    """The shipped model, for what hangs on its reading of real words (loaded once)."""
    from bot.bootstrap import build_classifier

    return build_classifier("trained")


def make_app(url: str, classifier, *, migrate: bool = True, **settings) -> Groundrules:
    return bootstrap(Settings(database_url=url, **settings), classifier=classifier, migrate=migrate)


@contextmanager
def bot_on(url: str, classifier, *, migrate: bool = True, **settings) -> Iterator[Groundrules]:
    """`make_app`, its database let go at the end (a process of the bot, or a restart's
    next one)."""
    app = make_app(url, classifier, migrate=migrate, **settings)
    try:
        yield app
    finally:
        app.database.dispose()


# The bot in Amsterdam with the default quiet hours, which `_no_quiet_hours` turns off for
# the other tests.
AMSTERDAM_NIGHTS = {"timezone": "Europe/Amsterdam", "quiet_hours": "21:00-08:00"}


@pytest.fixture
def app(request, database_url, tagged) -> Iterator[Groundrules]:
    """The real service and storage, with labels written into the test messages. Its
    database is migrated already (`database_url`): a start would find nothing to do."""
    with bot_on(database_url, tagged, migrate=_empty(request)) as groundrules:
        yield groundrules


@pytest.fixture(autouse=True)
def _deadlines_not_missed_by_a_busy_machine(monkeypatch) -> None:
    """The bot gives up on a slow database read where a platform's 3 seconds or a probe's
    patience would run out: a form opens without its table's language or roles, /healthz
    says "unreachable". A loaded CI machine must not take that path for a test that does
    not mean to; the tests of a slow read or a stalled database set the deadline."""
    monkeypatch.setattr(runtime, "FORM_READ_WAIT_S", 60.0)
    monkeypatch.setattr(health, "HEALTH_WAIT_S", 60.0)


@pytest.fixture(autouse=True)
def _no_quiet_hours(monkeypatch) -> None:
    """Tests on the stand-ins run on the real clock, with a one-second window: in the
    night (UTC) their nudges and reminders would wait for the morning. The tests of
    quiet hours ask for them (`AMSTERDAM_NIGHTS`)."""
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "off")


@pytest.fixture
def spool(tmp_path) -> Path:
    """Where this test's runtimes keep what they could not store (`_spool_of_its_own`)."""
    return tmp_path / "spool"


@pytest.fixture(autouse=True)
def _spool_of_its_own(monkeypatch, spool: Path) -> None:
    """What a runtime keeps through a database outage is written to a spool (bot.spool):
    a test's own, never the working directory (PostgreSQL's default)."""
    monkeypatch.setenv("GROUNDRULES_SPOOL_DIR", str(spool))


@pytest.fixture(autouse=True)
def _no_logging_left_behind() -> Iterator[None]:
    """`groundrules run` under CliRunner sets up the bot's logging on the runner's
    stream, closed once the command returns: a later test's log records would fail
    there ("--- Logging error ---" and a traceback in its output)."""
    root = logging.getLogger()
    before, level = set(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before and isinstance(handler.formatter, RedactingFormatter):
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def operator_log() -> Iterator[io.StringIO]:
    """What the operator reads: the bot's own logging set-up, written to a string."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("DEBUG")
    written = io.StringIO()
    root.handlers[0].setStream(written)
    try:
        yield written
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
