"""A big organisation a year in (benchmarks.big_org): what the bot does at start, at a
meeting's end and for a report grows with what it must say, not with the square of the
table's history, and takes a bounded number of statements.

Work is counted, not timed: the statements sent (SQLAlchemy's cursor events) and, on
SQLite, the steps of its virtual machine (its progress handler), which grow as the rows
a statement reads do."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import delete, select

from benchmarks.big_org import BIG_TABLE, START, WORKSPACE, Size, keep_at_reviews, seed
from bot.models import AnswerRow, MandateRow, MemberRow
from bot.table_zones import reviews_at_nine
from rules.actions import PostConcernRound, UpdateRoundProgress
from rules.events import CommandInvoked, ConcernAnswered
from rules.i18n import render
from tests.conftest import make_app
from tests.helpers import statements_during

# SQLite calls the progress handler every this many virtual machine steps.
STEPS_PER_CALL = 100


@dataclass
class Work:
    statements: int = 0
    sqlite_steps: int = 0


@contextmanager
def counted(engine: Engine) -> Iterator[Work]:
    """The statements sent to the database inside, and on SQLite the steps it took."""
    work = Work()

    def sent(*_args) -> None:
        work.statements += 1

    def step() -> int:
        work.sqlite_steps += STEPS_PER_CALL
        return 0  # go on

    def checkout(dbapi_connection, *_args) -> None:
        if engine.dialect.name == "sqlite":
            dbapi_connection.set_progress_handler(step, STEPS_PER_CALL)

    def checkin(dbapi_connection, *_args) -> None:
        if engine.dialect.name == "sqlite" and dbapi_connection is not None:
            dbapi_connection.set_progress_handler(None, STEPS_PER_CALL)

    event.listen(engine, "before_cursor_execute", sent)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield work
    finally:
        event.remove(engine, "before_cursor_execute", sent)
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def one_table(agreements: int, members: int = 12) -> Size:
    return Size(tables=1, big_members=members, members=12, agreements=agreements,
                big_share=1.0, meetings=0, corrections=0)  # fmt: skip


@pytest.fixture
def app(database_url, tagged):
    made = make_app(database_url, tagged)
    yield made
    made.database.dispose()


def command(app, user: str, line: str, *, workspace: str = WORKSPACE, days: int = 400) -> list:
    name, _, args = line.lstrip("/").partition(" ")
    event_ = CommandInvoked(
        workspace=workspace, channel=BIG_TABLE, at=START + timedelta(days=days),
        event_id=uuid.uuid4().hex, user=user, name=name, args=args,
    )  # fmt: skip
    return [d.action for d in app.service.handle(event_)]


def test_start_reads_each_review_to_come_once_however_many_agreements_a_table_has(tmp_path, tagged):
    """At start the reviews to come are checked against their table's zone. Each pending
    review was once paired with every agreement of its table: a table with twice the
    agreements took four times the work, before the bot could answer anyone."""
    steps = []
    for agreements in (150, 300):
        app = make_app(f"sqlite:///{tmp_path}/{agreements}.db", tagged)
        seed(app.store, one_table(agreements))
        reviews_at_nine(app.database, "UTC")  # as scheduled: the next start moves none
        with counted(app.database) as work:
            assert reviews_at_nine(app.database, "UTC") == 0
        steps.append(work.sqlite_steps)
        app.database.dispose()
    assert steps[1] < 2.5 * steps[0], steps


def test_the_end_of_a_meeting_takes_as_many_statements_at_a_table_of_thousands(app):
    """Each member with a mandate is asked to renew it: their mandates were marked due
    one statement each, three thousand statements at a channel of three thousand, while
    the decision held its table."""
    counts = []
    for members in (30, 300):
        workspace = f"W-{members}"
        seed(app.store, one_table(10, members=members), workspace)
        command(app, "U0000", "/meeting start", workspace=workspace)
        with counted(app.database) as work:
            command(app, "U0000", "/meeting end", workspace=workspace)
        counts.append(work.statements)
        with app.store.unit_of_work() as uow:
            due = uow.session.exec(
                select(MandateRow.user).where(
                    MandateRow.workspace == workspace, MandateRow.status == "renewal_due"
                )
            ).all()
        assert len(due) == len(range(0, members, 3))  # every third has one (big_org)
    assert counts[1] == counts[0], counts


def test_a_report_reads_the_open_concerns_of_many_rounds_at_once(app):
    """Every tenth round of big_org became no agreement and keeps a concern open: the
    report read each such round's answers with a statement of its own."""
    counts, lines = [], []
    for agreements in (100, 400):
        workspace = f"W-{agreements}"
        seed(app.store, one_table(agreements), workspace)
        with counted(app.database) as work:
            [report] = command(app, "U0000", "/report", workspace=workspace)
        counts.append(work.statements)
        lines.append(render(report.full, "en").splitlines())
    assert counts[1] == counts[0], counts
    concerns = lines[1][lines[1].index("Open concerns:") + 1 :]
    assert concerns[:2] == [
        "U0001 on “Proposal10 on idea10”: too costly",
        "U0001 on “Proposal20 on idea20”: too costly",
    ]
    assert sum(1 for line in concerns if line.endswith(": too costly")) == 40


