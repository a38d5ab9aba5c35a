"""A transcript's lines in time order: a transcript merged from several exports may not
be, and a replay runs its windows and timers on the transcript's clock.

The lines are read once into a temporary file, keeping for each only its time, where
it starts and its number (24 bytes a line, not the line): a large transcript is not
held in memory. Lines in order (the usual case) are then read back as they are;
otherwise in a stable sort by time, so lines of the same time keep their file order.
A line whose time cannot be read stays where it is, to be reported by its number.
"""

from __future__ import annotations

import json
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

import numpy as np

from adapters.console.transcript import parse_ts

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _moment(raw: str) -> int | None:
    """A line's time in whole microseconds (exact, unlike a float), or None."""
    try:
        record = json.loads(raw)
        return (parse_ts(record["ts"]) - _EPOCH) // _MICROSECOND
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        return None


class TimeOrder:
    """Iterate (line number, line) in time order; `out_of_order` counts the lines that
    came after a later one in the file."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed when read through
        self._starts = array("q")
        self._numbers = array("q")
        self._moments = array("q")
        self.out_of_order = 0
        latest = last = None
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            moment = _moment(raw)
            if moment is None:
                moment = last if last is not None else np.iinfo(np.int64).min
            elif latest is not None and moment < latest:
                self.out_of_order += 1
            latest = moment if latest is None else max(latest, moment)
            last = moment
            self._starts.append(self._spool.tell())
            self._numbers.append(number)
            self._moments.append(moment)
            self._spool.write(raw.rstrip("\n").encode("utf-8", "surrogatepass") + b"\n")

    def __iter__(self) -> Iterator[tuple[int, str]]:
        try:
            self._spool.seek(0)
            if not self.out_of_order:
                for number, raw in zip(self._numbers, self._spool, strict=True):
                    yield number, raw.decode("utf-8", "surrogatepass")
                return
            moments = np.frombuffer(self._moments, dtype=np.int64)
            for index in np.argsort(moments, kind="stable"):
                self._spool.seek(self._starts[index])
                yield self._numbers[index], self._spool.readline().decode("utf-8", "surrogatepass")
        finally:
            self._spool.close()
