"""A snooze never brings a reminder earlier than its person already asked: a bare /snooze
(or a shorter one) after a longer one keeps the later end, and says so."""

from __future__ import annotations

from rules.actions import RemindMembers, SendNudge
from rules.i18n import render
from tests.bot.test_concern_rounds import start
from tests.helpers import Chat


def _nudged(chat: Chat) -> None:
    chat.join("anna", "ben")
    chat.say("ben", "deploys keep failing #problem", "09:05")
    chat.tick("09:15:01")  # his nudge


def test_a_bare_snooze_after_a_longer_one_keeps_the_later_end(app):
    chat = Chat(app)
    _nudged(chat)
    chat.command("ben", "/snooze 2h", "09:20")
    [told] = chat.command("ben", "/snooze", "09:30")
    assert told.private and told.user == "ben"
    assert "\nStill snoozed until 11:20" in render(told.text, "en")
    assert "\nHet sluimert nog tot 11:20" in render(told.text, "nl")
    chat.tick("10:31")  # the hour a bare snooze gives: no reminder yet
    assert [n for n in chat.of_type(SendNudge) if n.again] == []
    chat.tick("11:21")
    assert len([n for n in chat.of_type(SendNudge) if n.again]) == 1


def test_a_longer_snooze_after_a_shorter_one_moves_the_end_later(app):
    chat = Chat(app)
    _nudged(chat)
    chat.command("ben", "/snooze", "09:20")
    [told] = chat.command("ben", "/snooze 3h", "09:30")
    assert "\nSnoozed until 12:30" in render(told.text, "en")
    chat.tick("10:21")
    assert [n for n in chat.of_type(SendNudge) if n.again] == []
    chat.tick("12:31")
    assert len([n for n in chat.of_type(SendNudge) if n.again]) == 1


def test_a_bare_snooze_of_reminders_keeps_the_later_end(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    start(chat)  # ben asks; reminders every 4 hours
    chat.command("dana", "/snooze 6h", "09:30")
    [told] = chat.command("dana", "/snooze", "10:00")
    assert render(told.text, "en").startswith("Still snoozed until 15:30")
    assert render(told.text, "nl").startswith("Het sluimert nog tot 15:30")
    chat.tick("13:00:01")  # the first reminder: still not to dana
    assert [r.users for r in chat.of_type(RemindMembers)] == [("anna", "chris")]


def test_the_nudges_snooze_button_after_a_longer_snooze_keeps_the_later_end(app):
    chat = Chat(app)
    _nudged(chat)
    chat.command("ben", "/snooze 3h", "09:20")
    [told] = chat.snooze("ben", "09:05", "09:30")  # the button: an hour
    assert render(told.text, "en").startswith("Still snoozed until 12:20")
    chat.tick("10:31")
    assert [n for n in chat.of_type(SendNudge) if n.again] == []
