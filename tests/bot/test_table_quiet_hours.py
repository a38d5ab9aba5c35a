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
from tests.conftest import AMSTERDAM_NIGHTS, bot_on
from tests.helpers import DAY, Chat, at
from tests.migrating import columns, goes_up_and_down

NEXT_DAY = DAY + timedelta(days=1)


@pytest.fixture
def chat(database_url, tagged):
    with bot_on(database_url, tagged, **AMSTERDAM_NIGHTS) as app:
        yield Chat(app)


@pytest.fixture
def table(chat):
    """anna, ben and chris at the table: a concern round's reminder goes to two."""
    chat.join("anna", "ben", "chris")
    return chat


def reminded(chat: Chat) -> list[datetime]:
    return [when for when, action in chat.sent if isinstance(action, RemindMembers)]


def said(actions) -> list[tuple[bool, str]]:
    return [(a.private, plain(a)) for a in actions if isinstance(a, Reply)]


def test_a_bakery_keeps_its_quiet_in_the_day(table):
    chat = table
    [(private, text)] = said(chat.command("anna", "/table quiet-hours 08:00-16:00", "07:00"))
    assert not private  # announced to the table, as /table timezone is
    assert text.startswith("From now on this table's quiet hours are 08:00-16:00 in Europe/Am")
    start(chat, when="09:00")  # 10:00 there: its reminder is due at 14:00, in the quiet
    chat.tick(at("14:59"))
    assert reminded(chat) == []
    chat.tick(at("15:00"))
    assert reminded(chat) == [at("15:00")]  # 16:00 there


def test_a_table_without_quiet_hours_is_reminded_at_night(table):
    chat = table
    chat.command("anna", "/tafel stille-uren uit", "15:00")
    start(chat, when="17:30")  # 18:30 there: its reminder is due at 22:30 there
    chat.tick(at("23:00"))
    assert reminded(chat) == [at("21:30")]


def test_a_reminder_held_for_the_old_morning_goes_at_the_next_tick_without_quiet_hours(table):
    chat = table
    start(chat, when="17:30")  # its reminder, due at 22:30 there, waits for 08:00 there
    chat.tick(at("21:59"))
    assert reminded(chat) == []
    chat.command("anna", "/table quiet-hours off", "22:00")  # 23:00 there
    chat.tick(at("22:00:01"))
    assert reminded(chat) == [at("22:00")]


@pytest.mark.parametrize(
    ("quiet_hours", "morning"),
    [("22:00-06:00", "05:00"), ("21:00-10:00", "09:00")],  # 06:00 and 10:00 there
    ids=["shorter", "longer"],
)
def test_a_reminder_held_for_the_old_morning_waits_for_the_new_one(table, quiet_hours, morning):
    """Quiet until 06:00 now, not 08:00: the held reminder comes at 06:00 there; one
    held for longer quiet hours waits for their end as it fires."""
    chat = table
    start(chat, when="17:30")
    chat.command("anna", f"/table quiet-hours {quiet_hours}", "22:00")
    a_minute_before = at(morning, NEXT_DAY) - timedelta(minutes=1)
    chat.tick(a_minute_before)
    assert reminded(chat) == []
    chat.tick(at(morning, NEXT_DAY))
    assert reminded(chat) == [at(morning, NEXT_DAY)]


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
def test_a_table_shows_its_quiet_hours_and_where_they_come_from(chat, lines, lang, shown):
    for minute, line in enumerate(lines):
        answered = said(chat.command("anna", line, f"10:{minute:02d}"))
    [(private, text)] = answered
    assert private and shown in text.splitlines()
    if lang == "nl":
        assert "Stille uren" in text


def test_a_tables_quiet_hours_are_kept_across_a_restart(database_url, tagged):
    ids = count(1)  # one count: a retried event id would be handled once
    with bot_on(database_url, tagged, **AMSTERDAM_NIGHTS) as first:
        Chat(first, _ids=ids).command("anna", "/table quiet-hours 08:00-16:00", "07:00")
        Chat(first, channel="C2", _ids=ids).command("anna", "/table quiet-hours off", "07:00")
    with bot_on(database_url, tagged, **AMSTERDAM_NIGHTS) as again:
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


def test_a_review_comes_after_the_tables_own_quiet_hours_and_stays_there_at_a_start(
    database_url, tagged
):
    """A review comes at 09:00 there, or as quiet hours that hold then end: 16:00 at a
    bakery. A start (which moves reviews to 09:00 where their tables sit) keeps it."""
    ids = count(1)
    with bot_on(database_url, tagged, **AMSTERDAM_NIGHTS) as first:
        chat = Chat(first, _ids=ids)
        chat.command("ben", "/agree we bake rye because it sells review 10 March", "07:00")
        chat.command("anna", "/table quiet-hours 08:00-16:00", "07:30")
    with bot_on(database_url, tagged, **AMSTERDAM_NIGHTS) as again:
        chat = Chat(again, _ids=ids)
        chat.tick(datetime(2026, 3, 10, 14, 59, tzinfo=UTC))
        assert not [a for _, a in chat.sent if type(a).__name__ == "AnnounceReview"]
        chat.tick(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))  # 16:00 there
        assert [a for _, a in chat.sent if type(a).__name__ == "AnnounceReview"]


@pytest.mark.empty_database
def test_migration_0025_adds_the_tables_quiet_hours_and_goes_down(database_url):
    goes_up_and_down(
        database_url, "0024", lambda engine: "quiet_hours" in columns(engine, "table_config")
    )


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


def test_a_nudge_that_failed_in_the_evening_is_not_retried_in_the_night(chat):
    failed = _failed_nudge(chat, "19:30", at("20:30"))  # 21:30 there: quiet
    assert _retried(chat, at("06:59", NEXT_DAY)) == []
    assert _retried(chat, at("07:00", NEXT_DAY)) == [failed]  # 08:00 there


def test_a_nudge_that_failed_at_a_bakery_is_retried_after_its_quiet_in_the_day(chat):
    chat.command("anna", "/table quiet-hours 08:00-16:00", "05:00")
    failed = _failed_nudge(chat, "06:45", at("07:05"))  # 08:05 there: quiet
    assert _retried(chat, at("14:59")) == []
    assert _retried(chat, at("15:00")) == [failed]


def test_a_failed_nudge_at_a_table_without_quiet_hours_is_retried_at_night(chat):
    chat.command("anna", "/table quiet-hours off", "05:00")
    failed = _failed_nudge(chat, "19:30", at("20:30"))
    assert _retried(chat, at("20:30")) == [failed]


def test_a_failed_answer_to_a_command_is_retried_in_the_night(chat):
    """Only what is sent unasked waits: an answer to someone's own command does not."""
    from rules.events import CommandInvoked

    event = CommandInvoked(
        workspace="W1", channel="C1", at=at("20:10"), event_id="late", user="anna",
        name="table", args="",
    )  # fmt: skip
    [delivery] = chat.app.service.handle(event)
    chat.app.store.mark_failed(delivery.outbox_id, at("20:10"), "503", not_before=at("20:30"))
    assert _retried(chat, at("20:30")) == [delivery.outbox_id]
