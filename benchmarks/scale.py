"""`make bench`, at scale: a big organisation a year in (benchmarks.big_org) on a SQLite
file, and the hot paths that once grew with the square of a table's history, sent a
statement per member or per round, or built an object per member, each timed beside
the form it replaced, in the same run on the same data (best of a few): the start's
check of the reviews to come, the mandates a meeting's end marks due, the open
concerns a report reads, the members each answer to a round reads, and the versions
a report's choices at reviews look among. The last line is one JSON object."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import String, and_, cast, literal
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from benchmarks.big_org import BIG_TABLE, WORKSPACE, YEAR, Size, keep_at_reviews, seed
from bot import report
from bot.bootstrap import bootstrap, build_classifier
from bot.models import (
    AgreementRow,
    AnswerRow,
    DecisionRow,
    MemberRow,
    RoundRow,
    TableConfig,
    TimerRow,
    now_utc,
)
from bot.settings import Settings
from bot.table_zones import reviews_at_nine
from rules import actions as act
from rules.agreements import REVIEW_TIMER, about_the_same, same_subject, subject_words

REPEATS = 3


def best(work: Callable[[], object]) -> float:
    """The best of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def former_reviews_read(database) -> int:
    """The start's read of the reviews to come as it was: each pending review paired
    with every agreement of its table."""
    timers, agreements = TimerRow.__table__, AgreementRow.__table__
    config = TableConfig.__table__
    key = (
        literal("review:") + cast(agreements.c.number, String) + literal(":")
        + cast(agreements.c.version, String)
    )  # fmt: skip
    pending = (
        core_select(timers.c.key, agreements.c.review_on, config.c.timezone)
        .join(agreements, and_(agreements.c.workspace == timers.c.workspace,
                               agreements.c.channel == timers.c.channel, key == timers.c.key))
        .outerjoin(config, and_(config.c.workspace == timers.c.workspace,
                                config.c.channel == timers.c.channel))
        .where(timers.c.kind == REVIEW_TIMER, timers.c.fired_at.is_(None),
               agreements.c.status == "current")
    )  # fmt: skip
    with database.connect() as connection:
        return len(connection.execute(pending).all())


def mandate_holders(app) -> tuple[str, ...]:
    with Session(app.database) as session:
        return tuple(
            session.exec(
                select(MemberRow.user).where(
                    MemberRow.workspace == WORKSPACE, MemberRow.channel == BIG_TABLE
                )
            ).all()
        )[::3]  # big_org gives every third member a mandate


def mark_due_one_by_one(app, users: tuple[str, ...], at) -> None:
    with app.store.unit_of_work() as uow:
        for user in users:
            uow.apply(act.SetMandate(workspace=WORKSPACE, channel=BIG_TABLE, user=user,
                                     text=None, status="renewal_due", at=at))  # fmt: skip


def mark_due_at_once(app, users: tuple[str, ...], at) -> None:
    with app.store.unit_of_work() as uow:
        uow.apply(act.MandatesDue(workspace=WORKSPACE, channel=BIG_TABLE, users=users, at=at))


def rounds_of_the_big_table(app) -> tuple[list[RoundRow], list[str]]:
    with Session(app.database) as session:
        rounds = session.exec(
            select(RoundRow)
            .where(RoundRow.workspace == WORKSPACE, RoundRow.channel == BIG_TABLE)
            .order_by(col(RoundRow.started_at))
        ).all()
        texts = session.exec(
            select(AgreementRow.text).where(
                AgreementRow.workspace == WORKSPACE, AgreementRow.channel == BIG_TABLE
            )
        ).all()
    return list(rounds), list(texts)


def open_ones(rounds: list[RoundRow]) -> list[RoundRow]:
    return [r for r in rounds if r.agreement_number is None and r.status != "withdrawn"]


def compare_words_each_time(rounds: list[RoundRow], texts: list[str]) -> int:
    """The report's check whether the table moved on from an open round, as it was."""
    still = 0
    for index, round_ in enumerate(rounds):
        if round_.agreement_number is not None:
            continue
        later = [r.proposal for r in rounds[index + 1 :]] + texts
        still += not any(about_the_same(text, round_.proposal) for text in later)
    return still


def compare_words_read_once(rounds: list[RoundRow], texts: list[str]) -> int:
    words = [subject_words(r.proposal) for r in rounds]
    agreed = [subject_words(text) for text in texts]
    still = 0
    for index, round_ in enumerate(rounds):
        if round_.agreement_number is not None:
            continue
        later = words[index + 1 :] + agreed
        still += not any(same_subject(said, words[index]) for said in later)
    return still


def concerns_round_by_round(app, rounds: list[RoundRow]) -> int:
    with Session(app.database) as session:
        return sum(
            len(
                session.exec(
                    select(AnswerRow).where(
                        AnswerRow.workspace == WORKSPACE,
                        AnswerRow.round_id == r.round_id,
                        col(AnswerRow.concern).is_not(None),
                    )
                ).all()
            )
            for r in rounds
        )


def concerns_at_once(app, rounds: list[RoundRow]) -> int:
    with Session(app.database) as session:
        found = report._concerns(session, WORKSPACE, [r.round_id for r in rounds])
        return sum(len(answers) for answers in found.values())


