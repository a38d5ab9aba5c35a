"""Message classification: is a message a problem, a proposal, a concern, an agreement?

Every classifier returns a `Classification` following the contract in DESIGN.md.

A message can be read in context: `previous` is the classification of the message
before it in the same conversation (thread, or channel at the top level). A short
reply means more after a proposal ("fine by me") than alone. Classifiers that have
no use for context accept and ignore it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from rules.classifier.spacy_import import import_spacy

# Before any classifier module imports spaCy: neither its command line nor torch is loaded.
import_spacy()

LABELS = ("problem", "proposal", "concern", "agreement")


@dataclass(frozen=True, slots=True)
class Classification:
    labels: frozenset[str]
    scores: Mapping[str, float]
    # "nl" or "en" as the words show; "" when they show none ("+1", "ok"): then the
    # table's language or the one it answers (rules.speech.language) decides, not a guess.
    lang: str
    # The text's scores on its own, without context: what the next message in the
    # conversation reads of this one. None: the same as `scores`.
    text_scores: Mapping[str, float] | None = None
    # How much the message reads as a reaction to a problem just raised ("weer??",
    # "serious?", "oei"): it can confirm a doubtful problem. None: not judged.
    reaction: float | None = None
    # The words stating dissent ("niet mee eens") where the dissent guard overruled the
    # model (rules/classifier/dissent.py): no agreement, and concern. None: it did not.
    dissent: str | None = None
    # The negated objection ("geen bezwaar", "I don't disagree") where the consent guard
    # overruled the model (rules/classifier/consent.py): the message says nothing else,
    # so it is agreement, and no concern. None: it did not.
    consent: str | None = None

    @classmethod
    def read_before(cls, own_scores: Mapping[str, float]) -> Classification:
        """A message another is read after, as the classifier reads it: only its
        text-alone scores (remembered, or kept with a watch)."""
        return cls(frozenset(), own_scores, "")

    @property
    def is_problem(self) -> bool:
        return "problem" in self.labels

    @property
    def is_proposal(self) -> bool:
        return "proposal" in self.labels

    @property
    def own_scores(self) -> Mapping[str, float]:
        return self.scores if self.text_scores is None else self.text_scores


# What came before a message in `classify_many`: a classification, the index of an
# earlier text of the same call, or None (the message opens its conversation).
Previous = Classification | int | None


class Classifier(Protocol):
    name: str

    def classify(
        self, text: str, *, lang: str | None = None, previous: Classification | None = None
    ) -> Classification: ...

    def classify_many(
        self,
        texts: Iterable[str],
        *,
        lang: str | None = None,
        previous: Sequence[Previous] | None = None,
    ) -> list[Classification]: ...

    def reasons(
        self, text: str, label: str, *, read_after: Mapping[str, float] | None = None
    ) -> tuple[str, ...]:
        """The few words of `text` that weighed most towards `label`, as the text spells
        them, the weightiest first; `read_after` is what the message before scored on
        its own (`own_scores`), if it was read after one. Empty: no word stood out."""
        ...
