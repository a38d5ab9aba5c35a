"""table_config.nudges: how readily a table is nudged about problems (/nudges)

"normal", "fewer" (only problems the bot is surer of, or that another member reacts
to) or "off"; None keeps the bot-wide default.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.add_column(sa.Column("nudges", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.drop_column("nudges")
