"""A modal verb with a negation in its clause reads as one negated word.

The model weighs n-grams, and most "I can ..." / "ik kan ..." lines in chat are
offers, so "<s> i can" pulls a message towards proposal, and "I can't log in" or "ik
kan de notulen nergens vinden" read as offers. Reading the modal as "can~not" /
"kan~niet" when a negation stands near it in the same clause gives the negated form
its own weights; the negation word itself is still read, so "not" keeps its weight.
Only modals: widened to "do", "have", "is" and their Dutch forms, the cross-validated
figures fell slightly (training/RESULTS.md, "Negated modals").
"""

from __future__ import annotations

from collections.abc import Sequence

# Negation word (as a token norm: spaCy reads "n't" and "cannot" as "not") -> the
# suffix the modal takes; one suffix per language, so the forms share their weights.
NEGATORS = {
    "not": "not",
    "never": "not",
    "nowhere": "not",
    "niet": "niet",
    "nooit": "niet",
    "geen": "niet",
    "nergens": "niet",
}
SUFFIXES = frozenset(NEGATORS.values())
MODALS = frozenset(
    {
        # English
        "can", "could", "will", "would", "shall", "should", "may", "might", "must",
        "need",
        # Dutch
        "kan", "kun", "kunt", "kunnen", "kon", "konden", "wil", "wilt", "willen",
        "wilde", "zal", "zult", "zullen", "zou", "zouden", "moet", "moeten", "moest",
        "mag", "mogen", "hoef", "hoeft", "hoeven", "ga", "gaat", "gaan",
    }
)  # fmt: skip
# A clause ends at punctuation or a conjunction: "I can help, but not today" offers.
CLAUSE_ENDS = frozenset(
    {".", ",", "?", "!", ";", ":", "-", "(", ")", "but", "and", "or", "maar", "en", "of", "want"}
)
# How far from the modal a negation may stand: English negates right after it
# ("can't"), Dutch may put words between ("we kunnen de deadline niet halen") or put
# the negation first in a subordinate clause ("dat we het niet kunnen").
AFTER, BEFORE = 5, 2


def mark_negated(norms: Sequence[str]) -> list[str]:
    """`norms` with each negated modal read as "<modal>~<negation>"."""
    marked = list(norms)
    if NEGATORS.keys().isdisjoint(norms):  # most messages; looked up in C
        return marked
    for index, norm in enumerate(norms):
        if norm in MODALS:
            suffix = _negation(norms, range(index + 1, min(len(norms), index + 1 + AFTER)))
            if suffix is None:
                suffix = _negation(norms, range(index - 1, max(-1, index - 1 - BEFORE), -1))
            if suffix is not None:
                marked[index] = f"{norm}~{suffix}"
    return marked


def _negation(norms: Sequence[str], positions: range) -> str | None:
    """The suffix of the first negation at `positions`, before the clause ends."""
    for position in positions:
        norm = norms[position]
        if norm in CLAUSE_ENDS:
            return None
        if norm in NEGATORS:
            return NEGATORS[norm]
    return None
