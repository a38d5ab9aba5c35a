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
    assert render(told.text, "en").splitlines()[:2] == [
        "I am not waiting for a proposal from you here, so there was nothing to do.",
        "/snooze puts off my reminders to you here: about a problem of yours that waits for a "
        "proposal, a concern round or your mandate.",
    ]
    assert render(told.text, "nl").splitlines()[1] == (
        "Met /sluimer stel je mijn herinneringen aan jou hier uit: over een probleem van je dat "
        "op een voorstel wacht, een zorgenronde of je mandaat."
    )


HELD_TOO = "Until then I send you no reminders here about a concern round or your mandate either."


def test_a_nudges_snooze_says_it_holds_the_rounds_reminders_too(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    start(chat)  # the round waits for dana
    chat.say("dana", "the build is broken again #problem", "09:05")
    chat.tick("09:15:01")  # her nudge
    [told] = chat.command("dana", "/snooze 2h", "09:20")
    assert "Snoozed until 11:20 (UTC). I will remind you again" in render(told.text, "en")
    assert HELD_TOO in render(told.text, "en")
    assert (
        "Tot dan stuur ik je hier ook geen herinneringen over een zorgenronde of je mandaat."
        in render(told.text, "nl")
    )


def test_a_nudges_snooze_button_says_it_holds_the_renewal_reminders_too(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")  # ben's mandate waits for renewal
    chat.say("ben", "deploys keep failing #problem", "10:05")
    problem = "10:05"  # its message id
    chat.tick("10:15:01")
    [told] = chat.snooze("ben", problem, "10:20")
    assert HELD_TOO in render(told.text, "en")


def test_a_nudges_snooze_with_no_reminder_pending_does_not_mention_them(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "deploys keep failing #problem", "09:05")
    chat.tick("09:15:01")
    [told] = chat.command("ben", "/snooze 2h", "09:20")
    assert "reminders here" not in render(told.text, "en")
