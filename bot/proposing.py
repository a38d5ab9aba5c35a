"""A nudge's "Add a proposal" form posts its proposal once, however often it is sent.

The form may be submitted twice (a double click), and behind a load balancer the two
submissions may reach two processes. Before posting, each claims the problem in the
database; only the one that gets the claim posts. The claim ends by itself after
`CLAIM_FOR`, so that a process that dies mid-post does not hold the problem for ever,
and a post the platform refused gives it back at once. A post whose answer was lost (the
connection broke, it took too long) may have gone out: its claim is ended, not given
back (`outcome_unknown`), so the next form looks for that post first, as below.

A claim that ran out was neither given back nor followed by the proposal's record: its
process may have died after its post went out. The form that takes it over is told when
that claim began (`Claim.earlier`), and looks for that post beside the problem before
posting its own, as a public page's retry does (bot.sent_steps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlmodel import col

from bot.models import WatchRow
from rules.problems import PROPOSAL_WELCOME

# Longer than posting takes, a platform's wait after a rate limit included.
CLAIM_FOR = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Claim:
    """A form's claim of its problem: it ends at `until`; `earlier`: when the claim it
    took over began, one that ran out unreleased (its post may have gone out)."""

    until: datetime
    earlier: datetime | None = None


def claim(
    database: Engine, workspace: str, channel: str, problem_id: str, now: datetime
) -> Claim | None:
    """This form's claim if it may post its proposal; None when the problem waits for
    none (bot.views.problem_waiting) or another form is posting one now."""
    waiting = (
        col(WatchRow.workspace) == workspace,
        col(WatchRow.channel) == channel,
        col(WatchRow.problem_id) == problem_id,
        col(WatchRow.status).in_(PROPOSAL_WELCOME),
    )
    with database.connect() as connection:
        found = connection.execute(select(col(WatchRow.proposing_until)).where(*waiting)).first()
    if found is None:
        return None
    before = found[0]
    if before is not None and before > now:
        return None
    until = now + CLAIM_FOR
    # Taken only as it was read: of two forms reading the same lapsed claim, one gets it.
    unchanged = (
        col(WatchRow.proposing_until).is_(None)
        if before is None
        else col(WatchRow.proposing_until) == before
    )
    with database.begin() as connection:
        claimed = connection.execute(
            update(WatchRow)
            .where(*waiting, unchanged)
            .values(proposing_until=until)
            .returning(col(WatchRow.problem_id))
        ).first()
    if claimed is None:
        return None
    return Claim(until, None if before is None else before - CLAIM_FOR)


def release(
    database: Engine, workspace: str, channel: str, problem_id: str, until: datetime
) -> None:
    """The post failed: another form may try (only the claim that ends at `until`)."""
    _end_claim(database, workspace, channel, problem_id, until, None)


def outcome_unknown(
    database: Engine, workspace: str, channel: str, problem_id: str, until: datetime
) -> None:
    """The post's answer was lost, so it may have gone out: the claim that ends at `until`
    ends now but is not given back. Left as one that began at its start and ran out, so
    the next form's claim takes it over with `Claim.earlier` and looks for the post."""
    # A lapsed claim's `earlier` is its end less CLAIM_FOR: this one's start or before
    # it, so the look covers the post.
    _end_claim(database, workspace, channel, problem_id, until, until - CLAIM_FOR)


def _end_claim(
    database: Engine,
    workspace: str,
    channel: str,
    problem_id: str,
    until: datetime,
    now_until: datetime | None,
) -> None:
    """The claim that ends at `until` (only that one) ends at `now_until` instead."""
    with database.begin() as connection:
        connection.execute(
            update(WatchRow)
            .where(
                col(WatchRow.workspace) == workspace,
                col(WatchRow.channel) == channel,
                col(WatchRow.problem_id) == problem_id,
                col(WatchRow.proposing_until) == until,
            )
            .values(proposing_until=now_until)
        )
