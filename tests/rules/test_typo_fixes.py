"""A proposal's edit either fixes typos (what the table said to it still holds) or
changes what it proposes (people say again): both ways, English and Dutch."""

from __future__ import annotations

import pytest

from rules.typo_fixes import a_typo_away, only_typos_fixed

TYPOS_FIXED = [
    ("we meet once a weak", "we meet once a week"),
    ("we meet once a week", "We meet once a week."),
    ("we meet once a week", "we meet once a week 🎉"),
    ("we meet once a week :tada:", "we meet once a week"),
    ("we meet once a week <:party:123456789>", "we meet once a week"),
    ("we meet *once* a week", "we meet once a week!"),
    ("we meet once a week?", "we meet, once a week"),
    ("we meet every day", "we meet everyday"),
    ("we merge on green, teh rest waits", "we merge on green, the rest waits"),
    ("we dont merge on red", "we don’t merge on red"),
    ("we recieve invoices until Tuesdy", "we receive invoices until Tuesday"),
    ("the accomodation is definately booked", "the accommodation is definitely booked"),
    ("we plannen de vergadring op maandag", "we plannen de vergadering op maandag"),
    ("we plannen de vergadering op maandag", "We plannen de vergadering op maandag!"),
    ("we plannen de vergadering op maandag 👍", "we plannen de vergadering op maandag"),
    ("we vergadern voortaan ieder week", "we vergaderen voortaan iedere week"),
    ("geen vergaderingen op vrijdg", "geen vergaderingen op vrijdag"),
    ("zo'n overleg duurt een uur", "zo’n overleg duurt een uur"),
]

SUBSTANCE_CHANGED = [
    ("we meet once a week", "we meet every day at 7am"),
    ("we meet at 7am", "we meet at 8am"),
    ("the budget is 500 euro", "the budget is 5000 euro"),
    ("we meet at 10 30", "we meet at 1030"),
    ("we can merge on red", "we can't merge on red"),
    ("we can merge on red", "we cant merge on red"),
    ("we meet now", "we meet not"),
    ("we meet once a week", "we meet once a week with Kevin"),
    ("we meet once a week", "we meet a week once"),
    ("we meet on Tuesday", "we meet on Thursday"),
    ("we start in jun", "we start in jul"),
    ("we hire one tester", "we hire two testers"),
    ("we meet in the office", "we meet on the office"),
    ("we meet once a week", "we meet twice a week"),
    ("we merge on green", "we merge on grey, then deploy"),
    ("the meeting starts at 9 <@U123>", "the meeting starts at 9 <@U124>"),
    ("we vergaderen één keer per week", "we vergaderen elke dag om 7 uur"),
    ("we nemen een tester aan", "we nemen geen tester aan"),
    ("we vergaderen op dinsdag", "we vergaderen op donderdag"),
    ("we vergaderen voortaan wel", "we vergaderen voortaan niet"),
    ("we vergaderen op maandag", "we vergaderen op maandag en vrijdag"),
    ("we vergaderen om 9 uur", "we vergaderen om 10 uur"),
    # A few letters in each of many words are more than a few letters.
    ("we vergadren voortan ieder wek", "we vergaderen voortaan iedere week"),
]


@pytest.mark.parametrize(("before", "after"), TYPOS_FIXED)
def test_typo_fixes_keep_what_was_said(before, after):
    assert only_typos_fixed(before, after)
    assert only_typos_fixed(after, before)


@pytest.mark.parametrize(("before", "after"), SUBSTANCE_CHANGED)
def test_typo_fixes_a_change_of_substance_is_none(before, after):
    assert not only_typos_fixed(before, after)
    assert not only_typos_fixed(after, before)


# Long enough that comparing every letter with every other would take hours; the
# timeout makes that a failure rather than a hang.
VERY_LONG = 200_000


@pytest.mark.timeout(60)
def test_typo_fixes_a_very_long_word_is_compared_in_little_time():
    word = "ab" * (VERY_LONG // 2)
    one_letter = word[:-1] + "x"
    two_swapped = "ba" + word[2:]
    many_letters = "x" * 10 + word[10:]
    assert only_typos_fixed(f"we {word}", f"we {one_letter}")
    assert only_typos_fixed(f"we {word}", f"we {two_swapped}")
    assert only_typos_fixed(f"we {word}", f"we {word[1:]}")
    assert not only_typos_fixed(f"we {word}", f"we {many_letters}")
    assert not only_typos_fixed(f"we {word}", f"we {word[5:]}")


@pytest.mark.parametrize(
    ("typed", "meant", "away"),
    [
        ("non", "none", True), ("non", "no", True), ("gene", "geen", True),
        ("zorgn", "zorgen", True), ("concerms", "concerns", True), ("no", "no", False),
        ("noise", "none", False), ("geld", "geen", False), ("no1", "no", False),
        ("conserns", "concerns", True),
    ],
)  # fmt: skip
def test_typo_fixes_a_word_a_typo_away_from_another_short_ones_too(typed, meant, away):
    assert a_typo_away(typed, meant) is away
