"""The bars of the second reading: the encoder's scores combined with the linear
model's, on the messages the engine reads again (rules/problems.py, `on_reread`).

    python -m training.second_reading [--encoder DIR] [--dry-run] [--labels] [--weight W ...]
                                      [--aim P] [--read-from P] [--answers-at-once]
                                      [--also DIR ...]

The linear model reads every message; a message a nudge hangs on is read again by the
encoder: a problem the first reading watched (even doubtfully), and a reply that may
answer a waiting problem (a proposal score of at least `answer_from`, also one the
first reading takes for a proposal, unless `--answers-at-once`). The problem and
proposal scores combined, the encoder's weighing `--weight`, then decide. This module
replays that on the tuning conversations, each scored by a linear model fitted without
it (as `make train` chooses the first reading's bars) and by the shipped encoder (which
never learnt them), with `--also DIR` conversations neither model learnt (scored by the
shipped linear model), and chooses the bars that reach the nudge precision aim with the
most recall, and a surer bar for tables asking for fewer nudges. It writes them and the
weight to the encoder's `bars.json`. Run it again after `make train`: the bars belong
to the pair of models.

With `--labels` it writes nothing and measures instead what the averaged reading (a
half each) would do for the problem and proposal labels of every message: thresholds
chosen on the tuning lines as `make train` chooses the label thresholds, F1 on the test
split per language, beside each model alone (training/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from rules.understanding import BAR_NAMES, READ_AGAIN, SecondReading, Thresholds, describe_bars
from training import tuning
from training.nudges import NudgeScore

# A reply is read again from this proposal score up, if it may answer a waiting
# problem. Fixed before the bars were chosen (training/RESULTS.md, "The second reading").
ANSWER_FROM = 0.2
MIN_PRECISION = 0.9  # the nudge aim: bars reach it on the tuning conversations
SURER_BETA = 0.5
# The second reading's shares tried by default: the average alone, as shipped. Given
# several, the one whose bars nudge best on the tuning conversations, precision counting
# double (F0.5, as for the surer bar), is kept, the first on a tie: each weight's bars
# reach the precision aim, and their right nudges differ by one or two, so the wrong
# ones decide (training/RESULTS.md, "The second reading weighed more").
WEIGHTS = (0.5,)


def _weight(text: str) -> float:
    """A share or a score: a number within 0..1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"not within 0..1: {text}")
    return value


def effective_scores(
    first: tuning.Scores,
    second: np.ndarray,
    bars: Thresholds,
    answer_from: float,
    weight: float = 0.5,
    read_from: float | None = None,
    checks_answers: bool = False,
) -> tuning.Scores:
    """What the engine acts on, line by line, once the second readings are in.

    - A line the first reading takes for a proposal answers as before: 1; unless the
      reading `checks_answers`: then it is read again as a possible answer is.
    - A line read again (a problem it watched, or a possible answer) has the two
      readings combined, the second weighing `weight`. A line is watched from the
      first reading's doubt bar, or from `read_from` under it (SecondReading.first_bars).
    - Any other line is neither a problem nor a proposal: 0.
    - A reaction is judged by the first reading alone, at its own bar: 1 or 0.
    """
    # Its bars: chosen later.
    reading = SecondReading(Thresholds(), answer_from, weight, read_from, checks_answers)
    answers, watched, reread = _read_again(first, reading.first_bars(bars), answer_from)
    if checks_answers:
        answers, reread = np.zeros_like(answers), reread | answers
    mean = reading.combined(
        {label: np.asarray(first[label]) for label in READ_AGAIN},
        {"problem": second[:, 0], "proposal": second[:, 1]},
    )
    found = dict(first)
    found["problem"] = np.where(watched, mean["problem"], 0.0)
    found["proposal"] = np.where(answers, 1.0, np.where(reread, mean["proposal"], 0.0))
    if "reaction" in first and bars.reaction is not None:
        found["reaction"] = (np.asarray(first["reaction"]) >= bars.reaction).astype(float)
    return found


def read_again_share(
    first: Sequence[tuning.Scores], bars: Thresholds, answer_from: float
) -> tuple[float, float]:
    """The share of lines watched and read again as possible problems, and the share
    that may be read again at all (an upper bound: the engine reads a possible answer
    only while a problem in its reach waits)."""
    masks = [_read_again(scores, bars, answer_from) for scores in first]
    lines = max(1, sum(len(mask[2]) for mask in masks))
    return (
        sum(int(mask[1].sum()) for mask in masks) / lines,
        sum(int(mask[2].sum()) for mask in masks) / lines,
    )


def _read_again(first: tuning.Scores, bars: Thresholds, answer_from: float):
    """Per line: the first reading answers with it; it watches it (a problem, doubtful
    or not); it is read again (watched, or a possible answer)."""
    problem, proposal = np.asarray(first["problem"]), np.asarray(first["proposal"])
    floor = bars.doubt if bars.doubt is not None else bars.watch
    answers = proposal >= bars.answer
    watched = (problem >= floor) & ~answers
    return answers, watched, watched | (proposal >= answer_from)


