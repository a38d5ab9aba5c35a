"""`make eval`: the shipped pipeline beside the rule classifier, on data nobody trained on.

    python -m training.evaluate [--no-speed] [--encoder DIR]
    python -m training.evaluate --probe FILE [--probe FILE ...] [--misses] [--encoder DIR]

* per label precision, recall and F1, per language, on the test split: the trained
  pipeline reading each line after the one before it (as the bot does), the same
  pipeline reading every line as the first of its conversation ("alone"), and the
  rule classifier;
* the error rate on the test split's hard negatives;
* nudge precision and recall of the real bot replaying the held-out example
  conversations (examples/conversations/*.jsonl) against their hand-written
  *.expected.json, with the model's bars (watch, answer, doubt, reaction), at tables
  that asked for fewer nudges (/nudges fewer: the surer bar),
  and, for reference, with labels alone; each with a 95% interval from resampling
  whole conversations; with a doubt path, how many of the nudges came through a
  reaction (sent only with the doubt path on);
* the agreements the real bot offers to record on the same conversations, against
  those its consensus rule offers when every message reads as hand-labelled
  (`training.gold`), with the same intervals;
* its words to a proposer that some of a larger table agree, the same way, on those
  conversations and on the larger tables (examples/larger-tables/, everyone who posts
  a member from the start);
* how well the consensus rule tells a request to one named person, which it never
  offers (`rules.addressing`), on the probes written to trip it (data/probes/requests);
* labels on each probe written apart from the corpus (data/probes/*.jsonl: short
  messages, teams and text shapes the corpus did not imagine), how many of its problems
  reach the watch bar, and its hard negatives where it marks them;
* the stance of each reply to a proposal written blind (data/probes/stances.jsonl),
  read after its proposal as the bot reads it: right per language, and the confusion;
* size, load time, throughput and latency (test split texts, and the short chat
  messages of the example conversations), against the rule classifier.

`--encoder DIR` reads again with the encoder exported in DIR (its bars.json with it)
instead of the shipped one: a candidate measured before it is shipped.

`--probe FILE` measures only a labelled probe kept outside the repository (real public
text is not ours to publish: training/RESULTS.md, "Real public text"), one JSON object a
line as in data/probes (`id`, `text`, `lang`, `labels`): its labels per language and the
bot's nudges on each line posted alone, as for the bundled probes (read again by the
`--encoder` given); with `--misses`, each line it nudged wrongly or missed, with both
readings' scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.console.transcript import TranscriptLine, read_transcript
from bot.explain import one_line
from rules.addressing import is_task_for_one
from rules.classifier import LABELS, Classifier
from rules.classifier.encoder import read_bars
from rules.classifier.rule_based import RuleClassifier
from rules.classifier.trained import MODEL_DIR, TrainedClassifier
from rules.understanding import READ_AGAIN, Thresholds, describe_bars
from training.config import ROOT, load_config
from training.dataset import Example, load_split, previous_lines
from training.gold import labelled_replay
from training.metrics import hard_negative_errors, macro_f1, per_label, score, table
from training.nudges import (
    NudgeScore,
    Replayed,
    compare,
    interval,
    nudged_alone,
    read_sidecar,
    replay,
)
from training.speed import cold_load_seconds, measure, size_on_disk, timed
from training.stances import load_replies, stance_section

if TYPE_CHECKING:
    from bot.service import SecondReader

CONVERSATIONS = ROOT / "examples" / "conversations"
# Tables of six to nine people reacting to proposals (examples/larger-tables/README.md).
LARGER_TABLES = ROOT / "examples" / "larger-tables"
# Messages written apart from the corpus, never trained on (data/probes/README.md).
PROBES = ROOT / "data" / "probes"
# Replies to proposals with the stance each takes (training.stances), not labelled lines.
STANCE_PROBE = "stances.jsonl"
# Probes whose lines are also posted alone through the bot, to count its nudges.
NUDGE_PROBES = ("two-acts.jsonl", "unimagined.jsonl")
LANGS = ("en", "nl")


def languages_of(examples: list[Example]) -> list[str]:
    """The languages `examples` hold lines of: a probe may be in one alone."""
    return [lang for lang in LANGS if any(example.lang == lang for example in examples)]


def label_rows(
    examples: list[Example], predictions: dict[str, list[frozenset[str]]], *, macro: bool
) -> tuple[list[str], list[list[object]]]:
    """Headers and rows of per-language, per-label P, R and F1, one column group per
    named prediction (and a macro F1 row per language when asked)."""
    headers = ["lang", "label"]
    for name in predictions:
        headers += [f"{name} P", f"{name} R", f"{name} F1"]
    rows: list[list[object]] = []
    for lang in languages_of(examples):
        scores = {name: per_label(examples, p, lang=lang) for name, p in predictions.items()}
        for label in LABELS:
            row: list[object] = [lang, label]
            for name in predictions:
                s = scores[name][label]
                row += [s.precision, s.recall, s.f1]
            rows.append(row)
        if macro:
            rows.append(
                [lang, "macro F1", *[x for n in predictions for x in ("", "", macro_f1(scores[n]))]]
            )
    return headers, rows


def label_section(test: list[Example], classifiers: dict[str, tuple[Classifier, bool]]) -> str:
    """`classifiers`: name -> (classifier, whether it reads the line before as context)."""
    before = previous_lines(test)
    predictions = {
        name: [
            c.labels
            for c in classifier.classify_many(
                (e.text for e in test), previous=before if in_context else None
            )
        ]
        for name, (classifier, in_context) in classifiers.items()
    }
    headers, rows = label_rows(test, predictions, macro=True)
    return (
        f"## Labels on the test split ({len(test)} lines, batches nobody trained on)\n\n"
        + table(headers, rows)
        + "\n\n## Hard negatives on the test split (cue word, label absent)\n\n"
        + hard_negative_table(test, predictions)
    )


def hard_negative_table(
    examples: list[Example], predictions: dict[str, list[frozenset[str]]]
) -> str:
    """Per language and in all, each named prediction's share of hard negatives with any
    wrong label and with a false one (the label its cue word invites)."""
    headers = ["lang"]
    for name in predictions:
        headers += [f"{name} any error", f"{name} false label"]
    rows = []
    for lang in (*LANGS, None):
        row: list[object] = [lang or "all"]
        for predicted in predictions.values():
            wrong, false, count = hard_negative_errors(examples, predicted, lang=lang)
            row += [wrong, false]
        rows.append([*row, count])
    return table([*headers, "lines"], rows)


# A run's mode with this ending replays with the bot's default quiet hours on.
AT_NIGHT = " at night"


class Replays:
    """The real bot's replays of the held-out conversations, each done once: the nudge
    and the offer tables read the same runs (a replay is the costly part of both)."""

    def __init__(self, reader: SecondReader | None = None) -> None:
        self.reader = reader
        self._done: dict[tuple, Replayed] = {}

    def __call__(
        self,
        classifier: Classifier,
        path: Path,
        bars: Thresholds,
        mode: str,
        second: bool,
        roster_from_start: bool = False,
    ) -> Replayed:
        key = (id(classifier), path, bars, mode, second, roster_from_start)
        if key not in self._done:
            # "normal at night": as the bot runs by default, its quiet hours on.
            tables, at_night = mode.removesuffix(AT_NIGHT), mode.endswith(AT_NIGHT)
            how = {"nudges": tables, "second_reading": second, "reader": self.reader,
                   "roster_from_start": roster_from_start,
                   "quiet_hours": at_night}  # fmt: skip
            self._done[key] = replay(classifier, path, bars, **how)
        return self._done[key]

    def labelled(self, path: Path, roster_from_start: bool = False) -> Replayed:
        """What the bot does over `path` reading every message as labelled (the offers
        and the words the same rule makes on true labels), done once."""
        key = ("labelled", path, roster_from_start)
        if key not in self._done:
            self._done[key] = labelled_replay(path, roster_from_start=roster_from_start)
        return self._done[key]


def nudge_section(
    runs: dict[str, tuple[Classifier, Thresholds, str, bool]],
    reader: SecondReader | None = None,
    replays: Replays | None = None,
    folder: Path | None = None,
) -> str:
    """Per run (classifier, bars, how readily every table is nudged, whether it reads
    again: with `reader`, else the shipped encoder) and language the nudges sent on the
    conversations in `folder` (the held-out set unless told), with
    95% intervals for precision and recall (whole conversations resampled:
    `training.nudges.interval`); with a doubt path, also those sent only through a
    reaction: the nudges the same bars without the doubt path do not send (the
    conversations replayed a second time, so). `replays`: replays already done (those
    of `reader`)."""
    replays = replays or Replays(reader)
    held_out = folder is None
    folder = CONVERSATIONS if held_out else folder
    conversations = sorted(folder.glob("*.jsonl"))
    if not conversations:
        raise SystemExit(f"{folder}: no conversations")
    rows = []
    for name, (classifier, bars, mode, second) in runs.items():
        doubting = bars.doubt is not None and bars.reaction is not None
        alone = replace(bars, doubt=None, reaction=None)  # the same bars, no doubt path
        parts: dict[str, list[NudgeScore]] = {}  # per language, one per conversation
        reacted: dict[str, NudgeScore] = {}  # "expected" unused: sent and right
        for path in conversations:
            expected = read_sidecar(path).expected
            sent = replays(classifier, path, bars, mode, second).nudges
            if doubting:
                sent_alone = replays(classifier, path, alone, mode, second).nudges
                via = compare(expected, sent - sent_alone)
            for lang in (path.name.split("-", 1)[0], "all"):
                parts.setdefault(lang, []).append(compare(expected, sent))
                if doubting:
                    reacted[lang] = reacted.get(lang, NudgeScore(0, 0, 0)) + via
        for lang, row in _totals(parts):
            through = f"{reacted[lang].sent} ({reacted[lang].right} right)" if doubting else ""
            rows.append([name, *row, through])
    headers = ["classifier (bars)", "lang", "expected", "sent", "right", "precision", "recall"]
    headers += ["precision 95%", "recall 95%", "via a reaction"]
    named = "held-out example conversations" if held_out else f"conversations in {folder}"
    return (
        f"## Nudges replaying {len(conversations)} {named}\n\n"
        + table(headers, rows)
        + "\n\n95%: where each figure lies when whole conversations are drawn again: how"
        " closely this set pins it down (two models read on the same conversations differ"
        " by chance less than that)."
        "\nvia a reaction: of the nudges sent, those the same bars without the doubt"
        " path (doubt, reaction) do not send."
    )


def suggestion_section(
    runs: dict[str, tuple[Classifier, Thresholds, bool]],
    reader: SecondReader | None = None,
    replays: Replays | None = None,
) -> str:
    """Per run (classifier, bars, whether it reads again) and language, the agreements
    offered to record, against those the consensus rule offers on the hand-written
    labels, with 95% intervals as for nudges; every table nudged normally."""
    replays = replays or Replays(reader)
    conversations = sorted(CONVERSATIONS.glob("*.jsonl"))
    expected = {path: replays.labelled(path).suggestions for path in conversations}
    rows = []
    for name, (classifier, bars, second) in runs.items():
        parts: dict[str, list[NudgeScore]] = {}
        for path in conversations:
            sent = replays(classifier, path, bars, "normal", second).suggestions
            for lang in (path.name.split("-", 1)[0], "all"):
                parts.setdefault(lang, []).append(compare(expected[path], sent))
        rows += [[name, *row] for _, row in _totals(parts)]
    headers = ["classifier (bars)", "lang", "expected", "offered", "right", "precision"]
    headers += ["recall", "precision 95%", "recall 95%"]
    return (
        f"## Agreements offered for recording, the same {len(conversations)} conversations\n\n"
        + table(headers, rows)
        + "\n\nexpected: what the consensus rule offers when every message reads as its"
        " writer labelled it (training/gold.py); an offer is right when its channel,"
        " thread, proposer and proposal match one of those."
    )


def word_section(
    classifier: Classifier,
    bars: Thresholds,
    second: bool,
    sets: dict[str, tuple[Path, bool]],
    replays: Replays,
) -> str:
    """The words to a proposer that some of a larger table agree (rules/consensus.py),
    against those the same rule says when every message reads as hand-labelled, per set
    of conversations (name: folder, whether everyone who posts is on the table from the
    start, as a synced roster), with 95% intervals as for nudges."""
    rows = []
    for name, (folder, roster) in sets.items():
        parts: dict[str, list[NudgeScore]] = {}
        for path in sorted(folder.glob("*.jsonl")):
            expected = replays.labelled(path, roster).words
            said = replays(classifier, path, bars, "normal", second, roster).words
            for lang in (path.name.split("-", 1)[0], "all"):
                parts.setdefault(lang, []).append(compare(expected, said))
        rows += [[name, *row] for _, row in _totals(parts)]
    headers = ["conversations", "lang", "expected", "said", "right", "precision", "recall"]
    headers += ["precision 95%", "recall 95%"]
    return (
        "## Words to a proposer that some of a larger table agree\n\n"
        + table(headers, rows)
        + "\n\nexpected: what the consensus rule says when every message reads as its"
        " writer labelled it (training/gold.py); right when its channel, thread, proposer"
        " and proposal match one of those."
    )


def request_section(folder: Path) -> str:
    """Per probe set and language, how precisely the consensus rule tells a request to
    one named person (a task it never offers to record) from a proposal for the team."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for lang in (*LANGS, "all"):
            chosen = [r for r in records if lang in (r["lang"], "all")]
            gold = [r["request_to_one"] for r in chosen]
            found = score(gold, [is_task_for_one(r["text"]) for r in chosen])
            taken, right = found.tp + found.fp, found.tp
            rows.append([path.stem, lang, sum(gold), taken, right, found.precision, found.recall])
    headers = ["set", "lang", "requests", "taken as tasks", "right", "precision", "recall"]
    where = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    return (
        f"## Requests to one named person, never offered for recording ({where})\n\n"
        + table(headers, rows)
        + "\n\nset-4 measured the shipped rule once; sets 1-3 shaped it; set-5 is plain orders"
        " after a name, which it mostly leaves (their README)."
    )


