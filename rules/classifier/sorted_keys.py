"""Lookups in sorted keys, many at once: the classifier's indexes hold numbers, not dicts.

A dict of tens of thousands of strings holds megabytes of Python objects; sorted 64-bit
keys with a value each hold a few bytes an entry, and numpy finds a whole batch of keys
in one search. Strings are keyed by spaCy's `hash_string` (64-bit MurmurHash, the hash
its string store uses): two strings sharing one are refused when the keys are built;
an unknown string taking a known one's hash is a chance of 1 in 10^14 per lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from spacy.strings import hash_string

MISSING = -1  # the value of a key that is not there


def hashes_of(strings: Iterable[str], count: int) -> np.ndarray:
    return np.fromiter(map(hash_string, strings), np.uint64, count)


def sorted_by_hash(
    strings: Iterable[str],
    count: int,
    values: np.ndarray,
    *,
    what: str,
    name_of: Callable[[int], str],
) -> tuple[np.ndarray, np.ndarray]:
    """The strings' hashes, sorted, and each one's value (`values[i]` is string i's).
    `what` and `name_of(i)` name two strings that share a hash in the refusal."""
    hashes = hashes_of(strings, count)
    order = np.argsort(hashes, kind="stable")
    keys = hashes[order]
    if (shared := np.flatnonzero(keys[1:] == keys[:-1])).size:
        names = [name_of(int(order[at])) for at in (shared[0], shared[0] + 1)]
        raise ValueError(f"{what} {names!r} share a hash")
    return keys, values[order]


def find_sorted(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The value of each wanted key in `keys` (sorted), MISSING where it is not there."""
    if not len(keys):
        return np.full(len(wanted), MISSING, values.dtype)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, values[at], MISSING)


def find_strings(keys: np.ndarray, values: np.ndarray, strings: Sequence[str]) -> np.ndarray:
    """`find_sorted` for strings, by the keys `sorted_by_hash` built."""
    return find_sorted(keys, values, hashes_of(strings, len(strings)))