def choose(
    conversations: Sequence[tuning.Conversation],
    first: Sequence[tuning.Scores],
    second: Sequence[np.ndarray],
    bars: Thresholds,
    grid: Sequence[float],
    answer_from: float = ANSWER_FROM,
    weight: float = 0.5,
    read_from: float | None = None,
    aim: float = MIN_PRECISION,
    checks_answers: bool = False,
) -> tuple[Thresholds, NudgeScore, NudgeScore | None]:
    """The second reading's bars for the readings combined with the second weighing
    `weight` (watching from `read_from`, if given) that reach nudge precision `aim` with
    the most recall, the nudges they send at a normal table and at one asking for fewer
    (None: no surer bar helps). The reaction bar stays the first's."""
    scored = [
        effective_scores(f, s, bars, answer_from, weight, read_from, checks_answers)
        for f, s in zip(first, second, strict=True)
    ]
    chosen, normal = tuning.choose_bars(conversations, scored, grid, 1.0, min_precision=aim)
    if chosen.doubt is not None:
        chosen = replace(chosen, reaction=bars.reaction)
    surer = tuning.choose_surer(conversations, scored, chosen, grid, SURER_BETA)
    if surer is None:
        return chosen, normal, None
    return replace(chosen, surer=surer[0]), normal, surer[1]


def _split(conversations: Sequence[tuning.Conversation], rows: np.ndarray) -> list[np.ndarray]:
    at, found = 0, []
    for conversation in conversations:
        found.append(rows[at : at + len(conversation.lines)])
        at += len(conversation.lines)
    return found


def _unseen(folder: Path, tuning_folder: Path) -> list[tuning.Conversation]:
    """The conversations in `folder`, named by it; the tuning folder is refused, since
    the linear model learnt it."""
    if folder.resolve() == tuning_folder.resolve():
        raise SystemExit(f"{folder}: the tuning conversations, learnt by the linear model")
    found = tuning.load(folder)
    if not found:
        raise SystemExit(f"{folder}: no conversations")
    return [replace(c, name=f"{folder.name}/{c.name}") for c in found]


def main(argv: list[str]) -> int:
    from rules.classifier.encoder import BARS_FILE, ENCODER_DIR, EncoderReader
    from rules.classifier.trained import TrainedClassifier
    from training.config import ROOT, load_config
    from training.dataset import fold_feedback, key, load_split
    from training.linear import nudge_scores
    from training.thresholds import grid
    from training.train import _nudge_scorer, conversation_examples

    parser = argparse.ArgumentParser(prog="python -m training.second_reading", description=__doc__)
    parser.add_argument("--encoder", default=str(ENCODER_DIR), help="the exported encoder")
    parser.add_argument("--dry-run", action="store_true", help="print the bars, write nothing")
    parser.add_argument(
        "--labels", action="store_true", help="measure averaged labels on test, write nothing"
    )
    parser.add_argument(
        "--weight",
        type=_weight,
        nargs="+",
        default=list(WEIGHTS),
        metavar="W",
        help="the second reading's share of the combined score (0..1); given several, "
        "the one whose bars nudge best on the tuning conversations (F0.5) is kept "
        f"(default: {' '.join(map(str, WEIGHTS))})",
    )
    parser.add_argument(
        "--aim",
        type=_weight,
        default=MIN_PRECISION,
        metavar="P",
        help=f"the nudge precision the bars must reach on the tuning conversations "
        f"(default: {MIN_PRECISION})",
    )
    parser.add_argument(
        "--read-from",
        type=_weight,
        metavar="P",
        help="watch quietly and read again every message the first reading scores from P "
        "as a problem, under its doubt bar (default: from the doubt bar)",
    )
    parser.add_argument(
        "--answers-at-once",
        action="store_true",
        help="a reply the first reading takes for a proposal answers at once, unread "
        'again (as before the bot checked answers: training/RESULTS.md, "A reply taken '
        'for a proposal, read again")',
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="choose on these conversations too (repeatable), scored by the shipped linear "
        "model: only conversations neither model learnt, such as the held-out set once a "
        "fresh one is written to measure on",
    )
    args = parser.parse_args(argv)
    config = load_config()
    conversations = tuning.load(ROOT / config.thresholds.tuning)
    unseen = [c for folder in args.also for c in _unseen(folder, ROOT / config.thresholds.tuning)]
    reader = EncoderReader.load(args.encoder)
    read = conversations + ([] if args.labels else unseen)  # the label figures: tuning lines
    texts = [line.text for c in read for line in c.lines]
    print(f"the encoder reads {len(texts)} conversation lines …", flush=True)
    second = _split(read, reader.scores(texts))
    splits = {n: load_split(config.splits, n) for n in ("train", "dev", "test")}
    held_out = splits["dev"] + splits["test"]
    learnt, _ = fold_feedback(splits["train"], config.feedback, held_out=held_out)
    corpus = learnt + (splits["dev"] if "dev" in config.fit_on else [])
    evaluated = {key(e.text) for e in held_out}
    print(f"the linear model, {config.thresholds.tuning_folds} folds …", flush=True)
    first = tuning.out_of_fold_scores(
        conversations,
        config.thresholds.tuning_folds,
        lambda others: _nudge_scorer(corpus + conversation_examples(others, evaluated), config),
    )
    if args.labels:
        print_label_figures(conversations, first, second, splits["test"], reader)
        return 0
    trained = TrainedClassifier.load()
    if unseen:
        print(f"the shipped linear model reads {len(unseen)} more conversations …", flush=True)
        first += tuning.score_each(unseen, lambda t, p: nudge_scores(trained.nlp, t, p))
        conversations += unseen
    shipped = trained.bars
    print(f"first reading's bars: {describe_bars(shipped)}")
    floor = SecondReading(shipped, ANSWER_FROM, read_from=args.read_from).first_bars(shipped)
    problems, share = read_again_share(first, floor, ANSWER_FROM)
    print(
        f"lines read again as possible problems: {problems:.0%}; at most, with answers: {share:.0%}"
    )
    tried = []
    for weight in dict.fromkeys(args.weight):
        bars, normal, fewer = choose(
            conversations,
            first,
            second,
            shipped,
            grid(config.thresholds),
            weight=weight,
            read_from=args.read_from,
            aim=args.aim,
            checks_answers=not args.answers_at_once,
        )
        print(f"weight {weight}: second reading's bars {describe_bars(bars)}")
        for name, found in (("normal", normal), ("fewer", fewer)):
            if found is not None:
                print(
                    f"  nudges on {len(conversations)} conversations, {name}: {found.sent} "
                    f"sent, {found.right} right of {found.expected}: "
                    f"precision {found.precision:.2f}, recall {found.recall:.2f}"
                )
        tried.append((normal.f_beta(SURER_BETA), -len(tried), weight, bars))
    *_, weight, bars = max(tried)
    print(f"kept: weight {weight}, answer_from={ANSWER_FROM}")
    if not args.dry_run:
        chosen = (
            {name: getattr(bars, name) for name in BAR_NAMES}
            | {
                "answer_from": ANSWER_FROM,
                "weight": weight,
                "checks_answers": not args.answers_at_once,
            }
            | ({} if args.read_from is None else {"read_from": args.read_from})
        )
        path = Path(args.encoder) / BARS_FILE
        path.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


