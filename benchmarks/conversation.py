"""A large, deterministic team conversation for benchmarks: many channels and threads,
in English and Dutch, with message texts drawn from the project's labelled corpus (real
lengths and variety) at the rates a day of team chat has them, and a few commands."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
# How often each kind of message turns up in a day of team chat (most is "other").
MIX = (("problem", 0.08), ("proposal", 0.08), ("concern", 0.04), ("agreement", 0.05))


def load_texts() -> dict[str, list[str]]:
    """Real-length, varied messages from the labelled corpus, grouped by first label."""
    groups: dict[str, list[str]] = {"other": []}
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            label = record["labels"][0] if record["labels"] else "other"
            groups.setdefault(label, []).append(record["text"])
    return groups


def generate(messages: int = 100_000, channels: int = 1_000, *, seed: int = 7) -> Iterator[str]:
    """JSON Lines in the transcript format, in time order."""
    rng = random.Random(seed)
    texts = load_texts()
    clock = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    roots: dict[str, list[str]] = {}
    for n in range(messages):
        clock += timedelta(milliseconds=rng.randint(50, 900))
        channel = f"C{rng.randrange(channels):04d}"
        user = f"U{rng.randrange(12):02d}"
        roll, kind = rng.random(), "other"
        for label, share in MIX:
            if roll < share:
                kind = label
                break
            roll -= share
        text = rng.choice(texts[kind])
        if n % 2000 == 1999:  # now and then someone records an agreement
            text = "/agree rotate the weekend shift because two people burned out"
        ts = clock.isoformat().replace("+00:00", "Z")
        threads = roots.setdefault(channel, [])
        thread = rng.choice(threads) if threads and rng.random() < 0.25 else None
        if thread is None and len(threads) < 20:
            threads.append(ts)
        yield json.dumps(
            {"ts": ts, "channel": channel, "user": user, "text": text, "thread": thread}
        )