def test_a_command_in_the_bots_dm_reads_the_persons_rows_not_everyones(tmp_path, tagged):
    """Typed in the bot's DM, /concern, /mandate, and the App Home look for the person's
    rows across every table: they read every answer of every round ever asked, every
    mandate and every member, a table of thousands answering a reminder at once."""
    from bot import homes, views

    def lookups(engine) -> None:
        views.tables_for_command(engine, "U0001", "concern", prefix="W")
        views.tables_for_command(engine, "U0001", "mandate", prefix="W")
        views.nudged_problems(engine, "U0001", prefix="W")
        views.dismissed_problems(engine, "U0001", prefix="W")
        homes.tables_of_member(engine, "U0001", prefix="W")

    steps = []
    for others in (100, 400):  # rounds, mandates and members of others, elsewhere
        app = make_app(f"sqlite:///{tmp_path}/{others}.db", tagged)
        seed(app.store, one_table(10, members=12))
        seed(app.store, one_table(others, members=others), workspace="W-others")
        with app.store.unit_of_work() as uow:  # all the others' rounds by someone else
            uow.session.exec(
                delete(AnswerRow).where(
                    AnswerRow.workspace == "W-others", AnswerRow.user == "U0001"
                )
            )
            uow.session.exec(
                delete(MemberRow).where(
                    MemberRow.workspace == "W-others", MemberRow.user == "U0001"
                )
            )
        lookups(app.database)  # the ORM's first-use work, not the database's
        with counted(app.database) as work:
            lookups(app.database)
        steps.append(work.sqlite_steps)
        app.database.dispose()
    assert steps[1] < 1.2 * steps[0], steps


@pytest.mark.empty_database
def test_migration_0031_indexes_a_persons_rows_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    def indexes(engine) -> set[str]:
        found = inspect(engine)
        tables = ("round_answer", "mandate", "member", "problem_watch", "correction")
        return {i["name"] for table in tables for i in found.get_indexes(table)}

    ours = {"ix_round_answer_user", "ix_mandate_user", "ix_member_user",
            "ix_problem_watch_user", "ix_correction_user"}  # fmt: skip
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0030")
        assert not indexes(engine) & ours
        upgrade(engine)
        assert indexes(engine) >= ours
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0030")
    engine = make_engine(database_url)
    try:
        assert not indexes(engine) & ours
        assert "ix_correction_message" in indexes(engine)
    finally:
        engine.dispose()


def test_an_answer_at_a_round_of_hundreds_builds_no_object_per_member(app):
    """Each answer reads the round with every member it polled: as ORM objects, at a
    table of 3,000, that was most of the 150 ms each answer held the database for."""
    seed(app.store, one_table(10, members=300))
    [posted] = [
        a
        for a in command(app, "U0000", "/concerns we paint the office blue")
        if isinstance(a, PostConcernRound)
    ]
    built = []

    def loaded(target, _context) -> None:
        built.append(target)

    event.listen(AnswerRow, "load", loaded)
    try:
        answered = ConcernAnswered(
            workspace=WORKSPACE, channel=BIG_TABLE, at=START + timedelta(days=400),
            event_id=uuid.uuid4().hex, user="U0200", round_id=posted.round.round_id,
        )  # fmt: skip
        actions = [d.action for d in app.service.handle(answered)]
    finally:
        event.remove(AnswerRow, "load", loaded)
    [progress] = [a for a in actions if isinstance(a, UpdateRoundProgress)]
    assert len(progress.round.participants) == 299  # all but its proposer
    assert progress.round.answered == ("U0200",)
    assert built == []


@dataclass
class Ran:
    lines: int = 0


@contextmanager
def lines_run(module) -> Iterator[Ran]:
    """The lines of `module` Python runs inside: a loop's every turn counts."""
    ran = Ran()
    previous = sys.gettrace()

    def local(_frame, why, _arg):
        if why == "line":
            ran.lines += 1
        return local

    def calls(frame, why, _arg):
        return local if why == "call" and frame.f_code.co_filename == module.__file__ else None

    sys.settrace(calls)
    try:
        yield ran
    finally:
        sys.settrace(previous)


def test_a_reports_choices_look_at_their_own_agreements_versions_only(tmp_path, tagged):
    """Each choice at a review looked for its version among every version of every
    agreement decided: a table with four times the choices took sixteen times the work."""
    from bot import report

    lines = []
    for agreements in (100, 400):
        app = make_app(f"sqlite:///{tmp_path}/{agreements}.db", tagged)
        seed(app.store, one_table(agreements))
        kept = keep_at_reviews(app.store, at=START + timedelta(days=400))
        with app.store.unit_of_work() as uow, lines_run(report) as ran:
            choices = report._choices(uow.session, WORKSPACE, BIG_TABLE, None)
        # Every tenth round of big_org became no agreement.
        assert len(choices.items) == kept == agreements - agreements // 10
        lines.append(ran.lines)
        app.database.dispose()
    assert lines[1] < 5 * lines[0], lines


def test_an_answer_from_someone_the_round_polled_counts_no_answers(app):
    """Every answer counted the round's answers, for a position only someone it did not
    poll needs (theirs goes after the others'): a count over thousands of rows."""
    seed(app.store, one_table(10, members=30))
    [posted] = [
        a
        for a in command(app, "U0000", "/concerns we paint the office blue")
        if isinstance(a, PostConcernRound)
    ]
    round_id = posted.round.round_id

    def answer(user: str, concern: str | None = None) -> None:
        answered = ConcernAnswered(
            workspace=WORKSPACE, channel=BIG_TABLE, at=START + timedelta(days=400),
            event_id=uuid.uuid4().hex, user=user, round_id=round_id, concern=concern,
        )  # fmt: skip
        app.service.handle(answered)

    polled = statements_during(app.database, lambda: answer("U0020", "too blue"))
    assert not [s for s in polled if "count(" in s.lower()]
    answer("U0000", "too dark")  # its proposer, whom it did not poll: counted, and last
    with app.database.connect() as connection:
        rows = connection.execute(app.store.sql.round_answers, {"w": WORKSPACE, "r": round_id})
        answers = [(row.user, row.concern) for row in rows if row.answered_at is not None]
    assert answers == [("U0020", "too blue"), ("U0000", "too dark")]
