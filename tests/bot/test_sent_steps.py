"""What of an outbox item reached its platform (bot.sent_steps) is kept with the item in
the database, apart per workspace, read by whichever process retries it, and goes with
the item: delivered, given up, set aside or swept. On SQLite and PostgreSQL; the
Slack and Discord retries that rely on it are in tests/slack/test_retried_elsewhere.py
and tests/discord/test_discord_delivery_failures.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import OutboxRow, SentStep
from bot.store import MAX_DELIVERY_ATTEMPTS, Delivery
from tests.conftest import make_app
from tests.helpers import Chat, at


def a_nudge_in_the_outbox(app, workspace: str = "W1") -> Delivery:
    chat = Chat(app, workspace=workspace)
    chat.say("ben", "#problem broken", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:30"))  # decided, never delivered
    return delivery


def steps(app) -> list[tuple[str, int, str]]:
    with Session(app.database) as session:
        rows = session.exec(select(SentStep)).all()
        return sorted((row.workspace, row.outbox_id, row.step) for row in rows)


def test_sent_steps_are_read_by_another_process_and_kept_apart_by_workspace(database_url, tagged):
    one, two = make_app(database_url, tagged), make_app(database_url, tagged)
    try:
        first = a_nudge_in_the_outbox(one, "W1")
        one.store.note_sent("W1", first.outbox_id, {"post:0": "1700.01", "dm:U1": None})
        one.store.note_sent("W1", first.outbox_id, {"post:0": "1700.01"})  # noted again
        [again] = two.store.claim_undelivered(at("09:30") + timedelta(minutes=5))
        assert again.again and not first.again  # a retry reads what went out; a first try has none
        assert two.store.sent_steps("W1", again.outbox_id) == {"post:0": "1700.01", "dm:U1": None}
        assert two.store.sent_steps("W2", again.outbox_id) == {}
    finally:
        one.database.dispose()
        two.database.dispose()


def test_sent_steps_go_with_the_delivery(app):
    delivery = a_nudge_in_the_outbox(app)
    app.store.note_sent("W1", delivery.outbox_id, {"post:0": "1700.01"})
    app.store.mark_delivered(delivery.outbox_id, at("09:31"), steps_on_record=True)
    assert steps(app) == []


def test_sent_steps_go_when_an_item_is_given_up_or_set_aside(app):
    failing, set_aside = a_nudge_in_the_outbox(app), a_nudge_in_the_outbox(app, "W2")
    app.store.note_sent("W1", failing.outbox_id, {"post:0": "1"})
    app.store.note_sent("W2", set_aside.outbox_id, {"post:0": "2"})
    for _attempt in range(MAX_DELIVERY_ATTEMPTS - 1):
        app.store.mark_failed(failing.outbox_id, at("09:31"), "ConnectionError()")
    on_record = [("W1", failing.outbox_id, "post:0"), ("W2", set_aside.outbox_id, "post:0")]
    assert steps(app) == on_record  # not given up yet
    app.store.mark_failed(failing.outbox_id, at("09:31"), "ConnectionError()")  # the last
    app.store.mark_abandoned(set_aside.outbox_id, at("09:31"), "the workspace removed the bot")
    assert steps(app) == []


def test_sent_steps_of_items_done_or_gone_are_swept(app):
    """Whatever the delivery's own delete missed goes with the next sweep, before the
    item's id could be another's (SQLite gives the highest id again once it is deleted)."""
    delivered, waiting = a_nudge_in_the_outbox(app), a_nudge_in_the_outbox(app, "W2")
    app.store.note_sent("W1", delivered.outbox_id, {"post:0": "1"})
    app.store.note_sent("W2", waiting.outbox_id, {"post:0": "2"})
    app.store.note_sent("W1", 999_999, {"post:0": "3"})  # its item is gone
    app.store.mark_delivered(delivered.outbox_id, at("09:31"))  # no steps known of
    app.store.sweep(at("09:32"), timedelta(days=2))
    assert steps(app) == [("W2", waiting.outbox_id, "post:0")]  # still to be delivered

    # Never delivered within the retention period: given up, its steps with it.
    app.store.sweep(at("09:30") + timedelta(days=3), timedelta(days=2))
    assert steps(app) == []
    with Session(app.database) as session:
        assert session.get(OutboxRow, waiting.outbox_id).delivered_at is not None


def test_sent_steps_go_with_a_forgotten_workspace(app):
    delivery = a_nudge_in_the_outbox(app)
    app.store.note_sent("W1", delivery.outbox_id, {"post:0": "1"})
    assert app.store.forget_workspace("W1")["sent_step"] == 1
    assert steps(app) == []


@pytest.mark.empty_database
def test_migration_0019_adds_the_sent_steps_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0018")
        assert "sent_step" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert "sent_step" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0018")
    engine = make_engine(database_url)
    try:
        assert "sent_step" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
