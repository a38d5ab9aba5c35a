"""Claims across processes

- meeting: an open meeting older than another meeting of its table is deleted. Two
  `/meeting start` at once, in two processes, could each open one (since then they
  wait for each other); the one left open blocked every later start. Nothing hangs on
  an open meeting (renewals, reminders and evaluations come with its end), and the
  table keeps the newest, the one `/meeting end` ends. Not restored on the way down.
- problem_watch.proposing_until: a nudge's "Add a proposal" form is posting its
  proposal, until then; a second form, in any process, posts nothing (bot.proposing).
- outbox.claim: a token per claim on an item, so that the process delivering it renews
  its lease only while the claim is its own, and stops once another took it over
  (bot.leases). None for items written before: the next claim sets it.

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models
from bot.reused_revisions import missing

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM meeting WHERE status = 'open' AND EXISTS ("
            "SELECT 1 FROM meeting AS newer "
            "WHERE newer.workspace = meeting.workspace AND newer.channel = meeting.channel "
            "AND (newer.started_at > meeting.started_at OR (newer.started_at = "
            "meeting.started_at AND newer.meeting_id > meeting.meeting_id)))"
        )
    )
    # Each column only where it is missing: builds on this migration's branch made 0010
    # without them, and bot.reused_revisions runs it again over their databases.
    if missing("problem_watch", "proposing_until"):
        with op.batch_alter_table("problem_watch") as batch:
            batch.add_column(sa.Column("proposing_until", bot.models.UTCDateTime(), nullable=True))
    if missing("outbox", "claim"):
        with op.batch_alter_table("outbox") as batch:
            batch.add_column(sa.Column("claim", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claim")
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("proposing_until")
