"""A table's own quiet hours (/table quiet-hours): a bakery working nights keeps its
quiet in the day, or has none; through the real service and storage, on SQLite and
PostgreSQL. The bot's own (GROUNDRULES_QUIET_HOURS) are 21:00-08:00 here, in Amsterdam
(UTC+1 on the test day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from bot.presenting import plain
from rules.actions import RemindMembers, Reply
from tests.bot.test_concern_rounds import start
from tests.conftest import make_app
from tests.helpers import DAY, Chat, at

NEXT_DAY = DAY + timedelta(days=1)
AMS = "Europe/Amsterdam"


@pytest.fixture
def nights(database_url, tagged, monkeypatch):
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    app = make_app(database_url, tagged, timezone=AMS)
    try:
        yield Chat(app)
    finally:
        app.database.dispose()


def reminded(chat: Chat) -> list[datetime]:
    return [when for when, action in chat.sent if isinstance(action, RemindMembers)]


def said(actions) -> list[tuple[bool, str]]:
    return [(a.private, plain(a)) for a in actions if isinstance(a, Reply)]


def test_a_bakery_keeps_its_quiet_in_the_day(nights):
    chat = nights
    chat.join("anna", "ben", "chris")
    [(private, text)] = said(chat.command("anna", "/table quiet-hours 08:00-16:00", "07:00"))
    assert not private  # announced to the table, as /table timezone is
    assert text.startswith("From now on this table's quiet hours are 08:00-16:00 in Europe/Am")
    start(chat, when="09:00")  # 10:00 there: its reminder is due at 14:00, in the quiet
    chat.tick(at("14:59"))
    assert reminded(chat) == []
    chat.tick(at("15:00"))
    assert reminded(chat) == [at("15:00")]  # 16:00 there


def test_a_table_without_quiet_hours_is_reminded_at_night(nights):
    chat = nights
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/tafel stille-uren uit", "15:00")
    start(chat, when="17:30")  # 18:30 there: its reminder is due at 22:30 there
    chat.tick(at("23:00"))
    assert reminded(chat) == [at("21:30")]


def test_a_reminder_held_for_the_old_morning_goes_at_the_next_tick_without_quiet_hours(nights):
    chat = nights
    chat.join("anna", "ben", "chris")
    start(chat, when="17:30")  # its reminder, due at 22:30 there, waits for 08:00 there
    chat.tick(at("21:59"))
    assert reminded(chat) == []
    chat.command("anna", "/table quiet-hours off", "22:00")  # 23:00 there
    chat.tick(at("22:00:01"))
    assert reminded(chat) == [at("22:00")]


def test_a_reminder_held_for_the_old_morning_waits_for_the_new_one(nights):
    """Quiet until 06:00 now, not 08:00: the held reminder comes at 06:00 there; one
    held for longer quiet hours waits for their end as it fires."""
    chat = nights
    chat.join("anna", "ben", "chris")
    start(chat, when="17:30")
    chat.command("anna", "/table quiet-hours 22:00-06:00", "22:00")
    chat.tick(at("04:59", NEXT_DAY))
    assert reminded(chat) == []
    chat.tick(at("05:00", NEXT_DAY))
    assert reminded(chat) == [at("05:00", NEXT_DAY)]


def test_a_reminder_held_goes_later_when_the_quiet_hours_last_longer(nights):
    chat = nights
    chat.join("anna", "ben", "chris")
    start(chat, when="17:30")
    chat.command("anna", "/table quiet-hours 21:00-10:00", "22:00")
    chat.tick(at("08:59", NEXT_DAY))
    assert reminded(chat) == []
    chat.tick(at("09:00", NEXT_DAY))
    assert reminded(chat) == [at("09:00", NEXT_DAY)]  # 10:00 there


@pytest.mark.parametrize(
    ("lines", "lang", "shown"),
    [
        (["/table quiet-hours"], "en",
         "Quiet hours: 21:00-08:00 in Europe/Amsterdam, the bot's setting (/table quiet-hours)."),
        (["/table quiet-hours 22:00-07:00", "/table quiet-hours"], "en",
         "Quiet hours: 22:00-07:00 in Europe/Amsterdam, this table's own choice "
         "(/table quiet-hours)."),
        (["/table quiet-hours off", "/table quiet-hours"], "en",
         "Quiet hours: none, this table's own choice (/table quiet-hours)."),
        (["/table quiet-hours off", "/table quiet-hours default", "/table quiet-hours"], "en",
         "Quiet hours: 21:00-08:00 in Europe/Amsterdam, the bot's setting (/table quiet-hours)."),
        (["/tafel stille-uren 22:00-07:00", "/tafel stille-uren"], "nl",
         "Stille uren: 22:00-07:00 in Europe/Amsterdam, door deze tafel zelf gekozen "
         "(/tafel stille-uren)."),
        (["/tafel stille-uren uit", "/tafel stille-uren standaard", "/tafel stille-uren"], "nl",
         "Stille uren: 21:00-08:00 in Europe/Amsterdam, de instelling van de bot "
         "(/tafel stille-uren)."),
        (["/table quiet-hours 08:00-16:00", "/table"], "en",
         "Quiet hours: 08:00-16:00 in Europe/Amsterdam, this table's own choice "
         "(/table quiet-hours)."),
    ],
)  # fmt: skip
def test_a_table_shows_its_quiet_hours_and_where_they_come_from(nights, lines, lang, shown):
    chat = nights
    for minute, line in enumerate(lines):
        answered = said(chat.command("anna", line, f"10:{minute:02d}"))
    [(private, text)] = answered
    assert private and shown in text.splitlines()
    if lang == "nl":
        assert "Stille uren" in text


def test_a_tables_quiet_hours_are_kept_across_a_restart(database_url, tagged, monkeypatch):
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    first = make_app(database_url, tagged, timezone=AMS)
    ids = count(1)  # one count: a retried event id would be handled once
    Chat(first, _ids=ids).command("anna", "/table quiet-hours 08:00-16:00", "07:00")
    Chat(first, channel="C2", _ids=ids).command("anna", "/table quiet-hours off", "07:00")
    first.database.dispose()
    again = make_app(database_url, tagged, timezone=AMS)
    try:
        for channel, line in [
            ("C1", "Quiet hours: 08:00-16:00 in Europe/Amsterdam, this table's own choice "
                   "(/table quiet-hours)."),
            ("C2", "Quiet hours: none, this table's own choice (/table quiet-hours)."),
            ("C3", "Quiet hours: 21:00-08:00 in Europe/Amsterdam, the bot's setting "
                   "(/table quiet-hours)."),
        ]:  # fmt: skip
            chat = Chat(again, channel=channel, _ids=ids)
            [(_, text)] = said(chat.command("anna", "/table", "08:00"))
            assert line in text.splitlines()
    finally:
        again.database.dispose()


def test_a_review_comes_after_the_tables_own_quiet_hours_and_stays_there_at_a_start(
    database_url, tagged, monkeypatch
):
    """A review comes at 09:00 there, or as quiet hours that hold then end: 16:00 at a
    bakery. A start (which moves reviews to 09:00 where their tables sit) keeps it."""
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "21:00-08:00")
    first = make_app(database_url, tagged, timezone=AMS)
    ids = count(1)
    chat = Chat(first, _ids=ids)
    chat.command("ben", "/agree we bake rye because it sells review 10 March", "07:00")
    chat.command("anna", "/table quiet-hours 08:00-16:00", "07:30")
    first.database.dispose()
    again = make_app(database_url, tagged, timezone=AMS)
    try:
        chat = Chat(again, _ids=ids)
        chat.tick(datetime(2026, 3, 10, 14, 59, tzinfo=UTC))
        assert not [a for _, a in chat.sent if type(a).__name__ == "AnnounceReview"]
        chat.tick(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))  # 16:00 there
        assert [a for _, a in chat.sent if type(a).__name__ == "AnnounceReview"]
    finally:
        again.database.dispose()


def test_migration_0025_adds_the_tables_quiet_hours_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    def columns(engine) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("table_config")}

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0024")
        assert "quiet_hours" not in columns(engine)
        upgrade(engine)
        assert "quiet_hours" in columns(engine)
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0024")
    engine = make_engine(database_url)
    try:
        assert "quiet_hours" not in columns(engine)
    finally:
        engine.dispose()


def _failed_nudge(chat: Chat, said: str, retry: datetime) -> int:
    """A problem at `said`, its nudge due ten minutes on, its DM failing then with the
    platform asking to wait until `retry`; the outbox id."""
    chat.say("ben", "#problem the oven is broken", said)
    due = at(said) + timedelta(minutes=10)
    [delivery] = chat.app.service.fire_due_timers(due)
    chat.app.store.mark_failed(delivery.outbox_id, due, "40003", not_before=retry)
    return delivery.outbox_id


def _retried(chat: Chat, moment: datetime) -> list[int]:
    return [d.outbox_id for d in chat.app.store.claim_undelivered(moment)]


def test_a_nudge_that_failed_in_the_evening_is_not_retried_in_the_night(nights):
    chat = nights
    failed = _failed_nudge(chat, "19:30", at("20:30"))  # 21:30 there: quiet
    assert _retried(chat, at("06:59", NEXT_DAY)) == []
    assert _retried(chat, at("07:00", NEXT_DAY)) == [failed]  # 08:00 there


def test_a_nudge_that_failed_at_a_bakery_is_retried_after_its_quiet_in_the_day(nights):
    chat = nights
    chat.command("anna", "/table quiet-hours 08:00-16:00", "05:00")
    failed = _failed_nudge(chat, "06:45", at("07:05"))  # 08:05 there: quiet
    assert _retried(chat, at("14:59")) == []
    assert _retried(chat, at("15:00")) == [failed]


def test_a_failed_nudge_at_a_table_without_quiet_hours_is_retried_at_night(nights):
    chat = nights
    chat.command("anna", "/table quiet-hours off", "05:00")
    failed = _failed_nudge(chat, "19:30", at("20:30"))
    assert _retried(chat, at("20:30")) == [failed]


def test_a_failed_answer_to_a_command_is_retried_in_the_night(nights):
    """Only what is sent unasked waits: an answer to someone's own command does not."""
    from rules.events import CommandInvoked

    chat = nights
    event = CommandInvoked(
        workspace="W1", channel="C1", at=at("20:10"), event_id="late", user="anna",
        name="table", args="",
    )  # fmt: skip
    [delivery] = chat.app.service.handle(event)
    chat.app.store.mark_failed(delivery.outbox_id, at("20:10"), "503", not_before=at("20:30"))
    assert _retried(chat, at("20:30")) == [delivery.outbox_id]
