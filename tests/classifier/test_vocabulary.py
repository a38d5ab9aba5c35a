"""Both classifiers stop spaCy's vocabulary growing once it has grown by its bound."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rules.classifier.rule_based import RuleClassifier
from rules.classifier.trained import TrainedClassifier

CLASSIFIERS = {
    "trained": lambda growth: TrainedClassifier.load(vocabulary_growth=growth),
    "rules": lambda growth: RuleClassifier(vocabulary_growth=growth),
}


def unseen_words(count: int, seed: int) -> list[str]:
    """Messages of made-up words (names, typos, codes), three to a message."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = ["".join(rng.choice(letters, 8)) for _ in range(3 * count)]
    return [f"the printer {' '.join(words[i : i + 3])}" for i in range(0, len(words), 3)]


@pytest.mark.parametrize("kind", CLASSIFIERS)
def test_the_vocabulary_stops_growing_at_its_bound_and_results_do_not_change(kind):
    bounded, unbounded = CLASSIFIERS[kind](100), CLASSIFIERS[kind](10**9)
    strings = bounded.nlp.vocab.strings
    start = len(strings)
    batches = [unseen_words(10, seed) for seed in range(40)]  # 1,200 new words
    for batch in batches:
        assert bounded.classify_many(batch) == unbounded.classify_many(batch)
    assert bounded.classify(batches[-1][0]) == unbounded.classify(batches[-1][0])
    # the call that crosses the bound keeps its 30 words; after it, every call's are dropped
    assert len(strings) <= start + 100 + 30
    assert len(unbounded.nlp.vocab.strings) >= start + 1_200
    # words met before the bound stay readable, and read as before
    assert bounded.classify_many(batches[0]) == unbounded.classify_many(batches[0])


@pytest.mark.parametrize("kind", CLASSIFIERS)
def test_readings_in_several_threads_at_once_keep_each_others_words(kind):
    """The runtime classifies in worker threads. A memory zone is the whole string
    store's: one reading leaving its zone dropped the words another was still reading
    (a live bot lost messages to "Can't retrieve string for hash")."""
    bounded, unbounded = CLASSIFIERS[kind](0), CLASSIFIERS[kind](10**9)
    batches = [unseen_words(5, seed) for seed in range(120)]
    expected = [unbounded.classify_many(batch) for batch in batches]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often, as under load
    try:
        with ThreadPoolExecutor(4) as pool:
            found = list(pool.map(bounded.classify_many, batches))
    finally:
        sys.setswitchinterval(switching)
    assert found == expected
