"""problem_watch.doubted: a watch opened as a doubtful problem remembers it

A doubtful problem becomes an open one when another member reacts to it; "Why?" on its
nudge says the bot was not sure until then. The fact is kept, not derived again from
the score, because the bar it was held against depends on the table (/nudges).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(
            sa.Column("doubted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Watches still doubtful were opened so; confirmed ones can no longer be told apart.
    op.execute("UPDATE problem_watch SET doubted = (status = 'doubtful')")


def downgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("doubted")
