"""Two edits of one message decided at once: the newer words stand, whichever decision
commits last. A decision on the older edit that read "no edit yet" before the newer one
was stored writes none of its words after it (a problem's, a proposal's, a correction's).

On PostgreSQL two bot processes interleave for real, in the orders that lost the newer
words: the older decision reads first and commits last, or it reads while the newer
one has written but not yet committed. SQLite takes its write lock at BEGIN, so that a
decision there reads and writes alone; there the older decision, made on what was read
before the newer edit was stored, is written after it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from bot.models import CorrectionRow, ProposalRow, WatchRow
from rules.actions import Change
from rules.events import MessageEdited
from tests.conftest import make_app
from tests.helpers import Chat, at

WAIT = 30  # seconds: bounds every wait, so a regression fails instead of hanging


@dataclass(frozen=True)
class Edited:
    """A message, posted, and what its older and newer edits say; where its words are kept."""

    author: str
    posted: str
    older: str
    newer: str
    words: Callable[[Session], str | None]
    after_post: Callable[[Chat], object] = lambda chat: None


def _watch_text(session: Session) -> str | None:
    return session.exec(select(WatchRow.text)).one()


def _proposal_text(session: Session) -> str | None:
    # Noted at the top level and as its own thread's proposal: the same words in both.
    [words] = set(session.exec(select(ProposalRow.text)).all())
    return words


def _correction_text(session: Session) -> str | None:
    return session.exec(select(CorrectionRow.text)).one()


MESSAGES = {
    "problem": Edited(
        "ben",
        "#problem Kevin broke the build again",
        older="#problem Kevin broke the build again, sigh",
        newer="#problem the build is broken again",
        words=_watch_text,
    ),
    "proposal": Edited(
        "anna",
        "#proposal we move standup to 10",
        older="#proposal we move standup to 10:15",
        newer="#proposal we move standup to 10:30",
        words=_proposal_text,
    ),
    "correction": Edited(
        "ben",
        "#problem Kevin's speedtest: 40 down",
        older="#problem Kevin's speedtest: 40 down, again",
        newer="#problem speedtest: 40 down",
        words=_correction_text,
        after_post=lambda chat: chat.command("ben", "/not-a-problem", "09:00:30"),
    ),
}


def edit(message: Edited, words: str, when: str) -> MessageEdited:
    return MessageEdited(
        workspace="W1", channel="C1", at=at(when), event_id=f"edit-{when}",
        user=message.author, message_id="09:00", text=words, posted_at=at("09:00"),
    )  # fmt: skip


def posted(app, message: Edited) -> None:
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say(message.author, message.posted, "09:00")
    message.after_post(chat)


def words(app, message: Edited) -> str | None:
    app.store.flush()
    with Session(app.database) as session:
        return message.words(session)


def decided_before_written_after(app, message: Edited, decided_at: str, newer_at: str) -> None:
    """An edit's decision made (words `older`, at `decided_at`) on what was read before
    another edit (words `newer`) was handled, and written after it."""
    posted(app, message)
    older = edit(message, message.older, decided_at)
    [understood] = app.service.interpret_many([older], remember=False)
    with app.store.unit_of_work() as uow:
        state = uow.load("W1", "C1", app.service.engine.reads(understood))
    decided = app.service.engine.decide(understood, state)  # "no edit yet"
    app.service.handle(edit(message, message.newer, newer_at))
    with app.store.unit_of_work() as uow:
        for change in decided:
            if isinstance(change, Change):
                uow.apply(change)


@pytest.mark.parametrize("kind", MESSAGES)
def test_an_older_edit_decided_before_a_newer_one_was_stored_writes_no_words(
    database_url, tagged, kind
):
    message = MESSAGES[kind]
    app = make_app(database_url, tagged)
    try:
        decided_before_written_after(app, message, "09:01", "09:02")
        assert words(app, message) == message.newer
    finally:
        app.database.dispose()


def test_an_edit_of_the_same_second_written_last_stands(database_url, tagged):
    """Slack gives an edit's time in whole seconds: of two in one second, the one heard
    last counts as the later, also when its decision was made first."""
    message = MESSAGES["problem"]
    app = make_app(database_url, tagged)
    try:
        decided_before_written_after(app, message, "09:01:05", "09:01:05")
        assert words(app, message) == message.older
    finally:
        app.database.dispose()


def _run(target: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _pause_after(engine, sql: str, reached: threading.Event, go: threading.Event) -> None:
    """The first statement on `engine` containing `sql` waits, once it ran, for `go`."""

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:
        if sql in statement and not reached.is_set():
            reached.set()
            assert go.wait(WAIT)

    event.listen(engine, "after_cursor_execute", hold)


def _backends(app) -> list[int]:
    """The PostgreSQL backends `app`'s connections use, as they are checked out."""
    pids: list[int] = []

    @event.listens_for(app.database, "checkout")
    def note(dbapi_connection, record, proxy) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])

    return pids


