"""Per-label precision, recall and F1, per language, and tables to print them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.classifier import LABELS
from training.dataset import Example


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Sequence[bool], predicted: Sequence[bool]) -> Score:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    return Score(tp, fp, fn)


def per_label(
    examples: Sequence[Example], predicted: Sequence[frozenset[str]], *, lang: str | None = None
) -> dict[str, Score]:
    """Scores per label, over one language's examples or all of them (for each label,
    those that say whether it applies: Example.knows)."""
    pairs = [
        (example, labels)
        for example, labels in zip(examples, predicted, strict=True)
        if lang is None or example.lang == lang
    ]
    return {
        label: score(
            [e.has(label) for e, _ in pairs if e.knows(label)],
            [label in p for e, p in pairs if e.knows(label)],
        )
        for label in LABELS
    }


def macro_f1(scores: Mapping[str, Score]) -> float:
    return sum(s.f1 for s in scores.values()) / len(scores)


def hard_negative_errors(
    examples: Sequence[Example], predicted: Sequence[frozenset[str]], *, lang: str | None = None
) -> tuple[float, float, int]:
    """On hard negatives: (share with any wrong label, share with a false label, count).

    A hard negative carries a cue word for a label it does not have: the false label
    is the error the cue invites.
    """
    rows = [
        (set(example.labels), labels)
        for example, labels in zip(examples, predicted, strict=True)
        if example.hard_negative and (lang is None or example.lang == lang)
    ]
    if not rows:
        return 0.0, 0.0, 0
    wrong = sum(gold != set(labels) for gold, labels in rows)
    false = sum(bool(set(labels) - gold) for gold, labels in rows)
    return wrong / len(rows), false / len(rows), len(rows)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; floats with two decimals, a "|" in a cell escaped."""

    def cell(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
