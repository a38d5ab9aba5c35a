"""A big organisation a year in, built with the store's own changes (no engine, no
classifier): tables, one very large channel, agreements with their rounds and review
timers, meetings with their renewals, and many corrections. Used by `benchmarks.scale`
and by the tests that count the statements of the hot paths at this size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from bot.models import AgreementRow
from bot.store import Store
from rules import actions as act
from rules.agreements import review_key

WORKSPACE = "W-big"
BIG_TABLE = "C-big"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SUBJECTS = ("parking", "budget", "planning", "meetings", "housing", "transport", "reports")


@dataclass(frozen=True)
class Size:
    tables: int = 60
    big_members: int = 3_000
    members: int = 12  # at every other table
    agreements: int = 2_000
    big_share: float = 0.5  # of the agreements, those of the big table
    meetings: int = 400
    corrections: int = 10_000


YEAR = Size()


def tables(size: Size) -> list[str]:
    return [BIG_TABLE, *(f"C-{n:02}" for n in range(1, size.tables))]


def seed(store: Store, size: Size = YEAR, workspace: str = WORKSPACE) -> None:
    """Write the organisation in a few transactions (one per kind of thing)."""
    channels = tables(size)
    with store.unit_of_work() as uow:
        for channel in channels:
            count = size.big_members if channel == BIG_TABLE else size.members
            for n in range(count):
                user = f"U{n:04}"
                uow.apply(act.NoteMember(workspace=workspace, channel=channel, user=user,
                                         at=START, joined=True))  # fmt: skip
                if n % 3 == 0:
                    uow.apply(act.SetMandate(workspace=workspace, channel=channel, user=user,
                                             text="budget up to 10k", status="current",
                                             at=START))  # fmt: skip
    big = int(size.agreements * size.big_share)
    with store.unit_of_work() as uow:
        for number in range(1, size.agreements + 1):
            channel = BIG_TABLE if number <= big else channels[1 + number % (len(channels) - 1)]
            at = START + timedelta(hours=4 * number)
            subject = SUBJECTS[number % len(SUBJECTS)]
            text = f"Agreement {number} about {subject} number {number} for the whole table"
            if number % 10 == 0:  # a round that became no agreement: about a subject of its own
                text = f"Proposal{number} on idea{number}"
            round_id = f"r{number}"
            participants = tuple(f"U{n:04}" for n in range(min(12, size.members)))
            uow.apply(act.OpenRound(workspace=workspace, channel=channel, round_id=round_id,
                                    proposal=text, proposer="U0000", thread_id=None, lang="en",
                                    started_at=at, deadline=at + timedelta(days=1),
                                    participants=participants))  # fmt: skip
            for user in participants[:2]:  # the others let the deadline pass
                concern = "too costly" if number % 5 == 0 and user == "U0001" else None
                uow.apply(act.RecordAnswer(workspace=workspace, channel=channel,
                                           round_id=round_id, user=user, concern=concern,
                                           at=at + timedelta(minutes=5)))  # fmt: skip
            closed = at + timedelta(hours=1)
            uow.apply(act.CloseRound(workspace=workspace, channel=channel, round_id=round_id,
                                     outcome="deadline", at=closed))  # fmt: skip
            if number % 10 == 0:
                continue  # a round that became no agreement, its concern left open
            uow.apply(act.LinkRound(workspace=workspace, channel=channel, round_id=round_id,
                                    number=number))  # fmt: skip
            review_on = (closed + timedelta(days=180)).date()
            due = datetime.combine(review_on, time(8), UTC)
            uow.apply(act.RecordAgreement(workspace=workspace, channel=channel, number=number,
                                          text=text, why="it works for everyone",
                                          recorded_by="U0000", owner="U0001",
                                          consenters=participants, concerns=(),
                                          review_on=review_on, lang="en", at=closed,
                                          round_id=round_id))  # fmt: skip
            uow.apply(act.ScheduleTimer(workspace=workspace, channel=channel,
                                        key=review_key(number, 1), kind="review",
                                        subject=str(number),
                                        due=due))  # fmt: skip
    with store.unit_of_work() as uow:
        for n in range(size.meetings):
            channel = channels[n % len(channels)]
            at = START + timedelta(days=n % 300, hours=n % 7)
            meeting_id = f"m{n}"
            uow.apply(act.OpenMeeting(workspace=workspace, channel=channel,
                                      meeting_id=meeting_id, at=at, by="U0000"))  # fmt: skip
            renewals = tuple(f"U{k:04}" for k in range(size.members))
            uow.apply(act.CloseMeeting(workspace=workspace, channel=channel,
                                       meeting_id=meeting_id, at=at + timedelta(hours=1),
                                       by="U0000", renewals=renewals))  # fmt: skip
    with store.unit_of_work() as uow:
        for n in range(size.corrections):
            channel = channels[n % len(channels)] if n % 2 else BIG_TABLE
            uow.apply(act.StoreCorrection(workspace=workspace, channel=channel,
                                          user=f"U{n % 50:04}", text=f"message {n}",
                                          label="problem", applies=False,
                                          at=START + timedelta(minutes=50 * n),
                                          fingerprint=f"fp{n}", message_id=f"msg{n}",
                                          lang="en"))  # fmt: skip


def keep_at_reviews(store: Store, workspace: str = WORKSPACE, at: datetime = START) -> int:
    """Every agreement of the big table kept at a review, `at`: a report's choices.
    Returns how many."""
    agreements = AgreementRow.__table__  # type: ignore[attr-defined]
    of_the_big_table = select(agreements.c.number).where(
        agreements.c.workspace == workspace, agreements.c.channel == BIG_TABLE
    )
    with store.unit_of_work() as uow:
        numbers = uow.connection.execute(of_the_big_table).scalars().all()
        for number in numbers:
            uow.apply(act.RecordDecision(workspace=workspace, channel=BIG_TABLE, number=number,
                                         decision="keep", user="U0001", at=at,
                                         why="it still works"))  # fmt: skip
    return len(numbers)
