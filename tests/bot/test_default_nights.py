"""The bot-wide quiet hours or zone changed between two starts (GROUNDRULES_QUIET_HOURS,
GROUNDRULES_TIMEZONE): the start sets again the reminders the old night held at the
tables that follow the bot's, once (bot.default_nights, migration 0030). Through the real
service and storage, on SQLite and PostgreSQL. In Amsterdam (UTC+1 on the test day), a
round started at 17:30 UTC has its first reminder due at 22:30 there, held until 08:00
(07:00 UTC the next day) by the quiet hours 21:00-08:00."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from itertools import count

import pytest
from sqlalchemy import text

from bot.bootstrap import Groundrules, bootstrap
from bot.default_nights import held_for_new_defaults
from bot.settings import Settings
from rules.concerns import REMINDER_TIMER
from rules.quiet_hours import QuietHours
from rules.state import Reads
from tests.bot.test_concern_rounds import start
from tests.bot.test_held_timers import OLDER_SCHEDULE
from tests.helpers import DAY, Chat, at
from tests.migrating import engine_on, goes_up_and_down, tables

NEXT_DAY = DAY + timedelta(days=1)
AMS, NYC = "Europe/Amsterdam", "America/New_York"
HELD = at("07:00", NEXT_DAY)  # 08:00 in Amsterdam, as the night ends
DUE = at("21:30")  # 22:30 there: when it was due before the night held it


class Restarts:
    """The bot started again and again on one database, each time with its defaults."""

    def __init__(self, database_url: str, classifier) -> None:
        self.url, self.classifier, self.ids = database_url, classifier, count(1)
        self.app: Groundrules | None = None

    def start(self, when: str, zone: str = AMS, quiet: str = "21:00-08:00") -> Chat:
        if self.app is not None:
            self.app.database.dispose()
        self.app = bootstrap(
            Settings(database_url=self.url, timezone=zone, quiet_hours=quiet),
            classifier=self.classifier, started_at=at(when),
        )  # fmt: skip
        return Chat(self.app, _ids=self.ids)

    def reminder(self, channel: str = "C1") -> tuple[datetime, datetime | None]:
        """When the table's first reminder is due, and when it was before a hold."""
        assert self.app is not None
        with self.app.store.unit_of_work() as uow:
            state = uow.load("W1", channel, Reads(pending_timers=(REMINDER_TIMER,)))
        [timer] = state.pending_timers
        return timer.due, timer.held_from

    def stop(self) -> None:
        if self.app is not None:
            self.app.database.dispose()


def a_round_in(chat: Chat, channel: str = "C1", *first: str) -> None:
    """A round at `channel`, after the table's `first` commands (its own night)."""
    chat.channel = channel
    chat.join("anna", "ben", "chris")
    for line in first:
        chat.command("anna", line, "12:00")
    start(chat, when="17:30")


def test_a_start_with_other_quiet_hours_sets_held_reminders_again(database_url, tagged):
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        assert bot.reminder() == (HELD, DUE)
        # Quiet from 23:00 now: it comes when it was due, 22:30 there.
        chat = bot.start("18:00", quiet="23:00-07:00")
        assert bot.reminder() == (DUE, DUE)
        chat.tick(at("21:29"))
        assert not chat.sent
        chat.tick(DUE)
        assert [when for when, _ in chat.sent] == [DUE]
    finally:
        bot.stop()


def test_a_start_with_no_quiet_hours_sends_a_held_reminder_that_was_due_at_once(
    database_url, tagged
):
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        bot.start("23:00", quiet="off")  # 00:00 there: it was due an hour and a half ago
        assert bot.reminder() == (at("23:00"), DUE)
    finally:
        bot.stop()


def test_a_start_in_another_zone_sets_held_reminders_again_there(database_url, tagged):
    """22:30 in Amsterdam is 16:30 in New York: no night there, it comes then. A table in
    a zone of its own keeps its night, and its reminder."""
    bot = Restarts(database_url, tagged)
    try:
        chat = bot.start("12:00")
        a_round_in(chat, "C1")
        a_round_in(chat, "C2", "/table timezone Europe/Amsterdam")
        bot.start("18:00", zone=NYC)
        assert bot.reminder("C1") == (DUE, DUE)
        assert bot.reminder("C2") == (HELD, DUE)
    finally:
        bot.stop()


def test_a_start_with_the_same_defaults_touches_no_timer(database_url, tagged):
    """Not even one that looks held for a night these defaults would end sooner: only a
    change of the defaults sets timers again."""
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        assert bot.app is not None
        with bot.app.database.begin() as connection:  # set before 0029: a guess, if asked
            connection.execute(text("UPDATE timer SET held_from = NULL"))
        bot.start("18:00")
        assert bot.reminder() == (HELD, None)
    finally:
        bot.stop()


