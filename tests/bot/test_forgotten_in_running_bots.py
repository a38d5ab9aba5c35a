"""Forgetting a person beside a running bot (`groundrules person forget`, bot.person_data):
it notes who was forgotten and when (`forgotten_person`), and every tick of a running
bot reads the notes written since and drops what it holds of them (a member note not
yet written, that it knows them at a table, their client's language), so they are
written again when next heard from; an event of theirs from before the note that waited
in a spool is not stored when handed in, one from after it is. The notes go after
GROUNDRULES_FORGOTTEN_RETENTION. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot import codec, person_data, workspaces
from bot.database import make_engine
from bot.models import MemberRow, WatchRow, now_utc
from bot.runtime import Runtime
from bot.spool import left_spools
from bot.spool_replay import replay
from rules.actions import NoteMember
from rules.events import MessagePosted, RosterSynced
from tests.bot.test_runtime import RecordingAdapter
from tests.conftest import make_app
from tests.helpers import at
from tests.migrating import engine_on, goes_up_and_down, tables

WHO = "fatima"
WORKSPACE = "W1"  # RecordingAdapter's


def said(user: str, channel: str, when: datetime, event_id: str, text: str = "morning all"):
    return MessagePosted(
        workspace=WORKSPACE, channel=channel, at=when, event_id=event_id, user=user,
        message_id=event_id, text=text,
    )  # fmt: skip


def members(app) -> set[tuple[str, str]]:
    """(channel, user) of every stored active member of WORKSPACE."""
    rows = MemberRow.__table__  # type: ignore[attr-defined]
    with app.database.connect() as connection:
        found = connection.execute(
            select(rows.c.channel, rows.c.user).where(
                rows.c.workspace == WORKSPACE, rows.c.active.is_(True)
            )
        )
        return {(channel, user) for channel, user in found}


class Forgetting(RecordingAdapter):
    """A platform that holds something of people (Slack's description of them, say)."""

    def __init__(self) -> None:
        super().__init__()
        self.forgotten: list[tuple[str, str]] = []

    def forget_person(self, workspace: str, user: str) -> None:
        self.forgotten.append((workspace, user))


def forget_beside_the_bot(database_url: str, user: str, when: datetime) -> None:
    """`groundrules person forget`, run beside the bot: another process, its own pool."""
    other = make_engine(database_url)
    try:
        person_data.forget(other, WORKSPACE, user, when)
    finally:
        other.dispose()


# --- the note ---------------------------------------------------------------------------


def test_forgetting_notes_who_and_when_a_dry_run_does_not(app):
    person_data.forget(app.database, "W2", "ben", at("09:00"))  # another workspace's
    with app.database.begin() as connection:
        connection.execute(
            MemberRow.__table__.insert().values(  # type: ignore[attr-defined]
                workspace=WORKSPACE, channel="C1", user=WHO, active=True, joined_at=at("08:00")
            )
        )
    assert person_data.held(app.database, WORKSPACE, WHO, at("11:00"))
    assert person_data.forgotten(app.database) == {("W2", "ben"): at("09:00")}

    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    assert person_data.forgotten(app.database) == {
        ("W2", "ben"): at("09:00"), (WORKSPACE, WHO): at("11:00"),
    }  # fmt: skip
    # Forgotten again (they spoke since): the later time stands, one note.
    person_data.forget(app.database, WORKSPACE, WHO, at("12:00"))
    assert person_data.forgotten(app.database, at("10:00")) == {(WORKSPACE, WHO): at("12:00")}
    assert person_data.forgotten(app.database, at("12:00:01")) == {}


def test_the_note_is_no_sign_of_its_workspace_and_goes_with_it(app):
    """A workspace holding nothing but the note is not one the bot knows (a Discord
    server that adds the bot again is greeted as new); forgetting it deletes the note."""
    person_data.forget(app.database, "discord:9", "7", at("11:00"))
    assert not workspaces.holds(app.database, "discord:9")
    assert "discord:9" not in workspaces.holding(app.database)
    assert workspaces.forget(app.database, "discord:9") == {"forgotten_person": 1}
    assert person_data.forgotten(app.database) == {}


# --- a running bot ----------------------------------------------------------------------


async def test_a_running_bot_drops_what_it_holds_of_someone_forgotten_beside_it(
    app, database_url, caplog
):
    platform = Forgetting()
    runtime = Runtime(app, [platform])
    now = now_utc()
    await runtime.submit(said(WHO, "C1", now - timedelta(minutes=10), "m1"))
    await runtime.submit(said("ben", "C1", now - timedelta(minutes=9), "m2"))
    app.store.flush()
    assert members(app) == {("C1", WHO), ("C1", "ben")}
    # Her first word at C2: noted in memory, written with the next transaction or tick.
    await runtime.submit(said(WHO, "C2", now - timedelta(minutes=5), "m3"))
    assert members(app) == {("C1", WHO), ("C1", "ben")}
    assert app.store.knows_member(WORKSPACE, "C2", WHO)
    await runtime.remember_client_language(WORKSPACE, WHO, "nl")
    assert len(runtime.member_languages) == 1

    forget_beside_the_bot(database_url, WHO, now - timedelta(minutes=1))
    assert members(app) == {("C1", "ben")}
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        await runtime.tick()
    # Her note from before is not written back; she is no longer taken as known anywhere.
    assert members(app) == {("C1", "ben")}
    assert not app.store.knows_member(WORKSPACE, "C1", WHO)
    assert not app.store.knows_member(WORKSPACE, "C2", WHO)
    assert app.store.knows_member(WORKSPACE, "C1", "ben")
    assert len(runtime.member_languages) == 0
    assert platform.forgotten == [(WORKSPACE, WHO)]
    [told] = [r.getMessage() for r in caplog.records if "was forgotten" in r.getMessage()]
    assert told == (
        f"{WHO} was forgotten in {WORKSPACE}: dropped what this process held of them "
        "(1 member note(s) not yet written, known at 2 table(s))"
    )

    # She speaks again: a member of C1 once more, written by the next tick.
    await runtime.submit(said(WHO, "C1", now_utc(), "m4"))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        await runtime.tick()
    assert members(app) == {("C1", WHO), ("C1", "ben")}
    assert not [r for r in caplog.records if "was forgotten" in r.getMessage()]  # told once
    assert platform.forgotten == [(WORKSPACE, WHO)]


async def test_a_note_written_before_the_tick_reads_it_is_not_written_back(app, database_url):
    """Another table's transaction may write the buffered notes before this process's
    tick reads who was forgotten: hers is left out all the same."""
    runtime = Runtime(app, [RecordingAdapter()])
    await runtime.tick()  # read the notes: none
    now = now_utc()
    await runtime.submit(said(WHO, "C2", now - timedelta(minutes=5), "m1"))
    forget_beside_the_bot(database_url, WHO, now - timedelta(minutes=1))
    await runtime.submit(said("ben", "C1", now, "m2"))
    app.store.flush()  # writes what waits, before any tick
    assert members(app) == {("C1", "ben")}
    assert not app.store.knows_member(WORKSPACE, "C2", WHO)
    # Heard from after she was forgotten: written.
    await runtime.submit(said(WHO, "C2", now_utc(), "m3"))
    app.store.flush()
    assert members(app) == {("C1", "ben"), ("C2", WHO)}


def test_a_forgetting_waits_for_a_note_under_way_and_deletes_it(app, database_url):
    """On PostgreSQL a transaction reads what was committed as each statement began: a
    note whose transaction read "nobody forgotten" just before the forgetting committed
    would be written back after it. The forgetting waits for that transaction instead,
    and deletes what it wrote."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time")
    now = now_utc()
    app.store.absorb([NoteMember(workspace=WORKSPACE, channel="C2", user=WHO,
                                 at=now - timedelta(minutes=5))])  # fmt: skip
    with ThreadPoolExecutor(max_workers=1) as beside, app.store.unit_of_work():
        # Her note is written, not yet committed: the forgetting waits for it.
        forgetting = beside.submit(forget_beside_the_bot, database_url, WHO, now)
        with pytest.raises(FutureTimeout):
            forgetting.result(timeout=1.0)
    forgetting.result(timeout=30)
    assert members(app) == set()
    assert person_data.forgotten(app.database) == {(WORKSPACE, WHO): now}


def test_a_note_after_a_forgetting_under_way_waits_and_is_not_written(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time")
    now = now_utc()
    app.store.absorb([NoteMember(workspace=WORKSPACE, channel="C2", user=WHO,
                                 at=now - timedelta(minutes=5))])  # fmt: skip
    other = make_engine(database_url)
    try:
        with ThreadPoolExecutor(max_workers=1) as beside:
            with other.begin() as connection:
                person_data.forget_in(connection, WORKSPACE, WHO, now)  # not yet committed
                flushing = beside.submit(app.store.flush)
                with pytest.raises(FutureTimeout):
                    flushing.result(timeout=1.0)
            flushing.result(timeout=30)
    finally:
        other.dispose()
    assert members(app) == set()


async def test_a_process_started_after_a_forgetting_says_nothing_of_each(app, database_url, caplog):
    """A start reads every note of the past week; it held nothing of those people, so it
    does not log a line for each."""
    forget_beside_the_bot(database_url, WHO, now_utc() - timedelta(days=2))
    runtime = Runtime(app, [RecordingAdapter()])
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        await runtime.tick()
    assert not [r for r in caplog.records if "was forgotten" in r.getMessage()]
    await runtime.submit(said(WHO, "C1", now_utc(), "m1"))  # she speaks: she is new here
    app.store.flush()
    assert members(app) == {("C1", WHO)}


async def test_a_person_forgotten_again_later_is_dropped_again(app, database_url):
    runtime = Runtime(app, [RecordingAdapter()])
    now = now_utc()
    forget_beside_the_bot(database_url, WHO, now - timedelta(hours=3))
    await runtime.tick()
    await runtime.submit(said(WHO, "C1", now - timedelta(hours=2), "m1"))
    app.store.flush()
    assert app.store.knows_member(WORKSPACE, "C1", WHO)
    forget_beside_the_bot(database_url, WHO, now - timedelta(hours=1))
    await runtime.tick()
    assert not app.store.knows_member(WORKSPACE, "C1", WHO)


async def test_the_tick_deletes_the_notes_past_their_retention(database_url, tagged):
    app = make_app(database_url, tagged, forgotten_retention=timedelta(days=7))
    now = now_utc()
    person_data.forget(app.database, WORKSPACE, "old", now - timedelta(days=7, minutes=1))
    person_data.forget(app.database, WORKSPACE, "recent", now - timedelta(days=6))
    runtime = Runtime(app, [RecordingAdapter()])
    await runtime.tick()  # the first tick sweeps
    assert set(person_data.forgotten(app.database)) == {(WORKSPACE, "recent")}
    app.database.dispose()


# --- what waited in a spool -------------------------------------------------------------


def a_spool_left(spool: Path, platform: str, events) -> Path:
    """A spool file a gone process serving `platform` left, holding `events`."""
    spool.mkdir(exist_ok=True)
    path = spool / f"kept-{platform}-4242-abcd0123.jsonl"
    lines = [json.dumps({"event": codec.event_data(e), "platform": platform}) for e in events]
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def problems_by(app) -> set[tuple[str, str]]:
    """(problem id, user) of every problem stored."""
    rows = WatchRow.__table__  # type: ignore[attr-defined]
    with app.database.connect() as connection:
        return {tuple(r) for r in connection.execute(select(rows.c.problem_id, rows.c.user))}


@pytest.mark.parametrize("by", ["a running bot", "groundrules spool replay"])
async def test_a_spooled_event_from_before_the_forgetting_is_not_stored(
    app, database_url, spool, by, caplog
):
    now = now_utc()
    forgotten_at = now - timedelta(minutes=30)
    events = [
        RosterSynced(workspace=WORKSPACE, channel="C1", at=now - timedelta(hours=1),
                     event_id="r1", members=frozenset({WHO, "ben"})),
        said(WHO, "C1", now - timedelta(hours=1), "p1", "#problem my ex keeps calling"),
        said("ben", "C1", now - timedelta(minutes=50), "p2", "#problem the VPN is down"),
        said(WHO, "C2", forgotten_at, "p3", "#problem the door code leaked"),
        # She spoke again after she was forgotten: kept.
        said(WHO, "C2", now - timedelta(minutes=10), "p4", "#problem the lift is broken"),
    ]  # fmt: skip
    platform = "test" if by == "a running bot" else "discord"
    a_spool_left(spool, platform, events)
    forget_beside_the_bot(database_url, WHO, forgotten_at)

    caplog.set_level(logging.INFO, logger="bot.runtime")
    if by == "a running bot":
        runtime = Runtime(app, [RecordingAdapter()])
        assert runtime.take_over_spool() == 5
        await runtime.tick()
        assert runtime.kept == 0
        runtime.close()
    else:
        replayed = await asyncio.to_thread(replay, app, left_spools(spool))
        assert replayed.stored == 5
    assert problems_by(app) == {("p2", "ben"), ("p4", WHO)}
    assert members(app) == {("C1", "ben"), ("C2", WHO)}
    assert list(spool.iterdir()) == []
    assert "2 of them by people forgotten since were not stored" in caplog.messages


# --- the migration ----------------------------------------------------------------------


@pytest.mark.empty_database
def test_migration_0033_adds_the_notes_of_people_forgotten_and_goes_down(database_url):
    def noted(engine) -> None:
        person_data.forget(engine, WORKSPACE, WHO, at("11:00"))
        assert person_data.forgotten(engine) == {(WORKSPACE, WHO): at("11:00")}
        indexes = inspect(engine).get_indexes("forgotten_person")
        assert [index["column_names"] for index in indexes] == [["forgotten_at"]]

    goes_up_and_down(
        database_url, "0032", lambda engine: "forgotten_person" in tables(engine),
        at_newest=noted,
    )  # fmt: skip
    with engine_on(database_url) as engine:
        assert "timer" in tables(engine)
