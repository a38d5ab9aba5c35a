"""People forgotten, for a while, so that running bots hear of it

- forgotten_person: who was forgotten in which workspace (`groundrules person forget`),
  and when. Each running process reads it every tick and drops what it still holds of
  them (a member note not yet written, that it knows them as a member); an event of
  theirs from before it, kept in a spool during an outage, is not stored when handed in.
  Deleted after GROUNDRULES_FORGOTTEN_RETENTION. Empty at first: people forgotten before
  are not known here (a running bot was told nothing of them either).

Revision ID: 0033
Revises: 0032
Create Date: 2027-04-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forgotten_person",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("forgotten_at", bot.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "user"),
    )
    op.create_index("ix_forgotten_person_forgotten_at", "forgotten_person", ["forgotten_at"])


def downgrade() -> None:
    # Only the markers go: what they told running bots was told, and the people stay
    # forgotten in the database.
    op.drop_index("ix_forgotten_person_forgotten_at", table_name="forgotten_person")
    op.drop_table("forgotten_person")
