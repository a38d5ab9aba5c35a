"""A table's own quiet hours

- table_config.quiet_hours: what a table chose with /table quiet-hours: "22:00-07:00"
  (its own night, on its own clock), or "off" for none. None keeps the bot-wide
  GROUNDRULES_QUIET_HOURS.

Revision ID: 0025
Revises: 0024
Create Date: 2027-03-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.add_column(
            sa.Column("quiet_hours", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    # Every table keeps the bot's quiet hours again; its timers stay as they were set.
    with op.batch_alter_table("table_config") as batch:
        batch.drop_column("quiet_hours")
