"""`python -m benchmarks.member_languages`: members' client languages looked up through
the runtime's cache (bot.member_languages.MemberLanguages) beside straight from the
database, in the same run, on a SQLite file (or `--database`).

A DM's language asks for one member at a time, as most clicks tell theirs: the lookups
go round `--members` members of one server, all of them fresh (a cache hit, as every
lookup within `FRESH_FOR` of the last one is). Prints both rates, their ratio, the
memory a full cache (`HELD` entries) takes, and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bot import member_languages, workspaces
from bot.database import make_engine
from bot.member_languages import HELD, MemberLanguages
from bot.migrate import upgrade

SERVER = "discord:bench"
MEMBERS = 2_000
LOOKUPS = 20_000


def rate(lookups: int, members: int, look_up: Callable[[str], dict[str, str]]) -> float:
    """Lookups per second, one member each, round the members."""
    started = time.perf_counter()
    for n in range(lookups):
        look_up(str(n % members))
    return lookups / (time.perf_counter() - started)


def full_cache_mib(engine) -> float:
    """What `HELD` entries take, as Python allocates them: members with ids of Discord's
    length, whom the cache keeps as having no language (one read fills it)."""
    cache = MemberLanguages(engine)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    users = [str(10**17 + n) for n in range(HELD)]  # kept only by the cache, once read
    cache.of(SERVER, users)
    del users
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(cache) == HELD
    return held / 2**20


def main(database: str | None, members: int, lookups: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(database or f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            upgrade(engine)
            for user in range(members):
                member_languages.remember(engine, SERVER, str(user), "nl" if user % 2 else "en")
            cache = MemberLanguages(engine)
            rate(members, members, lambda user: cache.of(SERVER, [user]))  # filled
            cached = rate(lookups, members, lambda user: cache.of(SERVER, [user]))
            uncached = rate(
                lookups, members, lambda user: member_languages.of(engine, SERVER, [user])
            )
            mib = full_cache_mib(engine)
        finally:
            workspaces.forget(engine, SERVER)  # nothing of it left in a --database
            engine.dispose()
    print(f"{lookups:,} lookups round {members:,} members of one server ({engine.dialect.name})")
    print(f"  cached:   {cached:>12,.0f} lookups/s")
    print(f"  uncached: {uncached:>12,.0f} lookups/s (each one a read)")
    print(f"  ratio:    {cached / uncached:>12,.1f}x")
    print(f"  a full cache ({HELD:,} entries): {mib:.1f} MiB")
    figures = {
        "cached_per_s": round(cached),
        "uncached_per_s": round(uncached),
        "ratio": round(cached / uncached, 1),
        "full_cache_mb": round(mib, 2),
    }
    print(json.dumps(figures))
    return 0


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.member_languages", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--database", help="a database URL, migrated (default: a new SQLite file)")
    parser.add_argument("--members", type=int, default=MEMBERS,
                        help=f"in the server (default {MEMBERS:,})")  # fmt: skip
    parser.add_argument("--lookups", type=int, default=LOOKUPS,
                        help=f"of each kind (default {LOOKUPS:,})")  # fmt: skip
    chosen = parser.parse_args(argv)
    if chosen.members < 1 or chosen.lookups < 1:
        parser.error("--members and --lookups must be at least 1")
    return chosen


if __name__ == "__main__":
    chosen = options()
    raise SystemExit(main(chosen.database, chosen.members, chosen.lookups))
