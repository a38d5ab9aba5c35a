"""A table whose channel got a new id: everything it holds moves to the new id.

Slack gives a private channel a new id for good when it is shared with another
organisation (Slack Connect), and asks apps to update what they stored under the old
one. Every table with a channel column is moved, in the caller's transaction, so that
a table is never found half under one id and half under the other. Timers whose keys
name the channel get keys naming the new one, and messages still waiting in the outbox
go to the new id.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, Table, delete, exists, select, true, update
from sqlmodel import SQLModel

from bot.models import OutboxRow, TimerRow
from rules import problems

# Timers keyed by channel (a problem's id is unique only in its channel): the key the
# engine computes to cancel them must be found after the move too.
_KEYED_BY_CHANNEL = {
    problems.PROBLEM_TIMER: problems.problem_timer_key,
    problems.SNOOZE_TIMER: problems.snooze_timer_key,
}
_timers = TimerRow.__table__  # type: ignore[attr-defined]
_outbox = OutboxRow.__table__  # type: ignore[attr-defined]


def _tables_with_a_channel() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if "workspace" in t.c and "channel" in t.c]


def move_table(connection: Connection, workspace: str, old: str, new: str) -> dict[str, int]:
    """Move every row of `workspace` under channel `old` to channel `new`; rows moved,
    per table. Where the new id already holds a row with the same key (a member heard
    there a moment before the move was), the table's own row replaces it; so does the
    channel's home, whichever workspace the new id was settled with meanwhile. Moving
    again finds nothing left to move."""
    if old == new:
        return {}
    _rekey_timers(connection, workspace, old, new)
    _readdress_outbox(connection, workspace, old, new)
    moved: dict[str, int] = {}
    for table in _tables_with_a_channel():
        keys = [c for c in table.primary_key.columns if c.name not in ("workspace", "channel")]
        if "channel" in table.primary_key.columns:
            before = table.alias("before")
            # A key without the workspace (a channel's home, one per channel): the row
            # another workspace got under the new id (its installation heard the channel
            # there before this move) gives way too, or the move could not be written.
            same = (
                table.c.workspace == workspace
                if "workspace" in table.primary_key.columns
                else true()
            )
            connection.execute(
                delete(table).where(
                    same,
                    table.c.channel == new,
                    exists().where(
                        before.c.workspace == workspace,
                        before.c.channel == old,
                        *(before.c[k.name] == table.c[k.name] for k in keys),
                    ),
                )
            )
        count = connection.execute(
            update(table)
            .where(table.c.workspace == workspace, table.c.channel == old)
            .values(channel=new)
        ).rowcount
        if count:
            moved[table.name] = count
    return moved


def _rekey_timers(connection: Connection, workspace: str, old: str, new: str) -> None:
    rows = connection.execute(
        select(_timers.c.key, _timers.c.kind, _timers.c.subject).where(
            _timers.c.workspace == workspace,
            _timers.c.channel == old,
            _timers.c.kind.in_(list(_KEYED_BY_CHANNEL)),
        )
    ).all()
    for row in rows:
        key_for = _KEYED_BY_CHANNEL[row.kind]
        if row.key != key_for(old, row.subject):
            continue
        rekeyed = key_for(new, row.subject)
        connection.execute(
            delete(_timers).where(_timers.c.workspace == workspace, _timers.c.key == rekeyed)
        )
        connection.execute(
            update(_timers)
            .where(_timers.c.workspace == workspace, _timers.c.key == row.key)
            .values(key=rekeyed)
        )


def _readdress_outbox(connection: Connection, workspace: str, old: str, new: str) -> None:
    """What waits to be delivered names its channel in its payload as well."""
    rows = connection.execute(
        select(_outbox.c.id, _outbox.c.payload).where(
            _outbox.c.workspace == workspace,
            _outbox.c.channel == old,
            _outbox.c.delivered_at.is_(None),
        )
    ).all()
    for row in rows:
        try:
            payload = json.loads(row.payload)
        except ValueError:
            continue
        if not isinstance(payload, dict) or payload.get("channel") != old:
            continue
        payload["channel"] = new
        connection.execute(
            update(_outbox)
            .where(_outbox.c.id == row.id)
            .values(payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        )
