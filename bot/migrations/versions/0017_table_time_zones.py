"""A table's time zone

- table_config.timezone: the IANA name a table set with /table timezone; its days
  ("tomorrow", review dates) count there and its reviews come at 09:00 there. None
  keeps the bot-wide GROUNDRULES_TIMEZONE.

Revision ID: 0017
Revises: 0016
Create Date: 2027-02-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.add_column(sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.drop_column("timezone")
