"""Read-only queries for summaries and listings, apart from the engine's state loading."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.models import AgreementRow, RoundRow, WatchRow


@dataclass(frozen=True, slots=True)
class ProblemCounts:
    named: int
    answered: int
    nudged: int
    waiting: int
    dismissed: int


def problem_counts(database: Engine, workspace: str) -> ProblemCounts:
    with Session(database) as session:
        rows = session.exec(
            select(WatchRow.status, func.count())
            .where(WatchRow.workspace == workspace)
            .group_by(WatchRow.status)
        ).all()
    counts = Counter(dict(rows))
    return ProblemCounts(
        named=sum(counts.values()),
        answered=counts["answered"],
        nudged=counts["nudged"] + counts["snoozed"] + counts["expired"],
        waiting=counts["open"],
        dismissed=counts["dismissed"] + counts["withdrawn"],
    )


def round_outcomes(database: Engine, workspace: str) -> Counter[str]:
    with Session(database) as session:
        rows = session.exec(
            select(RoundRow.status, RoundRow.outcome).where(RoundRow.workspace == workspace)
        ).all()
    return Counter(outcome or status for status, outcome in rows)


def agreements(database: Engine, workspace: str, channel: str | None = None) -> list[AgreementRow]:
    with Session(database) as session:
        query = select(AgreementRow).where(AgreementRow.workspace == workspace)
        if channel is not None:
            query = query.where(AgreementRow.channel == channel)
        return list(
            session.exec(query.order_by(col(AgreementRow.number), col(AgreementRow.version))).all()
        )