def _totals(parts: dict[str, list[NudgeScore]]) -> Iterator[tuple[str, list[object]]]:
    """Per language (then "all"), one score per conversation summed: (language, [language,
    expected, sent, right, precision, recall, precision 95%, recall 95%])."""
    for lang in (*LANGS, "all"):
        if lang not in parts:  # no conversation in that language
            continue
        s = sum(parts[lang], NudgeScore(0, 0, 0))
        spread = [_spread(parts[lang], "precision"), _spread(parts[lang], "recall")]
        yield lang, [lang, s.expected, s.sent, s.right, s.precision, s.recall, *spread]


def _spread(parts: list[NudgeScore], figure: str) -> str:
    """The 95% interval of `figure` (precision, recall) over the parts, as "0.79-0.87"."""
    low, high = interval(parts, attrgetter(figure))
    return f"{low:.2f}-{high:.2f}"


def probe_section(
    probe: list[Example], trained: TrainedClassifier, rules: RuleClassifier, name: str = "probe"
) -> str:
    """Labels on a probe, each message read alone, which of its problems reach the watch
    bar (those the bot would nudge about if no proposal came), and its hard negatives."""
    predicted = {
        "trained": trained.classify_many([e.text for e in probe]),
        "rules": rules.classify_many([e.text for e in probe]),
    }
    labels = {name: [r.labels for r in results] for name, results in predicted.items()}
    headers, rows = label_rows(probe, labels, macro=False)
    watch = trained.bars.watch
    watched = []
    if watch is not None:
        for lang in languages_of(probe):
            lines = [(e, r) for e, r in zip(probe, predicted["trained"], strict=True)
                     if e.lang == lang]  # fmt: skip
            problems = [r.scores["problem"] >= watch for e, r in lines if e.has("problem")]
            others = [r.scores["problem"] >= watch for e, r in lines if not e.has("problem")]
            watched.append(
                f"{lang}: {sum(problems)} of {len(problems)} problems reach the watch bar "
                f"({watch}), and {sum(others)} of {len(others)} other messages"
            )
    hard = ""
    if any(e.hard_negative for e in probe):  # only probes that mark them
        hard = "\n\nHard negatives (cue word, label absent):\n\n"
        hard += hard_negative_table(probe, labels)
    return (
        f"## Probe {name} ({len(probe)} messages written apart from the corpus, each read "
        "alone)\n\n" + table(headers, rows) + "".join(f"\n\n{line}" for line in watched) + hard
    )