def print_label_figures(conversations, first, second, test, reader) -> None:
    """Problem and proposal F1 on `test`, per language: the shipped linear model (its
    own thresholds, and thresholds chosen on the tuning lines), the encoder, and their
    average (both chosen on the tuning lines, the linear model out of fold)."""
    from rules.classifier import LABELS
    from rules.classifier.trained import TrainedClassifier
    from training.config import load_config
    from training.evaluate import previous_lines
    from training.metrics import per_label
    from training.thresholds import label_thresholds

    search = load_config().thresholds
    examples = [e for c in conversations for e in c.examples()]
    linear = {label: np.concatenate([np.asarray(s[label]) for s in first]) for label in READ_AGAIN}
    rows = np.concatenate(second)
    encoder = {label: rows[:, LABELS.index(label)] for label in READ_AGAIN}
    shipped = TrainedClassifier.load().classify_many(
        [e.text for e in test], previous=previous_lines(test)
    )
    read = reader.scores([e.text for e in test])
    on_test = {
        "linear": {label: np.array([c.scores[label] for c in shipped]) for label in READ_AGAIN},
        "encoder": {label: read[:, LABELS.index(label)] for label in READ_AGAIN},
    }
    on_tuning = {"linear": linear, "encoder": encoder}
    for scores in (on_test, on_tuning):
        scores["average"] = {
            label: (scores["linear"][label] + scores["encoder"][label]) / 2 for label in READ_AGAIN
        }
    runs = {"linear, its own thresholds": [c.labels & set(READ_AGAIN) for c in shipped]}
    for name, scores in on_tuning.items():
        unused = {label: np.zeros(len(examples)) for label in LABELS}
        bars = label_thresholds(examples, unused | scores, search)
        runs[f"{name}, thresholds from tuning ({bars['problem']}, {bars['proposal']})"] = [
            frozenset(label for label in READ_AGAIN if on_test[name][label][i] >= bars[label])
            for i in range(len(test))
        ]
    print("| reading | lang | problem P / R / F1 | proposal P / R / F1 |\n|---|---|---|---|")
    for name, predicted in runs.items():
        for lang in ("en", "nl"):
            found = per_label(test, predicted, lang=lang)
            cells = [
                f"{found[label].precision:.3f} / {found[label].recall:.3f} / {found[label].f1:.3f}"
                for label in READ_AGAIN
            ]
            print(f"| {name} | {lang} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
