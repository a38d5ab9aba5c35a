"""bot.views.nudged_problems: what a command typed in the bot's DM may act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.database import make_engine
from bot.migrate import upgrade
from bot.models import WatchRow
from bot.views import nudged_problems

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
