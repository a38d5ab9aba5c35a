"""The classification contract of DESIGN.md over streams of JSON Lines.

Each line is read on its own, unless it names the line it follows: `"after": "<id>"`
of an earlier line (the previous message of its thread or channel), which the
trained classifier reads as context (an id given twice: the later line). "lang" ("en"
or "nl") may be given but changes no score: one model reads both languages.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from bot.explain import as_json
from bot.printable import printable_json
from rules.classifier import LABELS, Classification, Classifier, Previous
from rules.surrogates import undecoded_byte, without_lone_surrogates

BATCH = 512
REMEMBERED = 100_000  # earlier lines an "after" can name
LANGUAGES = ("en", "nl")


class BadLine(ValueError):
    """A line that is no message to classify; `id` is its id, if it gave a good one."""

    def __init__(self, reason: str, id: str | None = None) -> None:
        super().__init__(reason)
        self.id = id


def classify_stream(
    classifier: Classifier, lines: Iterable[str], out: TextIO, *, explain: bool = False
) -> int:
    """Write one result per input line, in order; returns the number of bad lines.

    `lines` as a stream opened with errors="surrogateescape" reads them. A bad line (a
    blank one, one that is not UTF-8 or not JSON, one without a string "id" and
    "text") is reported on stderr with its number and gets an error object in its
    place, with its id when it gave one, so outputs still line up with inputs. With
    `explain` (a classifier that has `explain`), each result also holds "why": per
    label, its weightiest features as [kind, text, weight]; "dissent", the words
    stating dissent, where the dissent guard overruled the model's agreement and concern;
    and "consent", the negated objection, where the consent guard did.
    """
    errors = 0
    earlier: OrderedDict[str, Classification] = OrderedDict()
    numbered = enumerate(lines, start=1)
    while batch := list(islice(numbered, BATCH)):
        parsed: list[tuple[int, dict | None, BadLine | None]] = []
        in_batch: dict[str, int] = {}
        previous: list[Previous] = []
        for number, line in batch:
            try:
                record = _record(line)
                previous.append(_after(record, in_batch, earlier))
            except BadLine as error:
                parsed.append((number, None, error))
                continue
            in_batch[record["id"]] = len(previous) - 1
            parsed.append((number, record, None))
        good = [r for _, r, e in parsed if r is not None]
        found = classifier.classify_many((r["text"] for r in good), previous=previous)
        for record, result in zip(good, found, strict=True):
            earlier[record["id"]] = result
            earlier.move_to_end(record["id"])
        while len(earlier) > REMEMBERED:
            earlier.popitem(last=False)
        results = iter(zip(found, previous, strict=True))
        for number, record, error in parsed:
            if record is None:
                errors += 1
                print(f"groundrules classify: line {number}: {error}", file=sys.stderr)
                named = {} if error.id is None else {"id": error.id}
                failed = {"line": number, **named, "error": str(error)}
                out.write(printable_json(failed) + "\n")
                continue
            result, before = next(results)
            written = {
                "id": record["id"],
                "labels": [label for label in LABELS if label in result.labels],
                "scores": dict(result.scores),
            }
            if explain:
                after = found[before] if isinstance(before, int) else before
                written["why"] = as_json(classifier.explain(record["text"], previous=after))
                if result.dissent is not None:
                    # The guard overruled the scores "why" explains (rules/classifier/dissent.py).
                    written["dissent"] = result.dissent
                if result.consent is not None:
                    # The same, the other way (rules/classifier/consent.py).
                    written["consent"] = result.consent
            out.write(printable_json(written) + "\n")
    out.flush()
    return errors


def _record(line: str) -> dict:
    """The line's message: its "id", its "text" (an emoji cut in half mended as the
    engine mends it) and "after", if any."""
    if (byte := undecoded_byte(line)) is not None:
        raise BadLine(f"not UTF-8 (byte 0x{byte:02x}); save the input as UTF-8")
    if not line.strip():
        raise BadLine("a blank line; expected an object with “id” and “text”")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(record, dict):
        raise BadLine("expected an object with “id” and “text”")
    named = record.get("id")
    if not isinstance(named, str) or not named:
        raise BadLine("“id” must be a string, not empty")
    named = without_lone_surrogates(named)
    if not isinstance(record.get("text"), str):
        raise BadLine("“text” must be a string", named)
    lang = record.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise BadLine(f"“lang” must be {' or '.join(LANGUAGES)}, or left out", named)
    after = record.get("after")
    if after is not None and not isinstance(after, str):
        raise BadLine("“after” must be the id of an earlier line", named)
    return {"id": named, "text": without_lone_surrogates(record["text"]), "after": after}


def _after(
    record: dict, in_batch: dict[str, int], earlier: OrderedDict[str, Classification]
) -> Previous:
    """The line a record follows: an index in this batch, an earlier result, or None."""
    after = record["after"]
    if after is None:
        return None
    if after in in_batch:
        return in_batch[after]
    if after in earlier:
        return earlier[after]
    raise BadLine(f"“after” names {after!r}, which is no earlier line", record["id"])
