"""Discord members' client languages (bot.member_languages, migration 0027): one per
person and server, written only when it changes, apart per workspace, gone when the
person or the workspace is forgotten. SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import event, inspect

from bot import member_languages, person_data, workspaces
from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from tests.helpers import Chat, at

SERVER, OTHER = "discord:1", "discord:2"


def writes_during(engine, step) -> list[str]:
    """The statements that change something, or take SQLite's write lock, while
    `step()` runs."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        words = statement.split()
        if words[0].upper() in {"INSERT", "UPDATE", "DELETE"} or words == ["BEGIN", "IMMEDIATE"]:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        step()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_a_client_language_is_written_only_when_it_changes(app):
    db = app.database
    assert writes_during(db, lambda: member_languages.remember(db, SERVER, "7", "nl"))
    assert member_languages.of(db, SERVER, ["7", "8"]) == {"7": "nl"}
    # The same language again, as every click of theirs tells it: nothing is written.
    assert writes_during(db, lambda: member_languages.remember(db, SERVER, "7", "nl")) == []
    assert not member_languages.remember(db, SERVER, "7", "nl")
    assert member_languages.remember(db, SERVER, "7", "en")
    assert member_languages.of(db, SERVER, ["7"]) == {"7": "en"}
    assert member_languages.of(db, SERVER, []) == {}


def test_client_languages_stay_apart_per_server(app):
    db = app.database
    member_languages.remember(db, SERVER, "7", "nl")
    member_languages.remember(db, OTHER, "7", "en")
    assert member_languages.of(db, SERVER, ["7"]) == {"7": "nl"}
    assert member_languages.of(db, OTHER, ["7"]) == {"7": "en"}
    assert member_languages.of(db, "discord:3", ["7"]) == {}


def test_forgetting_a_person_forgets_their_client_language_in_that_server_only(app):
    db = app.database
    Chat(app, workspace=SERVER).join("7", "8")
    app.store.flush()
    for workspace, user in ((SERVER, "7"), (SERVER, "8"), (OTHER, "7")):
        member_languages.remember(db, workspace, user, "nl")
    listed = {part.table for part in person_data.held(db, SERVER, "7", at("11:00"))}
    assert "member_language" in listed
    assert member_languages.of(db, SERVER, ["7"]) == {"7": "nl"}  # a dry run changes nothing

    done = person_data.forget(db, SERVER, "7", at("11:00"))
    assert [p.count for p in done if p.table == "member_language"] == [1]
    assert member_languages.of(db, SERVER, ["7", "8"]) == {"8": "nl"}
    assert member_languages.of(db, OTHER, ["7"]) == {"7": "nl"}


def test_forgetting_a_workspace_forgets_its_client_languages(app):
    db = app.database
    member_languages.remember(db, SERVER, "7", "nl")
    member_languages.remember(db, OTHER, "7", "en")
    assert workspaces.forget(db, SERVER) == {"member_language": 1}
    assert member_languages.of(db, SERVER, ["7"]) == {}
    assert member_languages.of(db, OTHER, ["7"]) == {"7": "en"}


def test_migration_0027_adds_client_languages_and_goes_down(database_url):
    def tables(engine) -> set[str]:
        return set(inspect(engine).get_table_names())

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0026")
        assert "member_language" not in tables(engine)
        upgrade(engine)
        assert "member_language" in tables(engine)
        member_languages.remember(engine, SERVER, "7", "nl")
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0026")
    engine = make_engine(database_url)
    try:
        assert "member_language" not in tables(engine)
        assert "nudge_pacing" in tables(engine)
    finally:
        engine.dispose()
