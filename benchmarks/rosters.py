"""`python -m benchmarks.rosters`: a big Slack channel's roster read by
adapters.slack.people.Directory (users.list pages where the channel holds a good share
of the workspace) beside the old way, one users.info per member, in the same run against
the stand-in Slack over loopback.

Prints, for each way, the Web API calls it made, the time it took on loopback, and the
time Slack's rate limits would hold it to (users.info, Tier 4: some 100 calls a minute;
users.list, Tier 2: some 20), their ratios, and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.adapter import make_client
from adapters.slack.people import Directory, Person
from tests.standins.slack_api import SlackStandIn

WORKSPACE = "T-TEST"
CHANNEL = "C-TOWNHALL"
MEMBERS = 3_000
PEOPLE = 10_000
# Calls a minute Slack allows each method (its tiers' lower bounds: Tier 4, Tier 2).
PER_MINUTE = {"users.info": 100, "users.list": 20, "conversations.members": 100}


async def old_roster(directory: Directory, workspace: str, channel: str) -> frozenset[str]:
    """The roster as it was read before users.list: one users.info per member."""
    users = list(dict.fromkeys(await directory.channel_members(workspace, channel)))
    found = await asyncio.gather(*(directory.person(workspace, u) for u in users))
    return frozenset(p.id for p in found if isinstance(p, Person) and p.human)


async def timed(
    slack: SlackStandIn, read: Callable[[Directory], Awaitable[frozenset[str]]], client
) -> tuple[frozenset[str], float, Counter[str]]:
    async def client_for(workspace: str) -> AsyncWebClient:
        return client

    slack.clear_calls()
    directory = Directory(client_for)  # a fresh one: nothing cached
    started = time.perf_counter()
    members = await read(directory)
    return members, time.perf_counter() - started, Counter(c.method for c in slack.calls)


def rate_limited_minutes(calls: Counter[str]) -> float:
    """The least time Slack's rate limits allow these calls, made one method after the
    other (the members, then their descriptions), as a roster reads them."""
    return sum(count / PER_MINUTE[method] for method, count in calls.items())


async def main(members: int, people: int) -> int:
    async with SlackStandIn() as slack:
        for n in range(people):
            slack.add_user(f"U{n:07d}", f"p{n}", real_name=f"Person {n}")
        step = max(people // members, 1)
        slack.set_members(CHANNEL, [f"U{n:07d}" for n in range(0, people, step)][:members])
        client = make_client("xoxb-bench", slack.url)

        async def new_way(directory: Directory) -> frozenset[str]:
            return (await directory.roster(WORKSPACE, CHANNEL)).members

        async def old_way(directory: Directory) -> frozenset[str]:
            return await old_roster(directory, WORKSPACE, CHANNEL)

        new, new_s, new_calls = await timed(slack, new_way, client)
        old, old_s, old_calls = await timed(slack, old_way, client)
    assert new == old and len(new) == members, "both ways read the same roster"
    new_min, old_min = rate_limited_minutes(new_calls), rate_limited_minutes(old_calls)
    print(f"a channel of {members:,} in a workspace of {people:,} people, read twice")
    for name, calls, seconds, minutes in (
        ("users.list", new_calls, new_s, new_min),
        ("users.info", old_calls, old_s, old_min),
    ):
        shown = ", ".join(f"{count:,} {method}" for method, count in sorted(calls.items()))
        print(f"  by {name}: {sum(calls.values()):>6,} calls ({shown})")
        print(f"      {seconds:8.2f} s on loopback, at Slack's rates at least {minutes:6.1f} min")
    calls_ratio = sum(old_calls.values()) / sum(new_calls.values())
    print(f"  ratio (old / new): {calls_ratio:,.1f}x calls, {old_s / new_s:,.1f}x loopback "
          f"time, {old_min / new_min:,.1f}x rate-limited time")  # fmt: skip
    figures = {
        "members": members,
        "people": people,
        "listed_calls": sum(new_calls.values()),
        "looked_up_calls": sum(old_calls.values()),
        "listed_s": round(new_s, 3),
        "looked_up_s": round(old_s, 3),
        "listed_rate_limited_min": round(new_min, 2),
        "looked_up_rate_limited_min": round(old_min, 2),
        "calls_ratio": round(calls_ratio, 1),
        "time_ratio": round(old_s / new_s, 1),
        "rate_limited_ratio": round(old_min / new_min, 1),
    }
    print(json.dumps(figures))
    return 0


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.rosters", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--members", type=int, default=MEMBERS,
                        help=f"in the channel (default {MEMBERS:,})")  # fmt: skip
    parser.add_argument("--people", type=int, default=PEOPLE,
                        help=f"in the workspace (default {PEOPLE:,})")  # fmt: skip
    chosen = parser.parse_args(argv)
    if not 1 <= chosen.members <= chosen.people:
        parser.error("--members must be at least 1 and at most --people")
    return chosen


if __name__ == "__main__":
    chosen = options()
    raise SystemExit(asyncio.run(main(chosen.members, chosen.people)))
