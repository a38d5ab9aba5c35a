"""Each "Not a problem" keeps its own conversation quiet; a late nudge says when

- nudge_pacing.quiet_earlier: the conversations a person's earlier "Not a problem"s
  quieted that are still quiet, newest first, each with its own end (the latest stays
  in quiet_scope/quiet_until, as before). Empty at first.
- a waiting nudge (SendNudge) may name when its problem was named (`named_at`).

Revision ID: 0026
Revises: 0025
Create Date: 2027-03-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.waiting_items import make_waiting_items_older

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nudge_pacing") as batch:
        batch.add_column(sa.Column("quiet_earlier", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Only the latest "Not a problem"'s conversation stays quiet, as 0024 kept it; a
    # waiting late nudge opens as one on time does.
    make_waiting_items_older({"SendNudge": frozenset({"named_at"})})
    with op.batch_alter_table("nudge_pacing") as batch:
        batch.drop_column("quiet_earlier")
