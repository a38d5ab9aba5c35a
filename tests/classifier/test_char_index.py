"""Character n-grams found by hash agree with a plain dict of the n-gram strings."""

from __future__ import annotations

import random

import numpy as np
import pytest

from rules.classifier.char_index import CharIndex
from rules.classifier.trained import Analyzer

WORDS = ["printer", "kapot", "één", "café", "🙃", "roosterwijziging", "c++", "x"]


def grams_of(words):
    analyzer = Analyzer((1, 2), (2, 5))
    return [gram for word in words for gram in analyzer.token_chars(word)]


def test_char_index_finds_what_a_dict_finds():
    rng = random.Random(3)
    known = list(dict.fromkeys(grams_of(WORDS[:5])))
    rng.shuffle(known)
    index = CharIndex.of(known)
    vocabulary = {gram: i for i, gram in enumerate(known)}
    for word in WORDS:
        grams = grams_of([word])
        expected = [vocabulary[gram] for gram in grams if gram in vocabulary]
        assert index.features(grams).tolist() == expected
    assert index.feature(" ca") == vocabulary[" ca"]
    assert index.feature("zzz") is None
    assert len(index) == len(known)


def test_char_index_gives_back_its_strings_and_is_rebuilt_from_its_arrays():
    known = list(dict.fromkeys(grams_of(WORDS)))
    index = CharIndex.of(known)
    assert index.strings() == known
    again = CharIndex(**index.arrays())
    grams = grams_of(["printers", "kapotte", "één"])
    np.testing.assert_array_equal(again.features(grams), index.features(grams))


def test_char_index_refuses_a_repeated_ngram():
    with pytest.raises(ValueError, match="share a hash"):
        CharIndex.of(["ab", "cd", "ab"])


def test_an_empty_char_index_finds_nothing():
    assert CharIndex.of([]).features(["ab", "cd"]).tolist() == []
    assert CharIndex.of(["ab"]).features([]).tolist() == []


def test_char_index_finds_groups_as_it_finds_each_alone():
    index = CharIndex.of(list(dict.fromkeys(grams_of(WORDS[:4]))))
    groups = [grams_of([word]) for word in [*WORDS, "printer"]] + [[]]
    found = index.features_in_groups(groups)
    assert [ids.tolist() for ids in found] == [index.features(g).tolist() for g in groups]
    assert found[-1].tolist() == []