def open_a_round_of_everyone(app, size: Size, at) -> str:
    members = tuple(f"U{n:04}" for n in range(1, size.big_members))
    with app.store.unit_of_work() as uow:
        uow.apply(act.OpenRound(workspace=WORKSPACE, channel=BIG_TABLE, round_id="everyone",
                                proposal="we paint the office blue", proposer="U0000",
                                thread_id=None, lang="en", started_at=at,
                                deadline=at + timedelta(days=2), participants=members))  # fmt: skip
    return "everyone"


def answers_as_objects(app, round_id: str) -> int:
    with Session(app.database) as session:
        return len(
            session.exec(
                select(AnswerRow)
                .where(AnswerRow.workspace == WORKSPACE, AnswerRow.round_id == round_id)
                .order_by(col(AnswerRow.position))
            ).all()
        )


def answers_as_rows(app, round_id: str) -> int:
    with app.database.connect() as connection:
        found = connection.execute(app.store.sql.round_answers, {"w": WORKSPACE, "r": round_id})
        return len(found.all())


def choices_among_every_version(app) -> int:
    """A report's choices at reviews as they were: each choice looked for its version
    among every version of every agreement decided (the lines it says left out: they
    are the same in both)."""
    with Session(app.database) as session:
        decisions = session.exec(
            select(DecisionRow)
            .where(DecisionRow.workspace == WORKSPACE, DecisionRow.channel == BIG_TABLE)
            .order_by(col(DecisionRow.at), col(DecisionRow.id))
        ).all()
        versions = session.exec(
            select(AgreementRow)
            .where(AgreementRow.workspace == WORKSPACE, AgreementRow.channel == BIG_TABLE,
                   col(AgreementRow.number).in_({d.number for d in decisions}))
            .order_by(col(AgreementRow.version))
        ).all()  # fmt: skip
        found = 0
        for d in decisions:
            decided = [a for a in versions if a.number == d.number and a.recorded_at <= d.at]
            found += bool(decided)
        return found


def choices_among_their_own_versions(app) -> int:
    with Session(app.database) as session:
        return len(report._choices(session, WORKSPACE, BIG_TABLE, None).items)


def line(name: str, former: float, now: float, what: str) -> dict:
    ratio = former / now if now else float("inf")
    print(f"{name}: {now * 1000:.1f} ms, formerly {former * 1000:.1f} ms ({ratio:.1f}x) {what}")
    return {"former_ms": round(former * 1000, 2), "ms": round(now * 1000, 2),
            "ratio": round(ratio, 1)}  # fmt: skip


def main(size: Size = YEAR) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'big.db'}")
        # The rule classifier: nothing measured here reads a message.
        app = bootstrap(settings, classifier=build_classifier("rules"), wait=False)
        try:
            started = time.perf_counter()
            seed(app.store, size)
            print(f"seeded {size} in {time.perf_counter() - started:.1f} s")
            reviews_at_nine(app.database, "UTC")  # as scheduled: none moves from here on
            figures = {"size": size.__dict__}
            figures["reviews_at_start"] = line(
                "start, reviews to come", best(lambda: former_reviews_read(app.database)),
                best(lambda: reviews_at_nine(app.database, "UTC")),
                f"({size.agreements:,} agreements, {size.big_share:.0%} at one table)",
            )  # fmt: skip
            users = mandate_holders(app)
            at = now_utc()
            figures["mandates_due"] = line(
                "meeting end, mandates due", best(lambda: mark_due_one_by_one(app, users, at)),
                best(lambda: mark_due_at_once(app, users, at)),
                f"({len(users):,} mandates at a table of {size.big_members:,})",
            )  # fmt: skip
            rounds, texts = rounds_of_the_big_table(app)
            figures["report_words"] = line(
                "report, open concerns' subjects",
                best(lambda: compare_words_each_time(rounds, texts)),
                best(lambda: compare_words_read_once(rounds, texts)),
                f"({len(rounds):,} rounds, {len(texts):,} agreements at one table)",
            )  # fmt: skip
            still = open_ones(rounds)
            figures["report_concerns"] = line(
                "report, open concerns' answers",
                best(lambda: concerns_round_by_round(app, still)),
                best(lambda: concerns_at_once(app, still)),
                f"({len(still):,} open rounds)",
            )  # fmt: skip
            round_id = open_a_round_of_everyone(app, size, at)
            figures["answer_reads_round"] = line(
                "an answer, its round's members", best(lambda: answers_as_objects(app, round_id)),
                best(lambda: answers_as_rows(app, round_id)),
                f"({size.big_members - 1:,} polled)",
            )  # fmt: skip
            kept = keep_at_reviews(app.store, at=at)
            figures["report_choices"] = line(
                "report, choices at reviews", best(lambda: choices_among_every_version(app)),
                best(lambda: choices_among_their_own_versions(app)),
                f"({kept:,} agreements kept at one table)",
            )  # fmt: skip
        finally:
            app.database.dispose()
    print(json.dumps(figures))
    return figures


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--agreements", type=int, default=YEAR.agreements,
                        help=f"in the organisation (default {YEAR.agreements:,})")  # fmt: skip
    parser.add_argument("--members", type=int, default=YEAR.big_members,
                        help=f"of its largest table (default {YEAR.big_members:,})")  # fmt: skip
    chosen = parser.parse_args(argv)
    if chosen.agreements < 10 or chosen.members < 3:
        parser.error("--agreements must be at least 10 and --members at least 3")
    return chosen


if __name__ == "__main__":
    chosen = options()
    main(replace(YEAR, agreements=chosen.agreements, big_members=chosen.members))
