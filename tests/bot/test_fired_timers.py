"""The retention sweep forgets timers that fired (one per problem message watched, per
round reminded, per review asked), except a review's while its agreement's version is
current: a review message posted late reads it to close itself (bot.review_messages)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from bot import fired_timers
from bot.models import TimerRow
from bot.review_messages import decided_meanwhile
from rules.actions import AnnounceReview
from tests.helpers import Chat, at, statements_during

RETENTION = timedelta(days=2)


def timers(app) -> dict[tuple[str, str], bool]:
    """(kind, subject) -> whether it fired."""
    with Session(app.database) as session:
        rows = session.exec(select(TimerRow)).all()
    return {(row.kind, row.subject): row.fired_at is not None for row in rows}


def test_the_sweep_forgets_timers_fired_before_the_retention_and_keeps_the_others(app):
    chat = Chat(app)
    chat.say("ben", "#problem the secret project is late", "09:00")  # fires at 09:10
    chat.say("anna", "#problem the printer is broken", "34:00")  # the next day, at 34:10
    chat.say("chris", "#problem the coffee machine leaks", "59:25")  # two days on: pending
    assert timers(app) == {("problem", "09:00"): True, ("problem", "34:00"): True,
                           ("problem", "59:25"): False}  # fmt: skip

    swept = app.store.sweep(at("59:30"), RETENTION)  # fired before 11:30 on the first day

    assert swept["timers"] == 1
    assert timers(app) == {("problem", "34:00"): True, ("problem", "59:25"): False}
    # The pending one still fires.
    chat.tick("60:00")
    assert timers(app) == {("problem", "34:00"): True, ("problem", "59:25"): True}


def test_a_review_timer_stays_while_its_agreement_is_current_for_a_review_posted_late(app):
    """A Keep reschedules the review timer; its message, posted late, is closed because
    the timer is due after it was asked, also once that next review has fired. A retired
    agreement's review is decided whatever its timer says: that one goes."""
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/agree Tea on Fridays because morale", "08:30")
    chat.command("anna", "/agree Minutes within two days because not everyone is there", "08:31")
    asked = [a for a in chat.tick(at("09:00") + timedelta(weeks=10))
             if isinstance(a, AnnounceReview)]  # fmt: skip
    later = f"{10 * 7 * 24 + 10}:00"  # ten weeks on, at 10:00
    chat.command("ben", "/review keep 1", later)
    chat.command("anna", "/review retire 2 because nobody reads them", later)
    next_review = [a for a in chat.tick(at("09:00") + timedelta(weeks=20))
                   if isinstance(a, AnnounceReview)]  # fmt: skip
    assert [a.agreement.number for a in next_review] == [1]
    assert timers(app) == {("review", "1"): True, ("review", "2"): True}

    swept = app.store.sweep(at("09:00") + timedelta(weeks=60), RETENTION)

    assert swept["timers"] == 1
    assert timers(app) == {("review", "1"): True}
    closes = [decided_meanwhile(app.database, a) for a in asked]
    assert [(c.decision, c.by) for c in closes] == [("keep", "ben"), ("retire", "anna")]


def test_fired_timers_are_deleted_a_batch_per_transaction(app):
    chat = Chat(app)
    for n, user in enumerate(("anna", "ben", "chris", "dana", "eve")):
        chat.say(user, f"#problem the project is late, part {n}", f"09:0{n}")
    chat.tick("10:00")
    assert sum(timers(app).values()) == 5

    commits: list[object] = []
    committed = commits.append  # one bound method, to remove as listened
    event.listen(app.database, "commit", committed)
    try:
        statements = statements_during(
            app.database, lambda: fired_timers.forget(app.database, at("10:00"), per_batch=2)
        )
    finally:
        event.remove(app.database, "commit", committed)

    assert timers(app) == {}
    deletes = [s for s in statements if s.lstrip().upper().startswith("DELETE")]
    assert len(deletes) == len(commits) == 3  # 2, 2 and the last one, each committed
