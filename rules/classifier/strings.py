"""Many short strings as two arrays: their text, joined (UTF-8 bytes), and each one's
length in characters.

The trained model's vocabulary is stored and held this way: 300,000 n-grams parsed
from JSON into Python strings and dicts cost the bot about 40 MB at load, most of it
never given back to the system (bench: peak RSS).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def join_strings(strings: Sequence[str]) -> dict[str, np.ndarray]:
    """`strings` as {"text": UTF-8 bytes, "lengths": characters of each}."""
    return {
        "text": np.frombuffer("".join(strings).encode("utf-8"), dtype=np.uint8),
        "lengths": np.array([len(string) for string in strings], dtype=np.int32),
    }


def each_string(text: np.ndarray, lengths: np.ndarray) -> Iterator[str]:
    """The strings `join_strings` joined, one at a time (each can be let go at once)."""
    joined = text.tobytes().decode("utf-8")
    start = 0
    for length in lengths.tolist():
        yield joined[start : start + length]
        start += length
