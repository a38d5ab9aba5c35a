"""Discord members' client languages

- member_language: per person in a workspace, the language (en, nl) of their Discord
  client, as their latest slash command, button or form showed it (bot.member_languages).
  A renewal reminder by DM speaks it where their mandate's words show none, as Slack's
  speaks their Slack locale. Empty at first: such reminders speak the meeting's
  language until each member next uses a command, button or form.

Revision ID: 0027
Revises: 0026
Create Date: 2027-03-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_language",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "user"),
    )


def downgrade() -> None:
    # Only the languages go: waiting outbox items hold none of them (a reminder's
    # language is looked up as it goes out), and reminders speak the meeting's again.
    op.drop_table("member_language")
