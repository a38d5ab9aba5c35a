"""Resolved concerns in the agreement that settles their round

- agreement.resolved_concerns: [[user, concern]] raised in the concern round the
  agreement settles and said resolved before it closed (/concern resolved, 0022). Their
  raisers consented; the agreement's record keeps what they raised, marked resolved.
  Empty for every agreement from before this revision.

Going down, the outbox items still waiting lose what the code before it cannot read
(bot.waiting_items): an agreement's resolved concerns, and a snooze's moment as each
reader's clock shows it (written instead as the table's clock, its zone named).

Revision ID: 0023
Revises: 0022
Create Date: 2027-03-02 10:00:00
"""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from bot.waiting_items import make_waiting_items_older

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(
            sa.Column("resolved_concerns", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    # The agreements keep their consent: the resolved concerns go with the column (the
    # round's answers still hold them while 0022 stands).
    with op.batch_alter_table("agreement") as batch:
        batch.drop_column("resolved_concerns")
    _waiting_items_as_0022_reads_them()


# What the code of 0022 (and of 0021, bde1430) cannot read in an outbox payload, added
# since: it would refuse the whole item, and an agreement's announcement (or a snooze's
# reply) would never go out. Without them, an agreement is announced with the concerns
# its round left open only, as 0022 keeps it; a snooze's reply names its time as the
# table's clock (and its zone), and Discord says "Snoozed for" its span again to a member
# whose DMs are closed.
_NEWER_FIELDS = {
    "AgreementView": frozenset({"resolved_concerns"}),
    "SnoozeNoted": frozenset({"until"}),
}


def _moment_as_words(moment: dict) -> str:
    """A rules.say.Moment as plain words, as the older code fills in any parameter it
    has no type for: "17:11 (Europe/Amsterdam)", "2027-03-03 08:00 (Europe/Amsterdam)"
    on another day."""
    place = moment["zone"]
    where = ZoneInfo(place) if place != "UTC" else None

    def local(key: str) -> datetime:
        at = datetime.fromisoformat(moment[key]["$dt"])
        return at if where is None else at.astimezone(where)

    at, said_at = local("at"), local("said_at")
    clock = f"{at:%H:%M} ({place})"
    return clock if at.date() == said_at.date() else f"{at:%Y-%m-%d} {clock}"


def _waiting_items_as_0022_reads_them() -> None:
    make_waiting_items_older(_NEWER_FIELDS, {"Moment": _moment_as_words})
