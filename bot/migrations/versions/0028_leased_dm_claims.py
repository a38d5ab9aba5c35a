"""Leased claims on words typed in the bot's DM

- processed_event.leased_until, processed_event.claim: a DM's words are claimed before
  they are answered (bot.dm_once), until `leased_until`, under the claiming process's
  token `claim`, and kept for good (None) once the answer is under way. A claim whose
  process died before that runs out, and Slack's retry of the event answers the words.
  Rows from before this revision are kept for good, as they were.

Revision ID: 0028
Revises: 0027
Create Date: 2027-03-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_event") as batch:
        batch.add_column(sa.Column("leased_until", bot.models.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claim", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    # A claim still leased becomes one for good, as every claim was before: its words
    # are not answered again (an answer under way when the bot stopped may be lost).
    with op.batch_alter_table("processed_event") as batch:
        batch.drop_column("claim")
        batch.drop_column("leased_until")
