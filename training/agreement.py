"""How far two people agree on the labels: the corpus against a blind second pass.

    python -m training.agreement [second_pass.jsonl | folder ...]

The second pass (data/agreement/second_pass.jsonl) labels the sample in
data/agreement/sample.jsonl without seeing the corpus labels; a folder holds a later
pass of its own (its sample.jsonl and second_pass.jsonl: data/agreement/round10/ for
corpus round 10). One line per message: {"id": ..., "labels": [...]} (other keys are
ignored). Several passes given together are pooled (`data/agreement
data/agreement/round10 data/agreement/round11`). They are compared with the corpus
labels as the writers gave them and after the borderline relabels (data/relabels.jsonl,
ANNOTATION.md rules 13-16). Per label: raw agreement, Cohen's kappa (agreement beyond
chance; 1 is perfect, 0 is chance) and the F1 of one pass against the other (the same
both ways round: the figure a model's F1 against the corpus is to be read beside); and
the share of messages with the same label set. Kappa is computed here (two raters, two
classes) to need nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.classifier import LABELS
from training.config import ROOT, load_config
from training.dataset import read_jsonl
from training.metrics import table
from training.prepare import apply_relabels, load_corpus

SAMPLE = ROOT / "data" / "agreement" / "sample.jsonl"
SECOND_PASS = ROOT / "data" / "agreement" / "second_pass.jsonl"


@dataclass(frozen=True, slots=True)
class Agreement:
    n: int
    observed: float
    kappa: float
    first_rate: float  # share of messages the first rater gave the label
    second_rate: float
    # F1 of one rater against the other, the same either way round (both / mean of the
    # two yes counts); None when neither gave the label.
    f1: float | None


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> Agreement:
    """Cohen's kappa (and the F1 between them) for two raters' yes/no judgements of the
    same items."""
    n = len(first)
    if n == 0:
        raise ValueError("nothing to compare")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = 1.0 if chance == 1 else (observed - chance) / (1 - chance)
    both = sum(a and b for a, b in zip(first, second, strict=True))
    said = sum(first) + sum(second)
    return Agreement(n, observed, kappa, p1, p2, 2 * both / said if said else None)


def compare(
    first: Mapping[str, frozenset[str]], second: Mapping[str, frozenset[str]]
) -> tuple[dict[str, Agreement], float, int]:
    """Per-label agreement, exact label-set agreement, and the number of shared ids."""
    ids = sorted(set(first) & set(second))
    per_label = {
        label: cohen_kappa([label in first[i] for i in ids], [label in second[i] for i in ids])
        for label in LABELS
    }
    exact = sum(first[i] == second[i] for i in ids) / len(ids) if ids else 0.0
    return per_label, exact, len(ids)


def read_labels(path: Path) -> dict[str, frozenset[str]]:
    labels = {}
    for record in read_jsonl(path):
        unknown = set(record["labels"]) - set(LABELS)
        if unknown:
            raise ValueError(f"{path}: {record['id']}: unknown labels {sorted(unknown)}")
        labels[str(record["id"])] = frozenset(record["labels"])
    return labels


def _pass_files(path: Path) -> tuple[Path, Path]:
    """(second pass, its sample) for a second-pass file or a folder holding both."""
    if path.is_dir():
        return path / "second_pass.jsonl", path / "sample.jsonl"
    return path, SAMPLE


def read_passes(paths: Sequence[Path]) -> tuple[set[str], dict[str, frozenset[str]]]:
    """The pooled sample ids and second-pass labels of several passes; a message in two
    samples would be counted twice, so it is refused."""
    found = [_pass_files(path) for path in paths]
    for second_path, _ in found:
        if not second_path.is_file():
            raise FileNotFoundError(f"no second pass yet ({second_path}); nothing to compare")
    sample: set[str] = set()
    second: dict[str, frozenset[str]] = {}
    for second_path, sample_path in found:
        ids = {str(record["id"]) for record in read_jsonl(sample_path)}
        shared = sample & ids
        if shared:
            raise ValueError(f"{sample_path}: {len(shared)} messages already in another sample")
        sample |= ids
        second |= {i: labels for i, labels in read_labels(second_path).items() if i in ids}
    return sample, second


def main(argv: list[str]) -> int:
    try:
        sample, second = read_passes([Path(arg) for arg in argv] or [SECOND_PASS])
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    config = load_config()
    raw = load_corpus(config.corpus)
    settled, _ = apply_relabels(raw, config.relabels)
    missing = sample - set(second)
    print(f"second pass: {len(second)} of {len(sample)} sample messages labelled")
    if missing:
        print(f"  ({len(missing)} sample messages have no second-pass line)")
    for title, corpus in (("writers' labels", raw), ("after the borderline relabels", settled)):
        first = {e.id: frozenset(e.labels) for e in corpus if e.id in sample}
        per_label, exact, n = compare(first, second)
        rows = []
        for lang in ("en", "nl", None):
            ids = [i for i in second if lang is None or i.startswith(f"{lang}-")]
            if not ids:  # a sample may hold one language only
                continue
            sub_first = {i: first[i] for i in ids if i in first}
            sub_second = {i: second[i] for i in ids}
            scores, sub_exact, count = compare(sub_first, sub_second)
            for label, s in scores.items():
                f1 = "" if s.f1 is None else s.f1
                rows.append(
                    [
                        lang or "all",
                        label,
                        count,
                        s.observed,
                        s.kappa,
                        f1,
                        s.first_rate,
                        s.second_rate,
                    ]
                )
            rows.append([lang or "all", "same label set", count, sub_exact, "", "", "", ""])
        print(f"\n### Corpus ({title}) vs second pass, {n} messages\n")
        print(
            table(
                [
                    "lang",
                    "label",
                    "n",
                    "raw agreement",
                    "Cohen's kappa",
                    "F1 between passes",
                    "corpus rate",
                    "second-pass rate",
                ],
                rows,
            )
        )
        mean_kappa = sum(s.kappa for s in per_label.values()) / len(per_label)
        print(f"\nmean kappa over labels: {mean_kappa:.2f}; same label set: {exact:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
