"""`python -m benchmarks.collector`: the garbage collector's full passes in the bot's
process as `groundrules run slack discord` starts it (both adapters built, the trained
classifier loaded, a SQLite file), before and after bot.collector.freeze_start_up, in
the same run.

A full pass holds the event loop: every Slack click waits it out inside the 3 seconds
Slack gives to acknowledge. Prints the objects a full pass walks and its median time,
before and after (then it walks only what the bot made since it started), and, last,
one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

PASSES = 15


def full_pass_ms(passes: int) -> float:
    """The median time of `passes` full collections, in milliseconds."""
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        gc.collect()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def start_up(folder: str) -> object:
    """What `groundrules run slack discord` holds before its loop starts (tokens made up:
    nothing here connects)."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{Path(folder) / 'bench.db'}",
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET="bench",
        DISCORD_TOKEN="benchmark-made-up-0.bench.benchmark-made-up-token-000",
    )
    import importlib

    from bot.bootstrap import bootstrap
    from bot.runtime import Runtime
    from bot.settings import load_settings

    settings = load_settings()
    adapters = [
        importlib.import_module(f"adapters.{name}").build_adapter(settings)
        for name in ("slack", "discord")
    ]
    return Runtime(bootstrap(settings), adapters)


def main(passes: int) -> int:
    from bot.collector import freeze_start_up

    with tempfile.TemporaryDirectory() as folder:
        runtime = start_up(folder)
        gc.collect()
        walked_before = len(gc.get_objects())
        before = full_pass_ms(passes)
        frozen = freeze_start_up()
        walked_after = len(gc.get_objects())
        after = full_pass_ms(passes)
        del runtime
    print(f"a full collection in a started bot (median of {passes})")
    print(f"  before freezing: {before:8.3f} ms, {walked_before:>9,} objects walked")
    print(f"  after freezing:  {after:8.3f} ms, {walked_after:>9,} objects walked "
          f"({frozen:,} frozen)")  # fmt: skip
    figures = {
        "full_gc_ms_before": round(before, 2),
        "full_gc_ms_after": round(after, 3),
        "walked_before": walked_before,
        "walked_after": walked_after,
    }
    print(json.dumps(figures))
    return 0


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.collector", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--passes", type=int, default=PASSES,
                        help=f"full collections timed each way (default {PASSES})")  # fmt: skip
    chosen = parser.parse_args(argv)
    if chosen.passes < 1:
        parser.error("--passes must be at least 1")
    return chosen


if __name__ == "__main__":
    raise SystemExit(main(options().passes))