def _waits_for_a_lock(watcher_app, pids: list[int], thread: threading.Thread) -> bool:
    """Whether one of `pids` comes to wait for a lock before `thread` ends (watched on
    a connection of another app's)."""
    waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = ANY(:pids)")
    with watcher_app.database.connect() as watcher:
        for _ in range(WAIT * 20):
            if watcher.execute(waiting, {"pids": pids}).scalar():
                return True
            thread.join(0.05)
            if not thread.is_alive():
                return False
    return False


@pytest.mark.postgres
@pytest.mark.parametrize("kind", MESSAGES)
def test_an_older_edit_read_first_and_committed_last_leaves_the_newer_words(
    postgres_url, tagged, kind
):
    """Two processes: the older edit's decision reads "no edit yet"; the newer edit is
    handled meanwhile and commits first (or, should it wait for the older decision,
    commits after it); then the older one writes and commits."""
    message = MESSAGES[kind]
    first, second = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    try:
        posted(first, message)
        newer_backends = _backends(second)
        read, go = threading.Event(), threading.Event()
        _pause_after(first.database, "FROM edited_message", read, go)
        errors: list[BaseException] = []
        older = _run(lambda: first.service.handle(edit(message, message.older, "09:01")), errors)
        assert read.wait(WAIT)
        newer = _run(lambda: second.service.handle(edit(message, message.newer, "09:02")), errors)
        _waits_for_a_lock(first, newer_backends, newer)  # or ends first: committed
        go.set()
        newer.join(WAIT)
        older.join(WAIT)
        assert not newer.is_alive() and not older.is_alive() and errors == []
        assert words(second, message) == message.newer
    finally:
        first.database.dispose()
        second.database.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("kind", MESSAGES)
def test_an_older_edit_read_while_a_newer_one_commits_leaves_the_newer_words(
    postgres_url, tagged, kind
):
    """Two processes: the newer edit's decision has written, not committed; the older
    one reads "no edit yet" and writes, waiting on a lock the newer one holds; the newer
    commits, then the older one."""
    message = MESSAGES[kind]
    first, second = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    try:
        posted(first, message)
        older_backends = _backends(second)
        written, go = threading.Event(), threading.Event()

        @event.listens_for(first.database, "commit")
        def hold_the_commit(conn) -> None:
            if conn.info.pop("edited", False):
                written.set()
                assert go.wait(WAIT)

        @event.listens_for(first.database, "after_cursor_execute")
        def note_the_edit(conn, cursor, statement, parameters, context, executemany) -> None:
            if statement.startswith("INSERT INTO edited_message"):
                conn.info["edited"] = True

        errors: list[BaseException] = []
        newer = _run(lambda: first.service.handle(edit(message, message.newer, "09:02")), errors)
        assert written.wait(WAIT)
        older = _run(lambda: second.service.handle(edit(message, message.older, "09:01")), errors)
        waited = _waits_for_a_lock(first, older_backends, older)
        go.set()
        newer.join(WAIT)
        older.join(WAIT)
        assert waited, "the older edit's decision never waited for the newer one"
        assert not newer.is_alive() and not older.is_alive() and errors == []
        assert words(second, message) == message.newer
    finally:
        first.database.dispose()
        second.database.dispose()
