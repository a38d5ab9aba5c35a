"""A private reminder the bot fires late (it was down, or restarting, in the evening)
waits for the end of the table's quiet hours, as one that falls due in them does:
through the real service and storage, the timer firing live at the hour it is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.actions import AskRenewal, RemindMembers
from tests.bot.test_concern_rounds import start
from tests.conftest import AMSTERDAM_NIGHTS, bot_on
from tests.helpers import DAY, Chat, at

NEXT_DAY = DAY + timedelta(days=1)


@pytest.fixture
def table(tmp_path, tagged):
    """anna, ben and chris at a table in Amsterdam, quiet 21:00-08:00."""
    with bot_on(f"sqlite:///{tmp_path}/night.db", tagged, **AMSTERDAM_NIGHTS) as app:
        chat = Chat(app)
        chat.join("anna", "ben", "chris")
        yield chat


def fired_live(chat: Chat, now) -> list:
    fired = []
    while (done := chat.app.service.fire_next_timer(now)) is not None:
        fired += chat._deliver(done)
    return fired


def test_a_round_reminder_fired_late_in_the_night_goes_in_the_morning(table):
    chat = table
    start(chat, when="15:30")  # 16:30 in Amsterdam: its reminder is due at 20:30 there
    # Down from 19:00 UTC; back at 01:00 UTC, 02:00 in Amsterdam.
    assert not any(isinstance(a, RemindMembers) for a in fired_live(chat, at("01:00", NEXT_DAY)))
    assert fired_live(chat, at("06:59", NEXT_DAY)) == []
    [reminded] = [
        a for a in fired_live(chat, at("07:00", NEXT_DAY)) if isinstance(a, RemindMembers)
    ]
    assert reminded.users == ("anna", "chris")


def test_a_renewal_reminder_fired_late_in_the_night_goes_in_the_morning(table):
    chat = table
    chat.command("anna", "/meeting start", "13:00")
    chat.command("anna", "/meeting end", "15:00")  # its reminder is due at 20:00 there
    assert not any(isinstance(a, AskRenewal) for a in fired_live(chat, at("01:00", NEXT_DAY)))
    asked = [a for a in fired_live(chat, at("07:00", NEXT_DAY)) if isinstance(a, AskRenewal)]
    assert asked and all(a.reminder for a in asked)
