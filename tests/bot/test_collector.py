"""bot.collector: what start-up made is left out of later full collections."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref

from bot.collector import freeze_start_up


class Held:
    """An object the collector tracks, and one a weak reference can point at."""

    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def tracked(thing: object) -> bool:
    return any(other is thing for other in gc.get_objects())


def test_what_lives_on_is_frozen_and_what_start_up_dropped_is_freed_first():
    kept = Held()
    dropped = weakref.ref(Held())
    assert tracked(kept) and dropped() is not None

    assert freeze_start_up() > 0

    assert not tracked(kept)  # in the permanent generation: no full pass walks it
    assert dropped() is None  # garbage is collected, not frozen for good


def test_the_bench_times_full_collections_in_a_started_bot_before_and_after():
    ran = subprocess.run(
        [sys.executable, "-m", "benchmarks.collector", "--passes", "1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    figures = json.loads(ran.stdout.splitlines()[-1])
    assert figures["walked_before"] > 50_000  # the classifier, both platforms' libraries
    assert figures["walked_after"] < figures["walked_before"] / 10
    assert "before freezing" in ran.stdout and "after freezing" in ran.stdout
