"""Why the trained model scored a message as it did: each feature's part of the logit.

The model is linear, so a label's logit is exactly its bias plus one term per feature
(and, read in context, one for the message before). Those terms are the explanation:
nothing is approximated, and they add up to the score the bot acted on. Character
n-grams are summed per word ("kapot" weighs +0.9 through its letters), since a
person reads words, not "apo".

For people checking a judgement (`groundrules explain`) and for whoever studies the
model's mistakes; the bot itself never needs it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH_STOP_WORDS
from spacy.tokens import Doc

from rules.classifier.trained import CAPS, NEEDS_WORDS, LinearTextcat, is_wordless

Kind = Literal["words", "characters", "context"]


@dataclass(frozen=True, slots=True)
class Reason:
    kind: Kind  # a word n-gram, one word's character n-grams, or the message before
    text: str  # the n-gram, the word, or "" for the message before
    weight: float  # its part of the label's logit


@dataclass(frozen=True, slots=True)
class Explanation:
    label: str
    score: float
    bias: float
    reasons: tuple[Reason, ...]  # every feature's part, the largest (by size) first
    in_context: bool  # read by the head that also reads the message before
    wordless: bool  # scored 0: a message without a letter cannot carry this label

    @property
    def logit(self) -> float:
        return self.bias + sum(reason.weight for reason in self.reasons)


def explain(
    textcat: LinearTextcat, doc: Doc, previous: Mapping[str, float] | None = None
) -> dict[str, Explanation]:
    """Each label's explanation; `previous` as `score_batch` takes it (the message
    before's text-alone scores), read only by a model with an in-context head."""
    labels = len(textcat.labels)
    in_context = previous is not None and textcat.previous_weights is not None
    columns = np.arange(labels) + (labels if in_context else 0)
    norms, shouted = textcat.analyzer.read(doc)
    parts: dict[tuple[Kind, str], np.ndarray] = defaultdict(lambda: np.zeros(labels))
    word_ids: list[int] = []

    # The word block: each distinct n-gram's TF-IDF value, as the component computes it.
    found: dict[int, str] = {}
    for ngram in textcat.analyzer.words(norms, shouted):
        feature = textcat.word_index.feature(ngram)
        if feature is not None:
            found.setdefault(feature, ngram)
            word_ids.append(feature)
    for feature, value in _values(textcat, word_ids, textcat.word_idf).items():
        parts["words", found[feature]] += _row(textcat, feature, columns) * value

    # The character block, computed over the whole doc; a character n-gram's value is
    # shared out evenly among the places it occurs, and summed per word.
    places: list[tuple[str, int]] = []
    for norm in norms:
        for gram in textcat.analyzer.token_chars(norm):
            feature = textcat.char_index.feature(gram)
            if feature is not None:
                places.append((norm, feature))
    char_counts = Counter(feature for _, feature in places)
    values = _values(textcat, [feature for _, feature in places], textcat.char_idf)
    offset = textcat.word_index.count
    for norm, feature in places:
        share = values[feature] / char_counts[feature]
        parts["characters", norm] += _row(textcat, offset + feature, columns) * share

    if in_context:
        before = np.array([previous[label] for label in textcat.labels], dtype=np.float64)
        parts["context", ""] = before @ textcat.previous_weights

    logits = textcat.bias[columns] + sum(parts.values(), np.zeros(labels))
    wordless = is_wordless(norms, doc)
    explanations = {}
    for j, label in enumerate(textcat.labels):
        reasons = sorted(
            (
                Reason(kind, text, float(weights[j]))
                for (kind, text), weights in parts.items()
                if weights[j] != 0.0  # a label not read in context: no term for it
            ),
            key=lambda reason: -abs(reason.weight),
        )
        silenced = wordless and label in NEEDS_WORDS
        explanations[label] = Explanation(
            label,
            0.0 if silenced else 1.0 / (1.0 + math.exp(-logits[j])),
            float(textcat.bias[columns[j]]),
            tuple(reasons),
            in_context,
            silenced,
        )
    return explanations


# What a person is shown of an explanation ("Why?" on a nudge): the few words that
# weighed most, never the model's markers or words that carry nothing by themselves
# ("de", "the"). Some stop words do carry a problem, and stay.
TELLING_WORDS = 3
MARKERS = frozenset({"<s>", "</s>", CAPS})
_SAYS_LITTLE = (ENGLISH_STOP_WORDS | DUTCH_STOP_WORDS) - {
    "not", "no", "never", "nothing", "nobody", "none", "again", "still", "down", "off",
    "out", "empty", "too", "enough", "few", "less", "without",
    "niet", "geen", "nooit", "niets", "niemand", "weer", "alweer", "nog", "weinig", "meer",
    "minder", "genoeg", "zonder",
}  # fmt: skip
# A word shown weighs at least this share of the weightiest one: a list of three
# where the third barely counted would mislead.
_SHARE_OF_TOP = 0.25


def telling_words(found: Explanation, spelled: Mapping[str, str]) -> tuple[str, ...]:
    """The words that pushed `found`'s label up most, weightiest first, as `spelled`
    (token norm -> the word as written) gives them; a word it lacks is not shown.

    A word's weight is its letters plus its share of each word n-gram it is in (an
    n-gram's weight split evenly over its words), so "werkt niet" counts for both.
    """
    if found.wordless:
        return ()
    weight: dict[str, float] = defaultdict(float)
    for reason in found.reasons:
        if reason.kind == "characters":
            weight[reason.text] += reason.weight
        elif reason.kind == "words":
            words = [word for word in reason.text.split(" ") if word not in MARKERS]
            for word in words:
                weight[word] += reason.weight / len(words)
    ranked = sorted(
        (
            (value, word)
            for word, value in weight.items()
            if value > 0 and word in spelled and word not in _SAYS_LITTLE
        ),
        reverse=True,
    )
    if not ranked:
        return ()
    floor = ranked[0][0] * _SHARE_OF_TOP
    # Two features may be shown alike ("not" and "can~not" are both "can't"): once.
    shown = dict.fromkeys(spelled[word] for value, word in ranked if value >= floor)
    return tuple(shown)[:TELLING_WORDS]


def _values(textcat: LinearTextcat, ids: list[int], idf: np.ndarray) -> dict[int, float]:
    """One doc's TF-IDF values of a block, by feature (the component's `tfidf`)."""
    if not ids:
        return {}
    array = np.array(ids, dtype=np.int64)
    _, features, values = textcat.tfidf(np.zeros(len(array), dtype=np.int64), array, 1, idf)
    return dict(zip(features.tolist(), values.tolist(), strict=True))


def _row(textcat: LinearTextcat, feature: int, columns: np.ndarray) -> np.ndarray:
    return textcat.weights[feature, columns].astype(np.float64)
