"""Lists that grow with a table's history never go whole into one IN (...): SQLite refuses
a statement with more bound values than SQLITE_MAX_VARIABLE_NUMBER (999 before 3.32,
32,766 since; this machine's build allows far more, so the tests lower it to the old
999), psycopg more than 65,535 on PostgreSQL. Each test goes past that bound: a report's
choices at reviews, members' client languages, a member's home across their tables, and
forgetting a person with many problems. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot import codec, member_languages, person_data, report, views
from bot.models import (
    AgreementRow,
    DecisionRow,
    MandateRow,
    MemberLanguageRow,
    MemberRow,
    OutboxRow,
    PostedMessage,
    TimerRow,
    WatchRow,
)
from bot.store import quiet_reply_key
from rules import problems
from rules.say import Quote
from tests.conftest import make_app
from tests.helpers import statements_during

WORKSPACE = "slack:T-BIG"
CHANNEL = "C-TOWNHALL"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# SQLite's bound on a statement's values in builds before 3.32: these tests set it.
OLD_SQLITE_BOUND = 999
# psycopg's bound on a statement's parameters.
POSTGRES_BOUND = 65_535


@pytest.fixture
def app(database_url, tagged) -> Iterator:
    groundrules = make_app(database_url, tagged)
    if groundrules.database.dialect.name == "sqlite":

        @event.listens_for(groundrules.database, "connect")
        def old_bound(dbapi_connection, _record) -> None:
            dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_BOUND)

        groundrules.database.dispose()  # connections made from now on have the old bound
    yield groundrules
    groundrules.database.dispose()


def past_the_bound(app) -> int:
    """More values than one statement may hold on this database."""
    return (OLD_SQLITE_BOUND if app.database.dialect.name == "sqlite" else POSTGRES_BOUND) + 500


def bound_holds(app) -> None:
    """The bound the tests rely on is there: a list past it is refused."""
    listed = MemberRow.__table__.c.user.in_([str(i) for i in range(past_the_bound(app))])
    refused = r"too many SQL variables|number of parameters must be"
    with app.database.connect() as connection, pytest.raises(OperationalError, match=refused):
        connection.execute(select(func.count()).where(listed))


def add_rows(app, model, rows: list[dict]) -> None:
    with app.database.begin() as connection:
        connection.execute(insert(model.__table__), rows)


def agreement(number: int, text: str) -> AgreementRow:
    recorded = AT - timedelta(days=30)
    return AgreementRow(workspace=WORKSPACE, channel=CHANNEL, number=number, text=text,
                        why="it helps", recorded_by="U-ANNA", owner="U-ANNA",
                        review_on=date(2026, 3, 5), recorded_at=recorded)  # fmt: skip


def test_long_in_lists_the_bound_is_there(app):
    bound_holds(app)


def test_long_in_lists_a_report_shows_every_choice_made_at_reviews(app):
    """A table whose agreements were decided at more reviews than the bound."""
    decided = past_the_bound(app)
    with Session(app.database) as session:
        session.add_all([agreement(1, "we meet on Mondays"), agreement(decided, "we rotate")])
        session.commit()
    add_rows(app, DecisionRow, [
        {"workspace": WORKSPACE, "channel": CHANNEL, "number": number, "decision": "keep",
         "user": "U-ANNA", "at": AT, "why": None}
        for number in range(1, decided + 1)
    ])  # fmt: skip

    with Session(app.database) as session:
        choices = report._choices(session, WORKSPACE, CHANNEL, None)

    assert len(choices.items) == decided
    shown = {dict(say.params)["number"]: dict(say.params)["text"] for say in choices.items}
    assert (shown[1], shown[2], shown[decided]) == (
        Quote("we meet on Mondays"), Quote("—"), Quote("we rotate")
    )  # fmt: skip


def test_long_in_lists_client_languages_of_a_big_table(app):
    """A renewal reminder at a table bigger than the bound reads its members' languages."""
    members = [f"U{n:06d}" for n in range(past_the_bound(app))]
    add_rows(app, MemberLanguageRow, [
        {"workspace": WORKSPACE, "user": user, "lang": "nl"} for user in members[::2]
    ])  # fmt: skip

    found = member_languages.of(app.database, WORKSPACE, members)

    assert found == dict.fromkeys(members[::2], "nl")


