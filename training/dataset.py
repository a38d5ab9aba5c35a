"""Labelled messages on disk: corpus lines, split files, and team corrections.

One record shape everywhere (the corpus's): id, text, lang, labels, domain, batch,
hard_negative. Corrections exported by `bot.feedback` are folded into training data
here, so that every trainer sees the same examples.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rules.classifier import LABELS
from rules.classifier.normalise import own_words

SPLITS = ("train", "dev", "test")
# The batch of a team's correction: a line without its conversation.
FEEDBACK = "feedback"
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    lang: str
    labels: tuple[str, ...]
    domain: str = FEEDBACK
    batch: str = FEEDBACK
    hard_negative: bool = False
    # Labels nobody said either way (a correction of a text the corpus lacks names one or
    # two): neither present nor absent, so no head learns them from this line.
    unknown: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict) -> Example:
        labels, unknown = record.get("labels", []), record.get("unknown", [])
        strange = (set(labels) | set(unknown)) - set(LABELS)
        if strange:
            raise ValueError(f"{record.get('id')}: unknown labels {sorted(strange)}")
        return cls(
            id=str(record["id"]),
            text=str(record["text"]),
            lang=str(record["lang"]),
            labels=ordered(labels),
            domain=str(record.get("domain", FEEDBACK)),
            batch=str(record.get("batch", FEEDBACK)),
            hard_negative=bool(record.get("hard_negative", False)),
            unknown=ordered(unknown),
        )

    def record(self) -> dict:
        written = asdict(self) | {"labels": list(self.labels), "unknown": list(self.unknown)}
        if not self.unknown:  # the corpus's records: every label known
            del written["unknown"]
        return written

    def has(self, label: str) -> bool:
        return label in self.labels

    def knows(self, label: str) -> bool:
        """Whether the line says if `label` applies (`has`) or not."""
        return label not in self.unknown

    @property
    def in_conversation(self) -> bool:
        """A corpus line is one of its batch's conversation; a correction is alone."""
        return self.batch != FEEDBACK


def ordered(labels: Iterable[str]) -> tuple[str, ...]:
    """Labels in the contract's order, each once."""
    present = set(labels)
    return tuple(label for label in LABELS if label in present)


def read_jsonl(path: Path) -> Iterator[dict]:
    for _, record in _numbered_jsonl(path):
        yield record


def _numbered_jsonl(path: Path) -> Iterator[tuple[int, object]]:
    """Each line's number and value; blank lines are skipped."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: {error}") from None


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def load_split(splits: Path, name: str) -> list[Example]:
    path = splits / f"{name}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m training.prepare` first")
    return [Example.from_record(record) for record in read_jsonl(path)]


def previous_lines(examples: Sequence[Example]) -> list[int | None]:
    """For each example, the index of the line before it in its batch (a batch is one
    conversation, its lines in id order); None for a batch's first line and for
    corrections, which come without their conversation."""
    found: list[int | None] = [None] * len(examples)
    latest: dict[str, int] = {}
    for index in sorted(range(len(examples)), key=lambda i: examples[i].id):
        batch = examples[index].batch
        if examples[index].in_conversation:
            found[index] = latest.get(batch)
            latest[batch] = index
    return found


def fold_feedback(
    examples: list[Example], feedback: Path, *, held_out: Iterable[Example] = ()
) -> tuple[list[Example], dict[str, int]]:
    """Apply exported corrections (data/feedback/*.jsonl) to training examples.

    A correction says of one text "label X applies" or "label X does not apply".
    It changes that label on every example with the same text (compared after the
    classifier's own normalisation) and leaves the other labels alone; a text the
    corpus does not have becomes a new example whose labels are what the corrections
    say, and the labels nobody mentioned are `unknown` on it (a "not a problem" says
    nothing of concern: each label's head leaves the line out). Files are read in name
    order and lines in file order, so a later correction wins. Texts that are in a
    held-out split are skipped: training on them would leak into the evaluation.
    """
    stats = {"corrections": 0, "changed": 0, "added": 0, "held_out": 0}
    files = sorted(feedback.glob("*.jsonl")) if feedback.is_dir() else []
    if not files:
        return examples, stats
    held = {key(example.text) for example in held_out}
    by_text: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        by_text.setdefault(key(example.text), []).append(index)
    result = list(examples)
    added: dict[str, Example] = {}
    for path in files:
        for label, applies, text, lang in read_corrections(path):
            if label not in LABELS:
                print(f"{path}: skipping unknown label {label!r}", file=sys.stderr)
                continue
            stats["corrections"] += 1
            text_key = key(text)
            if text_key in held:
                stats["held_out"] += 1
                continue
            for index in by_text.get(text_key, []):
                before = result[index]
                result[index] = replace(before, labels=_apply(before.labels, label, applies))
                stats["changed"] += result[index].labels != before.labels
            if text_key not in by_text:
                base = added.get(text_key) or Example(
                    id=f"feedback-{len(added) + 1:05d}",
                    text=text,
                    lang=lang or "en",
                    labels=(),
                    unknown=LABELS,
                )
                added[text_key] = replace(
                    base,
                    labels=_apply(base.labels, label, applies),
                    unknown=tuple(known for known in base.unknown if known != label),
                )
    stats["added"] = len(added)
    return result + list(added.values()), stats


def read_corrections(path: Path) -> Iterator[tuple[str, bool, str, str | None]]:
    """(label, applies, text, lang) of each line of an exported corrections file, as
    `bot.feedback` writes them. A line edited by hand into something else stops
    training, naming the file and line: "applies": "false" must not count as true."""
    for number, record in _numbered_jsonl(path):
        where = f"{path}:{number}"
        if not isinstance(record, dict):
            raise ValueError(f"{where}: expected an object, as the export writes")
        text, label, applies, lang = (record.get(k) for k in ("text", "label", "applies", "lang"))
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: “text” must be the message's words")
        if not isinstance(label, str):
            raise ValueError(f"{where}: “label” must be one of {', '.join(LABELS)}")
        if not isinstance(applies, bool):
            given = f", not {json.dumps(applies)}" if "applies" in record else ""
            raise ValueError(f"{where}: “applies” must be true or false{given}")
        if lang is not None and lang not in ("en", "nl"):
            raise ValueError(f"{where}: “lang” must be en or nl, not {json.dumps(lang)}")
        yield label, applies, text, lang


def _apply(labels: tuple[str, ...], label: str, applies: bool) -> tuple[str, ...]:
    return ordered({*labels, label} if applies else set(labels) - {label})


def key(text: str) -> str:
    """What two texts must share to be the same message: case, punctuation, emoji and
    markup aside ("Printer's broken!" is "printers broken")."""
    folded = unicodedata.normalize("NFKC", own_words(text)).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())
