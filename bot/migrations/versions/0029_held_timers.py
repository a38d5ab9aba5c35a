"""When a timer was due before the quiet hours held it

- timer.held_from: the moment a private reminder or nudge was due before the table's
  quiet hours held it to `due` (its end); `due` itself when they did not. A change of
  the table's quiet hours or zone sets a held timer again from it. NULL on the timers
  set before: those are guessed from their due, as before (held if it is the end of the
  quiet hours exactly).

Revision ID: 0029
Revises: 0028
Create Date: 2027-03-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("held_from", bot.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # The timers stay where they were set; a later change of quiet hours or zone guesses
    # again which of them were held.
    with op.batch_alter_table("timer") as batch:
        batch.drop_column("held_from")
