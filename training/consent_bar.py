"""Choose the consent bar (Thresholds.consent) on the tuning conversations.

The bot offers to record an agreement when most of the table consents to a proposal
and no concern is open (rules/consensus.py). A reply counts as consent at the agreement
label's bar by default, and then an acknowledgement or thanks ("on it", "perfect, thank
you") reads as the table agreeing: about one offer in three was wrong on the held-out
conversations (training/RESULTS.md, "Consent, a bar above agreement"). The consent bar
is the agreement label's in-context threshold plus a margin, the margin chosen where
offers are best.

Each tuning conversation is replayed through the real bot with a model that did not
learn from it, and its offers are compared with those the same rule makes on the
conversation's hand-written labels (`training.gold`): the margin with the best F1 wins
(ties: the higher precision, then the smaller margin).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rules.classifier import Classifier
from rules.understanding import Thresholds
from training.gold import expected_suggestions
from training.nudges import NudgeScore, Suggestion, compare, replay


@dataclass(frozen=True, slots=True)
class Fold:
    """A classifier and the conversations it did not learn from."""

    classifier: Classifier
    conversations: Sequence[Path]


def offers(
    folds: Sequence[Fold],
    bars: Thresholds,
    expected: Mapping[Path, frozenset[Suggestion]] | None = None,
) -> NudgeScore:
    """The offers to record an agreement the bot makes with these bars (one reading),
    against those its consensus rule makes on the hand-written labels (`expected`, by
    transcript, when already found)."""
    expected = expected or _expected(folds)
    total = NudgeScore(0, 0, 0)
    for fold in folds:
        for conversation in fold.conversations:
            made = replay(fold.classifier, conversation, bars, second_reading=False)
            total = total + compare(expected[conversation], made.suggestions)
    return total


def _expected(folds: Sequence[Fold]) -> dict[Path, frozenset[Suggestion]]:
    return {path: expected_suggestions(path) for fold in folds for path in fold.conversations}


def choose_consent(
    folds: Sequence[Fold], bars: Thresholds, agreement: float, margins: Sequence[float]
) -> tuple[float, NudgeScore]:
    """The consent bar (`agreement` + the best of `margins`, capped at 1.0) and the offers
    it makes."""
    if not margins:
        raise ValueError("no consent margins to choose from")
    expected = _expected(folds)  # the same for every margin

    def measured(margin: float) -> tuple[tuple[float, float, float], float, NudgeScore]:
        bar = round(min(1.0, agreement + margin), 4)
        score = offers(folds, replace(bars, consent=bar), expected)
        return (score.f1, score.precision, -margin), bar, score

    _, bar, score = max(map(measured, margins), key=lambda found: found[0])
    return bar, score
