"""The bot-wide quiet hours and zone last applied

- applied_defaults: one row, the GROUNDRULES_QUIET_HOURS and GROUNDRULES_TIMEZONE the
  bot last started with. A start with other ones sets again the reminders and nudges the
  old quiet hours held at the tables that follow the bot's (bot.default_nights), once.
  Its values are NULL at first: the first start writes them and sets nothing again.

Revision ID: 0030
Revises: 0029
Create Date: 2027-03-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "applied_defaults",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("quiet_hours", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one row exists from here on, so that processes starting at once lock the same
    # row rather than each inserting one.
    op.bulk_insert(table, [{"id": 1, "timezone": None, "quiet_hours": None}])


def downgrade() -> None:
    # Timers stay where they were set; a later change of the defaults sets none again.
    op.drop_table("applied_defaults")
