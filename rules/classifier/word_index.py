"""Word n-grams found by number: the vocabulary's n-grams as sequences of token numbers.

Scoring a message used to build the string of every n-gram in it ("the", "the
printer", "the printer is", ...) and look each one up. Here each word is numbered
once, and the n-grams of a whole batch are found with one sorted search per n, in
numpy. The features found are exactly the ones the strings would have found (the
training code still builds the strings: tests check the two agree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rules.classifier.sorted_keys import MISSING, find_sorted
from rules.classifier.strings import each_string, join_strings

UNKNOWN = -1


class WordIndex:
    def __init__(
        self,
        ngrams: tuple[int, int],
        *,
        count: int,
        tokens: Mapping[str, np.ndarray],
        unigrams: np.ndarray,
        keys: Mapping[int, np.ndarray],
        features: Mapping[int, np.ndarray],
    ) -> None:
        """The index as `arrays` gives it (`of` builds one from a vocabulary): `count`
        features; `tokens` the words, joined (`strings.py`), a word's number its place;
        `unigrams` each word's feature id as a unigram (UNKNOWN: none); per n > 1, the
        n-grams' keys (`key`), sorted, and their feature ids in the same order."""
        self.low, self.high = ngrams
        self.count = count
        self._joined = dict(tokens)
        self.tokens: dict[str, int] = {word: n for n, word in enumerate(each_string(**tokens))}
        self.size = max(len(self.tokens), 1)
        if self.size**self.high >= 2**63:
            raise ValueError(f"{self.size} words are too many to number {self.high}-grams")
        self.unigrams = np.asarray(unigrams, dtype=np.int64)
        self.keys = {n: np.asarray(keys[n], dtype=np.int64) for n in range(2, self.high + 1)}
        self.features = {n: np.asarray(features[n], dtype=np.int64) for n in self.keys}

    @classmethod
    def of(cls, vocabulary: Mapping[str, int], ngrams: tuple[int, int]) -> WordIndex:
        """`vocabulary` maps n-gram strings (words joined by one space) to feature ids."""
        low, high = ngrams
        tokens: dict[str, int] = {}
        for feature in vocabulary:
            for word in feature.split(" "):
                tokens.setdefault(word, len(tokens))
        size = max(len(tokens), 1)
        unigrams = np.full(size, UNKNOWN, dtype=np.int64)
        found: dict[int, list[tuple[int, int]]] = {n: [] for n in range(2, high + 1)}
        for feature, index in vocabulary.items():
            words = feature.split(" ")
            if not low <= len(words) <= high:
                raise ValueError(f"word feature {feature!r} is not a {ngrams} n-gram")
            if len(words) == 1:
                unigrams[tokens[feature]] = index
            else:
                key = 0
                for word in words:
                    key = key * size + tokens[word]
                found[len(words)].append((key, index))
        for pairs in found.values():
            pairs.sort()
        return cls(
            ngrams,
            count=len(vocabulary),
            tokens=join_strings(list(tokens)),
            unigrams=unigrams,
            keys={
                n: np.array([key for key, _ in pairs], dtype=np.int64) for n, pairs in found.items()
            },
            features={
                n: np.array([index for _, index in pairs], dtype=np.int64)
                for n, pairs in found.items()
            },
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as flat arrays, named for `from_arrays`."""
        found = {f"tokens.{name}": array for name, array in self._joined.items()}
        found["unigrams"] = self.unigrams.astype(np.int32)
        for n, keys in self.keys.items():
            found[f"keys.{n}"] = keys
            found[f"features.{n}"] = self.features[n].astype(np.int32)
        return found

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, np.ndarray], ngrams: tuple[int, int], count: int
    ) -> WordIndex:
        """The index `arrays` saved (the shipped model's vocabulary): nothing to parse,
        and no n-gram string is built."""
        return cls(
            ngrams,
            count=count,
            tokens={"text": arrays["tokens.text"], "lengths": arrays["tokens.lengths"]},
            unigrams=arrays["unigrams"],
            keys={n: arrays[f"keys.{n}"] for n in range(2, ngrams[1] + 1)},
            features={n: arrays[f"features.{n}"] for n in range(2, ngrams[1] + 1)},
        )

    def vocabulary(self) -> list[str]:
        """The n-gram strings in feature-id order, rebuilt from the numbers: the strings
        themselves are not kept (for the shipped model about 14 MB)."""
        words = list(self.tokens)
        features = [""] * self.count
        for number, index in enumerate(self.unigrams.tolist()):
            if index != UNKNOWN:
                features[index] = words[number]
        for n, keys in self.keys.items():
            for key, index in zip(keys.tolist(), self.features[n].tolist(), strict=True):
                numbers = []
                for _ in range(n):
                    key, number = divmod(key, self.size)
                    numbers.append(number)
                features[index] = " ".join(words[number] for number in reversed(numbers))
        return features

    def feature(self, ngram: str) -> int | None:
        """The feature id of an n-gram string (words joined by one space), or None."""
        numbers = self.numbers(ngram.split(" "))
        if UNKNOWN in numbers or not self.low <= len(numbers) <= self.high:
            return None
        if len(numbers) == 1:
            index = int(self.unigrams[numbers[0]])
            return None if index == UNKNOWN else index
        keys = self.keys[len(numbers)]
        key = self.key(numbers)
        at = int(np.searchsorted(keys, key))
        return int(self.features[len(numbers)][at]) if at < len(keys) and keys[at] == key else None

    def key(self, numbers) -> int:
        key = 0
        for number in numbers:
            key = key * self.size + number
        return key

    def numbers(self, words: Sequence[str]) -> list[int]:
        """Each word's number (UNKNOWN: in no n-gram of the vocabulary)."""
        get = self.tokens.get
        return [get(word, UNKNOWN) for word in words]

    def find(self, numbers: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every vocabulary n-gram in a batch: (doc of each, feature id of each).

        `numbers` holds every doc's word numbers one doc after another, `docs` the doc
        each belongs to (non-decreasing). An n-gram never spans two docs.
        """
        found_docs: list[np.ndarray] = []
        found_features: list[np.ndarray] = []
        known = numbers != UNKNOWN
        if self.low <= 1:
            features = self.unigrams[numbers[known]]
            hit = features != UNKNOWN
            found_docs.append(docs[known][hit])
            found_features.append(features[hit])
        keys, valid = numbers, known
        for n in range(2, self.high + 1):
            starts = len(numbers) - n + 1
            if starts <= 0:
                break
            # keys[i]: the n-gram starting at word i, from the (n-1)-gram starting there.
            keys = keys[:starts] * self.size + numbers[n - 1 :]
            valid = valid[:starts] & known[n - 1 :] & (docs[:starts] == docs[n - 1 :])
            if n < self.low or not len(self.keys[n]):
                continue
            features = find_sorted(self.keys[n], self.features[n], keys[valid])
            hit = features != MISSING
            found_docs.append(docs[:starts][valid][hit])
            found_features.append(features[hit])
        if not found_docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_docs), np.concatenate(found_features)
