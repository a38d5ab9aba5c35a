"""Concern rounds that can be withdrawn

- concern_round.started_by: who asked for the round; they (or its proposer) may
  withdraw it. None for rounds asked before (then only the proposer may).
- concern_round.withdrawn_by: who withdrew it; such a round has status and outcome
  "withdrawn" (a new value of the plain text columns, no constraint to change).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("concern_round") as batch:
        batch.add_column(sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(
            sa.Column("withdrawn_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    # Withdrawn rounds keep their status: the older code reads only open rounds and the
    # last closed one, so it passes them by. Made "closed", their answers would be taken
    # as the table's consent to the proposal withdrawn.
    with op.batch_alter_table("concern_round") as batch:
        batch.drop_column("withdrawn_by")
        batch.drop_column("started_by")
