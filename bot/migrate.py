"""Bring a database to the newest schema with Alembic; the bot does this on start."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from bot.database import is_sqlite

# Several bot processes may start at once against one PostgreSQL database.
_MIGRATION_LOCK = 74_201_113
# Tables that a library defines, not bot.models: slack_sdk's OAuth stores (migration 0002).
LIBRARY_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate compares only the models' tables; it leaves the library ones alone."""
    return not (type_ == "table" and name in LIBRARY_TABLES)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("bot") / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(str(engine.url))
    with engine.begin() as connection:
        if not is_sqlite(str(engine.url)):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
