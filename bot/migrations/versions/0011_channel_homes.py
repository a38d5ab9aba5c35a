"""The workspace whose table a Slack channel is

- channel_home: one row per Slack channel, naming the workspace its table belongs to. A
  Slack Connect channel is one channel in several organisations' workspaces, and Slack
  delivers each of its events through one of their installations, any of them; before
  this, each installation's events made a table of their own.
- Filled here for the tables there are: a channel's home is the workspace whose members
  were noted first. A channel already split in two keeps the other half's rows under
  their workspace (deleted with it); the bot goes on with the home's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models
from bot.reused_revisions import missing

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not missing("channel_home"):  # made already (bot.reused_revisions)
        return
    op.create_table(
        "channel_home",
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("since", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel"),
    )
    # The first workspace each Slack channel's members were noted in (a DM is nobody
    # else's: it needs no home).
    op.execute(
        """
        INSERT INTO channel_home (channel, workspace, since)
        SELECT m.channel, MIN(m.workspace), m.joined_at
        FROM member m
        WHERE m.workspace LIKE 'slack:%' AND m.channel NOT LIKE 'D%'
          AND m.joined_at = (
            SELECT MIN(f.joined_at) FROM member f
            WHERE f.channel = m.channel AND f.workspace LIKE 'slack:%'
          )
        GROUP BY m.channel, m.joined_at
        """
    )


def downgrade() -> None:
    op.drop_table("channel_home")
