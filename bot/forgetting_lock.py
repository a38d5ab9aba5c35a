"""Forgetting a person and writing member notes, one after the other (PostgreSQL).

A process writes the member notes it buffered only after reading who was forgotten
(`UnitOfWork._not_forgotten_since`). On PostgreSQL a transaction reads what was committed
when each statement began: a forgetting committed just after the read would let the note
be written back after the forgetting deleted the person's rows. So each transaction that
writes notes holds a shared advisory lock from before that read until it ends, and a
forgetting holds it alone from its first statement: it waits for the writers under way,
whose rows it then deletes, and a writer after it waits for it and then reads its note.
Both take the lock first in their transaction, so neither holds a row the other waits for
(a replay's one transaction for a batch takes it where its first new member is heard: if
a forgetting then waits for a row of it, PostgreSQL ends one of the two as a deadlock,
and that one is tried again, or reported, as any failed transaction).
SQLite lets one transaction write at a time: nothing to do there.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# The advisory lock's key: any number no other code of this database uses ("grnd").
FORGETTING_LOCK = 0x67726E64


def hold_to_write_notes(connection: Connection) -> None:
    """Held, shared with other writers, until `connection`'s transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": FORGETTING_LOCK}
        )


def hold_to_forget(connection: Connection) -> None:
    """Held alone until `connection`'s transaction ends: notes under way are written first."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FORGETTING_LOCK})
