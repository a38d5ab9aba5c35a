"""Message classification: is a message a problem, a proposal, a concern, an agreement?

Every classifier returns a `Classification` following the contract in DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

LABELS = ("problem", "proposal", "concern", "agreement")


@dataclass(frozen=True, slots=True)
class Classification:
    labels: frozenset[str]
    scores: Mapping[str, float]
    lang: str

    @property
    def is_problem(self) -> bool:
        return "problem" in self.labels

    @property
    def is_proposal(self) -> bool:
        return "proposal" in self.labels


class Classifier(Protocol):
    name: str

    def classify(self, text: str, *, lang: str | None = None) -> Classification: ...

    def classify_many(
        self, texts: Iterable[str], *, lang: str | None = None
    ) -> list[Classification]: ...
