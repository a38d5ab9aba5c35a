"""The classification contract of DESIGN.md over streams of JSON Lines.

Each line is read on its own, unless it names the line it follows: `"after": "<id>"`
of an earlier line (the previous message of its thread or channel), which the
trained classifier reads as context.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from bot.explain import as_json
from rules.classifier import LABELS, Classification, Classifier, Previous

BATCH = 512
REMEMBERED = 100_000  # earlier lines an "after" can name


def classify_stream(
    classifier: Classifier, lines: Iterable[str], out: TextIO, *, explain: bool = False
) -> int:
    """Write one result per input line, in order; returns the number of bad lines.

    A bad line is reported on stderr with its number and gets an error object in
    its place, so outputs still line up with inputs. With `explain` (a classifier
    that has `explain`), each result also holds "why": per label, its weightiest
    features as [kind, text, weight].
    """
    errors = 0
    earlier: OrderedDict[str, Classification] = OrderedDict()
    numbered = ((n, line) for n, line in enumerate(lines, start=1) if line.strip())
    while batch := list(islice(numbered, BATCH)):
        parsed = []
        in_batch: dict[str, int] = {}
        previous: list[Previous] = []
        for number, line in batch:
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("expected an object with a string “text”")
                previous.append(_after(record, in_batch, earlier))
                if record.get("id") is not None:
                    in_batch[str(record["id"])] = len(previous) - 1
                parsed.append((number, record, None))
            except ValueError as error:
                parsed.append((number, None, str(error)))
        good = [(n, r) for n, r, e in parsed if e is None]
        found = classifier.classify_many((r["text"] for _, r in good), previous=previous)
        for (_, record), result in zip(good, found, strict=True):
            if record.get("id") is not None:
                earlier[str(record["id"])] = result
                earlier.move_to_end(str(record["id"]))
        while len(earlier) > REMEMBERED:
            earlier.popitem(last=False)
        results = iter(zip(found, previous, strict=True))
        for number, record, error in parsed:
            if error is not None:
                errors += 1
                print(f"groundrules classify: line {number}: {error}", file=sys.stderr)
                out.write(json.dumps({"line": number, "error": error}) + "\n")
                continue
            result, before = next(results)
            written = {
                "id": record.get("id"),
                "labels": [label for label in LABELS if label in result.labels],
                "scores": dict(result.scores),
            }
            if explain:
                after = found[before] if isinstance(before, int) else before
                written["why"] = as_json(classifier.explain(record["text"], previous=after))
            out.write(json.dumps(written, ensure_ascii=False) + "\n")
    out.flush()
    return errors


def _after(
    record: dict, in_batch: dict[str, int], earlier: OrderedDict[str, Classification]
) -> Previous:
    """The line a record follows: an index in this batch, an earlier result, or None."""
    after = record.get("after")
    if after is None:
        return None
    if str(after) in in_batch:
        return in_batch[str(after)]
    if str(after) in earlier:
        return earlier[str(after)]
    raise ValueError(f"“after” names {after!r}, which is no earlier line")
