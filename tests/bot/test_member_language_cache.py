"""What a running bot keeps of members' client languages (bot.member_languages.
MemberLanguages): a click that tells the same language again reads nothing, an entry is
read again once `FRESH_FOR` has passed, so a language another process wrote is seen
then, and no more than `held` entries are kept. The clock is the test's own; the
statements are counted as the database is asked them. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot import member_languages, person_data, workspaces
from bot.database import make_engine
from bot.member_languages import FRESH_FOR, MemberLanguages
from tests.helpers import at, statements_during, writes

SERVER = "discord:1"


class Clock:
    """Seconds, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def languages(app, clock) -> MemberLanguages:
    return MemberLanguages(app.database, clock=clock)


def test_a_language_known_here_is_told_without_asking_the_database(app, languages):
    db = app.database
    assert languages.remember(SERVER, "7", "nl")
    # Every click of theirs tells it again: nothing is read, nothing written.
    assert statements_during(db, lambda: languages.remember(SERVER, "7", "nl")) == []
    assert not languages.remember(SERVER, "7", "nl")
    assert statements_during(db, lambda: languages.of(SERVER, ["7"])) == []
    assert languages.of(SERVER, ["7"]) == {"7": "nl"}
    assert languages.of(SERVER, []) == {}


def test_that_a_member_has_no_language_is_kept_too(app, languages):
    db = app.database
    languages.remember(SERVER, "7", "nl")
    assert len(selects(statements_during(db, lambda: languages.of(SERVER, ["7", "8"])))) == 1
    assert statements_during(db, lambda: languages.of(SERVER, ["7", "8"])) == []
    assert languages.of(SERVER, ["7", "8"]) == {"7": "nl"}
    # Only those not known are read, in one statement.
    read = statements_during(db, lambda: languages.of(SERVER, ["7", "8", "9", "10"]))
    assert len(selects(read)) == 1


def test_a_language_is_read_again_once_it_is_no_longer_fresh(app, languages, clock):
    db = app.database
    languages.remember(SERVER, "7", "nl")
    clock.now += FRESH_FOR - 0.001
    assert statements_during(db, lambda: languages.of(SERVER, ["7"])) == []
    clock.now += 0.001
    assert len(selects(statements_during(db, lambda: languages.of(SERVER, ["7"])))) == 1
    assert statements_during(db, lambda: languages.of(SERVER, ["7"])) == []  # fresh again
    # The same language told again once not fresh is read, and is no news.
    clock.now += FRESH_FOR
    told = statements_during(db, lambda: languages.remember(SERVER, "7", "nl"))
    assert len(selects(told)) == 1 and writes(told) == []


def test_a_language_another_process_wrote_is_seen_once_the_entry_is_read_again(
    app, database_url, languages, clock
):
    languages.remember(SERVER, "7", "nl")
    assert languages.of(SERVER, ["8"]) == {}
    other_engine = make_engine(database_url)  # another process's pool and sessions
    try:
        other = MemberLanguages(other_engine, clock=clock)
        assert other.remember(SERVER, "7", "en")
        assert other.remember(SERVER, "8", "nl")
        assert languages.of(SERVER, ["7", "8"]) == {"7": "nl"}  # fresh: not read yet
        clock.now += FRESH_FOR
        assert languages.of(SERVER, ["7", "8"]) == {"7": "en", "8": "nl"}
        # Its client back in Dutch: told here, it is news here, and written.
        assert languages.remember(SERVER, "7", "nl")
        assert member_languages.of(other_engine, SERVER, ["7"]) == {"7": "nl"}
    finally:
        other_engine.dispose()


def test_a_person_forgotten_elsewhere_is_forgotten_here_once_read_again(
    app, database_url, languages, clock
):
    languages.remember(SERVER, "7", "nl")
    other_engine = make_engine(database_url)  # `groundrules person forget`, beside the bot
    try:
        person_data.forget(other_engine, SERVER, "7", at("11:00"))
    finally:
        other_engine.dispose()
    clock.now += FRESH_FOR
    assert languages.of(SERVER, ["7"]) == {}


def test_a_workspace_forgotten_in_this_process_is_dropped_at_once(app, languages):
    languages.remember(SERVER, "7", "nl")
    languages.remember("discord:2", "7", "en")
    workspaces.forget(app.database, SERVER)
    languages.forget({SERVER})
    # No minute's wait: the running bot forgot the workspace itself.
    assert languages.of(SERVER, ["7"]) == {}
    assert statements_during(app.database, lambda: languages.of("discord:2", ["7"])) == []
    assert languages.of("discord:2", ["7"]) == {"7": "en"}


def test_no_more_entries_are_kept_than_the_bound(app, clock):
    db = app.database
    languages = MemberLanguages(db, held=3, clock=clock)
    for user in ("1", "2", "3"):
        languages.remember(SERVER, user, "nl")
    languages.of(SERVER, ["1"])  # used last: kept before 2 and 3
    languages.of(SERVER, ["4", "5"])
    assert len(languages) == 3
    assert statements_during(db, lambda: languages.of(SERVER, ["1", "4", "5"])) == []
    assert len(selects(statements_during(db, lambda: languages.of(SERVER, ["2"])))) == 1
    assert languages.of(SERVER, ["2", "3"]) == {"2": "nl", "3": "nl"}
    for user in range(100, 200):
        languages.of(SERVER, [str(user)])
    assert len(languages) == 3