def test_tables_with_their_own_quiet_hours_keep_their_held_reminders(database_url, tagged):
    bot = Restarts(database_url, tagged)
    try:
        chat = bot.start("12:00")
        a_round_in(chat, "C1")
        a_round_in(chat, "C2", "/table quiet-hours 21:00-08:00")
        bot.start("18:00", quiet="23:00-07:00")
        assert bot.reminder("C1") == (DUE, DUE)
        assert bot.reminder("C2") == (HELD, DUE)
    finally:
        bot.stop()


def test_a_change_of_the_defaults_is_applied_once(database_url, tagged):
    """The next start with the new defaults (another process, or a restart) finds them
    applied: a reminder set since is not set again by it."""
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        bot.start("18:00", quiet="23:00-07:00")
        assert bot.app is not None
        later = at("06:00", NEXT_DAY)  # put back by hand, as if set anew since
        with bot.app.database.begin() as connection:
            connection.execute(text("UPDATE timer SET due = :due, held_to = :due"), {"due": later})
        bot.start("18:05", quiet="23:00-07:00")
        assert bot.reminder() == (later, DUE)
    finally:
        bot.stop()


def test_a_start_with_other_defaults_leaves_a_timer_an_older_process_set_again(
    database_url, tagged
):
    """A process of the release before (44c86fd) set the held reminder again, at 12:00
    there, by its due alone (a rolling deploy): the hold its row kept is not this due's,
    and the next start with other defaults leaves it where it is."""
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        assert bot.app is not None
        [key] = [timer.key for timer in pending_reminders(bot)]
        moved = at("11:00", NEXT_DAY)
        with bot.app.database.begin() as connection:
            connection.execute(
                OLDER_SCHEDULE,
                {"key": key, "kind": REMINDER_TIMER, "subject": "r", "due": moved},
            )
        bot.start("18:00", quiet="23:00-07:00")
        assert bot.reminder()[0] == moved
    finally:
        bot.stop()


def pending_reminders(bot: Restarts):
    assert bot.app is not None
    with bot.app.store.unit_of_work() as uow:
        return uow.load("W1", "C1", Reads(pending_timers=(REMINDER_TIMER,))).pending_timers


def test_the_first_start_since_0030_only_remembers_the_defaults(database_url, tagged):
    """It knows no defaults before its own: the reminder the night held stays."""
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        assert bot.app is not None
        with bot.app.database.begin() as connection:
            connection.execute(text("UPDATE applied_defaults SET timezone = NULL, "
                                    "quiet_hours = NULL"))  # fmt: skip
        bot.start("18:00", quiet="23:00-07:00")
        assert bot.reminder() == (HELD, DUE)
        with bot.app.database.connect() as connection:
            applied = connection.execute(text("SELECT timezone, quiet_hours FROM applied_defaults"))
            assert [tuple(row) for row in applied] == [(AMS, "23:00-07:00")]
    finally:
        bot.stop()


@pytest.mark.empty_database
def test_migration_0030_keeps_the_defaults_last_applied_and_goes_down(database_url):
    def in_one_unknown_row(engine) -> None:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, timezone, quiet_hours FROM applied_defaults")
            )
            assert [tuple(row) for row in rows] == [(1, None, None)]

    goes_up_and_down(
        database_url, "0029", lambda engine: "applied_defaults" in tables(engine),
        at_newest=in_one_unknown_row,
    )  # fmt: skip
    with engine_on(database_url) as engine:
        assert "timer" in tables(engine)


def test_a_process_starting_beside_one_applying_new_defaults_waits_and_sets_nothing(
    database_url, tagged
):
    """Another process holds the row while it applies the new defaults (its timers not
    yet set, here): this start waits for it, then finds them applied. Reading the old
    defaults meanwhile, it would set the reminder again itself."""
    bot = Restarts(database_url, tagged)
    try:
        a_round_in(bot.start("12:00"))
        assert bot.app is not None
        database = bot.app.database
        moved: list[int] = []
        with database.begin() as other:
            other.execute(
                text(
                    "SELECT quiet_hours FROM applied_defaults WHERE id = 1"
                    + ("" if other.dialect.name == "sqlite" else " FOR UPDATE")
                )
            )
            other.execute(text("UPDATE applied_defaults SET quiet_hours = '23:00-07:00'"))
            starting = threading.Thread(target=lambda: moved.append(
                held_for_new_defaults(database, AMS, QuietHours(time(23), time(7)), at("18:00"))
            ))  # fmt: skip
            starting.start()
            starting.join(timeout=1)
            assert starting.is_alive()  # waiting for the other process
        starting.join(timeout=30)
        assert moved == [0]
        assert bot.reminder() == (HELD, DUE)
    finally:
        bot.stop()
