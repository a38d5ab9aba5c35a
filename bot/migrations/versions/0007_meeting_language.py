"""The language a meeting ended in

- meeting.lang: its renewal reminders speak it, as the ask at its end did; None for
  meetings ended before (they speak the table's language, else English).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.reused_revisions import missing

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not missing("meeting", "lang"):  # made already (bot.reused_revisions)
        return
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("lang")
