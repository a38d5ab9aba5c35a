"""German and French at a table (the method's home is the Dutch-German-Belgian border):
the bot speaks English and Dutch, and its classifier was taught on those two.

A message in neither language is answered in the table's language, else in English,
the likelier common language, not in Dutch because "die" and "en" are Dutch words too.
And what the classifier would make of it is a guess: the bot does not nudge its writer,
nor take it for a proposal or for consent, on a guess."""

from __future__ import annotations

from bot.presenting import plain
from rules.actions import SendNudge
from tests.helpers import Chat

GERMAN_PROBLEM = "#problem Die Kaffeemaschine ist schon wieder kaputt, das ist echt ärgerlich"
FRENCH_PROBLEM = "#problem Le serveur est encore en panne depuis ce matin"


def test_other_languages_a_german_or_french_problem_is_not_nudged_on_a_guess(app):
    chat = Chat(app)
    chat.join("jonas", "claire", "ann")
    chat.say("jonas", GERMAN_PROBLEM, "09:00")
    chat.say("claire", FRENCH_PROBLEM, "09:01")
    chat.say("ann", "#problem the coffee machine is broken again", "09:02")
    chat.tick("09:30")
    assert [nudge.user for nudge in chat.of_type(SendNudge)] == ["ann"]


def test_other_languages_are_answered_in_english_or_the_tables_language(app):
    chat = Chat(app)
    [rules] = chat.command("jonas", "/groundrules Die Tür ist kaputt", "09:00")
    assert rules.lang == "en" and plain(rules).startswith("Our ground rules")
    chat.command("ann", "/table language nl", "09:01")
    [rules] = chat.command("jonas", "/groundrules Die Tür ist kaputt", "09:02")
    assert rules.lang == "nl"
