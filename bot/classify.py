"""The classification contract of DESIGN.md over streams of JSON Lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from rules.classifier import LABELS, Classifier

BATCH = 512


def classify_stream(classifier: Classifier, lines: Iterable[str], out: TextIO) -> int:
    """Write one result per input line, in order; returns the number of bad lines.

    A bad line is reported on stderr with its number and gets an error object in
    its place, so outputs still line up with inputs.
    """
    errors = 0
    numbered = ((n, line) for n, line in enumerate(lines, start=1) if line.strip())
    while batch := list(islice(numbered, BATCH)):
        parsed = []
        for number, line in batch:
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("expected an object with a string “text”")
                parsed.append((number, record, None))
            except ValueError as error:
                parsed.append((number, None, str(error)))
        good = [(n, r) for n, r, e in parsed if e is None]
        results = iter(classifier.classify_many(r["text"] for _, r in good))
        for number, record, error in parsed:
            if error is not None:
                errors += 1
                print(f"groundrules classify: line {number}: {error}", file=sys.stderr)
                out.write(json.dumps({"line": number, "error": error}) + "\n")
                continue
            result = next(results)
            out.write(
                json.dumps(
                    {
                        "id": record.get("id"),
                        "labels": [label for label in LABELS if label in result.labels],
                        "scores": dict(result.scores),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    out.flush()
    return errors
