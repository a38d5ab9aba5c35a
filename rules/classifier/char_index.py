"""Character n-grams found by hash: the vocabulary's n-grams as sorted 64-bit hashes.

A dict from 92,000 n-gram strings to feature ids held about 8 MB; sorted hashes and
ids hold 1 MB, and the strings are kept joined (`strings.py`) for saving and
explaining. The hash is spaCy's (`hash_string`, 64-bit MurmurHash, the one its string
store uses): two n-grams sharing one would be refused when the index is built; an
unknown n-gram taking a known one's hash is a chance of 1 in 10^14 per lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from spacy.strings import hash_string

from rules.classifier.strings import each_string, join_strings

FEATURE = np.dtype(np.int32)


class CharIndex:
    def __init__(self, text: np.ndarray, lengths: np.ndarray) -> None:
        """The n-grams as `join_strings` joined them; an n-gram's feature id is its
        place among them."""
        self._joined = {"text": text, "lengths": lengths}
        count = len(lengths)
        hashes = np.fromiter(map(hash_string, each_string(text, lengths)), np.uint64, count)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._features = order.astype(FEATURE)
        if count and (shared := np.flatnonzero(self._hashes[1:] == self._hashes[:-1])).size:
            names = [self.strings()[self._features[at]] for at in (shared[0], shared[0] + 1)]
            raise ValueError(f"character n-grams {names!r} share a hash (or are repeated)")

    @classmethod
    def of(cls, grams: Sequence[str]) -> CharIndex:
        return cls(**join_strings(grams))

    def __len__(self) -> int:
        return len(self._hashes)

    def features(self, grams: Iterable[str]) -> np.ndarray:
        """The feature ids of the known n-grams among `grams`, in their order."""
        found = self.features_found(list(grams))
        return found[found >= 0]

    def features_in_groups(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """`features` of each group, all found with one search (numpy's cost per call
        is paid once, not once a word)."""
        found = self.features_found([gram for group in groups for gram in group])
        ends = np.cumsum([len(group) for group in groups])
        return [
            found[start:end][found[start:end] >= 0]
            for start, end in zip(np.r_[0, ends[:-1]].tolist(), ends.tolist(), strict=True)
        ]

    def features_found(self, grams: Sequence[str]) -> np.ndarray:
        """Each n-gram's feature id, or -1 where it is not known."""
        wanted = np.fromiter(map(hash_string, grams), np.uint64, len(grams))
        if not len(self._hashes) or not len(wanted):
            return np.full(len(wanted), -1, dtype=FEATURE)
        at = np.minimum(np.searchsorted(self._hashes, wanted), len(self._hashes) - 1)
        return np.where(self._hashes[at] == wanted, self._features[at], -1).astype(FEATURE)

    def feature(self, gram: str) -> int | None:
        found = self.features([gram])
        return int(found[0]) if len(found) else None

    def strings(self) -> list[str]:
        """The n-grams in feature-id order."""
        return list(each_string(**self._joined))

    def arrays(self) -> dict[str, np.ndarray]:
        """What `CharIndex(**arrays)` is built from."""
        return dict(self._joined)
