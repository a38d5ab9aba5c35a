"""Discord members' client languages (bot.member_languages, migration 0027): one per
person and server, written only when it changes, apart per workspace, gone when the
person or the workspace is forgotten. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot import member_languages, person_data, workspaces
from tests.helpers import Chat, at, statements_during, writes
from tests.migrating import engine_on, goes_up_and_down, tables

SERVER, OTHER = "discord:1", "discord:2"


def test_a_client_language_is_written_only_when_it_changes(app):
    db = app.database
    assert writes(statements_during(db, lambda: member_languages.remember(db, SERVER, "7", "nl")))
    assert member_languages.of(db, SERVER, ["7", "8"]) == {"7": "nl"}
    # The same language again, as every click of theirs tells it: nothing is written.
    assert (
        writes(statements_during(db, lambda: member_languages.remember(db, SERVER, "7", "nl")))
        == []
    )
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


@pytest.mark.empty_database
def test_migration_0027_adds_client_languages_and_goes_down(database_url):
    goes_up_and_down(
        database_url, "0026", lambda engine: "member_language" in tables(engine),
        at_newest=lambda engine: member_languages.remember(engine, SERVER, "7", "nl"),
    )  # fmt: skip
    with engine_on(database_url) as engine:
        assert "nudge_pacing" in tables(engine)
