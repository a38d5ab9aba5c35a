"""`make train`: build the shipped classifier from data/ with a fixed seed.

    python -m training.train [config.toml]

1. Read the splits (data/splits, made by `python -m training.prepare`) and fold the
   team's exported corrections (data/feedback/*.jsonl) into the training lines; with
   `tuning_folds`, the tuning conversations' labelled lines are training lines too
   (less any line a dev or test line repeats).
2. With context on (config [context]): score every line by its text alone with
   models that did not see it (5 folds grouped by batch); the in-context head learns
   from those scores of the line before.
3. Score lines no scoring model saw: by default 5 folds of the `fit_on` splits,
   grouped by batch (or a model fitted on train, scoring dev), each line read after
   the line before it. On those scores choose each label's threshold (best F1); the
   engine's watch/answer bars are chosen on the written tuning conversations, each
   scored by a model that did not learn from it (`tuning_folds` folds), and then
   the surer watch bar of a table that asks for fewer nudges (`choose_surer`), and
   the consent bar of the consensus rule, on the bot's offers to record an agreement
   over the same conversations (training/consent_bar.py).
4. Fit on the `fit_on` splits (train + dev: more teams seen) and write the pipeline
   with its thresholds and bars to the output directory.

The test split is never read here.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold
from spacy.language import Language

from rules.classifier import LABELS
from rules.classifier.trained import SHIPPED_WITHOUT, TrainedClassifier
from rules.understanding import BAR_NAMES, Thresholds, describe_bars
from training import consent_bar, tuning
from training.config import ROOT, Config, Context, add_config_argument, config_from
from training.dataset import Example, fold_feedback, key, load_split, previous_lines
from training.linear import Scored, by_label, fit, nudge_scores, predict_scored
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
    # The nudges of a table in "fewer" mode (the watch bar at `bars.surer`); None: no
    # surer bar was chosen.
    surer_nudges: NudgeScore | None = None
    # The offers to record an agreement at the chosen consent bar; None: none chosen.
    offers: NudgeScore | None = None


def train(config: Config) -> Trained:
    """Choose thresholds and bars, fit on `fit_on`; nothing is written (see `save`)."""
    splits = {name: load_split(config.splits, name) for name in ("train", "dev", "test")}
    # Corrections of lines in dev or test are not learnt from: that would leak.
    held_out = splits["dev"] + splits["test"]
    training, feedback = fold_feedback(splits["train"], config.feedback, held_out=held_out)
    corpus: list[Example] = training + (splits["dev"] if "dev" in config.fit_on else [])
    tuning_folder = ROOT / config.thresholds.tuning
    conversations = (
        tuning.load(tuning_folder) if config.thresholds.bars_on == "conversations" else []
    )
    learnt = config.thresholds.tuning_folds > 0 and bool(conversations)
    # Lines a dev or test line repeats ("ok thanks") are not learnt: they would flatter
    # the evaluation.
    evaluated = {key(example.text) for example in held_out}
    conversation_lines = conversation_examples(conversations, evaluated) if learnt else []
    fit_examples = corpus + conversation_lines

    context = _context(fit_examples, config)
    if config.thresholds.choose_on == "dev":
        selector = fit(training, config, scratch=True, previous_scores=_context(training, config))
        chosen_on = splits["dev"]
        scored = predict_scored(selector, _texts(chosen_on), previous_lines(chosen_on))
    else:
        chosen_on = fit_examples
        scored = held_out_scores(fit_examples, config, context)
    scores, read = by_label(scored.scores), scored.in_context
    # Each head's own thresholds: a message read alone, and one read in context.
    thresholds_alone = label_thresholds(chosen_on, by_label(scored.own), config.thresholds)
    thresholds = (
        label_thresholds(
            [chosen_on[i] for i in np.flatnonzero(read)],
            {label: values[read] for label, values in scores.items()},
            config.thresholds,
        )
        if read.any()
        else thresholds_alone
    )
    # Labels never read in context score alike either way: one threshold for both.
    thresholds |= {
        label: thresholds_alone[label] for label in LABELS if label not in config.context.labels
    }
    bars, nudges = nudge_bars(chosen_on, scores, config.thresholds, thresholds)
    surer_nudges: NudgeScore | None = None
    bars_chosen_on = f"{config.thresholds.choose_on} (corpus lines as conversations)"
    predicted = [
        frozenset(
            label
            for label in LABELS
            if scores[label][i] >= (thresholds if read[i] else thresholds_alone)[label]
        )
        for i in range(len(chosen_on))
    ]

    nlp = fit(fit_examples, config, previous_scores=context)
    offers: NudgeScore | None = None
    if conversations:
        # Each model the conversations are scored by, with those it did not learn from:
        # the consent bar is chosen on the bot's offers with them.
        readers: list[consent_bar.Fold] = []
        transcripts = {c.name: tuning_folder / f"{c.name}.jsonl" for c in conversations}
        if learnt:
            row = {example.id: i for i, example in enumerate(fit_examples)}

            def fit_without(others: list[tuning.Conversation]) -> tuning.Scorer:
                examples = corpus + conversation_examples(others, evaluated)
                # The lines' context as the whole fit reads it: from 5-fold models that
                # did not see the line before, some of which saw this fold's conversations.
                before = None if context is None else context[[row[e.id] for e in examples]]
                model = fit(examples, config, previous_scores=before)
                learnt_names = {c.name for c in others}
                unseen = [path for name, path in transcripts.items() if name not in learnt_names]
                readers.append(
                    consent_bar.Fold(_reader(model, thresholds, thresholds_alone), unseen)
                )
                return lambda texts, previous: nudge_scores(model, texts, previous)

            scored = tuning.out_of_fold_scores(
                conversations, config.thresholds.tuning_folds, fit_without
            )
        else:
            scored = tuning.score_each(
                conversations, lambda texts, previous: nudge_scores(nlp, texts, previous)
            )
            readers.append(
                consent_bar.Fold(
                    _reader(nlp, thresholds, thresholds_alone), list(transcripts.values())
                )
            )
        bars, nudges = tuning.choose_bars(
            conversations,
            scored,
            grid(config.thresholds),
            config.thresholds.conversations_beta,
            config.thresholds.nudge_min_precision,
        )
        surer = tuning.choose_surer(
            conversations, scored, bars, grid(config.thresholds), config.thresholds.surer_beta
        )
        if surer is not None:
            bars, surer_nudges = replace(bars, surer=surer[0]), surer[1]
        if config.thresholds.consent_margins:
            agreement = thresholds["agreement"]
            margins = config.thresholds.consent_margins
            chosen, offers = consent_bar.choose_consent(readers, bars, agreement, margins)
            bars = replace(bars, consent=chosen)
        bars_chosen_on = f"{len(conversations)} tuning conversations ({config.thresholds.tuning})"
        if learnt:
            bars_chosen_on += (
                f", each scored by a model fitted without it"
                f" ({config.thresholds.tuning_folds} folds)"
            )
    nlp.meta["groundrules"] = {
        "thresholds": thresholds,
        "thresholds_alone": thresholds_alone,
        "bars": {name: getattr(bars, name) for name in BAR_NAMES},
        "seed": config.seed,
        "trained_on": {
            "splits": list(config.fit_on),
            "lines": len(fit_examples),
            "conversation_lines": len(conversation_lines),
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
    if surer_nudges is not None:
        nlp.meta["groundrules"]["chosen_on"] |= {
            "surer_nudge_precision": round(surer_nudges.precision, 4),
            "surer_nudge_recall": round(surer_nudges.recall, 4),
        }
    if offers is not None:
        nlp.meta["groundrules"]["chosen_on"] |= {
            "offer_precision": round(offers.precision, 4),
            "offer_recall": round(offers.recall, 4),
            "offers": offers.expected,
        }
    report = _report(chosen_on, predicted)
    return Trained(nlp, thresholds, bars, nudges, feedback, report, surer_nudges, offers)


def held_out_scores(
    examples: list[Example], config: Config, previous_scores: np.ndarray | None = None
) -> Scored:
    """Every line scored by a model fitted on the other folds (whole batches per fold),
    read after the line before it when `previous_scores` fit an in-context head."""
    # Label thresholds read the labels only: the folds need no reaction head.
    config = replace(config, context=replace(config.context, reaction=False))
    groups = [example.batch for example in examples]
    folds = min(config.thresholds.folds, len(set(groups)))
    before = previous_lines(examples)
    scores = np.zeros((len(examples), len(LABELS)))
    own = np.zeros((len(examples), len(LABELS)))
    in_context = np.zeros(len(examples), dtype=bool)
    for fitted, scored in GroupKFold(n_splits=folds).split(examples, groups=groups):
        context = None if previous_scores is None else previous_scores[fitted]
        nlp = fit([examples[i] for i in fitted], config, scratch=True, previous_scores=context)
        # A batch lies in one fold, so the line before a scored line is scored too.
        local = {index: n for n, index in enumerate(scored)}
        previous = [None if before[i] is None else local[before[i]] for i in scored]
        result = predict_scored(nlp, [examples[i].text for i in scored], previous)
        scores[scored], own[scored], in_context[scored] = (
            result.scores,
            result.own,
            result.in_context,
        )
    return Scored(scores, own, in_context)


def conversation_examples(
    conversations: list[tuning.Conversation], evaluated: set[str]
) -> list[Example]:
    """The conversations' labelled lines as training examples, less those whose text
    (as `key` compares it) is in `evaluated`."""
    return [e for c in conversations for e in c.examples() if key(e.text) not in evaluated]


def _nudge_scorer(examples: list[Example], config: Config) -> tuning.Scorer:
    """A scratch model's nudge scores; the context head is fitted only when the
    nudge labels (problem, proposal) are read in context."""
    in_context = config.context.previous and {"problem", "proposal"} & set(config.context.labels)
    context = _context(examples, config) if in_context else None
    if not in_context:
        config = replace(config, context=replace(config.context, previous=False))
    nlp = fit(examples, config, scratch=True, previous_scores=context)
    return lambda texts, previous: nudge_scores(nlp, texts, previous)


def _reader(
    nlp: Language, thresholds: dict[str, float], thresholds_alone: dict[str, float]
) -> TrainedClassifier:
    """A fitted pipeline as the bot reads with it, at these label thresholds."""
    nlp.meta["groundrules"] = {"thresholds": thresholds, "thresholds_alone": thresholds_alone}
    return TrainedClassifier(nlp)


def _context(examples: list[Example], config: Config) -> np.ndarray | None:
    """For each line, the text-alone scores of the line before it (NaN: none), each
    from a model that saw neither line; None when the config has no context."""
    if not config.context.previous:
        return None
    alone = held_out_scores(examples, replace(config, context=Context(previous=False))).own
    found = np.full((len(examples), len(LABELS)), np.nan)
    for index, before in enumerate(previous_lines(examples)):
        if before is not None:
            found[index] = np.round(alone[before], 4)
    return found


def _texts(examples: list[Example]) -> list[str]:
    return [example.text for example in examples]


def save(trained: Trained, output: Path) -> int:
    """Write the pipeline (replacing a previous one); returns its size in bytes."""
    if output.exists():
        if any(output.iterdir()) and not (output / "config.cfg").is_file():
            raise RuntimeError(f"{output} holds something other than a pipeline; not replacing")
        shutil.rmtree(output)
    trained.nlp.to_disk(output, exclude=SHIPPED_WITHOUT)
    return sum(path.stat().st_size for path in output.rglob("*") if path.is_file())


def _report(examples: list[Example], predicted: list[frozenset[str]]) -> str:
    rows = []
    for lang in ("en", "nl"):
        scores = per_label(examples, predicted, lang=lang)
        rows += [(lang, label, s.precision, s.recall, s.f1) for label, s in scores.items()]
    return table(("lang", "label", "precision", "recall", "F1"), rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.train",
        description="Build the shipped classifier from data/ with a fixed seed (make train).",
        epilog="Run `python -m training.prepare` first when the corpus has changed.",
    )
    add_config_argument(parser)
    parser.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="write the pipeline to this folder instead of the config's [output] model"
        " (to measure a retrain beside the shipped one)",
    )
    args = parser.parse_args(argv)
    config = config_from(parser, args.config)
    if args.output is not None:
        config = config.with_paths(output=args.output.resolve())
    started = time.perf_counter()
    trained = train(config)
    size = save(trained, config.output)
    elapsed = time.perf_counter() - started
    where = config.thresholds.choose_on
    print(f"held-out predictions ({where}) at the chosen label thresholds:\n{trained.report}")
    print(f"label thresholds: {trained.thresholds}")
    print(
        f"nudge bars: {describe_bars(trained.bars)}"
        f" (chosen on {trained.nlp.meta['groundrules']['chosen_on']['bars_chosen_on']}:"
        f" precision {trained.nudges.precision:.2f},"
        f" recall {trained.nudges.recall:.2f} of {trained.nudges.expected} nudges)"
    )
    if trained.surer_nudges is not None:
        print(
            f"fewer nudges (/nudges fewer): watch={trained.bars.surer}, the other bars as above"
            f" (precision {trained.surer_nudges.precision:.2f},"
            f" recall {trained.surer_nudges.recall:.2f})"
        )
    if trained.offers is not None:
        print(
            f"offers to record an agreement: consent={trained.bars.consent}"
            f" (precision {trained.offers.precision:.2f},"
            f" recall {trained.offers.recall:.2f} of {trained.offers.expected} offers)"
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
