"""Resolved concerns in the agreement that settles their round

- agreement.resolved_concerns: [[user, concern]] raised in the concern round the
  agreement settles and said resolved before it closed (/concern resolved, 0022). Their
  raisers consented; the agreement's record keeps what they raised, marked resolved.
  Empty for every agreement from before this revision.

Revision ID: 0023
Revises: 0022
Create Date: 2027-03-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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
