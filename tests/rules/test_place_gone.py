"""A table's channel gone (deleted, or archived on Slack): besides its round and its
waiting problems, the reviews of its agreements and the reminders to renew a mandate
stop, their agreements kept as they were; brought back, its reviews resume."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rules.actions import CancelTimer, ScheduleTimer
from rules.agreements import REVIEW_TIMER, review_due, review_key
from rules.engine import Engine
from rules.events import PlaceBack, PlaceDeleted
from rules.meetings import renewal_key
from rules.state import Agreement, Meeting, TableSettings, TableState

AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ENGINE = Engine(classifier=None)  # type: ignore[arg-type]  # nothing here is read


def agreement(number: int, version: int, status: str = "current") -> Agreement:
    return Agreement(
        number=number, text=f"rule {number}", why="", owner="U1", recorded_by="U1",
        consenters=("U1",), concerns=(), review_on=date(2026, 6, 1), version=version,
        replaces=None, status=status, recorded_at=AT,
    )  # fmt: skip


def table() -> TableState:
    agreements = (agreement(1, 2), agreement(2, 1, "retired"), agreement(3, 1))
    meeting = Meeting(meeting_id="m1", started_at=AT, started_by="U1", status="ended",
                      ended_at=AT, renewals={"U1": None}, reminders_sent=1)  # fmt: skip
    return TableState(
        workspace="w", channel="c", settings=TableSettings(timezone="UTC"),
        agreements=agreements, agreements_by_number={a.number: a for a in agreements},
        last_meeting=meeting,
    )  # fmt: skip


def gone(**parts) -> PlaceDeleted:
    return PlaceDeleted(workspace="w", channel="c", at=AT, event_id="gone", **parts)


def cancelled(actions) -> set[str]:
    return {a.key for a in actions if isinstance(a, CancelTimer)}


def test_a_channel_gone_stops_its_reviews_and_the_renewal_reminders():
    state = table()
    reads = ENGINE.reads(gone())
    assert reads.agreements and reads.meetings
    keys = cancelled(ENGINE.decide(gone(), state))
    # Each current agreement's review of its version; the meeting's next reminder.
    assert {review_key(1, 2), review_key(3, 1), renewal_key("m1", 2)} <= keys
    assert review_key(2, 1) not in keys
    # Archived: the same.
    assert {review_key(1, 2), renewal_key("m1", 2)} <= cancelled(
        ENGINE.decide(gone(archived=True), state)
    )


def test_a_thread_gone_leaves_the_tables_reviews_and_renewals():
    keys = cancelled(ENGINE.decide(gone(thread_id="t1"), table()))
    assert not any(key.startswith(("review:", "meeting:")) for key in keys)


def test_a_channel_back_resumes_the_reviews_of_its_current_agreements():
    back = PlaceBack(workspace="w", channel="c", at=AT, event_id="back")
    assert ENGINE.reads(back).agreements
    scheduled = [a for a in ENGINE.decide(back, table()) if isinstance(a, ScheduleTimer)]
    due = review_due(date(2026, 6, 1), "UTC", None)
    assert {(s.key, s.kind, s.subject, s.due) for s in scheduled} == {
        (review_key(1, 2), REVIEW_TIMER, "1", due),
        (review_key(3, 1), REVIEW_TIMER, "3", due),
    }
