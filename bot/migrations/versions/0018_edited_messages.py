"""Edits of every message in the order they were made

- edited_message: when a message in a table was last edited, for a while
  (GROUNDRULES_RETENTION), so that an older edit delivered late changes no proposal's
  words and no yes or concern (problem_watch.edited_at does so for problems).

Revision ID: 0018
Revises: 0017
Create Date: 2027-02-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "edited_message",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("edited_at", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "channel", "message_id"),
    )
    op.create_index("ix_edited_message_edited_at", "edited_message", ["edited_at"])


def downgrade() -> None:
    op.drop_index("ix_edited_message_edited_at", table_name="edited_message")
    op.drop_table("edited_message")
