"""problem_watch.read_after: what "Why?" on a nudge explains the score from

The text-alone scores of the message a watched problem was read after (None when it
was read alone), so that the explanation reproduces the score the bot acted on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.add_column(sa.Column("read_after", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("problem_watch") as batch:
        batch.drop_column("read_after")
