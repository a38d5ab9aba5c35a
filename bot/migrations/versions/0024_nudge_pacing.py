"""Nudges paced per person

- nudge_pacing: per person at a table, when they were last nudged, until when their
  snooze holds all their nudges there, the conversation their latest "Not a problem"
  quieted and until when, their "Not a problem"s in a row and the latest one's time, and
  when they were last told of /nudges fewer (rules.pacing). Empty at first: everyone
  starts unpaced, as before this revision.

Revision ID: 0024
Revises: 0023
Create Date: 2027-03-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models
from bot.waiting_items import make_waiting_items_older

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nudge_pacing",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("nudged_at", bot.models.UTCDateTime(), nullable=True),
        sa.Column("snoozed_until", bot.models.UTCDateTime(), nullable=True),
        sa.Column("quiet_scope", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("quiet_until", bot.models.UTCDateTime(), nullable=True),
        sa.Column("dismissals", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("dismissed_at", bot.models.UTCDateTime(), nullable=True),
        sa.Column("hinted_at", bot.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "channel", "user"),
    )


def downgrade() -> None:
    # Only pacing goes: each problem is nudged on its own again, as before. A waiting
    # nudge that says more of its author's wait loses that line (0023 cannot read it).
    make_waiting_items_older({"SendNudge": frozenset({"paced"})})
    op.drop_table("nudge_pacing")
