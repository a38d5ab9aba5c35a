"""Whether people's words show anything: text of invisible characters is no text.

A zero-width space (U+200B), a Braille blank (U+2800) or a Hangul filler (U+3164) is
neither whitespace to `str.strip()` nor a word, yet shows nothing: a proposal, a
concern, an agreement or its reason made of them polled the table about nothing and
recorded an empty-looking agreement. Every check that people wrote something asks
`shows`; one that they wrote words asks `has_words`.
"""

from __future__ import annotations

import re
import unicodedata

# Format and control characters, lone surrogates; combining marks show only on a
# character before them.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Me"})
# Letters and symbols to Unicode that print as blank space, and the default-ignorable
# code points not yet assigned (Unicode's "Default_Ignorable_Code_Point").
_BLANKS = frozenset("\u115f\u1160\u2800\u3164\uffa0\u2065") | frozenset(
    map(chr, range(0xFFF0, 0xFFF9))
)
_TAGS = range(0xE0000, 0xE1000)  # tag characters and variation selectors: never shown
_TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _unseen(char: str) -> bool:
    """Whether `char` shows nothing, not even space."""
    return (
        char in _BLANKS
        or ord(char) in _TAGS
        or (unicodedata.category(char) in _UNSEEN_CATEGORIES and not char.isspace())
    )


def shows(text: str | None) -> bool:
    """Whether any character of `text` shows."""
    return bool(text) and any(not (char.isspace() or _unseen(char)) for char in text)


def has_words(text: str) -> bool:
    """Whether `text` shows a word: two letters together, unseen characters aside."""
    return bool(_TWO_LETTERS.search("".join(char for char in text if not _unseen(char))))
