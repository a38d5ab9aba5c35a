"""Saying "not now" to every private reminder, not only to a nudge: /snooze, where no problem of
the person's waits, holds the reminders of a concern round and of a mandate's renewal
at that table for its span (rules.snoozed_reminders)."""

from __future__ import annotations

from rules.actions import AskRenewal, RemindMembers
from rules.i18n import render
from tests.bot.test_concern_rounds import start
from tests.helpers import Chat


def test_a_snooze_holds_a_rounds_reminders_until_it_ends(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    start(chat)  # ben asks; reminders every 4 hours, at most two
    [told] = chat.command("dana", "/snooze 6h", "09:30")
    assert told.private and told.user == "dana"
    assert render(told.text, "en").startswith("Snoozed until 15:30")
    assert "until then I send you no reminders here" in render(told.text, "en")
    assert render(told.text, "nl").startswith("Ik laat het sluimeren tot 15:30")
    chat.tick("13:00:01")  # the first reminder: not to dana
    chat.tick("17:00:01")  # the second: her snooze is over
    assert [r.users for r in chat.of_type(RemindMembers)] == [
        ("anna", "chris"),
        ("anna", "chris", "dana"),
    ]


def test_a_snooze_holds_the_renewal_reminders_after_a_meeting(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/mandate budgets up to 500 euro", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    [told] = chat.command("anna", "/sluimer 1d", "10:05")
    assert render(told.text, "nl").startswith("Ik laat het sluimeren tot morgen")
    ticked = chat.tick("14:00:01")  # the first reminder: ben only
    assert [a.users for a in ticked if isinstance(a, AskRenewal)] == [("ben",)]


def test_a_snooze_with_nothing_to_remind_of_still_says_so(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    [told] = chat.command("anna", "/snooze", "09:00")
    assert render(told.text, "en").startswith("Nothing you named here is waiting")
