"""The language of the message a correction is about

- correction.lang: the message's language when it was corrected (its words', else the
  table's), so that `groundrules feedback export` gives it to training as that language
  rather than the exporting bot's. None for corrections stored before, and where
  neither told: the export guesses as before.

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-18 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.add_column(sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.drop_column("lang")
