"""The stance probe in `make eval`: replies to proposals, written blind with the side
each takes (data/probes/stances.jsonl, data/probes/README.md), read as the bot reads
them: the reply after its proposal, its stance by `rules.understanding.stance_of`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rules.classifier import Classifier
from rules.understanding import stance_of
from training.metrics import table

STANCES = ("agree", "concern", "none")
LANGS = ("en", "nl")


@dataclass(frozen=True, slots=True)
class Reply:
    lang: str
    proposal: str
    reply: str
    stance: str  # "agree", "concern" or "none"


def load_replies(path: Path) -> list[Reply]:
    records = map(json.loads, path.read_text(encoding="utf-8").splitlines())
    return [Reply(r["lang"], r["proposal"], r["reply"], r["stance"]) for r in records]


def read_stances(replies: list[Reply], classifier: Classifier, consent: float | None) -> list[str]:
    """Each reply's stance, read after its proposal; "none" where it takes no side."""
    proposals = classifier.classify_many([r.proposal for r in replies])
    read = classifier.classify_many([r.reply for r in replies], previous=proposals)
    return [stance_of(result, consent) or "none" for result in read]


def stance_section(
    replies: list[Reply], sides: Mapping[str, tuple[Classifier, float | None]], name: str
) -> str:
    """Per side (a classifier and its consent bar) and language: stances right, and the
    confusion of the side written (rows) against the side read (columns)."""
    headers = ["lang", "written"]
    rows: list[list[object]] = []
    totals: list[str] = []
    for side, (classifier, consent) in sides.items():
        read = read_stances(replies, classifier, consent)
        for lang in LANGS:
            pairs = [(r.stance, s) for r, s in zip(replies, read, strict=True) if r.lang == lang]
            counts = Counter(pairs)
            right = sum(written == s for written, s in pairs)
            totals.append(
                f"{side}, {lang}: {right} of {len(pairs)} right ({right / len(pairs):.3f})"
            )
            for written in STANCES:
                rows.append([side, lang, written, *(counts[written, s] for s in STANCES)])
    return (
        f"## Stances on probe {name} ({len(replies)} replies written blind, each read after"
        " its proposal)\n\n"
        + "\n".join(totals)
        + "\n\n"
        + table(["side", *headers, *(f"read {s}" for s in STANCES)], rows)
    )
