"""Claims on words typed in the bot's DM are leased (bot.dm_once, migration 0028): one
whose process died before any of its answer went out runs out, so that Slack's retry
answers the words; one renewed while the answer is worked on holds; one confirmed (any
of the answer reached its author) holds for good. Two processes on one database,
SQLite and PostgreSQL, on a clock the test moves."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from bot import dm_once
from bot import runtime as runtime_module
from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from bot.models import ProcessedEvent
from bot.runtime import Runtime
from bot.store import Store
from rules.state import TableSettings
from tests.bot.test_runtime import RecordingAdapter
from tests.conftest import make_app
from tests.helpers import at, eventually

DMS = dm_once.dms_of("slack:")
WORDS = dm_once.answer_id("U-ALICE", "Ev-1")
START = at("09:00")
LEASE = dm_once.LEASE
SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The runtime's clock, which its DM claims are leased by."""
    moved = Clock()
    monkeypatch.setattr(runtime_module, "now_utc", moved)
    return moved


@pytest.fixture
def two_processes(database_url, tagged):
    apps = [make_app(database_url, tagged) for _ in range(2)]
    try:
        yield tuple(Runtime(app, [RecordingAdapter()]) for app in apps)
    finally:
        for app in apps:
            app.database.dispose()


async def answers(runtime: Runtime) -> bool:
    """Whether `runtime` answers the words now (it does so at once)."""
    async with runtime.answering_dm(DMS, WORDS) as answering:
        if answering is None:
            return False
        answering.reached()
        return True


async def dies_while_answering(runtime: Runtime, *, reached: bool = False) -> None:
    """`runtime` claims the words and dies (its task cancelled, as by a crash: nothing is
    given back) before any of its answer went out, or (`reached`) just after the first."""
    claimed = asyncio.Event()

    async def answering_for_ever() -> None:
        async with runtime.answering_dm(DMS, WORDS) as answering:
            assert answering is not None
            if reached:
                answering.reached()
            claimed.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(answering_for_ever())
    await claimed.wait()
    if reached:
        await eventually(lambda: row(runtime).leased_until is None)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def row(runtime: Runtime) -> ProcessedEvent:
    with Session(runtime.app.database) as session:
        return session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == WORDS)).one()


async def test_dm_claim_of_a_process_that_died_before_answering_runs_out(two_processes, clock):
    one, two = two_processes
    await dies_while_answering(one)
    clock.now += SECOND * 10  # Slack's first retry, at once: the answer may be under way
    assert not await answers(two)
    clock.now = START + timedelta(minutes=1)  # its retry a minute later answers
    assert await answers(two)
    clock.now += timedelta(days=1)  # and for good: the answer went out
    assert not await answers(one)
    assert not await answers(two)


async def test_dm_claim_whose_answer_began_to_go_out_is_kept_for_good(two_processes, clock):
    """Confirmed as soon as any of the answer reached its author: a process dying after
    that leaves nothing to answer again (no second answer)."""
    one, two = two_processes
    await dies_while_answering(one, reached=True)
    clock.now += timedelta(days=1)
    assert not await answers(two)


async def test_dm_claim_renewed_while_the_answer_is_worked_on_holds(
    two_processes, clock, monkeypatch
):
    """An answer that takes longer than the lease (a busy engine, a rate limit): the
    claim is renewed meanwhile, and no other delivery takes it over."""
    monkeypatch.setattr(dm_once, "RENEW_EVERY", timedelta(seconds=0.05))
    one, two = two_processes
    async with one.answering_dm(DMS, WORDS) as answering:
        assert answering is not None
        for _ in range(6):  # three leases long, each renewal on the moved clock
            clock.now += LEASE / 2
            renewed = clock.now + LEASE
            await eventually(lambda: row(one).leased_until == renewed)  # noqa: B023
            assert not await answers(two)
    assert row(one).leased_until is None  # answered: kept for good
    clock.now += timedelta(days=1)
    assert not await answers(two)


async def test_dm_claim_given_back_when_nothing_went_out(two_processes, clock):
    one, two = two_processes
    with pytest.raises(ConnectionError):
        async with one.answering_dm(DMS, WORDS) as answering:
            assert answering is not None
            raise ConnectionError("Slack refused the post")
    assert await answers(two)  # the retry, at once


def test_dm_claim_lapsed_is_taken_over_and_its_old_holder_can_no_longer_touch_it(app):
    store = app.store
    assert store.lease_event(DMS, WORDS, "one", START, START + LEASE)
    assert not store.lease_event(DMS, WORDS, "two", START + LEASE - SECOND, START + 2 * LEASE)
    assert store.lease_event(DMS, WORDS, "two", START + LEASE, START + 2 * LEASE)
    # The first holder, slow rather than dead, finds it gone.
    assert not store.renew_event_lease(DMS, WORDS, "one", START + 3 * LEASE)
    assert not store.confirm_event(DMS, WORDS, "one")
    store.release_event(DMS, WORDS, "one")
    assert not store.lease_event(DMS, WORDS, "three", START + LEASE, START + 2 * LEASE)
    assert store.confirm_event(DMS, WORDS, "two")
    store.release_event(DMS, WORDS, "two")  # too late: the answer is under way
    assert not store.renew_event_lease(DMS, WORDS, "two", START + 9 * LEASE)
    assert not store.lease_event(DMS, WORDS, "four", START + timedelta(days=30), START)


def test_dm_claim_never_takes_an_event_the_engine_claimed(app):
    assert app.store.claim_event(DMS, WORDS, START)
    assert not app.store.lease_event(DMS, WORDS, "one", START + timedelta(days=1), START)


def test_dm_claim_lapsed_is_taken_over_by_one_of_many_at_once(database_url, tagged):
    """Eight processes' retries reach a lapsed claim at the same moment: one answers."""
    apps = [make_app(database_url, tagged) for _ in range(8)]
    try:
        assert apps[0].store.lease_event(DMS, WORDS, "dead", START, START + LEASE)
        later = START + 2 * LEASE
        ready = threading.Barrier(len(apps))
        taken: list[bool] = []

        def take(n: int) -> None:
            ready.wait()
            taken.append(apps[n].store.lease_event(DMS, WORDS, f"p{n}", later, later + LEASE))

        threads = [threading.Thread(target=take, args=(n,)) for n in range(len(apps))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(taken) == [False] * 7 + [True]
    finally:
        for app in apps:
            app.database.dispose()


@pytest.mark.empty_database
def test_migration_0028_leases_dm_claims_and_goes_down(database_url):
    def columns(engine) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("processed_event")}

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0027")
        assert {"leased_until", "claim"}.isdisjoint(columns(engine))
        with engine.begin() as connection:  # words answered before: kept for good
            connection.execute(
                text("INSERT INTO processed_event (workspace, event_id, processed_at) "
                     "VALUES (:w, :e, :at)"),
                {"w": DMS, "e": WORDS, "at": START.replace(tzinfo=None)},
            )  # fmt: skip
        upgrade(engine)
        assert {"leased_until", "claim"} <= columns(engine)
        store = Store(engine, TableSettings())
        assert not store.lease_event(DMS, WORDS, "one", START + timedelta(days=1), START)
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0027")
    engine = make_engine(database_url)
    try:
        assert {"leased_until", "claim"}.isdisjoint(columns(engine))
        assert "processed_at" in columns(engine)
    finally:
        engine.dispose()
