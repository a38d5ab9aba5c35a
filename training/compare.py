"""The candidates side by side: same splits, same threshold choice, same measurements.

    python -m training.compare [--skip-ensemble]

Every candidate is fitted on train only; each label's threshold is chosen on dev
(best F1) for every candidate alike; figures are given on dev (where thresholds were
chosen: optimistic) and on test (never used), per language. Also: calibration (Brier
score on test: lower is better), batched throughput on one core, one-message
latency, and training time. The tables replace the marked part of
training/RESULTS.md; the prose around them is written by people.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import DocBin

from rules.classifier import LABELS, Classification, Classifier
from rules.classifier.normalise import normalise
from rules.classifier.rule_based import RuleClassifier
from rules.classifier.trained import TrainedClassifier
from rules.language import detect_language
from training.config import ROOT, Config, Features, load_config
from training.dataset import Example, load_split
from training.linear import fit, predict
from training.metrics import macro_f1, per_label, table
from training.speed import measure
from training.thresholds import label_thresholds

RESULTS = ROOT / "training" / "RESULTS.md"
CONFIGS = ROOT / "training" / "configs"
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"
LANGS = ("en", "nl")

Scores = dict[str, np.ndarray]


@dataclass(frozen=True, slots=True)
class Fitted:
    """A candidate after training: how it scores texts and how it runs as a Classifier."""

    scores: Callable[[Sequence[str]], Scores]
    classifier: Callable[[Mapping[str, float]], Classifier]
    seconds: float


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    thresholds: dict[str, float]
    dev: dict[str, dict]
    test: dict[str, dict]
    brier: float
    per_second: float
    p99_ms: float
    train_seconds: float


class SpacyTextcat:
    """A spaCy textcat_multilabel pipeline behind the Classifier protocol."""

    def __init__(self, nlp: Language, thresholds: Mapping[str, float], name: str) -> None:
        self.nlp, self.thresholds, self.name = nlp, dict(thresholds), name

    def _result(self, cats: Mapping[str, float], text: str, lang: str | None) -> Classification:
        scores = {label: float(cats[label]) for label in LABELS}
        labels = frozenset(label for label in LABELS if scores[label] >= self.thresholds[label])
        return Classification(labels, scores, lang or detect_language(text))

    def classify(self, text: str, *, lang: str | None = None, previous=None) -> Classification:
        return self._result(self.nlp(normalise(text)).cats, text, lang)

    def classify_many(
        self, texts: Iterable[str], *, lang: str | None = None, previous=None
    ) -> list[Classification]:
        """Every candidate reads each message alone (context is the shipped model's)."""
        texts = list(texts)
        docs = self.nlp.pipe(normalise(text) for text in texts)
        return [self._result(d.cats, t, lang) for d, t in zip(docs, texts, strict=True)]


def fit_linear(train: list[Example], config: Config) -> Fitted:
    started = time.perf_counter()
    nlp = fit(train, config)
    seconds = time.perf_counter() - started
    return Fitted(
        scores=lambda texts: predict(nlp, texts),
        classifier=lambda thresholds: TrainedClassifier(nlp, thresholds),
        seconds=seconds,
    )


def fit_spacy(train: list[Example], dev: list[Example], config_file: Path) -> Fitted:
    """Train a spaCy config on the splits (DocBins in a temporary directory)."""
    from spacy.cli.train import train as spacy_train

    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        blank = spacy.blank("en")
        for name, examples in (("train", train), ("dev", dev)):
            docs = DocBin()
            for example in examples:
                doc = blank.make_doc(normalise(example.text))
                doc.cats = {label: float(example.has(label)) for label in LABELS}
                docs.add(doc)
            paths[name] = Path(tmp) / f"{name}.spacy"
            docs.to_disk(paths[name])
        started = time.perf_counter()
        spacy_train(
            config_file,
            Path(tmp) / "out",
            overrides={"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"])},
        )
        seconds = time.perf_counter() - started
        nlp = spacy.load(Path(tmp) / "out" / "model-best")

    def scores(texts: Sequence[str]) -> Scores:
        rows = np.array(
            [[d.cats[label] for label in LABELS] for d in nlp.pipe(normalise(t) for t in texts)]
        )
        return {label: rows[:, j] for j, label in enumerate(LABELS)}

    return Fitted(
        scores=scores,
        classifier=lambda thresholds: SpacyTextcat(nlp, thresholds, config_file.stem),
        seconds=seconds,
    )


