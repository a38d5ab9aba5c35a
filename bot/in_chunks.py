"""Values for an IN (...) list, a bounded number at a time.

SQLite refuses a statement with more bound values than SQLITE_MAX_VARIABLE_NUMBER (999
in builds before 3.32, 32,766 since), PostgreSQL (psycopg) one with more than 65,535
parameters. A list that grows with a table's history (its agreements, its members, a
person's tables or problems) is read or written a chunk at a time, or not sent at all
(a subquery names it in SQL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

# The most values one IN (...) names: under the oldest SQLite's 999 with room for the
# statement's other values.
IN_CHUNK = 500


def in_chunks(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, in their order."""
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk
