"""Why an agreement was kept or retired

- review_decision.why: the reason given with `/review keep|retire <id> because …` (and a
  revision's, its new version's); None when none was given (a Keep or Retire button)
  and for decisions before this revision. Reports show it with the choice.

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-11 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.reused_revisions import missing

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not missing("review_decision", "why"):  # a build of branch fix-reports made it as 0011
        return
    with op.batch_alter_table("review_decision") as batch:
        batch.add_column(sa.Column("why", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_decision") as batch:
        batch.drop_column("why")
