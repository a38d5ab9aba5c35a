"""Several bot processes on one PostgreSQL database, racing on one table: answers that
arrive at once, agreements recorded at once, a deleted problem whose timer fires. Each
process is the real service with its own engine and connections (`make_app`)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from bot.models import AgreementRow, DecisionRow, MeetingRow, RoundRow, TimerRow, WatchRow
from bot.presenting import plain
from rules.actions import AnnounceAgreement, PostConcernRound, PostRoundSummary, Reply
from rules.events import CommandInvoked, ConcernAnswered, MessageDeleted, MessagePosted
from tests.conftest import make_app
from tests.helpers import Chat, at
from tests.standins.lifecycle import PATIENCE_S

PROCESSES = 4


def all_at_once(apps, events) -> list:
    """Each app handles its event at the same moment; what each delivered, in order."""
    start = threading.Barrier(len(apps))
    results: list = [None] * len(apps)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = [d.action for d in apps[index].service.handle(events[index])]
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(apps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_answers_arriving_at_once_close_the_round_once(postgres_url, tagged):
    apps = [make_app(postgres_url, tagged) for _ in range(PROCESSES)]
    chat = Chat(apps[0])
    members = [f"m{n}" for n in range(PROCESSES)]
    chat.join("ben", *members)
    [posted] = [
        a for a in chat.command("ben", "/concerns pin the base image", "09:00")
        if isinstance(a, PostConcernRound)
    ]  # fmt: skip
    answers = [
        ConcernAnswered(workspace="W1", channel="C1", at=at("09:05"), event_id=f"a-{user}",
                        user=user, round_id=posted.round.round_id)
        for user in members
    ]  # fmt: skip
    results = all_at_once(apps, answers)
    assert not [r for r in results if isinstance(r, Exception)]
    summaries = [a for r in results for a in r if isinstance(a, PostRoundSummary)]
    assert [s.outcome for s in summaries] == ["answered"]
    assert set(summaries[0].round.answered) == set(members)
    with Session(apps[0].database) as session:
        [round_] = session.exec(select(RoundRow)).all()
    assert (round_.status, round_.outcome) == ("closed", "answered")


def test_agreements_recorded_at_once_get_distinct_numbers(postgres_url, tagged):
    apps = [make_app(postgres_url, tagged) for _ in range(PROCESSES + 1)]
    commands = [
        CommandInvoked(workspace="W1", channel="C1", at=at("09:00"), event_id=f"agree-{n}",
                       user=f"u{n}", name="agree", args=f"rule {n} because reason {n}")
        for n in range(len(apps))
    ]  # fmt: skip
    results = all_at_once(apps, commands)
    assert not [r for r in results if isinstance(r, Exception)]
    with Session(apps[0].database) as session:
        numbers = sorted(session.exec(select(AgreementRow.number)).all())
    assert numbers == list(range(1, len(apps) + 1))


def test_the_same_agreement_recorded_at_once_is_recorded_once(postgres_url, tagged):
    """A double submit across processes: every one but the first is told it exists. Five
    times over, a workspace each: the losing interleaving (a decision reading the table's
    agreements before another commits, and numbering after) is not forced, only likely."""
    apps = [make_app(postgres_url, tagged) for _ in range(PROCESSES)]
    for attempt in range(5):
        workspace = f"W{attempt}"
        commands = [
            CommandInvoked(workspace=workspace, channel="C1", at=at("09:00"),
                           event_id=f"same-{attempt}-{n}", user=f"u{n}", name="agree",
                           args="We merge on green because fewer breaks")
            for n in range(len(apps))
        ]  # fmt: skip
        results = all_at_once(apps, commands)
        assert not [r for r in results if isinstance(r, Exception)]
        announced = [a for r in results for a in r if isinstance(a, AnnounceAgreement)]
        told = [a for r in results for a in r if isinstance(a, Reply)]
        assert len(announced) == 1 and len(told) == PROCESSES - 1
        assert all(reply.private and "already agreement #1" in plain(reply) for reply in told)
        with Session(apps[0].database) as session:
            numbers = session.exec(
                select(AgreementRow.number).where(AgreementRow.workspace == workspace)
            ).all()
        assert numbers == [1]


def delete_as_the_timer_fires(postgres_url, tagged, channel: str) -> tuple[list, WatchRow]:
    deleter, ticker = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    posted = MessagePosted(
        workspace="W1",
        channel=channel,
        at=at("09:00"),
        event_id=channel,
        user="ben",
        message_id="m1",
        text="#problem my private salary issue",
    )
    deleter.service.handle(posted)
    deleted = MessageDeleted(workspace="W1", channel=channel, at=at("09:10"),
                             event_id=f"del-{channel}", message_id="m1")  # fmt: skip
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def delete() -> None:
        start.wait()
        try:
            deleter.service.handle(deleted)
        except Exception as error:
            errors.append(error)

    def tick() -> None:
        start.wait()
        try:
            while ticker.service.fire_next_timer(at("09:10") + timedelta(seconds=1)):
                pass
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=delete), threading.Thread(target=tick)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with Session(deleter.database) as session:
        watch = session.exec(select(WatchRow).where(WatchRow.channel == channel)).one()
    return errors, watch


def test_a_problem_deleted_as_its_timer_fires_ends_withdrawn(postgres_url, tagged):
    # The two lock the watch and its timer in opposite orders: the loser tries again.
    for attempt in range(5):
        errors, watch = delete_as_the_timer_fires(postgres_url, tagged, f"C{attempt}")
        assert errors == []
        assert (watch.status, watch.text) == ("withdrawn", None)


def withdraw_as_the_last_answer_arrives(postgres_url, tagged, channel: str):
    asker, answerer = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    chat = Chat(asker, workspace=f"W-{channel}", channel=channel)
    chat.join("ben", "anna", "chris")
    [posted] = [
        a for a in chat.command("ben", "/concerns pin the base image", "09:00")
        if isinstance(a, PostConcernRound)
    ]  # fmt: skip
    chat.answer("anna", posted.round.round_id, None, "09:05")
    withdraw = CommandInvoked(
        workspace=f"W-{channel}",
        channel=channel,
        at=at("09:10"),
        event_id=f"w-{channel}",
        user="ben",
        name="concerns",
        args="cancel",
    )
    last = ConcernAnswered(
        workspace=f"W-{channel}",
        channel=channel,
        at=at("09:10"),
        event_id=f"a-{channel}",
        user="chris",
        round_id=posted.round.round_id,
    )
    return all_at_once([asker, answerer], [withdraw, last]), posted.round.round_id  # fmt: skip


def test_a_withdrawal_and_the_last_answer_at_once_close_the_round_once(postgres_url, tagged):
    for attempt in range(4):
        results, round_id = withdraw_as_the_last_answer_arrives(postgres_url, tagged, f"C{attempt}")
        assert not [r for r in results if isinstance(r, Exception)]
        summaries = [a for r in results for a in r if isinstance(a, PostRoundSummary)]
        assert len(summaries) == 1
        with Session(make_app(postgres_url, tagged).database) as session:
            round_ = session.exec(select(RoundRow).where(RoundRow.round_id == round_id)).one()
        assert (round_.status, round_.outcome) in {
            ("closed", "answered"), ("withdrawn", "withdrawn"),
        }  # fmt: skip
        assert round_.outcome == summaries[0].outcome


def withdraw_as_the_deadline_fires(postgres_url, tagged, channel: str):
    asker, ticker = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    chat = Chat(asker, workspace=f"W-{channel}", channel=channel)
    chat.join("ben", "anna", "chris")
    [posted] = [
        a for a in chat.command("ben", "/concerns pin the base image", "09:00")
        if isinstance(a, PostConcernRound)
    ]  # fmt: skip
    deadline = posted.round.deadline
    chat.tick(deadline - timedelta(seconds=1))  # the reminders; then the two race
    withdraw = CommandInvoked(workspace=f"W-{channel}", channel=channel, at=deadline,
                              event_id=f"w-{channel}", user="ben", name="concerns",
                              args="cancel")  # fmt: skip
    start = threading.Barrier(2)
    results: list = []

    def run(work) -> None:
        start.wait()
        try:
            results.extend(work())
        except Exception as error:
            results.append(error)

    def tick() -> list:
        fired = []
        while (done := ticker.service.fire_next_timer(deadline)) is not None:
            fired += done
        return [d.action for d in fired]

    def cancel() -> list:
        return [d.action for d in asker.service.handle(withdraw)]

    threads = [threading.Thread(target=run, args=(tick,)),
               threading.Thread(target=run, args=(cancel,))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with Session(asker.database) as session:
        round_ = session.exec(
            select(RoundRow).where(RoundRow.round_id == posted.round.round_id)
        ).one()
    return results, round_


def test_a_withdrawal_as_the_deadline_fires_closes_the_round_once(postgres_url, tagged):
    for attempt in range(4):
        results, round_ = withdraw_as_the_deadline_fires(postgres_url, tagged, f"D{attempt}")
        assert not [r for r in results if isinstance(r, Exception)]
        summaries = [a for a in results if isinstance(a, PostRoundSummary)]
        assert len(summaries) == 1
        assert round_.outcome == summaries[0].outcome
        assert round_.status == ("withdrawn" if round_.outcome == "withdrawn" else "closed")


def test_a_round_or_meeting_started_twice_at_once_opens_once(postgres_url, tagged):
    """Two `/meeting start` (or `/concerns`) typed at the same moment, in two processes:
    one opens it, the other is told one is running. Before, both found none open and
    opened one each; the meeting left over blocked every later start. Five times over,
    a table each: the losing interleaving is likely, not forced."""
    apps = [make_app(postgres_url, tagged) for _ in range(2)]
    for attempt in range(5):
        channel = f"C{attempt}"
        Chat(apps[0], channel=channel).join("ben", "ann", "carl")
        apps[0].store.flush()  # the members, for the other process to read
        for command, args in (("meeting", "start"), ("concerns", "pin the base image")):
            events = [
                CommandInvoked(workspace="W1", channel=channel, at=at("09:00"), user=user,
                               event_id=f"{command}-{channel}-{user}", name=command, args=args)
                for user in ("ben", "ann")
            ]  # fmt: skip
            results = all_at_once(apps, events)
            assert not [r for r in results if isinstance(r, Exception)]
            told = [plain(a) for r in results for a in r if isinstance(a, Reply) and a.private]
            assert len(told) == 1, told
            assert told[0].startswith(
                "A meeting is already running here" if command == "meeting" else "A concern round"
            )
        with Session(apps[0].database) as session:
            for model in (MeetingRow, RoundRow):
                opened = session.exec(
                    select(model).where(model.channel == channel, model.status == "open")
                ).all()
                assert len(opened) == 1


def waiting_for(connection, key: str) -> int:
    """How many transactions wait for the advisory lock on `key`."""
    return connection.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(:key, 0)"
        ),
        {"key": key},
    ).scalar()


def until(condition, timeout: float = PATIENCE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_keep_typed_as_the_review_comes_due_goes_first_without_a_deadlock(postgres_url, tagged):
    """Ben types /review keep in one process as another's ticker fires the review. Both
    wait for the workspace's agreements (held here by a third transaction, to line them
    up: the Keep first). The ticker used to hold the review's timer meanwhile, which the
    Keep reschedules: a deadlock, after which PostgreSQL's victim (the Keep) decided
    again behind a review message posted for a review already decided. Now the ticker
    lets the timer go while it waits, and finds it rescheduled."""
    keeper, ticker = make_app(postgres_url, tagged), make_app(postgres_url, tagged)
    workspace = f"W-{uuid.uuid4().hex[:8]}"  # advisory locks are the whole database's
    chat = Chat(keeper, workspace=workspace)
    chat.join("ben", "anna")
    chat.command("ben", "/agree We stand up at 9 because short days", "09:00")
    with Session(keeper.database) as session:
        due = session.exec(select(TimerRow.due).where(TimerRow.kind == "review")).one()
    keep = CommandInvoked(workspace=workspace, channel="C1", at=due, event_id="keep",
                          user="ben", name="review", args="keep 1")  # fmt: skip
    key = f"groundrules:agreements:{workspace}"
    results: dict[str, object] = {}

    def run(name: str, work) -> threading.Thread:
        def body() -> None:
            try:
                results[name] = [d.action for d in work()]
            except Exception as error:
                results[name] = error

        thread = threading.Thread(target=body)
        thread.start()
        return thread

    with keeper.database.connect() as holder, holder.begin():
        holder.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                       {"key": key})  # fmt: skip
        with keeper.database.connect() as watcher:
            keeping = run("keep", lambda: keeper.service.handle(keep))
            until(lambda: waiting_for(watcher, key) == 1)
            ticking = run(
                "tick", lambda: ticker.service.fire_due_timers(due + timedelta(seconds=1))
            )
            until(lambda: waiting_for(watcher, key) == 2)
            # Past PostgreSQL's deadlock_timeout: the ticker's own check has found none.
            time.sleep(1.2)
    for thread in (keeping, ticking):
        thread.join(timeout=60)
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    assert [type(a) for a in results["tick"]] == []  # decided before it could be asked
    assert any(isinstance(a, Reply) and "kept agreement #1" in plain(a) for a in results["keep"])
    with Session(keeper.database) as session:
        [timer] = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        decisions = session.exec(select(DecisionRow)).all()
    assert (timer.fired_at, timer.due > due) == (None, True)  # the next review waits
    assert [(d.decision, d.user) for d in decisions] == [("keep", "ben")]