def alone_nudge_section(
    probe: list[Example],
    classifier: Classifier,
    bars: Thresholds,
    name: str,
    *,
    second_reading: bool = True,
    nudged: list[bool] | None = None,
) -> str:
    """The bot's nudges, as it runs, on a probe's lines each posted alone: how often it
    asks for a proposal the line already made (the unkindest nudge), and how often it
    nudges a problem that proposes nothing. `nudged`: found already, line by line."""
    if nudged is None:
        nudged = nudged_alone(classifier, probe, bars, second_reading=second_reading)
    kinds = {
        "problem + proposal (wrong)": lambda e: e.has("problem") and e.has("proposal"),
        "problem alone (right)": lambda e: e.has("problem") and not e.has("proposal"),
        "no problem (wrong)": lambda e: not e.has("problem"),
    }
    rows = []
    langs = languages_of(probe)
    for lang in (*langs, "all") if len(langs) > 1 else langs:
        row = [lang]
        for belongs in kinds.values():
            chosen = [n for e, n in zip(probe, nudged, strict=True)
                      if belongs(e) and lang in (e.lang, "all")]  # fmt: skip
            row.append(f"{sum(chosen)} of {len(chosen)}")
        rows.append(row)
    title = f"## Nudges on probe {name}, each line posted alone (the bot as it runs)"
    return title + "\n\n" + table(["lang", *(f"nudged: {kind}" for kind in kinds)], rows)


