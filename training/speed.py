"""Speed of a classifier as people meet it: load time, batched throughput, latency.

Measured as CPU time of this process pinned to one core, so that other work on the
machine (a test suite, an editor) does not count against the classifier; always
beside a baseline in the same run, because absolute figures depend on the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rules.classifier import Classifier
from training.config import ROOT


@dataclass(frozen=True, slots=True)
class Speed:
    per_second: float  # messages per second, batched
    p50_ms: float  # one message at a time
    p99_ms: float


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this process to one CPU while measuring, where the OS allows it."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def measure(classifier: Classifier, texts: Sequence[str], *, seconds: float = 2.0) -> Speed:
    """Batched throughput over repeated passes of `texts`, and single-message latency."""
    with one_core():
        classifier.classify_many(texts[:64])  # warm up
        done, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < seconds:
            classifier.classify_many(texts)
            done += len(texts)
        latencies = []
        for text in texts[:2000]:
            begin = time.process_time()
            classifier.classify(text)
            latencies.append((time.process_time() - begin) * 1000)
    latencies.sort()
    return Speed(
        per_second=done / elapsed,
        p50_ms=latencies[len(latencies) // 2],
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    )


def timed(make: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    made = make()
    return made, time.perf_counter() - started


def cold_load_seconds(statement: str, *, runs: int = 3) -> float:
    """Seconds for a fresh Python to import and run `statement` (best of `runs`)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def size_on_disk(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())