def test_long_in_lists_a_members_home_across_more_tables_than_the_bound(app):
    """Someone at more tables than the bound (every forum post is a table on Discord):
    their home shows their mandate and the agreements of their tables."""
    tables = [f"C{n:06d}" for n in range(past_the_bound(app))]
    add_rows(app, MemberRow, [
        {"workspace": WORKSPACE, "channel": table, "user": "U-ANNA", "active": True,
         "joined_at": AT}
        for table in tables
    ])  # fmt: skip
    with Session(app.database) as session:
        session.add(MandateRow(workspace=WORKSPACE, channel=tables[-1], user="U-ANNA",
                               text="agree on rosters", updated_at=AT))  # fmt: skip
        last = agreement(7, "we share the van")
        last.channel = tables[-1]
        session.add(last)
        session.commit()

    home = views.member_home(app.database, WORKSPACE, "U-ANNA", now=AT)

    assert len(home.channels) == len(tables)
    assert [m.text for m in home.mandates] == ["agree on rosters"]
    assert [a.text for a in home.reviews_due] == ["we share the van"]


def test_long_in_lists_forgetting_someone_with_more_problems_than_the_bound(app):
    """Their problems' timers (a nudge's and a snooze's each) number past the bound."""
    named = past_the_bound(app) // 2 + 1
    problem_ids = [f"M{n:06d}" for n in range(named)]
    add_rows(app, WatchRow, [
        {"workspace": WORKSPACE, "channel": CHANNEL, "problem_id": pid, "user": "U-ANNA",
         "lang": "en", "posted_at": AT, "deadline": AT, "status": "answered", "doubted": False}
        for pid in problem_ids
    ])  # fmt: skip
    add_rows(app, TimerRow, [
        {"workspace": WORKSPACE, "key": key(CHANNEL, pid), "channel": CHANNEL, "kind": kind,
         "subject": pid, "due": AT + timedelta(hours=1)}
        for pid in problem_ids
        for key, kind in ((problems.problem_timer_key, problems.PROBLEM_TIMER),
                          (problems.snooze_timer_key, problems.SNOOZE_TIMER))
    ])  # fmt: skip
    add_rows(app, TimerRow, [{"workspace": WORKSPACE, "key": "review:7", "channel": CHANNEL,
                              "kind": "review", "subject": "7", "due": AT}])  # fmt: skip

    parts = person_data.forget(app.database, WORKSPACE, "U-ANNA", AT)

    assert {p.table: p.count for p in parts}["timer"] == 2 * named
    with app.database.connect() as connection:
        left = connection.execute(select(TimerRow.__table__.c.key)).scalars().all()
    assert left == ["review:7"]


def test_long_in_lists_forgetting_someone_clears_their_quiet_replies_in_few_statements(app):
    """Each problem they named was looked for a public nudge beside it with a statement
    of its own: 1,200 problems, 1,200 round trips (on PostgreSQL a minute for 33,000).
    The nudges that went in public are still each cleared."""
    named = [f"M{n:06d}" for n in range(1200)]
    add_rows(app, WatchRow, [
        {"workspace": WORKSPACE, "channel": CHANNEL, "problem_id": pid, "user": "U-ANNA",
         "lang": "nl", "posted_at": AT, "deadline": AT, "status": "open", "doubted": False}
        for pid in named
    ])  # fmt: skip
    public = named[::100]  # twelve went in public, their DMs closed
    add_rows(app, PostedMessage, [
        {"workspace": WORKSPACE, "key": quiet_reply_key(CHANNEL, pid), "channel": CHANNEL,
         "ref": f"R-{pid}", "posted_at": AT}
        for pid in public
    ])  # fmt: skip

    sent = statements_during(
        app.database, lambda: person_data.forget(app.database, WORKSPACE, "U-ANNA", AT)
    )

    assert len(sent) < 100, len(sent)
    with app.database.connect() as connection:
        queued = connection.execute(select(OutboxRow.__table__.c.payload)).scalars().all()
    cleared = sorted(codec.loads(payload).message_id for payload in queued)
    assert cleared == [f"R-{pid}" for pid in public]


def test_long_in_lists_the_leases_of_more_deliveries_than_the_bound_are_renewed(app):
    """Deliveries held at once past the bound (a burst waiting out a rate limit): their
    leases are renewed in chunks; none of these is in the outbox, so none held."""
    claims = [f"claim-{n}" for n in range(past_the_bound(app))]
    assert app.store.renew_claims(claims, AT) == set()
