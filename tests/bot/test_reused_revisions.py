"""A database a development build stamped 0005-0007 (commits 9877c43 to a3bd9d3, whose
migrations those were before d7e7218 squashed them) is completed on upgrade, keeping
what it holds, instead of being taken for one at today's 0005-0007."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.database import is_sqlite, make_engine
from bot.migrate import alembic_config, include_object, upgrade
from tests.conftest import make_app
from tests.helpers import Chat, at

# What each development build's migrations made over 0004, as they were written then
# (git show 9877c43 / 5062b30 / a3bd9d3 -- bot/migrations), and the id it stamped.


def fewer_nudges(op: Operations) -> None:  # 9877c43: 0005_fewer_nudges
    import sqlalchemy as sa
    import sqlmodel

    with op.batch_alter_table("table_config") as batch:
        batch.add_column(sa.Column("nudges", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def recurring_not_a_problem(op: Operations) -> None:  # 5062b30: 0006
    import sqlalchemy as sa
    import sqlmodel

    with op.batch_alter_table("correction") as batch:
        batch.add_column(
            sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.create_index(
            "ix_correction_fingerprint", ["workspace", "channel", "fingerprint"], unique=False
        )


def doubted_watch(op: Operations) -> None:  # a3bd9d3: 0007
    import sqlalchemy as sa

    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(
            sa.Column("doubted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE problem_watch SET doubted = (status = 'doubtful')")


def only_meetings(op: Operations) -> None:  # f628397: 0010 closed doubled meetings only
    pass


def proposing_until(op: Operations) -> None:  # 41a8bf7: 0010
    import sqlalchemy as sa

    import bot.models

    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(sa.Column("proposing_until", bot.models.UTCDateTime(), nullable=True))


def review_reasons(op: Operations) -> None:  # db2b1e0 (branch fix-reports): 0011
    import sqlalchemy as sa
    import sqlmodel

    with op.batch_alter_table("review_decision") as batch:
        batch.add_column(sa.Column("why", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


# Each build: today's revision its own migrations started from, those migrations, and
# the id it stamped.
BUILDS = {
    "9877c43": ("0004", (fewer_nudges,), "0005"),
    "5062b30": ("0004", (fewer_nudges, recurring_not_a_problem), "0006"),
    "a3bd9d3": ("0004", (fewer_nudges, recurring_not_a_problem, doubted_watch), "0007"),
    "f628397": ("0009", (only_meetings,), "0010"),
    "41a8bf7": ("0009", (proposing_until,), "0010"),
    "db2b1e0": ("0010", (review_reasons,), "0011"),
}


def development_database(url: str, build: str) -> None:
    """A database as `groundrules migrate` of `build` left it, holding a table's /nudges
    choice and two watches (one a doubt) from before 0005."""
    base, steps, stamped = BUILDS[build]
    engine = make_engine(url)
    upgrade(engine, "0004")
    watch = text(
        'INSERT INTO problem_watch (workspace, channel, problem_id, "user", lang, posted_at, '
        "deadline, status) VALUES ('W1', 'C1', :p, 'ben', 'en', :at, :at, :status)"
    )
    with engine.begin() as connection:
        for problem_id, status in (("1", "doubtful"), ("2", "open")):
            connection.execute(watch, {"p": problem_id, "at": at("09:00"), "status": status})
        connection.execute(
            text(
                "INSERT INTO table_config (workspace, channel, updated_at) VALUES ('W1', 'C1', :at)"
            ),
            {"at": at("08:00")},
        )
    upgrade(engine, base)
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": is_sqlite(url)})
        with Operations.context(context) as op:
            for step in steps:
                step(op)
        connection.execute(text("UPDATE table_config SET nudges = 'fewer'"))
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": stamped})
    engine.dispose()


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.mark.empty_database
@pytest.mark.parametrize("build", BUILDS)
def test_groundrules_migrate_completes_a_database_a_development_build_stamped(
    database_url, build, tagged, monkeypatch
):
    """Alembic took it to be at today's revision of that id and skipped what it lacked; the
    bot then failed on the first missing column (problem_watch.doubted, outbox.claim...),
    or the upgrade on one made twice (review_decision.why)."""
    development_database(database_url, build)
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert schema_differences(database_url) == []
    # What it held is kept; the watch that was a doubt says so (as 0005 sets it).
    assert rows(database_url, "SELECT nudges FROM table_config") == [("fewer",)]
    assert sorted(rows(database_url, "SELECT problem_id, doubted FROM problem_watch")) == [
        ("1", True),
        ("2", False),
    ]
    groundrules = make_app(database_url, tagged)
    try:
        chat = Chat(groundrules)
        chat.say("ben", "#problem the printer jams", "09:00")
        assert chat.command("ben", "/not-a-problem", "09:01")
    finally:
        groundrules.database.dispose()


@pytest.mark.empty_database
def test_a_doubt_a_development_build_already_recorded_is_not_read_again(database_url):
    """a3bd9d3 had set problem_watch.doubted; a watch confirmed since keeps its True."""
    development_database(database_url, "a3bd9d3")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE problem_watch SET status = 'open' WHERE problem_id = '1'"))
    upgrade(engine)
    engine.dispose()
    assert sorted(rows(database_url, "SELECT problem_id, doubted FROM problem_watch")) == [
        ("1", True),
        ("2", False),
    ]


@pytest.mark.empty_database
def test_a_development_database_an_older_version_took_to_the_newest_revision_is_completed(
    database_url,
):
    """A database an old version already migrated past 0007 (from a3bd9d3's state) lacks
    removed_workspace and meeting.lang at every revision since."""
    from alembic import command

    development_database(database_url, "a3bd9d3")
    engine = make_engine(database_url)
    newest = "0012"
    with engine.begin() as connection:
        # What the old version did: today's 0008 onwards, over a database it read as 0007.
        config = alembic_config(database_url)
        config.attributes["connection"] = connection
        for revision in ("0008", "0009", "0010", "0011", newest):
            command.upgrade(config, revision)
    upgrade(engine)
    tables = inspect(engine).get_table_names()
    columns = {c["name"] for c in inspect(engine).get_columns("meeting")}
    engine.dispose()
    assert "removed_workspace" in tables and "lang" in columns
    assert schema_differences(database_url) == []


@pytest.mark.empty_database
def test_a_database_today_s_migrations_made_is_left_as_it_is(database_url, caplog):
    """Stamped at each of the revisions concerned, it lacks nothing: nothing is run again."""
    engine = make_engine(database_url)
    with caplog.at_level("WARNING", logger="bot.migrate"):
        for revision in ("0005", "0006", "0007", "0010", "0011", "0012", "head"):
            upgrade(engine, revision)
            upgrade(engine, revision)
    engine.dispose()
    assert not [r for r in caplog.records if "lacked" in r.getMessage()]


@pytest.mark.empty_database
def test_the_bot_starting_completes_a_database_a_development_build_stamped(database_url, caplog):
    """`groundrules run` migrates in a child process (bot.migrate.upgrade_apart), and
    says in its own log what it added, as `groundrules migrate` does."""
    from bot.migrate import upgrade_apart

    development_database(database_url, "a3bd9d3")
    engine = make_engine(database_url)
    with caplog.at_level("INFO"):
        upgrade_apart(engine)
    engine.dispose()
    assert schema_differences(database_url) == []
    mended = [r for r in caplog.records if "lacked" in r.getMessage()]
    assert [(r.name, r.levelname) for r in mended] == [("bot.migrate", "WARNING")]
    assert "removed_workspace" in mended[0].getMessage()
