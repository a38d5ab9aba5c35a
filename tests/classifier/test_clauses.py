"""A short message's clauses, as the second reading weighs them one by one."""

from __future__ import annotations

import pytest

from rules.classifier.clauses import LONGEST, MOST, clauses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The rigger on the green four is cracked, please don't take it out until it's welded",
            [
                "The rigger on the green four is cracked",
                "please don't take it out until it's welded",
            ],
        ),
        (
            "Piepertest: drie bemanningsleden kwamen niet door; check je batterijen!",
            ["drie bemanningsleden kwamen niet door", "check je batterijen!"],
        ),
        (
            "the printer on 2 is jammed again - can someone call the vendor? I can't today",
            ["the printer on 2 is jammed again", "can someone call the vendor", "I can't today"],
        ),
    ],
)
def test_a_short_message_splits_where_a_clause_ends(text, expected):
    assert clauses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we are open till 8:30 and it cost 1,100 since v2.1",  # no space after the mark
        "staging is down again. Anyone?",  # a one-word clause says too little alone
        "thanks!",
        "",
    ],
)
def test_a_message_of_one_clause_is_read_whole_only(text):
    assert clauses(text) == []


def test_the_writers_own_words_are_split_not_its_markup_or_frame():
    # The commas inside the code and the greeting's and sign-off's split nothing.
    text = "Hi all,\n\nthe lift is out again `ERR, 42, x`, take the stairs\n\nThanks, Ann"
    assert clauses(text) == ["the lift is out again xxcode", "take the stairs"]


def test_a_long_post_is_read_whole_only():
    sentence = "The deploy failed on the second node, we should roll back. "
    post = sentence * (LONGEST // len(sentence) + 1)
    assert len(post) > LONGEST
    assert clauses(post) == []


def test_no_more_clauses_are_read_than_most():
    text = ", ".join(f"item {n} is late" for n in range(MOST + 3))
    found = clauses(text)
    assert len(found) == MOST
    assert found[0] == "item 0 is late"
