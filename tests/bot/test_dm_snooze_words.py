"""Which words typed in the bot's DM ask for "not now" (bot.dm_answers.snooze_asked), on
Slack and Discord alike: the /snooze they mean, in the language they show."""

from __future__ import annotations

import pytest

from bot.dm_answers import SnoozeAsked, snooze_asked


@pytest.mark.parametrize(
    ("words", "asked"),
    [
        ("not now", SnoozeAsked("snooze", "")),
        ("Later!", SnoozeAsked("snooze", "")),
        ("snooze 2h", SnoozeAsked("snooze", "2h")),
        ("/sluimer 1u", SnoozeAsked("sluimer", "1u")),
        ("Nu even niet.", SnoozeAsked("sluimer", "")),
        # A word of courtesy asks the same; a Dutch one says it is asked in Dutch.
        ("later graag", SnoozeAsked("sluimer", "")),
        ("Later, graag!", SnoozeAsked("sluimer", "")),
        ("nu even niet, dank je", SnoozeAsked("sluimer", "")),
        ("not now please", SnoozeAsked("snooze", "")),
        ("please, not now", SnoozeAsked("snooze", "")),
        ("not yet, thanks", SnoozeAsked("snooze", "")),
    ],
)
def test_not_now_in_words_asks_for_a_snooze(words: str, asked: SnoozeAsked):
    assert snooze_asked(words) == asked


@pytest.mark.parametrize(
    "words",
    ["thanks", "graag", "later?", "later graag dan", "not now thanks a lot", "laterthanks",
     "please snooze the printer", "snooze the printer", "I'll do it later"],
)  # fmt: skip
def test_other_words_ask_for_none(words: str):
    assert snooze_asked(words) is None


@pytest.mark.parametrize(
    ("words", "lang"),
    [("sluimer", "nl"), ("later graag", "nl"), ("later", None), ("snooze 2h", None)],
)
def test_the_language_a_snooze_shows(words: str, lang: str | None):
    """An English name alone shows none: everyone's English client shows it."""
    asked = snooze_asked(words)
    assert asked is not None and asked.lang == lang
