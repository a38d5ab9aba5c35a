"""Which message a correction is about

- correction.message_id (indexed per table): the message corrected, so that deleting it
  erases the text kept with the correction. None for corrections stored before; they
  keep their text until GROUNDRULES_CORRECTION_RETENTION sweeps them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.create_index(
            "ix_correction_message", ["workspace", "channel", "message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.drop_index("ix_correction_message")
        batch.drop_column("message_id")
