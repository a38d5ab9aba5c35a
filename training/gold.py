"""A conversation's hand-written labels, read as the bot reads a classifier: what the
engine's own rules do when every message is understood as its writer labelled it.

The nudges of a held-out conversation were written down by hand; the agreements the
bot should offer to record were not, nor its words to a proposer that some agree. They
follow from the labels by the consensus rule (rules/consensus.py): replaying the
conversation with `SidecarLabels` gives them, so the bot's offers and words can be
measured against what the same rule does on true labels. Such a figure measures the
classifier, not the rule.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rules.classifier import LABELS, Classification, Previous
from rules.understanding import Thresholds
from training.nudges import Replayed, Suggestion, read_sidecar, replay


class SidecarLabels:
    """A classifier that gives each message of one transcript the labels written beside
    it (<name>.expected.json, by the line's ts), scored 1 or 0: certain.

    A classifier sees only text, so each text keeps a queue of its lines' labels in
    transcript order, and a replay reads the transcript in that order. A text the
    transcript does not hold (or holds fewer times) has no label."""

    name = "labels"
    bars = Thresholds()  # the labels as they are

    def __init__(self, conversation: Path) -> None:
        sidecar = read_sidecar(conversation)
        self.lang = sidecar.language
        self._queued: dict[str, deque[frozenset[str]]] = defaultdict(deque)
        with conversation.open(encoding="utf-8") as lines:
            for line in map(json.loads, filter(str.strip, lines)):
                if "text" in line and line.get("ts") in sidecar.labels:
                    labels = frozenset(sidecar.labels[line["ts"]]) & frozenset(LABELS)
                    self._queued[line["text"]].append(labels)

    def classify(
        self, text: str, *, lang: str | None = None, previous: Classification | None = None
    ) -> Classification:
        queued = self._queued.get(text)
        labels = queued.popleft() if queued else frozenset()
        scores = {label: float(label in labels) for label in LABELS}
        return Classification(labels, scores, lang or self.lang)

    def classify_many(
        self,
        texts: Iterable[str],
        *,
        lang: str | None = None,
        previous: Sequence[Previous] | None = None,
    ) -> list[Classification]:
        return [self.classify(text, lang=lang) for text in texts]

    def reasons(
        self, text: str, label: str, *, read_after: Mapping[str, float] | None = None
    ) -> tuple[str, ...]:
        return ()


def expected_suggestions(conversation: Path) -> frozenset[Suggestion]:
    """The agreements the bot would offer to record over this transcript if it read
    every message as labelled."""
    return labelled_replay(conversation).suggestions


def labelled_replay(conversation: Path, *, roster_from_start: bool = False) -> Replayed:
    """What the bot does over this transcript if it reads every message as labelled."""
    labelled = SidecarLabels(conversation)
    return replay(
        labelled, conversation, labelled.bars, second_reading=False,
        roster_from_start=roster_from_start,
    )  # fmt: skip
