"""Concerns their raisers said were resolved

- round_answer.resolved_concern: the concern a member raised in a round and later said
  was resolved (/concern resolved); their answer (`concern`) is then empty, "no
  concerns", and the round's record still shows what was raised. None for every answer
  from before this revision, and for answers that resolved nothing.

Going down, the answers stay "no concerns" (what their members last said), and the
outbox items still waiting lose what the code of 0021 cannot read (bot.waiting_items).

Revision ID: 0022
Revises: 0021
Create Date: 2027-03-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.waiting_items import make_waiting_items_older

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round_answer") as batch:
        batch.add_column(
            sa.Column("resolved_concern", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    # The answers stay "no concerns": the concern they resolved goes with the column.
    # Folded back into `concern` it would count again as unresolved, in the round and
    # in reports' open concerns, against what its member said.
    with op.batch_alter_table("round_answer") as batch:
        batch.drop_column("resolved_concern")
    _waiting_items_as_0021_reads_them()


# What the code of 0021 cannot read in an outbox payload (bot.codec: a class's fields, by
# name), added since: its RoundView would refuse the whole item, and a round's message
# (its progress, its summary) would never go out. Without them, a member who resolved
# their concern shows among those with no concerns, as their answer now says, and who
# asked for the round (only told, under this version, when a platform refuses it) is
# its proposer again. A renewal reminder without each member's own language
# (AskRenewal.own_langs) reaches everyone in the language the meeting ended in.
_NEWER_FIELDS = {
    "RoundView": frozenset({"resolved", "started_by"}),
    "AskRenewal": frozenset({"own_langs"}),
}


def _waiting_items_as_0021_reads_them() -> None:
    make_waiting_items_older(_NEWER_FIELDS)
