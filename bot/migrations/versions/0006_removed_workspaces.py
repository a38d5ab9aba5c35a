"""Workspaces and servers that removed the bot

- removed_workspace: when each removed the bot; its data is deleted after
  GROUNDRULES_REMOVED_RETENTION unless the bot comes back first.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models
from bot.reused_revisions import missing

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not missing("removed_workspace"):  # made already (bot.reused_revisions)
        return
    op.create_table(
        "removed_workspace",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("removed_at", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace"),
    )


def downgrade() -> None:
    op.drop_table("removed_workspace")
