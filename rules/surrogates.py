"""Text holding half a character: a lone UTF-16 surrogate, such as an emoji cut from its
pair ("\\ud83d", which JSON, and so a platform's payload, may carry). No UTF-8 holds one,
so neither the classifier nor a database takes it: where text enters the engine, each
lone half is replaced by U+FFFD ("�")."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# A byte that is not UTF-8, as Python reads it with errors="surrogateescape" (standard
# input, the command line): U+DC80 to U+DCFF.
_UNDECODED = re.compile("[\udc80-\udcff]")


def without_lone_surrogates(text: str) -> str:
    """`text` itself when it holds no surrogate; else with a pair written as two halves
    made one character again, and each lone half replaced by U+FFFD."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def undecoded_byte(text: str) -> int | None:
    """The first byte that was not UTF-8 in `text` read with errors="surrogateescape"
    (None: it was all UTF-8)."""
    found = None if text.isascii() else _UNDECODED.search(text)
    return None if found is None else ord(found.group()) - 0xDC00