def misses_section(
    probe: list[Example],
    nudged: list[bool],
    classifier: Classifier,
    reader: SecondReader | None,
    name: str,
) -> str:
    """Each line the bot got wrong posted alone: a problem proposing nothing it did not
    nudge, or a line it nudged that was no such problem; with both readings' problem and
    proposal scores, to see which reading missed it and by how much."""
    wrong = [
        (example, sent)
        for example, sent in zip(probe, nudged, strict=True)
        if sent != (example.has("problem") and not example.has("proposal"))
    ]
    if not wrong:
        return f"## Lines of probe {name} the bot got wrong\n\nnone"
    texts = [example.text for example, _ in wrong]
    headers, scored = _both_readings(texts, classifier, reader)
    rows = [
        [example.id, "nudged" if sent else "missed", *cells, one_line(example.text, 90)]
        for (example, sent), cells in zip(wrong, scored, strict=True)
    ]
    title = f"## Lines of probe {name} the bot got wrong, each posted alone"
    return title + "\n\n" + table(["id", "the bot", *headers, "text"], rows)


def _both_readings(
    texts: list[str], classifier: Classifier, reader: SecondReader | None
) -> tuple[list[str], list[list[str]]]:
    """The headers and, per text, the cells of its problem and proposal scores from the
    first reading and (with `reader`) the second."""
    first = classifier.classify_many(texts)
    second = reader.scores(texts) if reader is not None else None
    cells = []
    for n, reading in enumerate(first):
        row = [f"{reading.scores['problem']:.2f} / {reading.scores['proposal']:.2f}"]
        if second is not None:
            problem, proposal = (second[n, LABELS.index(label)] for label in READ_AGAIN)
            row.append(f"{problem:.2f} / {proposal:.2f}")
        cells.append(row)
    headers = ["first: problem / proposal"]
    headers += ["second: problem / proposal"] if second is not None else []
    return headers, cells


