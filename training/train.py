"""`make train`: build the shipped classifier from data/ with a fixed seed.

    python -m training.train [config.toml]

1. Read the splits (data/splits, made by `python -m training.prepare`) and fold the
   team's exported corrections (data/feedback/*.jsonl) into the training lines.
2. Score lines no scoring model saw: by default 5 folds of the `fit_on` splits,
   grouped by batch (or a model fitted on train, scoring dev). On those scores choose
   each label's threshold (best F1) and the engine's watch/answer bars (best F0.5
   of simulated nudges: precision first).
3. Fit on the `fit_on` splits (train + dev: more teams seen) and write the pipeline
   with its thresholds and bars to the output directory.

The test split is never read here.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold
from spacy.language import Language

from rules.classifier import LABELS
from rules.understanding import Thresholds
from training import tuning
from training.config import ROOT, Config, load_config
from training.dataset import Example, fold_feedback, load_split
from training.linear import fit, predict
from training.metrics import per_label, table
from training.nudges import NudgeScore
from training.thresholds import grid, label_thresholds, nudge_bars


@dataclass(frozen=True, slots=True)
class Trained:
    nlp: Language
    thresholds: dict[str, float]
    bars: Thresholds
    nudges: NudgeScore
    feedback: dict[str, int]
    report: str


def train(config: Config) -> Trained:
    """Choose thresholds and bars, fit on `fit_on`; nothing is written (see `save`)."""
    splits = {name: load_split(config.splits, name) for name in ("train", "dev", "test")}
    # Corrections of lines in dev or test are not learnt from: that would leak.
    held_out = splits["dev"] + splits["test"]
    training, feedback = fold_feedback(splits["train"], config.feedback, held_out=held_out)
    fit_examples: list[Example] = training + (splits["dev"] if "dev" in config.fit_on else [])

    if config.thresholds.choose_on == "dev":
        selector = fit(training, config, scratch=True)
        chosen_on, scores = splits["dev"], predict(selector, _texts(splits["dev"]))
    else:
        chosen_on, scores = fit_examples, held_out_scores(fit_examples, config)
    thresholds = label_thresholds(chosen_on, scores, config.thresholds)
    bars, nudges = nudge_bars(chosen_on, scores, config.thresholds, thresholds)
    bars_chosen_on = f"{config.thresholds.choose_on} (corpus lines as conversations)"
    predicted = [
        frozenset(label for label in LABELS if scores[label][i] >= thresholds[label])
        for i in range(len(chosen_on))
    ]

    nlp = fit(fit_examples, config)
    tuning_folder = ROOT / config.thresholds.tuning
    if config.thresholds.bars_on == "conversations" and any(tuning_folder.glob("*.jsonl")):
        conversations = tuning.load(tuning_folder)
        bars, nudges = tuning.choose_bars(
            conversations,
            lambda texts: predict(nlp, texts),
            grid(config.thresholds),
            config.thresholds.conversations_beta,
            config.thresholds.nudge_min_precision,
        )
        bars_chosen_on = f"{len(conversations)} tuning conversations ({config.thresholds.tuning})"
    nlp.meta["groundrules"] = {
        "thresholds": thresholds,
        "bars": {"watch": bars.watch, "answer": bars.answer},
        "seed": config.seed,
        "trained_on": {
            "splits": list(config.fit_on),
            "lines": len(fit_examples),
            "feedback": feedback,
        },
        "chosen_on": {
            "predictions": config.thresholds.choose_on,
            "lines": len(chosen_on),
            "nudge_precision": round(nudges.precision, 4),
            "nudge_recall": round(nudges.recall, 4),
            "nudges": nudges.expected,
            "window_messages": config.thresholds.window_messages,
            "bars_chosen_on": bars_chosen_on,
        },
    }
    return Trained(nlp, thresholds, bars, nudges, feedback, _report(chosen_on, predicted))


def held_out_scores(examples: list[Example], config: Config) -> dict[str, np.ndarray]:
    """Every line scored by a model fitted on the other folds (whole batches per fold)."""
    groups = [example.batch for example in examples]
    folds = min(config.thresholds.folds, len(set(groups)))
    scores = {label: np.zeros(len(examples)) for label in LABELS}
    for fitted, scored in GroupKFold(n_splits=folds).split(examples, groups=groups):
        nlp = fit([examples[i] for i in fitted], config, scratch=True)
        result = predict(nlp, [examples[i].text for i in scored])
        for label in LABELS:
            scores[label][scored] = result[label]
    return scores


def _texts(examples: list[Example]) -> list[str]:
    return [example.text for example in examples]


def save(trained: Trained, output: Path) -> int:
    """Write the pipeline (replacing a previous one); returns its size in bytes."""
    if output.exists():
        if any(output.iterdir()) and not (output / "config.cfg").is_file():
            raise RuntimeError(f"{output} holds something other than a pipeline; not replacing")
        shutil.rmtree(output)
    trained.nlp.to_disk(output)
    return sum(path.stat().st_size for path in output.rglob("*") if path.is_file())


def _report(examples: list[Example], predicted: list[frozenset[str]]) -> str:
    rows = []
    for lang in ("en", "nl"):
        scores = per_label(examples, predicted, lang=lang)
        rows += [(lang, label, s.precision, s.recall, s.f1) for label, s in scores.items()]
    return table(("lang", "label", "precision", "recall", "F1"), rows)


def main(argv: list[str]) -> int:
    config = load_config(Path(argv[0])) if argv else load_config()
    started = time.perf_counter()
    trained = train(config)
    size = save(trained, config.output)
    elapsed = time.perf_counter() - started
    where = config.thresholds.choose_on
    print(f"held-out predictions ({where}) at the chosen label thresholds:\n{trained.report}")
    print(f"label thresholds: {trained.thresholds}")
    print(
        f"nudge bars: watch={trained.bars.watch} answer={trained.bars.answer}"
        f" (chosen on {trained.nlp.meta['groundrules']['chosen_on']['bars_chosen_on']}:"
        f" precision {trained.nudges.precision:.2f},"
        f" recall {trained.nudges.recall:.2f} of {trained.nudges.expected} nudges)"
    )
    if trained.feedback["corrections"]:
        print(f"feedback: {trained.feedback}")
    print(
        f"wrote {config.output} ({size / 1e6:.1f} MB), fitted on"
        f" {'+'.join(config.fit_on)}, seed {config.seed}, in {elapsed:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
