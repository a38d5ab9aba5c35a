"""Edits and deletions in the order they were made

- problem_watch.edited_at: when the watched message was last edited, so that an older
  edit delivered late does not undo a newer one. None: never edited (or watched before
  this revision).
- deleted_message: a message deleted in a table, for a while (GROUNDRULES_RETENTION), so
  that its post or an edit delivered after the deletion opens no problem.

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(sa.Column("edited_at", bot.models.UTCDateTime(), nullable=True))
    op.create_table(
        "deleted_message",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("deleted_at", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "channel", "message_id"),
    )
    op.create_index("ix_deleted_message_deleted_at", "deleted_message", ["deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_deleted_message_deleted_at", table_name="deleted_message")
    op.drop_table("deleted_message")
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("edited_at")
