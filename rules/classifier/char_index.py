"""Character n-grams found by hash: the vocabulary's n-grams as sorted 64-bit hashes.

A dict from 92,000 n-gram strings to feature ids held about 8 MB; sorted hashes and
ids hold 1 MB (`sorted_keys.py`), and the strings are kept joined (`strings.py`) for
saving and explaining.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from rules.classifier.sorted_keys import MISSING, find_strings, sorted_by_hash
from rules.classifier.strings import each_string, join_strings

FEATURE = np.dtype(np.int32)


class CharIndex:
    def __init__(self, text: np.ndarray, lengths: np.ndarray) -> None:
        """The n-grams as `join_strings` joined them; an n-gram's feature id is its
        place among them."""
        self._joined = {"text": text, "lengths": lengths}
        count = len(lengths)
        self._hashes, self._features = sorted_by_hash(
            each_string(text, lengths),
            count,
            np.arange(count, dtype=FEATURE),
            what="character n-grams",
            name_of=lambda at: self.strings()[at],
        )

    @classmethod
    def of(cls, grams: Sequence[str]) -> CharIndex:
        return cls(**join_strings(grams))

    def __len__(self) -> int:
        return len(self._hashes)

    def features(self, grams: Iterable[str]) -> np.ndarray:
        """The feature ids of the known n-grams among `grams`, in their order."""
        found = self.features_found(list(grams))
        return found[found != MISSING]

    def features_in_groups(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """`features` of each group, all found with one search (numpy's cost per call
        is paid once, not once a word)."""
        found = self.features_found([gram for group in groups for gram in group])
        ends = np.cumsum([len(group) for group in groups])
        return [
            found[start:end][found[start:end] != MISSING]
            for start, end in zip(np.r_[0, ends[:-1]].tolist(), ends.tolist(), strict=True)
        ]

    def features_found(self, grams: Sequence[str]) -> np.ndarray:
        """Each n-gram's feature id, or MISSING (-1) where it is not known."""
        return find_strings(self._hashes, self._features, grams)

    def feature(self, gram: str) -> int | None:
        found = self.features([gram])
        return int(found[0]) if len(found) else None

    def strings(self) -> list[str]:
        """The n-grams in feature-id order."""
        return list(each_string(**self._joined))

    def arrays(self) -> dict[str, np.ndarray]:
        """What `CharIndex(**arrays)` is built from."""
        return dict(self._joined)
