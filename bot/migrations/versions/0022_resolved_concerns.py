"""Concerns their raisers said were resolved

- round_answer.resolved_concern: the concern a member raised in a round and later said
  was resolved (/concern resolved); their answer (`concern`) is then empty, "no
  concerns", and the round's record still shows what was raised. None for every answer
  from before this revision, and for answers that resolved nothing.

Revision ID: 0022
Revises: 0021
Create Date: 2027-03-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round_answer") as batch:
        batch.add_column(
            sa.Column("resolved_concern", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    # The answers stay "no concerns": the concern they resolved goes with the column.
    with op.batch_alter_table("round_answer") as batch:
        batch.drop_column("resolved_concern")
