"""Does a change to the trained classifier's code keep its outputs, to the last bit?

Classifies every text of data/splits (all splits), of examples/ and of the bench's
generated chat with the shipped model, each file as a conversation in one batched call
(each message read after the one before it) and each message again alone, read after
its previous message's classification; writes every `Classification` field and the
model's logits before any rounding (`LinearTextcat.text_logits`, batched as
`classify_many` batches), floats written exactly (`float.hex`), one line a message.
Written by the code before a change and checked by the code after it:

    python -m benchmarks.same_outputs --write before.jsonl   (in a copy of the old code)
    python -m benchmarks.same_outputs --check before.jsonl   (in the new code)

`--check` exits 1 and names the first lines that differ.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from benchmarks.conversation import generate
from bot.bootstrap import build_classifier
from rules.classifier import Classification
from rules.classifier.normalise import normalise
from rules.classifier.trained import BATCH

ROOT = Path(__file__).resolve().parent.parent
BENCH_TEXTS = 22_000  # the texts `make bench` classifies, batched and one at a time


def conversations() -> Iterator[tuple[str, list[str]]]:
    """(name, texts in order) for every file of texts the check reads."""
    files = sorted((ROOT / "data" / "splits").glob("*.jsonl"))
    files += sorted((ROOT / "examples").rglob("*.jsonl"))
    for path in files:
        texts = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if isinstance(record.get("text"), str):
                    texts.append(record["text"])
        yield str(path.relative_to(ROOT)), texts
    bench = [json.loads(line)["text"] for line in itertools.islice(generate(), BENCH_TEXTS)]
    yield "bench", bench


def exactly(value) -> object:
    """A value as a line may hold it exactly: floats by their bits."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, list):
        return [exactly(item) for item in value]
    if isinstance(value, dict):
        return {key: exactly(item) for key, item in value.items()}
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def fields(found: Classification) -> dict:
    return {
        "labels": exactly(found.labels),
        "scores": exactly(dict(found.scores)),
        "lang": found.lang,
        "text_scores": None if found.text_scores is None else exactly(dict(found.text_scores)),
        "reaction": exactly(found.reaction),
        "dissent": found.dissent,
    }


def outputs() -> Iterator[str]:
    classifier = build_classifier("trained")
    for name, texts in conversations():
        logits = []
        with classifier.vocabulary.reading():
            docs = list(classifier.nlp.tokenizer.pipe(map(normalise, texts)))
            for start in range(0, len(docs), BATCH):
                found, _ = classifier.textcat.text_logits(docs[start : start + BATCH])
                logits += found.tolist()
        batched = classifier.classify_many(texts, previous=[None, *range(len(texts) - 1)])
        for n, (text, found) in enumerate(zip(texts, batched, strict=True)):
            before = batched[n - 1] if n else None
            alone = classifier.classify(text, previous=before)
            yield json.dumps({"at": f"{name}:{n + 1}", "logits": exactly(logits[n]),
                              "batched": fields(found), "alone": fields(alone)},
                             ensure_ascii=False)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.same_outputs")
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--write", type=Path, help="write the outputs here")
    chosen.add_argument("--check", type=Path, help="compare the outputs with these")
    options = parser.parse_args(argv)
    if options.write is not None:
        count = 0
        with options.write.open("w", encoding="utf-8") as out:
            for line in outputs():
                out.write(line + "\n")
                count += 1
        print(f"{count:,} messages written")
        return 0
    differ, count = [], 0
    with options.check.open(encoding="utf-8") as before:
        for old, new in itertools.zip_longest(before, outputs()):
            count += 1
            if old is None or new is None or old.rstrip("\n") != new:
                differ.append(f"before: {(old or '(none)').strip()[:300]}\n   now: {new}"[:700])
    for line in differ[:5]:
        print(line)
    print(f"{count:,} messages, {len(differ):,} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
