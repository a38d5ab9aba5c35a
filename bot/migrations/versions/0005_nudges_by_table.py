"""How readily each table is nudged, and what a correction and a doubt leave behind

- table_config.nudges: normal, fewer or off (/nudges); None keeps the bot-wide default.
- correction.fingerprint (indexed per table): a message a table said was not a problem
  is known again when it comes back with other numbers (rules/fingerprints.py).
- problem_watch.doubted: the watch opened as a doubtful problem, so "Why?" can say the
  bot was not sure until someone reacted; the bar it was held against depends on the
  table, so the fact is kept rather than derived again from the score.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.reused_revisions import missing

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each only where it is missing: bot.reused_revisions runs this again over a
    # database a development build stamped 0005-0007 with part of it made.
    if missing("table_config", "nudges"):
        with op.batch_alter_table("table_config") as batch:
            batch.add_column(sa.Column("nudges", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    if missing("correction", "fingerprint"):
        with op.batch_alter_table("correction") as batch:
            batch.add_column(
                sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
            )
            batch.create_index(
                "ix_correction_fingerprint", ["workspace", "channel", "fingerprint"], unique=False
            )
    if missing("problem_watch", "doubted"):
        with op.batch_alter_table("problem_watch") as batch:
            batch.add_column(
                sa.Column("doubted", sa.Boolean(), nullable=False, server_default=sa.false())
            )
        # Watches still doubtful were opened so; confirmed ones can no longer be told apart.
        op.execute("UPDATE problem_watch SET doubted = (status = 'doubtful')")


def downgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("doubted")
    with op.batch_alter_table("correction") as batch:
        batch.drop_index("ix_correction_fingerprint")
        batch.drop_column("fingerprint")
    with op.batch_alter_table("table_config") as batch:
        batch.drop_column("nudges")
