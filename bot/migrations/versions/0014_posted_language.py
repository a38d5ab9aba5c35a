"""The language a remembered message was posted in

- posted_message.lang: the language of the message the bot will edit later (a review
  message, a concern round's), so that the edit speaks it too after the table's
  language changed; None for messages posted before this revision (the edit then
  speaks the table's language of the moment, as before).

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posted_message") as batch:
        batch.add_column(sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posted_message") as batch:
        batch.drop_column("lang")