def fit_rules() -> Fitted:
    rules = RuleClassifier()

    def scores(texts: Sequence[str]) -> Scores:
        results = rules.classify_many(texts)
        return {label: np.array([r.scores[label] for r in results]) for label in LABELS}

    return Fitted(scores=scores, classifier=lambda _: rules, seconds=0.0)


def evaluate(
    name: str,
    fitted: Fitted,
    dev: list[Example],
    test: list[Example],
    config: Config,
    *,
    fixed: Mapping[str, float] | None = None,
) -> Result:
    dev_scores = fitted.scores([e.text for e in dev])
    test_scores = fitted.scores([e.text for e in test])
    thresholds = dict(fixed) if fixed else label_thresholds(dev, dev_scores, config.thresholds)

    def labelled(examples: list[Example], scores: Scores) -> dict[str, dict]:
        predicted = [
            frozenset(label for label in LABELS if scores[label][i] >= thresholds[label])
            for i in range(len(examples))
        ]
        return {lang: per_label(examples, predicted, lang=lang) for lang in LANGS}

    gold = {label: np.array([e.has(label) for e in test], dtype=float) for label in LABELS}
    brier = float(np.mean([np.mean((test_scores[label] - gold[label]) ** 2) for label in LABELS]))
    speed = measure(fitted.classifier(thresholds), [e.text for e in test], seconds=1.5)
    return Result(
        name=name,
        thresholds=thresholds,
        dev=labelled(dev, dev_scores),
        test=labelled(test, test_scores),
        brier=brier,
        per_second=speed.per_second,
        p99_ms=speed.p99_ms,
        train_seconds=fitted.seconds,
    )


def report(results: list[Result], config: Config) -> str:
    summary_rows = []
    for r in results:
        summary_rows.append(
            [
                r.name,
                *(macro_f1(r.dev[lang]) for lang in LANGS),
                *(macro_f1(r.test[lang]) for lang in LANGS),
                f"{r.brier:.3f}",
                f"{r.per_second:,.0f}",
                f"{r.p99_ms:.2f}",
                f"{r.train_seconds:.0f}",
            ]
        )
    summary = table(
        [
            "candidate",
            "dev en",
            "dev nl",
            "test en",
            "test nl",
            "Brier (test)",
            "msgs/s",
            "p99 ms",
            "train s",
        ],
        summary_rows,
    )
    label_rows = []
    for r in results:
        for lang in LANGS:
            label_rows.append([r.name, lang, *(r.test[lang][label].f1 for label in LABELS)])
    labels = table(["candidate", "lang", *LABELS], label_rows)
    threshold_rows = [[r.name, *(r.thresholds[label] for label in LABELS)] for r in results]
    return "\n\n".join(
        [
            f"Macro F1 over the four labels (train {config.seed=}; thresholds chosen on dev),"
            " calibration, speed (one core, test texts), training time:",
            summary,
            "F1 per label on test:",
            labels,
            "Label thresholds chosen on dev:",
            table(["candidate", *LABELS], threshold_rows),
        ]
    )


def write_results(text: str) -> None:
    before = RESULTS.read_text("utf-8") if RESULTS.is_file() else f"{BEGIN}\n{END}\n"
    head, _, rest = before.partition(BEGIN)
    _, _, tail = rest.partition(END)
    RESULTS.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", "utf-8")


def main(argv: list[str]) -> int:
    config = load_config()
    train = load_split(config.splits, "train")
    dev, test = load_split(config.splits, "dev"), load_split(config.splits, "test")
    linear = config.features
    variants: list[tuple[str, Features]] = [
        ("tfidf words 1-3, no chars", replace(linear, char_weight=0.0)),
        ("tfidf words 1-2 + chars 2-5", replace(linear, word_ngrams=(1, 2), char_weight=1.0)),
        ("tfidf words 1-3 + chars 2-5", replace(linear, char_weight=1.0)),
        (f"tfidf words 1-3 + chars 2-5 x{linear.char_weight} (shipped)", linear),
    ]
    results = [
        evaluate(
            "rules (baseline)", fit_rules(), dev, test, config, fixed=dict.fromkeys(LABELS, 0.5)
        )
    ]
    results.append(
        evaluate("spaCy bow", fit_spacy(train, dev, CONFIGS / "textcat_bow.cfg"), dev, test, config)
    )
    if "--skip-ensemble" not in argv:
        ensemble = fit_spacy(train, dev, CONFIGS / "textcat_ensemble.cfg")
        results.append(evaluate("spaCy ensemble (5 epochs)", ensemble, dev, test, config))
    for name, features in variants:
        variant = replace(config, features=features)
        results.append(evaluate(name, fit_linear(train, variant), dev, test, variant))
    text = report(results, config)
    write_results(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
