"""`groundrules spool replay`: what gone processes kept on disk during an outage, stored
by a process that serves no platform (bot.cli), for spool files no running process will
take over (a platform the bot no longer runs with).

A line is handed in as a process serving its platform would hand it in, except what
only that platform can make again: a Slack event's table is read again through Slack (a
Slack Connect channel's home), and token revocations and Slack removals go through its
installation store. A file holding such a line is left for a process serving its
platform (or `groundrules spool drop`), whole: a file is handed in all or not at all.
What the bot says of what is stored waits in the outbox for a process serving its
platform, and is given up after GROUNDRULES_RETENTION if none comes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from bot.bootstrap import Groundrules
from bot.outage import NotRecorded
from bot.runtime import Runtime
from bot.spool import DROPPED, LeftSpool, Record, read_records

# Told how many events are handed in so far, of how many.
Progress = Callable[[int, int], None]
# Changes the runtime stores itself, whichever platform kept them.
OWN_CHANGES = frozenset({"removed", "returned"})


def needs_its_platform(record: Record) -> str | None:
    """Why only a process serving its platform can hand `record` in; None: this can."""
    if DROPPED in record:  # a note of how many were dropped: said by whoever hands in
        return None
    if "event" in record:
        if record.get("through") is not None:
            return "events whose table Slack reads again (a Slack Connect channel's home)"
        return None
    kind, workspace = record.get("change"), str(record.get("workspace", ""))
    # A Slack removal also deletes the workspace's install (the Slack adapter's store).
    if kind in OWN_CHANGES and not (kind == "removed" and workspace.startswith("slack:")):
        return None
    return f"a {kind} of {workspace} that its platform stores"


@dataclass
class Replayed:
    stored: int = 0
    files: list[LeftSpool] = field(default_factory=list)
    # Files left as they were, and why.
    refused: list[tuple[LeftSpool, str]] = field(default_factory=list)
    # The database stopped answering part-way: where the rest waits.
    interrupted: str | None = None
    # Events the processes that kept these files dropped past their bound (KEPT_EVENTS),
    # and those past it once the files were read together.
    dropped: int = 0


def replay(
    app: Groundrules, left: Sequence[LeftSpool], progress: Progress | None = None
) -> Replayed:
    """Store what `left` holds, oldest file first, in the order it was kept; `progress`
    is told how many are handed in of how many: none yet, then after each."""
    done = Replayed()
    for spool in left:
        try:
            records = read_records(spool.path)
        except OSError:  # gone meanwhile: a process serving its platform took it over
            continue
        why = next(filter(None, map(needs_its_platform, records)), None)
        if why is None:
            done.files.append(spool)
        else:
            done.refused.append((spool, why))
    if not done.files:
        return done
    platforms = "+".join(sorted(set().union(*(spool.platforms for spool in done.files))))
    runtime = Runtime(app, [], spooling_for=platforms)
    try:
        runtime.take_over_spool([spool.path for spool in done.files])
        total, done.dropped = runtime.kept, runtime.dropped
        handed_in = None
        if progress is not None:
            progress(0, total)
            handed_in = partial(_of, progress, total)
        done.stored = asyncio.run(_hand_in(runtime, handed_in))
    finally:
        if runtime.spool.path is not None:
            done.interrupted = str(runtime.spool.path)
        runtime.close()
    return done


def _of(progress: Progress, total: int, handed_in: int) -> None:
    progress(handed_in, total)


async def _hand_in(runtime: Runtime, progress: Callable[[int], None] | None) -> int:
    """How many were handed in, also when the database stopped answering part-way."""
    before = runtime.kept
    try:
        return await runtime.hand_in_kept(deliver=False, progress=progress)
    except NotRecorded:
        return before - runtime.kept
