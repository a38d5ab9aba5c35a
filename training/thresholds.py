"""Choosing bars on dev: per-label thresholds, and the engine's watch/answer bars.

A label's threshold maximises its F1. The nudge bars are searched separately, because
a nudge costs more than a label: they maximise the F-beta (beta < 1: precision first)
of the nudges simulated over the examples' batches (ties: the bars closest to the
label thresholds, so that equal results do not drift to an extreme).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rules.classifier import LABELS
from rules.understanding import Thresholds
from training.config import ThresholdSearch
from training.dataset import Example
from training.metrics import score
from training.nudges import Conversations, NudgeScore


def grid(search: ThresholdSearch) -> list[float]:
    steps = round((search.ceiling - search.floor) / search.step)
    return [round(search.floor + i * search.step, 4) for i in range(steps + 1)]


def label_thresholds(
    examples: Sequence[Example], scores: Mapping[str, Sequence[float]], search: ThresholdSearch
) -> dict[str, float]:
    """Per label, the threshold with the best F1 (ties: the lowest), on the examples
    that say whether it applies (Example.knows)."""
    chosen = {}
    for label in LABELS:
        known = [i for i, example in enumerate(examples) if example.knows(label)]
        gold = [examples[i].has(label) for i in known]
        values = np.asarray(scores[label])[known]
        best = max(
            grid(search),
            key=lambda t: (score(gold, list(values >= t)).f1, -t),
        )
        chosen[label] = best
    return chosen


def nudge_bars(
    examples: Sequence[Example],
    scores: Mapping[str, Sequence[float]],
    search: ThresholdSearch,
    labels: Mapping[str, float],
) -> tuple[Thresholds, NudgeScore]:
    """The watch and answer bars for the engine, with their simulated nudge score."""
    conversations = Conversations(examples, search.window_messages)
    problem, proposal = scores["problem"], scores["proposal"]
    candidates = []
    for watch in grid(search):
        for answer in grid(search):
            bars = Thresholds(watch=watch, answer=answer)
            result = conversations.simulate(problem, proposal, bars)
            distance = abs(watch - labels["problem"]) + abs(answer - labels["proposal"])
            candidates.append((result, bars, distance))
    result, bars, _ = max(candidates, key=lambda c: (c[0].f_beta(search.nudge_beta), -c[2]))
    return bars, result
