"""What of an outbox item reached its platform, for whichever process retries it

- sent_step: each step of an undelivered outbox item that went out (a page of a long
  message, a member's reminder DM, a group's pings), so that a retry by another process,
  or after a restart, sends only the rest. Deleted with the item's delivery, or by the
  retention sweep once the item is delivered, given up or gone.

Revision ID: 0019
Revises: 0018
Create Date: 2027-02-12 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_step",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "outbox_id", "step"),
    )


def downgrade() -> None:
    op.drop_table("sent_step")
