"""A first nudge waits for the second reading of a reply that may answer its problem
(rules.problems.on_timer, Reads.unread_replies): the pure engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rules import problems
from rules.actions import ScheduleTimer, SendNudge
from rules.engine import Engine
from rules.events import TimerFired
from rules.state import TableState, UnreadReply, Watch

T = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)


def watch(problem_id: str = "p1", *, thread: str | None = None) -> Watch:
    return Watch(problem_id=problem_id, thread_id=thread, user="ben", text="the till is short",
                 lang="en", posted_at=T, deadline=T + WINDOW, status="open")  # fmt: skip


def reply(minute: float, *, thread: str | None = "p1", message_id: str = "r1") -> UnreadReply:
    return UnreadReply(message_id, thread, T + timedelta(minutes=minute))


def fire(w: Watch, at: datetime, kind: str = problems.PROBLEM_TIMER) -> TimerFired:
    return TimerFired(workspace="W", channel="C", at=at, event_id="t", kind=kind,
                      subject=w.problem_id, due=at, key="t")  # fmt: skip


def decide(w: Watch, *unread: UnreadReply, at: datetime | None = None, kind=problems.PROBLEM_TIMER):
    state = TableState("W", "C", watches=(w,), unread_replies=unread)
    return problems.on_timer(fire(w, w.deadline if at is None else at, kind), state)


def test_a_reply_in_the_problems_thread_still_unread_holds_the_nudge_a_moment():
    [later] = decide(watch(), reply(4))
    assert isinstance(later, ScheduleTimer)
    assert later.key == problems.problem_timer_key("C", "p1")
    assert later.due == T + WINDOW + problems.READING_AWAITED_EVERY


def test_a_top_level_reply_holds_it_too():
    [later] = decide(watch(), reply(9, thread=None))
    assert isinstance(later, ScheduleTimer)


def test_replies_out_of_its_reach_hold_nothing():
    w = watch()
    for unread in (
        reply(4, thread="another"),  # another thread answers nothing
        reply(10.5),  # after its window: too late to answer
        UnreadReply("p1", "p1", T),  # the problem's own reading
    ):
        assert any(isinstance(a, SendNudge) for a in decide(w, unread)), unread


def test_a_problem_in_a_thread_is_held_by_a_reply_in_that_thread():
    w = watch("p2", thread="root")
    assert isinstance(decide(w, reply(3, thread="root"))[0], ScheduleTimer)
    assert any(isinstance(a, SendNudge) for a in decide(w, reply(3, thread="p2")))


def test_a_reading_that_never_comes_holds_the_nudge_no_longer_than_its_limit():
    w = watch()
    almost = w.deadline + problems.READING_AWAITED_FOR - timedelta(seconds=1)
    assert isinstance(decide(w, reply(4), at=almost)[0], ScheduleTimer)
    limit = w.deadline + problems.READING_AWAITED_FOR
    assert any(isinstance(a, SendNudge) for a in decide(w, reply(4), at=limit))


def test_nothing_unread_nudges_at_once():
    assert any(isinstance(a, SendNudge) for a in decide(watch()))


def test_only_a_first_nudge_waits_and_only_it_reads_what_is_unread():
    engine = Engine(classifier=None)  # type: ignore[arg-type]  # nothing here is read
    w = watch()
    assert engine.reads(fire(w, w.deadline)).unread_replies
    snoozed = fire(w, w.deadline, problems.SNOOZE_TIMER)
    assert not engine.reads(snoozed).unread_replies
