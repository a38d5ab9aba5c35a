"""A recurring message is known again by its words, whatever its numbers or markup."""

from __future__ import annotations

import pytest

from rules.fingerprints import message_fingerprint

SPEEDTEST = "speedtest on the lab line: 40 down / 8 up"


@pytest.mark.parametrize(
    "again",
    [
        "speedtest on the lab line: 38 down / 9 up",
        "speedtest on the lab line: 112 down / 12.5 up",
        "Speedtest on the LAB line:   40 down/8 up!",
        "*speedtest* on the lab line: 40 down / 8 up",
    ],
)
def test_fingerprints_the_same_words_are_known_again(again):
    assert message_fingerprint(again) == message_fingerprint(SPEEDTEST) is not None


@pytest.mark.parametrize(
    ("first", "again"),
    [
        (
            "the coffee machine is broken again, 3rd time",
            "the coffee machine is broken again, 4th time",
        ),
        (
            "the coffee machine is broken again, 1st time",
            "the coffee machine is broken again, 22nd time",
        ),
        ("standup moved again on the 1st of May", "standup moved again on the 23rd of May"),
        ("de koffieautomaat is weer stuk, 3e keer", "de koffieautomaat is weer stuk, 4e keer"),
        ("de koffieautomaat is weer stuk, 1ste keer", "de koffieautomaat is weer stuk, 2de keer"),
        ("de koffieautomaat is weer stuk, 8ste keer", "de koffieautomaat is weer stuk, 3e keer"),
    ],
)
def test_fingerprints_ordinals_are_numbers_too(first, again):
    assert message_fingerprint(first) == message_fingerprint(again) is not None


def test_fingerprints_a_number_in_a_word_still_reads_as_a_number():
    """Only a whole ordinal's ending goes: "3days" keeps its "days"."""
    assert message_fingerprint("backup took 3days again") == message_fingerprint(
        "backup took 4days again"
    )
    assert message_fingerprint("backup took 3days again") != message_fingerprint(
        "backup took 3 again"
    )


def test_fingerprints_links_and_names_are_known_by_their_place():
    today = "speedtest for <@U1> on the lab line: 40 down / 8 up https://speed.example/r/1"
    tomorrow = "speedtest for <@U2> on the lab line: 38 down / 9 up https://speed.example/r/2"
    assert message_fingerprint(today) == message_fingerprint(tomorrow)
    assert message_fingerprint(today) != message_fingerprint(SPEEDTEST)


@pytest.mark.parametrize(
    "other",
    [
        "speedtest on the office line: 40 down / 8 up",
        "speedtest on the lab line: 40 down / 8 up, and the wifi is gone",
        "the lab line is down",
    ],
)
def test_fingerprints_other_words_are_another_message(other):
    assert message_fingerprint(other) != message_fingerprint(SPEEDTEST)


def test_fingerprints_too_short_to_know_again():
    assert message_fingerprint("printer broken") is None
    assert message_fingerprint("👍 42") is None
    assert message_fingerprint("the printer broke") is not None


@pytest.mark.parametrize(
    "text",
    ["printer broken <@U04ABC123>", "printer broken <@U04ABC123> <@U04DEF456>",
     "printer broken https://status.example/printers", "printer broken @anna @bram"],
)  # fmt: skip
def test_fingerprints_names_and_links_are_no_words_to_know_a_message_by(text):
    """Two words with someone named or a link say as little as the two words alone."""
    assert message_fingerprint(text) is None


def test_fingerprints_a_long_message_is_known_by_its_start():
    start = " ".join(f"word{n}" for n in range(60)).replace("0", "x")
    assert message_fingerprint(start + " and then more") == message_fingerprint(start)
    assert message_fingerprint("other " + start) != message_fingerprint(start)
