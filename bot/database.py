"""Database engines from a plain SQLAlchemy URL; the project picks the drivers."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote_plus

from sqlalchemy import Connection, Engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3; SQLite stays as it is."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def is_memory_sqlite(url: str) -> bool:
    """A SQLite database in memory: it lives and dies with its process."""
    return is_sqlite(url) and make_url(url).database in (None, "", ":memory:")


_HIDDEN = "***"  # as SQLAlchemy shows a hidden password


def redact(url: str) -> str:
    """The URL without its password, for logs and error messages: the one before the
    host, and those libpq takes in the query (`?password=`, `?sslpassword=`)."""
    parsed = make_url(url)
    secrets = {key: _HIDDEN for key in parsed.query if "password" in key.lower()}
    shown = parsed.update_query_dict(secrets).render_as_string(hide_password=True)
    # The query is rendered quoted: show the mark as the one before the host reads.
    return shown.replace(quote_plus(_HIDDEN), _HIDDEN) if secrets else shown


def reason(error: BaseException) -> str:
    """A database error's own words on one line, without SQLAlchemy's SQL and links."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError) and error.orig is not None:
        # psycopg's primary message leaves out the SQL it quotes ("LINE 2: CREATE ...").
        diagnosis = getattr(error.orig, "diag", None)
        text = getattr(diagnosis, "message_primary", None) or str(error.orig)
    elif isinstance(error, ImportError):
        text = f"its driver is not installed ({error})"
    else:
        text = str(error.args[0]) if error.args else type(error).__name__
    return " ".join(text.split())


# libpq's words for a connection no wait will open (psycopg gives a failed connection no
# SQLSTATE): no such database or role, a password or the host's rules refusing it, a URL
# asking for what cannot be. Anything else (refused while it starts, a name not resolved
# yet, too many clients) may pass.
_POSTGRES_FOR_GOOD = re.compile(
    r"does not exist|authentication failed|no pg_hba\.conf entry|no password supplied"
    r"|SSL was required|does not support SSL|invalid \w+ (?:number|value)",
    re.IGNORECASE,
)
# SQLite opens its file at once or never; only another process's lock passes.
_SQLITE_PASSING = ("SQLITE_BUSY", "SQLITE_LOCKED")


def will_not_heal(error: BaseException) -> bool:
    """Whether a database that refused a connection will refuse it however long one
    waits: a SQLite file that cannot be made or opened, a PostgreSQL database that is
    not there or a password that is wrong. Waiting is for a database still starting."""
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        return not (getattr(original, "sqlite_errorname", "") or "").startswith(_SQLITE_PASSING)
    return bool(_POSTGRES_FOR_GOOD.search(reason(error)))


# How long PostgreSQL may stay silent before a connection counts as lost, where libpq
# would otherwise wait on the kernel: a new connection gets 10 s (not forever); an open
# one whose network went away is noticed within about a minute, while the bot waits for
# an answer (keepalives) or for its words to arrive (tcp_user_timeout, in ms), instead
# of after the kernel's 15 minutes of retransmissions. A value in the URL wins.
POSTGRES_TIMEOUTS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}


def upsert_insert(bind: Engine | Connection):
    """The dialect's INSERT, the one with ON CONFLICT (SQLite or PostgreSQL)."""
    return sqlite_insert if bind.dialect.name == "sqlite" else pg_insert


def make_engine(url: str, **options: object) -> Engine:
    # A failed statement's error text otherwise carries its parameters: a Slack install's
    # new bot token, people's messages. Errors and logs show the statement alone.
    options.setdefault("hide_parameters", True)
    url = normalise_url(url)
    if not is_sqlite(url):
        given = make_url(url).query
        timeouts = {k: v for k, v in POSTGRES_TIMEOUTS.items() if k not in given}
        connect_args = {**timeouts, **options.pop("connect_args", {})}  # type: ignore[dict-item]
        # pool_pre_ping: a connection the pool kept across an outage is tested first.
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if is_memory_sqlite(url) else None,
        **options,
    )
    _serialise_sqlite_writers(engine)
    return engine


def _serialise_sqlite_writers(engine: Engine) -> None:
    """Take SQLite's write lock at BEGIN, so two processes never decide on the same
    timer or event at once (SQLite's own deferred BEGIN would let both read first)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        if connection.get_execution_options().get(_SNAPSHOT):
            connection.exec_driver_sql("BEGIN")  # reads only: WAL gives it its snapshot
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


_SNAPSHOT = "groundrules_snapshot"


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection for a long read (an export written as it is read): every query in it
    sees the database as it stood at the first, and no writer waits for it. PostgreSQL:
    a read-only REPEATABLE READ transaction; SQLite: a deferred BEGIN, not the BEGIN
    IMMEDIATE that would hold the bot's write lock until the last row is written."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.execution_options(**{_SNAPSHOT: True})
        else:
            connection.execution_options(isolation_level="REPEATABLE READ",
                                         postgresql_readonly=True)  # fmt: skip
        yield connection
