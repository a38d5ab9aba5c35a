"""Text of invisible characters is no text: what shows, and what shows a word."""

from __future__ import annotations

from datetime import date

import pytest

from rules.grammar import (
    AnswerRound,
    StartRound,
    UsageError,
    find_command,
    parse_command,
)
from rules.visible import has_words, shows

ZERO_WIDTH, BRAILLE_BLANK, HANGUL_FILLER = "\u200b", "\u2800", "\u3164"
INVISIBLE = [
    ZERO_WIDTH, BRAILLE_BLANK, HANGUL_FILLER * 2, "\u2060\ufeff\u200d", "\u00ad", "\u034f",
    "\u115f\u1160", "\uffa0", "\U000e0041\U000e0042", "\ufe0f", " \u200b \u3000 \u2800 ",
    "\u202e\u2066", "\x1b",
]  # fmt: skip
TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("text", ["", " \t\n", *INVISIBLE])
def test_visible_invisible_text_shows_nothing(text):
    assert not shows(text) and not has_words(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [("?", False), ("👍", False), ("1", False), ("e\u0301", False), ("ok", True),
     ("a b", False), ("a\u200bb", True), ("中文", True), (f"{HANGUL_FILLER} ok", True)],
)  # fmt: skip
def test_visible_what_shows_and_what_shows_a_word(text, words):
    assert shows(text) and has_words(text) is words


def parse(command: str, args: str):
    spec, _ = find_command(command)
    return parse_command(spec, args, today=TODAY)


@pytest.mark.parametrize("text", INVISIBLE)
def test_visible_an_invisible_proposal_concern_or_agreement_is_none(text):
    assert parse("concerns", text) == StartRound(None)  # asks which proposal
    assert isinstance(parse("concern", text), UsageError)
    assert isinstance(parse("agree", f"{text} because {ZERO_WIDTH}"), UsageError)
    assert isinstance(parse("agree", f"tea at 3 because {text}"), UsageError)
    assert isinstance(parse("agree", f"{text} because breaks"), UsageError)
    assert isinstance(parse("review", f"revise 1 {text} because {text}"), UsageError)
    assert parse("review", f"keep 1 because {text}").why is None


@pytest.mark.parametrize(
    ("command", "args"),
    [("mandate", HANGUL_FILLER * 3), ("table", f"join {HANGUL_FILLER * 2}"),
     ("role", f"add captain {HANGUL_FILLER * 2}"), ("table", f"about {BRAILLE_BLANK}")],
)  # fmt: skip
def test_visible_words_of_invisible_letters_are_no_words(command, args):
    assert isinstance(parse(command, args), UsageError)


def test_visible_words_with_an_invisible_character_among_them_are_taken():
    assert parse("concerns", f"pin{ZERO_WIDTH} the image") == StartRound(
        f"pin{ZERO_WIDTH} the image"
    )
    assert parse("concern", f"{ZERO_WIDTH}not on fridays") == AnswerRound(
        f"{ZERO_WIDTH}not on fridays"
    )
