"""Edit times kept in one place

- problem_watch.edited_at (0016) goes: a problem's last edit time is kept in
  edited_message (0018), as every other message's is. Times it held are moved there
  first (the later one, where both knew the message). Down again, the column comes back
  with each watched message's time from edited_message.

Revision ID: 0020
Revises: 0019
Create Date: 2027-02-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "WHERE" in the SELECT: SQLite reads an ON CONFLICT after a bare SELECT as a join's.
    op.execute(
        "INSERT INTO edited_message (workspace, channel, message_id, edited_at) "
        "SELECT workspace, channel, problem_id, edited_at FROM problem_watch "
        "WHERE edited_at IS NOT NULL "
        "ON CONFLICT (workspace, channel, message_id) DO UPDATE "
        "SET edited_at = excluded.edited_at "
        "WHERE edited_message.edited_at < excluded.edited_at"
    )
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("edited_at")


def downgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(sa.Column("edited_at", bot.models.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE problem_watch SET edited_at = (SELECT e.edited_at FROM edited_message e "
        "WHERE e.workspace = problem_watch.workspace AND e.channel = problem_watch.channel "
        "AND e.message_id = problem_watch.problem_id)"
    )
