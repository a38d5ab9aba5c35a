"""bot.views.nudged_problems: what a command typed in the bot's DM may act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlmodel import Session

from bot.database import make_engine
from bot.migrate import upgrade
from bot.models import AnswerRow, MandateRow, RoundRow, TimerRow, WatchRow
from bot.views import nudged_problems, tables_reminding

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def watch(problem_id: str, status: str, nudged_min: int | None, *, user: str = "U-ANNA",
          workspace: str = "slack:T1", channel: str = "C-OPS") -> WatchRow:  # fmt: skip
    return WatchRow(
        workspace=workspace, channel=channel, problem_id=problem_id, user=user,
        text=f"#problem {problem_id}", posted_at=NINE, deadline=NINE + timedelta(minutes=10),
        status=status,
        closed_at=None if nudged_min is None else NINE + timedelta(minutes=nudged_min),
    )  # fmt: skip


@pytest.mark.empty_database
def test_nudged_problems_are_the_persons_waiting_nudged_ones_latest_first(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        session.add_all([
            watch("early", "nudged", 10),
            watch("snoozed", "snoozed", 30, channel="C-DEV"),
            watch("latest", "nudged", 40, workspace="slack:T2"),
            watch("open", "open", None),  # never nudged: not what a DM nudge was about
            watch("settled", "dismissed", 50),
            watch("expired", "expired", 55),
            watch("bens", "nudged", 60, user="U-BEN"),
            watch("discord", "nudged", 70, workspace="discord:1"),
        ])  # fmt: skip
        session.commit()

    found = nudged_problems(engine, "U-ANNA", prefix="slack:")

    assert [(p.workspace, p.channel, p.problem_id) for p in found] == [
        ("slack:T2", "C-OPS", "latest"),
        ("slack:T1", "C-DEV", "snoozed"),
        ("slack:T1", "C-OPS", "early"),
    ]
    assert found[0].text == "#problem latest"
    engine.dispose()


@pytest.mark.empty_database
def test_tables_reminding_are_those_waiting_on_the_person_latest_reminded_first(database_url):
    """/snooze typed in the bot's DM holds the table whose reminder went out last: an open
    round waiting for the person's answer, a mandate waiting to be renewed."""
    engine = make_engine(database_url)
    upgrade(engine)
    at = partial(timedelta, minutes=1)  # minutes after nine
    with Session(engine) as session:
        for round_id, channel, status in [("r1", "C-OPS", "open"), ("r2", "C-DEV", "open"),
                                          ("r3", "C-OLD", "closed")]:  # fmt: skip
            session.add(RoundRow(workspace="slack:T1", round_id=round_id, channel=channel,
                                 proposal="p", proposer="U-BEN", started_at=NINE,
                                 deadline=NINE + at(600), status=status))  # fmt: skip
            session.add(AnswerRow(workspace="slack:T1", round_id=round_id, user="U-ANNA"))
        # Anna answered nothing yet; her mandate waits at a third table, reminded last.
        session.add(MandateRow(workspace="slack:T1", channel="C-FIN", user="U-ANNA", text="m",
                               status="renewal_due", updated_at=NINE))  # fmt: skip
        session.add(MandateRow(workspace="slack:T1", channel="C-HR", user="U-ANNA", text="m",
                               status="current", updated_at=NINE))  # fmt: skip
        for key, channel, kind, subject, fired in [
            ("a", "C-OPS", "round_reminder", "r1", 10),
            ("b", "C-DEV", "round_reminder", "r2", 30),
            ("c", "C-FIN", "renewal_reminder", "m1", 50),
            ("d", "C-OPS", "round_reminder", "r1", None),  # not sent yet
        ]:  # fmt: skip
            session.add(TimerRow(workspace="slack:T1", key=key, channel=channel, kind=kind,
                                 subject=subject, due=NINE + at(fired or 90),
                                 fired_at=None if fired is None else NINE + at(fired)))  # fmt: skip
        session.commit()

    found = tables_reminding(engine, "U-ANNA", prefix="slack:")

    assert [(t.channel, t.reminded_at) for t in found] == [
        ("C-FIN", NINE + at(50)),
        ("C-DEV", NINE + at(30)),
        ("C-OPS", NINE + at(10)),
    ]
    assert tables_reminding(engine, "U-ANNA", prefix="discord:") == []
    engine.dispose()