def conversation_misses_section(
    folder: Path,
    run: tuple[Classifier, Thresholds, str, bool],
    replays: Replays,
    reader: SecondReader | None,
) -> str:
    """Each nudge `run` got wrong over the conversations in `folder`: an expected one it
    did not send, or one it sent that nobody expected; with the problem's scores from
    both readings, to see which reading missed it (one that scores high on both was
    most likely taken as answered by a reply)."""
    classifier, bars, mode, second = run
    wrong: list[tuple[str, str, str]] = []  # conversation, what the bot did, the text
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as transcript:
            said = [m for m in read_transcript(transcript) if isinstance(m, TranscriptLine)]
        text_at = {(m.channel, m.ts): m.text for m in said}
        sent = replays(classifier, path, bars, mode, second).nudges
        expected = read_sidecar(path).expected
        for did, nudges in (("missed", expected - sent), ("nudged", sent - expected)):
            for channel, _, ts in sorted(nudges):
                wrong.append((path.stem, did, text_at.get((channel, ts), ts)))
    title = f"## Nudges the bot got wrong in {folder}"
    if not wrong:
        return f"{title}\n\nnone"
    headers, scored = _both_readings([text for *_, text in wrong], classifier, reader)
    rows = [
        [name, did, *cells, one_line(text, 90)]
        for (name, did, text), cells in zip(wrong, scored, strict=True)
    ]
    legend = " (missed: expected, not sent; nudged: sent, not expected)"
    return (
        title + legend + "\n\n" + table(["conversation", "the bot", *headers, "the problem"], rows)
    )


