"""The second reading's look at a short message clause by clause (rules.classifier.clauses):
the clause that reads most as a proposal, both readings averaged, as the first reading
(alone, in the message's language) and the encoder each score it."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rules.classifier import LABELS, Classifier
from rules.classifier.clauses import clauses

if TYPE_CHECKING:
    from bot.service import SecondReader

_PROPOSAL = LABELS.index("proposal")


class Clause(NamedTuple):
    text: str
    proposal: float  # the average of both readings' proposal scores


def likeliest_proposal(
    classifier: Classifier, reader: SecondReader, text: str, lang: str
) -> Clause | None:
    """The clause of `text` that reads most as a proposal; None for a message read whole
    only (one clause, or a long post)."""
    parts = clauses(text)
    if not parts:
        return None
    first = classifier.classify_many(parts, lang=lang)
    second = reader.scores(parts)[:, _PROPOSAL]
    averaged = [
        (result.scores.get("proposal", 0.0) + float(encoder)) / 2
        for result, encoder in zip(first, second, strict=True)
    ]
    best = max(range(len(parts)), key=averaged.__getitem__)
    return Clause(parts[best], round(averaged[best], 4))
