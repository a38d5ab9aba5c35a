"""A nudge's "Add a proposal" form posts its proposal once, however often it is sent.

The form may be submitted twice (a double click), and behind a load balancer the two
submissions may reach two processes. Before posting, each claims the problem in the
database; only the one that gets the claim posts. The claim ends by itself after
`CLAIM_FOR`, so that a process that dies mid-post does not hold the problem for ever,
and a post that fails gives it back at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from bot.models import WatchRow
from rules.problems import PROPOSAL_WELCOME

# Longer than posting takes, a platform's wait after a rate limit included.
CLAIM_FOR = timedelta(minutes=2)


def claim(
    database: Engine, workspace: str, channel: str, problem_id: str, now: datetime
) -> datetime | None:
    """The claim's end if this form may post its proposal; None when the problem waits
    for none (bot.views.problem_waiting) or another form is posting one now."""
    until = now + CLAIM_FOR
    with database.begin() as connection:
        claimed = connection.execute(
            update(WatchRow)
            .where(
                col(WatchRow.workspace) == workspace,
                col(WatchRow.channel) == channel,
                col(WatchRow.problem_id) == problem_id,
                col(WatchRow.status).in_(PROPOSAL_WELCOME),
                col(WatchRow.proposing_until).is_(None) | (col(WatchRow.proposing_until) <= now),
            )
            .values(proposing_until=until)
            .returning(col(WatchRow.problem_id))
        ).first()
    return until if claimed is not None else None


def release(
    database: Engine, workspace: str, channel: str, problem_id: str, until: datetime
) -> None:
    """The post failed: another form may try (only the claim that ends at `until`)."""
    with database.begin() as connection:
        connection.execute(
            update(WatchRow)
            .where(
                col(WatchRow.workspace) == workspace,
                col(WatchRow.channel) == channel,
                col(WatchRow.problem_id) == problem_id,
                col(WatchRow.proposing_until) == until,
            )
            .values(proposing_until=None)
        )
