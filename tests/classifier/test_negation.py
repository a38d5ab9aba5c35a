"""A negated modal reads as one word, so "I can't log in" is not read as an offer."""

from __future__ import annotations

import pytest

from rules.classifier.negation import mark_negated
from rules.classifier.normalise import normalise
from rules.classifier.trained import blank_pipeline


@pytest.fixture(scope="module")
def read():
    """Text -> the norms the model reads, with and without negation marking."""
    plain = blank_pipeline(negation=False)
    negating = blank_pipeline(negation=True)

    def norms(text: str, *, negation: bool = True) -> list[str]:
        nlp = negating if negation else plain
        return nlp.get_pipe("textcat").analyzer.read(nlp.tokenizer(normalise(text)))[0]

    return norms


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("I can't log in", "can~not"),
        ("I cannot log in", "can~not"),
        ("we won't make Friday", "will~not"),
        ("couldn't reach the family all week", "could~not"),
        ("ik kan niet inloggen", "kan~niet"),
        ("we kunnen de deadline niet halen", "kunnen~niet"),  # words between
        ("ik kan de notulen nergens vinden", "kan~niet"),
        ("ik kan geen verbinding maken", "kan~niet"),
        ("dat we het niet kunnen halen", "kunnen~niet"),  # the negation first
    ],
)
def test_a_modal_with_a_negation_in_its_clause_reads_as_one_negated_word(read, text, negated):
    norms = read(text)
    assert negated in norms
    # the negation itself is still read
    assert "not" in norms or "niet" in norms or "nergens" in norms or "geen" in norms


@pytest.mark.parametrize(
    "text",
    [
        "I can take the Tuesday shift",
        "I can help, but not today",  # the negation is in the next clause
        "ik kan helpen, maar niet vandaag",
        "not sure, but I can ask",
        "ik kan het morgen oppakken",
    ],
)
def test_a_modal_without_a_negation_in_its_clause_is_left_as_it_is(read, text):
    assert not any("~" in norm for norm in read(text))


def test_without_negation_marking_the_norms_are_spacys(read):
    assert read("I can't log in", negation=False) == ["i", "can", "not", "log", "in"]
    assert read("I can't log in") == ["i", "can~not", "not", "log", "in"]


def test_a_negation_too_far_from_the_modal_does_not_count():
    far = ["i", "can", "a", "b", "c", "d", "e", "not"]
    assert mark_negated(far) == far
    assert mark_negated([*far[:6], "not"])[1] == "can~not"  # five words on: counted
    assert mark_negated(["niet", "a", "b", "kan"]) == ["niet", "a", "b", "kan"]