def speed_section(trained: TrainedClassifier, rules: RuleClassifier, texts: list[str]) -> str:
    _, warm_load = timed(lambda: TrainedClassifier.load())
    cold = cold_load_seconds(
        "from rules.classifier.trained import TrainedClassifier; TrainedClassifier.load()"
    )
    cold_rules = cold_load_seconds(
        "from rules.classifier.rule_based import RuleClassifier; RuleClassifier()"
    )
    chat = [
        json.loads(line)["text"]
        for path in sorted(CONVERSATIONS.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    rows = [
        ["size on disk", f"{size_on_disk(MODEL_DIR) / 1e6:.2f} MB", "(code only)", ""],
        ["load, fresh process (s)", f"{cold:.2f}", f"{cold_rules:.2f}", f"{cold / cold_rules:.2f}"],
        ["load, spaCy already imported (s)", f"{warm_load:.2f}", "", ""],
    ]
    for name, sample in (("test split", texts), ("chat messages", chat)):
        fast, slow = measure(trained, sample), measure(rules, sample)
        rows += [
            [
                f"{name}: msgs/s batched, one core",
                f"{fast.per_second:,.0f}",
                f"{slow.per_second:,.0f}",
                f"{fast.per_second / slow.per_second:.2f}",
            ],
            [
                f"{name}: p99 one message (ms)",
                f"{fast.p99_ms:.2f}",
                f"{slow.p99_ms:.2f}",
                f"{fast.p99_ms / slow.p99_ms:.2f}",
            ],
        ]
    return (
        "## Speed (CPU time on one core; the rule classifier alongside as the baseline)\n\n"
        + table(["", "trained", "rules", "ratio"], rows)
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.evaluate", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("--no-speed", action="store_true", help="leave out the speed section")
    parser.add_argument(
        "--encoder",
        type=Path,
        metavar="DIR",
        help="read again with the encoder exported in this folder, not the shipped one",
    )
    parser.add_argument(
        "--probe",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="measure only this labelled JSON Lines file (repeatable)",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="with --probe: list each line the bot nudged wrongly or missed, with its "
        "scores; with --conversations: each nudge it got wrong there",
    )
    parser.add_argument(
        "--conversations",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="measure only the nudges on the conversations in this folder, written as "
        "examples/conversations/ (repeatable): a fresh set, before it joins the held-out one",
    )
    args = parser.parse_args(argv)
    reader = _candidate_encoder(args.encoder) if args.encoder else None
    if args.probe:
        probes = {path.name: load_probe(path) for path in args.probe}
        trained, rules = TrainedClassifier.load(), RuleClassifier()
        shown = reader if reader is not None or not args.misses else _shipped_reader()
        for name, probe in probes.items():
            print(probe_section(probe, trained, rules, name), end="\n\n")
            if trained.bars.watch is None:
                continue
            nudged = nudged_alone(trained, probe, trained.bars, reader=reader)
            print(alone_nudge_section(probe, trained, trained.bars, name, nudged=nudged))
            print()
            if args.misses:
                print(misses_section(probe, nudged, trained, shown, name), end="\n\n")
        return 0
    config = load_config()
    test = load_split(config.splits, "test")
    trained = TrainedClassifier.load()
    rules = RuleClassifier()
    print(f"# Evaluation of {Path(MODEL_DIR).relative_to(ROOT)}\n")
    print(f"label thresholds: {trained.thresholds}")
    print(f"nudge bars: {describe_bars(trained.bars)}")
    second = reader.second if reader is not None else read_bars()
    if reader is not None:
        print(f"second reading: the encoder in {args.encoder}")
    if second is not None:
        checked = ", proposals too" if second.checks_answers else ""
        print(f"second reading's bars: {describe_bars(second.bars)}, "
              f"answers read again from {second.answer_from}{checked}")  # fmt: skip
    print()
    sides = {"trained": (trained, True), "trained alone": (trained, False), "rules": (rules, False)}
    if not args.conversations:
        print(label_section(test, sides), end="\n\n")
    runs: dict[str, tuple[Classifier, Thresholds, str, bool]] = {}
    modes = ["normal"] + (["fewer"] if trained.bars.surer is not None else [])
    for reading in ([True] if second is not None else []) + [False]:
        for mode in modes:
            name = "trained + second reading" if reading else "trained"
            name += " (the model's bars)" if mode == "normal" else ", tables asking for fewer"
            runs[name] = (trained, trained.bars, mode, reading)
    if second is not None:
        # As the bot runs by default: its quiet hours (21:00-08:00) hold nudges due in a
        # conversation's night, and early-morning ones, for its end.
        runs["trained + second reading, with the default quiet hours"] = (
            trained, trained.bars, "normal" + AT_NIGHT, True,
        )  # fmt: skip
    runs |= {
        "trained (labels only)": (trained, Thresholds(), "normal", False),
        "rules (labels only)": (rules, Thresholds(), "normal", False),
    }
    replays = Replays(reader)
    shown = reader if reader is not None or not args.misses else _shipped_reader()
    for folder in args.conversations or [None]:
        print(nudge_section(runs, reader, replays, folder), end="\n\n")
        if folder is not None and args.misses:  # the bot as it runs
            found = conversation_misses_section(folder, next(iter(runs.values())), replays, shown)
            print(found, end="\n\n")
    if args.conversations:
        return 0
    # The bot as it runs, and the rules: the second reading reads problems and their
    # answers, not consent, so the other runs offer (almost) the same (RESULTS.md).
    first = next(iter(runs))
    _, bars, _, reading = runs[first]
    offers = {first: (trained, bars, reading)}
    if bars.consent is not None:  # what the consent bar changes
        at_label = (trained, replace(bars, consent=None), reading)
        offers[f"{first}, consent at the label"] = at_label
    offers["rules (labels only)"] = (rules, Thresholds(), False)
    print(suggestion_section(offers, reader, replays), end="\n\n")
    sets = {
        "held-out, the table so far": (CONVERSATIONS, False),
        "larger tables, every poster a member": (LARGER_TABLES, True),
    }
    print(word_section(trained, bars, reading, sets, replays), end="\n\n")
    print(request_section(PROBES / "requests"), end="\n\n")
    for path in sorted(PROBES.glob("*.jsonl")):
        if path.name == STANCE_PROBE:
            continue  # replies with their proposals, below
        probe = load_probe(path)
        print(probe_section(probe, trained, rules, path.name), end="\n\n")
        if path.name in NUDGE_PROBES and trained.bars.watch is not None:
            print(alone_nudge_section(probe, trained, trained.bars, path.name), end="\n\n")
    if (PROBES / STANCE_PROBE).is_file():
        replies = load_replies(PROBES / STANCE_PROBE)
        sides = {"trained": (trained, trained.bars.consent), "rules": (rules, None)}
        print(stance_section(replies, sides, STANCE_PROBE), end="\n\n")
    if not args.no_speed:
        print(speed_section(trained, rules, [e.text for e in test]))
    return 0


def load_probe(path: Path) -> list[Example]:
    """A probe's labelled lines; a missing file or a line that is not one names itself."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SystemExit(f"{path}: {error.strerror or error}") from error
    probe = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
            probe.append(Example.from_record(record | {"batch": "probe", "domain": "probe"}))
        except (ValueError, KeyError, TypeError) as wrong:
            reason = f"no {wrong}" if isinstance(wrong, KeyError) else str(wrong)
            raise SystemExit(f"{path}, line {number}: {reason}") from wrong
    if not probe:
        raise SystemExit(f"{path}: no labelled lines")
    return probe


def _shipped_reader() -> SecondReader | None:
    """The shipped encoder, if it can be read here (its base file is built)."""
    from rules.classifier.encoder import EncoderReader

    try:
        return EncoderReader.load()
    except (FileNotFoundError, ValueError):
        return None


def _candidate_encoder(folder: Path) -> SecondReader:
    from rules.classifier.encoder import EncoderReader

    try:
        reader = EncoderReader.load(folder)
    except (FileNotFoundError, ValueError) as wrong:
        raise SystemExit(f"--encoder: {wrong}") from wrong
    if reader.second is None:
        raise SystemExit(f"--encoder: {folder} has no bars.json (training.second_reading)")
    return reader


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
