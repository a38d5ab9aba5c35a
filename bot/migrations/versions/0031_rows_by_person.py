"""A person's rows found by an index, not by reading every table's

- round_answer.user, mandate.user, member.user, problem_watch.user and correction.user
  indexed: a command typed in the bot's DM (no table named) looks for the person's
  rows across all tables (bot.views.tables_for_command, nudged_problems,
  dismissed_problems, bot.homes.tables_of_member), as does the App Home. Without an
  index each such command read every answer of every round ever asked, and every
  member, mandate, problem and correction: after a renewal reminder to a table of
  thousands, thousands of such reads at once.

Revision ID: 0031
Revises: 0030
Create Date: 2027-04-01 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table) of each: on the person's column alone.
INDEXES = (
    ("ix_round_answer_user", "round_answer"),
    ("ix_mandate_user", "mandate"),
    ("ix_member_user", "member"),
    ("ix_problem_watch_user", "problem_watch"),
    ("ix_correction_user", "correction"),
)


def upgrade() -> None:
    for name, table in INDEXES:
        op.create_index(name, table, ["user"], unique=False)


def downgrade() -> None:
    # Only the indexes go: the rows stay as they are, read as before.
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
