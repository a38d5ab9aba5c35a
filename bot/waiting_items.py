"""Outbox items still waiting, made readable by an older version when going down.

bot.codec writes a payload as a class's fields, by name, and reads it back into the
class of that name: code older than a field (or a class) refuses the whole item, which
is then never sent. A migration's downgrade leaves out of waiting items what the code
it goes back to cannot read. Items done with keep their kind alone (bot.codec.kind_only)
and are left as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from alembic import op


def older(
    value: object,
    newer_fields: Mapping[str, frozenset[str]],
    newer_classes: Mapping[str, Callable[[dict], object]] | None = None,
) -> object:
    """`value` (a decoded JSON payload) without the fields in `newer_fields` (by class
    name), and with each object of a class in `newer_classes` replaced by what that
    function makes of it (a class the older code does not have)."""
    if isinstance(value, list):
        return [older(v, newer_fields, newer_classes) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("$")
    if newer_classes and kind in newer_classes:
        return older(newer_classes[kind](value), newer_fields, newer_classes)
    left_out = newer_fields.get(kind, frozenset())  # type: ignore[arg-type]
    return {k: older(v, newer_fields, newer_classes) for k, v in value.items() if k not in left_out}


def make_waiting_items_older(
    newer_fields: Mapping[str, frozenset[str]],
    newer_classes: Mapping[str, Callable[[dict], object]] | None = None,
) -> None:
    """In a migration: rewrite every waiting outbox item as `older` makes it."""
    outbox = sa.table("outbox", sa.column("id"), sa.column("payload"), sa.column("delivered_at"))
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(outbox.c.id, outbox.c.payload).where(outbox.c.delivered_at.is_(None))
    ).all()
    for outbox_id, payload in waiting:
        try:
            item = json.loads(payload)
        except ValueError:
            continue  # not this version's to mend: left as it is
        made = older(item, newer_fields, newer_classes)
        if made != item:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == outbox_id)
                .values(payload=json.dumps(made, ensure_ascii=False, separators=(",", ":")))
            )
