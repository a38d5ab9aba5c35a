"""Which members of which tables this process knows are stored as active, so that an
ordinary message costs no write.

Bounded: a bot runs for months while tables come and go (channels archived, left, a
Discord forum's every post a table of its own), so past `HELD` members in all the
tables heard from least lately are forgotten. A miss costs one write when that member
is next heard from (an upsert that finds them active already), and changes nothing the
bot decides: what it decides from reads the database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

# Some megabytes of ids at most; far more than the members a process hears from daily.
HELD = 100_000

Table = tuple[str, str]


class KnownMembers:
    """Not thread-safe: its owner (bot.store.Store) holds a lock around each call."""

    def __init__(self, held: int) -> None:
        self._held = held
        # Least lately heard from first.
        self._tables: OrderedDict[Table, set[str]] = OrderedDict()
        self._count = 0

    def __len__(self) -> int:
        """Members remembered, over all tables."""
        return self._count

    def knows(self, table: Table, user: str) -> bool:
        users = self._tables.get(table)
        if users is None:
            return False
        self._tables.move_to_end(table)
        return user in users

    def add(self, table: Table, user: str) -> bool:
        """True when `user` was not known at `table` yet."""
        users = self._touched(table)
        if user in users:
            return False
        users.add(user)
        self._count += 1
        self._keep_bound()
        return True

    def discard(self, table: Table, user: str) -> None:
        users = self._tables.get(table)
        if users is not None and user in users:
            users.remove(user)
            self._count -= 1

    def discard_everywhere(self, workspace: str, user: str) -> int:
        """`user` no longer known at any table of `workspace` (forgotten there); at how
        many tables they were. One look at each table held."""
        tables = [t for t, users in self._tables.items() if t[0] == workspace and user in users]
        for table in tables:
            self.discard(table, user)
        return len(tables)

    def replace(self, table: Table, users: Iterable[str]) -> None:
        """Exactly `users` at `table`, as the database just said."""
        self.forget(table)
        self._tables[table] = set(users)
        self._count += len(self._tables[table])
        self._keep_bound()

    def forget(self, table: Table) -> None:
        self._count -= len(self._tables.pop(table, ()))

    def forget_workspaces(self, names: set[str]) -> None:
        for table in [table for table in self._tables if table[0] in names]:
            self.forget(table)

    def clear(self) -> None:
        self._tables.clear()
        self._count = 0

    def _touched(self, table: Table) -> set[str]:
        users = self._tables.setdefault(table, set())
        self._tables.move_to_end(table)
        return users

    def _keep_bound(self) -> None:
        # The table just heard from stays, even alone past the bound: it is the one in use.
        while self._count > self._held and len(self._tables) > 1:
            _, users = self._tables.popitem(last=False)
            self._count -= len(users)
