"""Word n-grams found by number agree with the strings training builds."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from rules.classifier.trained import Analyzer
from rules.classifier.word_index import WordIndex

WORDS = ["the", "printer", "is", "down", "again", "de", "ligt", "eruit", "koffie"]


def by_strings(vocabulary, analyzer, docs):
    found = Counter()
    for number, words in enumerate(docs):
        for feature in analyzer.words(words, 0):
            if feature in vocabulary:
                found[(number, vocabulary[feature])] += 1
    return found


def by_numbers(index, docs):
    numbers, owners = [], []
    for number, words in enumerate(docs):
        framed = index.numbers(["<s>", *words, "</s>"])
        numbers += framed
        owners += [number] * len(framed)
    found_docs, found_features = index.find(np.array(numbers), np.array(owners))
    return Counter(zip(found_docs.tolist(), found_features.tolist(), strict=True))


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (1, 3), (2, 3)])
def test_word_index_finds_what_the_strings_find(ngrams):
    rng = random.Random(7)
    analyzer = Analyzer(ngrams, (2, 5))
    texts = [[rng.choice(WORDS) for _ in range(rng.randint(0, 9))] for _ in range(300)]
    # The vocabulary: n-grams of half the texts, so the rest meet unknown ones too.
    features = sorted({f for words in texts[:150] for f in analyzer.words(words, 0)})
    vocabulary = {feature: i for i, feature in enumerate(features)}
    index = WordIndex.of(vocabulary, ngrams)
    assert by_numbers(index, texts) == by_strings(vocabulary, analyzer, texts)


def test_word_index_never_joins_two_messages():
    analyzer = Analyzer((1, 3), (2, 5))
    vocabulary = {"down </s>": 0, "</s> <s>": 1, "<s> again": 2}
    index = WordIndex.of(vocabulary, (1, 3))
    assert by_numbers(index, [["down"], ["again"]]) == Counter({(0, 0): 1, (1, 2): 1})
    assert by_strings(vocabulary, analyzer, [["down"], ["again"]]) == Counter(
        {(0, 0): 1, (1, 2): 1}
    )


def test_word_index_refuses_a_vocabulary_it_cannot_number():
    with pytest.raises(ValueError, match="not a"):
        WordIndex.of({"a b c d": 0}, (1, 3))


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 3), (2, 3)])
def test_word_index_gives_back_the_vocabulary_it_was_built_from(ngrams):
    """The component keeps no n-gram strings; saving it rebuilds them from the index."""
    rng = random.Random(11)
    analyzer = Analyzer(ngrams, (2, 5))
    texts = [[rng.choice(WORDS) for _ in range(rng.randint(0, 9))] for _ in range(100)]
    features = {f for words in texts for f in analyzer.words(words, 0)}
    shuffled = rng.sample(sorted(features), len(features))
    index = WordIndex.of({feature: i for i, feature in enumerate(shuffled)}, ngrams)
    assert index.vocabulary() == shuffled
    assert index.count == len(shuffled)


def test_word_index_finds_a_feature_by_its_string():
    index = WordIndex.of({"printer down": 0, "down": 1, "again": 2, "down again now": 3}, (1, 3))
    assert index.feature("down") == 1
    assert index.feature("again") == 2
    assert index.feature("printer down") == 0
    assert index.feature("down again now") == 3
    assert index.feature("printer") is None  # only inside a bigram
    assert index.feature("down again") is None  # only inside a trigram
    assert index.feature("koffie") is None
    assert index.feature("printer down again now") is None  # longer than any n-gram


def test_word_index_finds_every_feature_of_a_vocabulary():
    rng = random.Random(5)
    analyzer = Analyzer((1, 3), (2, 5))
    features = {
        f
        for _ in range(60)
        for f in analyzer.words([rng.choice(WORDS) for _ in range(rng.randint(1, 8))], 0)
    }
    vocabulary = {feature: i for i, feature in enumerate(sorted(features))}
    index = WordIndex.of(vocabulary, (1, 3))
    assert {feature: index.feature(feature) for feature in vocabulary} == vocabulary


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 3), (2, 3)])
def test_word_index_is_rebuilt_from_its_arrays(ngrams):
    """The shipped model stores the index as arrays: rebuilt, it finds the same."""
    rng = random.Random(13)
    analyzer = Analyzer(ngrams, (2, 5))
    texts = [[rng.choice(WORDS) for _ in range(rng.randint(0, 9))] for _ in range(200)]
    features = sorted({f for words in texts[:100] for f in analyzer.words(words, 0)})
    index = WordIndex.of({feature: i for i, feature in enumerate(features)}, ngrams)
    again = WordIndex.from_arrays(index.arrays(), ngrams, count=index.count)
    assert by_numbers(again, texts) == by_numbers(index, texts)
    assert again.vocabulary() == features
