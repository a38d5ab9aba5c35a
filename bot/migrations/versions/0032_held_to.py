"""Which due a timer's held_from goes with

- timer.held_to: the due that `held_from` (migration 0029) was written with. A process of
  a release before 0029 still running during a rolling deploy sets a timer again by its
  due alone, leaving the row's held_from from an earlier hold: once `due` is no longer
  `held_to`, that held_from is not this due's, and the timer is guessed from its due,
  as one set before 0029. NULL on the timers set before: guessed as well.

Revision ID: 0032
Revises: 0031
Create Date: 2027-04-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("held_to", bot.models.UTCDateTime(), nullable=True))
    # The timers set since 0029 were all set by it with their due: their held_from holds.
    op.execute("UPDATE timer SET held_to = due WHERE held_from IS NOT NULL")


def downgrade() -> None:
    # held_from is trusted again whatever set the timer since, as under 0030.
    with op.batch_alter_table("timer") as batch:
        batch.drop_column("held_to")
