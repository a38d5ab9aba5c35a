"""Replay a transcript through the real engine and storage, on the transcript's clock.

Before each line, every timer due before it fires, at its own due time and in order;
after the last line, all remaining timers fire, so nothing scheduled is left out.

Lines are replayed in time order (time_order.py), in batches: classified together, then
handled one by one in a single transaction per batch (a replay has no one else to wait
for, and one commit per line cost a fifth of its time). If a line fails, its whole
batch is rolled back.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol

from adapters.console.time_order import TimeOrder
from adapters.console.transcript import TranscriptError, TranscriptLine, read_numbered, to_event
from bot.bootstrap import Groundrules
from bot.printable import printable_line
from bot.store import Delivery, ref_key
from rules.actions import Outbound, SendNudge
from rules.events import CommandInvoked

# Lines are classified in batches: spaCy's pipe is much faster than one call a line.
BATCH = 256
_JUST_BEFORE = timedelta(microseconds=1)


class Output(Protocol):
    def show(self, action: Outbound, at: datetime) -> None: ...

    def note(self, text: str) -> None: ...


@dataclass
class ReplayResult:
    lines: int = 0
    messages: int = 0
    commands: int = 0
    channels: set[str] = field(default_factory=set)
    actions: int = 0
    nudges: int = 0  # of the actions, private nudges about a problem
    errors: list[TranscriptError] = field(default_factory=list)
    # Lines that came after a later one in the file, replayed in time order.
    out_of_order: int = 0


class Replay:
    def __init__(self, app: Groundrules, output: Output, *, workspace: str = "replay") -> None:
        self.app = app
        self.output = output
        self.workspace = workspace
        self.delivered = 0
        self.nudges = 0
        self._next_due: datetime | None = None
        # How far it got, for a database that fails half way: the transcript line being
        # handled (0: none yet), the last one committed, and whether every line was.
        self.line = 0
        self.stored_through = 0
        self.past_the_lines = False

    def run(self, lines: Iterable[str], *, on_error=None, on_reordered=None) -> ReplayResult:
        result = ReplayResult()
        self.app.store.pop_scheduled_hint()
        with self.app.store.unit_of_work() as uow:
            self._next_due = uow.next_timer_due()  # a kept database may have some waiting
        ordered = TimeOrder(lines)
        result.out_of_order = ordered.out_of_order
        if ordered.out_of_order and on_reordered:
            on_reordered(ordered.out_of_order)
        for batch in _batches(read_numbered(ordered), BATCH):
            good: list[TranscriptLine] = []
            for item in batch:
                if isinstance(item, TranscriptError):
                    result.errors.append(item)
                    if on_error:
                        on_error(item)
                else:
                    good.append(item)
            events = [to_event(line, workspace=self.workspace) for line in good]
            understood = self.app.service.interpret_many(events)
            with self.app.store.one_transaction():
                for item, event, meaning in zip(good, events, understood, strict=True):
                    self.line = item.line
                    self._fire_timers(before=event.at)
                    self._deliver(self.app.service.handle_understood(meaning))
                    result.lines += 1
                    result.channels.add(event.channel)
                    if isinstance(event, CommandInvoked):
                        result.commands += 1
                    else:
                        result.messages += 1
            if good:
                self.stored_through = good[-1].line
        self.past_the_lines = True
        self._fire_timers(before=None)
        self.app.store.flush()
        result.actions = self.delivered
        result.nudges = self.nudges
        return result

    def _fire_timers(self, *, before: datetime | None) -> None:
        limit = None if before is None else before - _JUST_BEFORE
        scheduled = self.app.store.pop_scheduled_hint()
        if scheduled is not None:
            self._next_due = min(self._next_due or scheduled, scheduled)
        if limit is not None and (self._next_due is None or self._next_due > limit):
            return  # nothing can be due yet: no need to ask the database
        deliveries, self._next_due = self.app.service.fire_simulated_until(limit)
        self._deliver(deliveries)

    def _deliver(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            self.output.show(delivery.action, delivery.at)
        if deliveries:
            # A replay posts nowhere: a message's key stands in for its platform id. Its
            # nudges are private (only Discord's quiet reply is public): nothing to clear.
            keys = [
                None if isinstance(d.action, SendNudge) else ref_key(d.action) for d in deliveries
            ]
            self.app.store.mark_delivered_many(
                [
                    (d.outbox_id, d.at, key, key, d.action.lang)
                    for d, key in zip(deliveries, keys, strict=True)
                ]
            )
            self.delivered += len(deliveries)
            self.nudges += sum(isinstance(d.action, SendNudge) for d in deliveries)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def report_error(error: TranscriptError) -> None:
    print(printable_line(f"groundrules replay: {error} (skipped)"), file=sys.stderr)


def report_reordered(count: int) -> None:
    lines = "line was" if count == 1 else "lines were"
    print(f"groundrules replay: {count} {lines} out of time order; replaying all in time "
          "order (lines of the same time in file order)", file=sys.stderr)  # fmt: skip
