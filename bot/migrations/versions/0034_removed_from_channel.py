"""Channels a Slack bot was removed from, kept across restarts

- removed_from_channel: each channel an installation's bot was removed from
  (member_left_channel for the bot itself), until it is invited back. A post refused
  with channel_not_found in one of them is not taken for the channel being deleted
  (Slack says the same of a private channel the bot is not in), also by a process that
  did not hear the removal or started after it. Empty at first: removals heard before
  were kept in memory only.

Revision ID: 0034
Revises: 0033
Create Date: 2027-04-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "removed_from_channel",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("removed_at", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "channel"),
    )


def downgrade() -> None:
    # Running bots of the release before keep what they hear in memory only.
    op.drop_table("removed_from_channel")
