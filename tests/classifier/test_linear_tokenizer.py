"""spaCy's tokenizer reads a word of 2,000 punctuation marks in linear time, and cuts
every text as spaCy's own searches do (rules/classifier/linear_tokenizer.py)."""

from __future__ import annotations

import random
import re

import pytest
import spacy

from rules.classifier.linear_tokenizer import WORD_END, EndSearch, UrlMatch, linearise
from rules.classifier.rule_based import RuleClassifier
from rules.classifier.trained import TrainedClassifier

# Words that took the engine's worker about a second each (2,000 characters: one
# Discord message), and words whose ends spaCy's suffix rules treat apart.
HOSTILE = ["!" * 2000, "?!" * 1000, "'s" * 1000, "s'" * 1000, "😡" * 2000, "(" * 2000,
           ":)" * 1000, "@:" * 1000, "a:" * 1000, "—" * 2000]  # fmt: skip
TRICKY = [
    "really?!", "done.....", "wait…", "x" + "." * 40, "!" + "." * 40, "U.S.", "Anna's",
    "Anna’s", "bosses'", "10km", "12km³", "5US$", "30°C.", "(see", "that)", "“quoted”",
    "e.g.", "a" * 300 + "!!", "http://user:pw@example.com/path?x=1", "user@example.com",
    "example.com:8080/x", "mailto:anna@example.org", "a:b@c.nl", ":-)", "<3", "--",
    "2+2", "…" * 30, "'''", "end.)", "#1", "x" * 20 + "." * 20 + "!",
]  # fmt: skip


class RecordingPattern:
    """A compiled pattern that notes where each search of it began, counted from the end
    of the text it was given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.pattern_text = pattern.pattern
        self.from_the_end: list[int] = []

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        self.from_the_end.append(len(text) - pos)
        return self.pattern.search(text, pos)


@pytest.fixture(scope="module")
def spacy_own():
    return spacy.blank("en").tokenizer


@pytest.fixture(scope="module")
def linear():
    nlp = spacy.blank("en")
    linearise(nlp)
    return nlp.tokenizer


# spaCy's own tokenizer takes seconds over the hostile words whole: their first 200
# characters show the same.
@pytest.mark.parametrize("text", [word[:200] for word in HOSTILE] + TRICKY)
def test_linear_tokenizer_cuts_as_spacy_does(spacy_own, linear, text):
    assert [t.text for t in linear(text)] == [t.text for t in spacy_own(text)]


def test_linear_tokenizer_finds_the_suffix_spacy_finds_in_random_words(spacy_own):
    search, match = spacy_own.suffix_search, spacy_own.url_match
    at_the_end, url = EndSearch(search.__self__), UrlMatch(match.__self__)
    pieces = [*".'’sS!?:)(@#/-—…_0k", "km", "US$", "°C", "http://", ".com", ":80", "😡", "a"]
    rnd = random.Random(7)
    for _ in range(5_000):
        word = "".join(rnd.choice(pieces) for _ in range(rnd.choice([1, 3, 9, 17, 30])))
        expected, found = search(word), at_the_end(word)
        assert (found and found.span()) == (expected and expected.span()), word
        assert (url(word) is None) == (match(word) is None), word


def test_linear_tokenizer_searches_only_the_end_of_a_long_word(spacy_own):
    recording = RecordingPattern(spacy_own.suffix_search.__self__)
    search = EndSearch(recording)  # type: ignore[arg-type]
    assert search("!" * 2000).span() == (1999, 2000)
    assert search("x" + "." * 40).span() == (1, 41)  # a run of dots is one suffix
    assert recording.from_the_end == [WORD_END, 41]


def test_linear_tokenizer_link_pattern_is_spacys_without_its_colon_trap(spacy_own):
    spacys = spacy_own.url_match.__self__
    url = UrlMatch(spacys)
    assert url.pattern.pattern != spacys.pattern  # found in this spaCy's pattern
    assert url.__self__ is spacys  # what a saved tokenizer keeps


@pytest.mark.parametrize(
    "build", [RuleClassifier, TrainedClassifier.load], ids=["rules", "trained"]
)
def test_linear_tokenizer_reads_a_classified_punctuation_run_only_at_its_end(build):
    classifier = build()
    search = classifier.nlp.tokenizer.suffix_search
    recording = RecordingPattern(search.pattern)
    search.pattern = recording
    for text in HOSTILE:
        classifier.classify(text)
    assert recording.from_the_end and max(recording.from_the_end) <= WORD_END
