"""Fired timers, forgotten by the retention sweep: one is left behind by every problem
watched, round reminded and review asked, and nothing but a review message reads one
after it fired.

That one is bot.review_messages.decided_meanwhile: a review message posted after a Keep
rescheduled its timer is closed because the timer of that agreement version is due
after the review was asked, also once that next review has fired. It reads the timer
only while the version is current (a revised or retired one is decided whatever its
timer says), so those of current versions are kept: one per current agreement at most.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    case,
    cast,
    delete,
    exists,
    literal,
    select,
    tuple_,
)

from bot.models import AgreementRow, TimerRow
from rules.agreements import REVIEW_TIMER

# Deleted this many per transaction, so that no sweep holds the timer table long.
PER_BATCH = 1000

_timers = TimerRow.__table__  # type: ignore[attr-defined]
_agreements = AgreementRow.__table__  # type: ignore[attr-defined]


def _still_read() -> exists:
    """Where the timer is the review timer of an agreement version still current."""
    # "review:n:v" (rules.agreements.review_key), found by its number (an index lookup);
    # the subject of another kind of timer is no number, so it is cast for reviews only.
    number = case((_timers.c.kind == REVIEW_TIMER, cast(_timers.c.subject, Integer)))
    key = (
        literal("review:") + cast(_agreements.c.number, String) + literal(":")
        + cast(_agreements.c.version, String)
    )  # fmt: skip
    return exists().where(
        _agreements.c.workspace == _timers.c.workspace,
        _agreements.c.number == number,
        key == _timers.c.key,
        _agreements.c.status == "current",
    )


def forget(database: Engine, before: datetime, per_batch: int = PER_BATCH) -> int:
    """Delete the timers fired before `before` that nothing reads any more, a batch per
    transaction; returns how many."""
    forgotten = 0
    while True:
        with database.begin() as connection:
            deleted = _forget_batch(connection, before, per_batch)
        forgotten += deleted
        if deleted < per_batch:
            return forgotten


def _forget_batch(connection: Connection, before: datetime, per_batch: int) -> int:
    fired = _timers.c.fired_at < before
    batch = select(_timers.c.workspace, _timers.c.key).where(fired, ~_still_read())
    # Fired, asked again of the row deleted: one scheduled again meanwhile under the same
    # key (a Keep) is pending, and stays.
    keys = tuple_(_timers.c.workspace, _timers.c.key)
    return connection.execute(
        delete(_timers).where(keys.in_(batch.limit(per_batch)), fired)
    ).rowcount
