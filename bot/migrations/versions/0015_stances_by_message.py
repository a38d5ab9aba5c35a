"""Stances by message, and rounds whose proposal changed

- proposal_seen.stance_messages: for each member's yes or concern, the message that
  gave it, so that editing or deleting that message turns or drops it; empty for
  stances noted before this revision (they count as before).
- concern_round.reworded: the proposer edited the proposal while the round was open;
  false for rounds before this revision.

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("proposal_seen") as batch:
        batch.add_column(
            sa.Column("stance_messages", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("concern_round") as batch:
        batch.add_column(
            sa.Column("reworded", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("concern_round") as batch:
        batch.drop_column("reworded")
    with op.batch_alter_table("proposal_seen") as batch:
        batch.drop_column("stance_messages")
