"""When the bot last introduced itself at a table

- table_config.introduced_at: when the bot last told the table who it is, on being let
  in (a Slack invite, a Discord server's system channel); not again soon after, on a
  re-invite. None: never (tables from before this revision are not introduced to now).

Revision ID: 0021
Revises: 0020
Create Date: 2027-02-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.add_column(sa.Column("introduced_at", bot.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("table_config") as batch:
        batch.drop_column("introduced_at")
