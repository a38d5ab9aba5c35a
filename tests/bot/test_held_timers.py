"""Timers the quiet hours held keep when they were due before (timer.held_from, migration
0029): a change of the table's quiet hours or time zone sets them again from there, and a
timer due at the night's end itself is not mistaken for a held one. Through the real
service and storage, on SQLite and PostgreSQL. The bot's quiet hours are 21:00-08:00
here, in Amsterdam (UTC+1 on the test day); a round's first reminder is due 4 hours after
it starts."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

import pytest
from alembic import command
from sqlalchemy import bindparam, inspect, text

from bot.database import make_engine
from bot.migrate import alembic_config, upgrade
from bot.models import UTCDateTime
from rules.actions import RemindMembers, ScheduleTimer
from rules.concerns import REMINDER_TIMER, reminder_key
from rules.state import PendingTimer, Reads
from tests.bot.test_concern_rounds import start
from tests.conftest import make_app
from tests.helpers import DAY, Chat, at
from tests.migrating import columns, engine_on

NEXT_DAY = DAY + timedelta(days=1)
AMS = "Europe/Amsterdam"


@pytest.fixture
def nights(database_url, tagged, monkeypatch):
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    app = make_app(database_url, tagged, timezone=AMS)
    try:
        chat = Chat(app)
        chat.join("anna", "ben", "chris")
        yield chat
    finally:
        app.database.dispose()


def reminded(chat: Chat) -> list[datetime]:
    return [when for when, action in chat.sent if isinstance(action, RemindMembers)]


def first_reminded(chat: Chat, moment: datetime) -> list[datetime]:
    """When the reminders came, ticking up to `moment`: to a second before it first, so
    that one coming sooner shows alone."""
    chat.tick(moment - timedelta(seconds=1))
    if not reminded(chat):
        chat.tick(moment)
    return reminded(chat)


def test_a_reminder_due_at_the_nights_end_itself_stays_when_the_hours_change(nights):
    """Started at 04:00 there, its reminder is due at 08:00 there, as the night ends:
    nothing held it, so shorter quiet hours do not bring it forward."""
    chat = nights
    start(chat, when="03:00")
    chat.command("anna", "/table quiet-hours 22:00-06:00", "05:00")  # 06:00 there
    assert first_reminded(chat, at("07:00")) == [at("07:00")]  # 08:00 there


def test_a_held_reminder_comes_when_it_was_due_once_the_new_hours_allow_it(nights):
    """Due at 22:30 there, held until 08:00; quiet from 23:00 now, it comes at 22:30,
    not as the old night began (21:00)."""
    chat = nights
    start(chat, when="17:30")
    chat.command("anna", "/table quiet-hours 23:00-07:00", "18:00")
    assert first_reminded(chat, at("21:30")) == [at("21:30")]


@pytest.mark.parametrize(
    ("zone", "comes"),
    [
        # 22:30 in Amsterdam is 16:30 in New York: no night there, it comes then.
        ("America/New_York", at("21:30")),
        # ... and 06:30 in Tokyo, in the night there: it comes at 08:00 there.
        ("Asia/Tokyo", at("23:00")),
    ],
)
def test_a_held_reminder_is_set_again_in_the_tables_new_time_zone(nights, zone, comes):
    chat = nights
    start(chat, when="17:30")  # its reminder, due at 22:30 in Amsterdam, waits for 08:00
    chat.command("anna", f"/table timezone {zone}", "18:00")
    assert first_reminded(chat, comes) == [comes]


def test_when_a_timer_was_due_survives_a_restart(database_url, tagged, monkeypatch):
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    ids = count(1)  # one count: a retried event id would be handled once
    first = make_app(database_url, tagged, timezone=AMS)
    chat = Chat(first, _ids=ids)
    chat.join("anna", "ben", "chris")
    round_id = start(chat, when="17:30")
    first.database.dispose()
    again = make_app(database_url, tagged, timezone=AMS)
    try:
        with again.store.unit_of_work() as uow:
            [held] = uow.load("W1", "C1", Reads(pending_timers=(REMINDER_TIMER,))).pending_timers
        assert held == PendingTimer(reminder_key(round_id, 1), REMINDER_TIMER, round_id,
                                    at("07:00", NEXT_DAY), held_from=at("21:30"))  # fmt: skip
        chat = Chat(again, _ids=ids)
        chat.command("anna", "/table quiet-hours 23:00-07:00", "18:00")
        assert first_reminded(chat, at("21:30")) == [at("21:30")]
    finally:
        again.database.dispose()


def test_a_timer_nothing_held_is_stored_as_due_when_it_is(app):
    """NULL is kept for what was set before 0029: a timer set since says it was not held."""
    where = {"workspace": "W1", "channel": "C1", "kind": REMINDER_TIMER}
    never = ScheduleTimer(**where, key="k1", subject="r1", due=at("12:00"))
    held = ScheduleTimer(
        **where, key="k2", subject="r2", due=at("07:00", NEXT_DAY), held_from=at("22:00")
    )
    with app.store.unit_of_work() as uow:
        uow.apply(never)
        uow.apply(held)
    # Set again, unheld this time: its row says so, not the hold it had.
    with app.store.unit_of_work() as uow:
        uow.apply(ScheduleTimer(**where, key="k2", subject="r2", due=at("13:00")))
    with app.store.unit_of_work() as uow:
        pending = uow.load("W1", "C1", Reads(pending_timers=(REMINDER_TIMER,))).pending_timers
    assert [(t.key, t.due, t.held_from) for t in pending] == [
        ("k1", at("12:00"), at("12:00")),
        ("k2", at("13:00"), at("13:00")),
    ]


def test_a_timer_set_before_0029_is_guessed_held_from_the_nights_start(nights):
    """Its row knows no held_from: due at the night's end, it is taken for held since the
    night began, as before (quiet from 23:00 now: it comes at 21:00 there, not 22:30)."""
    chat = nights
    start(chat, when="17:30")
    with chat.app.database.begin() as connection:
        connection.execute(text("UPDATE timer SET held_from = NULL"))
    chat.command("anna", "/table quiet-hours 23:00-07:00", "18:00")
    assert first_reminded(chat, at("20:00")) == [at("20:00")]


# How 44c86fd (migration 0027) sets a timer: it knows no held_from, nor held_to.
OLDER_SCHEDULE = text(
    "INSERT INTO timer (workspace, key, channel, kind, subject, due) "
    "VALUES ('W1', :key, 'C1', :kind, :subject, :due) "
    "ON CONFLICT (workspace, key) DO UPDATE SET due = excluded.due, fired_at = NULL, "
    "fired_by = NULL"
).bindparams(bindparam("due", type_=UTCDateTime()))


def test_a_timer_an_older_process_set_again_is_not_taken_for_held_by_its_old_hold(nights):
    """During a rolling deploy a process of the release before (44c86fd, migration 0027)
    still runs: setting a timer again (a snooze said again, a nudge waiting its turn), it
    writes the due alone (OLDER_SCHEDULE). The hold the row kept from before
    is not this due's: due at 12:00 there, outside any night, the timer stays where it is
    when the quiet hours change, rather than coming at once from that old hold."""
    chat = nights
    round_id = start(chat, when="17:30")  # its reminder, due at 22:30 there, waits for 08:00
    with chat.app.database.begin() as connection:
        connection.execute(
            OLDER_SCHEDULE,
            {"key": reminder_key(round_id, 1), "kind": REMINDER_TIMER, "subject": round_id,
             "due": at("11:00", NEXT_DAY)},
        )  # fmt: skip
    chat.command("anna", "/table quiet-hours 23:00-07:00", "18:00")
    assert first_reminded(chat, at("11:00", NEXT_DAY)) == [at("11:00", NEXT_DAY)]


@pytest.mark.empty_database
def test_migration_0029_keeps_when_timers_were_held_and_goes_down(database_url):
    def columns(engine) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("timer")}

    def timers(engine) -> list[tuple]:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text("SELECT key, kind FROM timer"))]

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0028")
        assert "held_from" not in columns(engine)
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO timer (workspace, key, channel, kind, subject, due) "
                     "VALUES ('W1', 'reminder:r1:1', 'C1', :kind, 'r1', :due)"),
                {"kind": REMINDER_TIMER, "due": datetime(2026, 3, 3, 7, 0)},
            )  # fmt: skip
        upgrade(engine)
        assert "held_from" in columns(engine)
        with engine.connect() as connection:
            held_from = connection.execute(text("SELECT held_from FROM timer")).scalar_one()
        assert held_from is None  # not known: guessed (above)
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0028")
    engine = make_engine(database_url)
    try:
        assert "held_from" not in columns(engine)
        assert timers(engine) == [("reminder:r1:1", REMINDER_TIMER)]
    finally:
        engine.dispose()


@pytest.mark.empty_database
def test_migration_0032_says_which_due_a_hold_goes_with_and_goes_down(database_url):
    """A timer 0030 set keeps its hold (written with its due); one from before 0029 stays
    unknown."""

    def held(engine) -> list[tuple]:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT key, held_to FROM timer ORDER BY key"))
            return [(key, held_to is not None) for key, held_to in rows]

    def timer(key: str, held_from: datetime | None) -> dict[str, object]:
        return {"key": key, "due": at("07:00", NEXT_DAY), "held_from": held_from}

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0031")
        assert "held_to" not in columns(engine, "timer")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO timer (workspace, key, channel, kind, subject, due, held_from) "
                     "VALUES ('W1', :key, 'C1', 'round_reminder', 'r1', :due, :held_from)")
                .bindparams(bindparam("due", type_=UTCDateTime()),
                            bindparam("held_from", type_=UTCDateTime())),
                [timer("set-by-0030", at("21:30")), timer("set-before-0029", None)],
            )  # fmt: skip
        upgrade(engine)
        assert held(engine) == [("set-before-0029", False), ("set-by-0030", True)]
        with engine.connect() as connection:
            [due, held_to] = connection.execute(
                text("SELECT due, held_to FROM timer WHERE key = 'set-by-0030'")
            ).one()
        assert held_to == due
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0031")
    with engine_on(database_url) as engine:
        assert "held_to" not in columns(engine, "timer")
        assert len(held_from_rows(engine)) == 2


def held_from_rows(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT key, held_from FROM timer"))]
