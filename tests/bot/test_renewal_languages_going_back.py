"""A renewal reminder carries each member's own language (AskRenewal.own_langs), which
bde1430 (migration 0021, the release before) cannot read: going back leaves it out of
waiting reminders, which then reach everyone in the meeting's language; one at a table
with a language of its own keeps the shape bde1430 reads."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlmodel import Session, select

from bot import codec
from rules.actions import AskRenewal

REMINDER = AskRenewal(workspace="W", channel="C", lang="nl", meeting_id="m", users=("a", "b"),
                      reminder=True)  # fmt: skip


def test_a_reminder_without_own_languages_keeps_the_shape_bde1430_reads():
    assert "own_langs" not in json.loads(codec.dumps(REMINDER))
    own = dataclasses.replace(REMINDER, own_langs=(("a", "en"), ("b", None)))
    assert json.loads(codec.dumps(own))["own_langs"] == [["a", "en"], ["b", None]]
    assert codec.loads(codec.dumps(own)) == own


@pytest.mark.empty_database
def test_going_down_to_0021_leaves_waiting_renewal_reminders_readable_by_it(database_url):
    from alembic import command

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from bot.models import OutboxRow, now_utc
    from bot.store import Store
    from rules.state import TableSettings

    engine = make_engine(database_url)
    try:
        upgrade(engine)
        own = dataclasses.replace(REMINDER, own_langs=(("a", "en"), ("b", None)))
        Store(engine, TableSettings()).enqueue(own, now_utc())
    finally:
        engine.dispose()

    command.downgrade(alembic_config(database_url), "0021")

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            [row] = session.exec(select(OutboxRow)).all()
        assert "own_langs" not in json.loads(row.payload)
        assert codec.loads(row.payload) == REMINDER
    finally:
        engine.dispose()
