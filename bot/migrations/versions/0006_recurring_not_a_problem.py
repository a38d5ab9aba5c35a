"""correction.fingerprint: a message a table said was not a problem is known again

The fingerprint of the message's words (rules/fingerprints.py), indexed per table, so
that its like (the same words, other numbers) is not nudged about again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.add_column(
            sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.create_index(
            "ix_correction_fingerprint", ["workspace", "channel", "fingerprint"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.drop_index("ix_correction_fingerprint")
        batch.drop_column("fingerprint")
