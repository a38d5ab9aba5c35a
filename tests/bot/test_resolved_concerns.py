"""/concern resolved through the real service and storage: the answer row keeps the
concern that was raised, later decisions read it back, a round that ended refuses it,
and the schema change goes up and down."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlmodel import Session, select

from bot.database import make_engine
from bot.models import AnswerRow
from rules.actions import PostConcernRound, PostRoundSummary, UpdateRoundProgress
from tests.bot.test_concern_rounds import start
from tests.helpers import Chat

RAISED = "the night shift cannot cover this"


def answer_rows(chat: Chat) -> dict[str, tuple[str | None, str | None]]:
    with Session(chat.app.database) as session:
        rows = session.exec(select(AnswerRow)).all()
        return {row.user: (row.concern, row.resolved_concern) for row in rows}


def test_a_resolved_concern_is_stored_with_its_answer_and_shown_at_the_close(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, RAISED, "09:05")
    chat.answer("chris", round_id, None, "09:06")
    chat.command("anna", "/concern my concern is resolved", "09:30")
    assert answer_rows(chat)["anna"] == (None, RAISED)
    assert chat.of_type(UpdateRoundProgress)[-1].round.resolved == (("anna", RAISED),)
    # Read back from storage by the next decision: the close shows what was raised.
    chat.command("anna", "/concern resolved", "09:40")
    assert chat.texts()[-1] == "Your concern in this round is already marked resolved."
    chat.answer("dana", round_id, None, "10:00")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.suggest_agreement and summary.round.resolved == (("anna", RAISED),)
    assert f"Concern from anna, since resolved: {RAISED}" in chat.texts()[-1]


def test_a_concern_in_a_closed_or_withdrawn_round_is_no_longer_resolved(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, RAISED, "09:05")  # the last answer: the round closes
    chat.command("anna", "/bezwaar opgelost", "09:30")
    assert chat.texts()[-1].startswith("De zorgenronde waarin je je zorg uitte is gesloten")
    assert answer_rows(chat)["anna"] == (RAISED, None)  # the record is as it closed
    start(chat, when="10:00")
    chat.command("ben", "/concerns withdraw", "10:05")
    chat.command("anna", "/concern resolved", "10:10")
    assert chat.texts()[-1].startswith("The last concern round here was withdrawn")


def test_migration_0022_keeps_resolved_concerns_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    def columns(engine) -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("round_answer")}

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0021")
        assert "resolved_concern" not in columns(engine)
        upgrade(engine)
        assert "resolved_concern" in columns(engine)
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0021")
    engine = make_engine(database_url)
    try:
        assert "resolved_concern" not in columns(engine)
    finally:
        engine.dispose()


# The fields of a RoundView that bde1430 (migration 0021, the release before) knows.
ROUND_VIEW_AT_0021 = {
    "$", "round_id", "proposal", "proposer", "thread_id", "deadline", "participants",
    "no_concerns", "concerns", "reworded",
}  # fmt: skip


def test_going_down_to_0021_leaves_waiting_round_messages_readable_by_it(database_url):
    """A summary still waiting in the outbox names a resolved concern and who asked for
    the round: bde1430 cannot read either field, and would never post the summary.
    Going down to 0021 leaves them out of waiting items (the resolver stays among those
    with no concerns, as their answer row then says); a delivered item keeps its kind."""
    from alembic import command

    from bot import codec
    from bot.migrate import alembic_config
    from bot.models import OutboxRow, now_utc
    from tests.conftest import make_app
    from tests.helpers import TaggedClassifier

    app = make_app(database_url, TaggedClassifier())
    try:
        chat = Chat(app)
        chat.join("anna", "ben", "chris")
        chat.say("ben", "We could pin the base image to 1.4 #proposal", "08:59")
        chat.command("anna", "/concerns", "09:00")  # anna asks about ben's proposal
        [posted] = chat.of_type(PostConcernRound)
        chat.answer("anna", posted.round.round_id, RAISED, "09:05")
        chat.command("anna", "/concern resolved", "09:10")
        chat.answer("chris", posted.round.round_id, None, "09:15")
        [summary] = chat.of_type(PostRoundSummary)
        assert summary.round.resolved == (("anna", RAISED),)
        assert summary.round.started_by == "anna"
        app.store.enqueue(summary, now_utc())  # still waiting when the bot stops
    finally:
        app.database.dispose()

    command.downgrade(alembic_config(database_url), "0021")

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxRow).order_by(OutboxRow.id)).all()
        waiting = [row for row in rows if row.delivered_at is None]
        assert [json.loads(row.payload)["$"] for row in waiting] == ["PostRoundSummary"]
        round_ = json.loads(waiting[0].payload)["round"]
        assert set(round_) <= ROUND_VIEW_AT_0021
        assert round_["no_concerns"] == ["anna", "chris"] and round_["concerns"] == []
        assert codec.loads(waiting[0].payload) == replace(
            summary, round=replace(summary.round, resolved=(), started_by=None)
        )
        # Delivered items keep only their kind, as they did.
        assert all(set(json.loads(row.payload)) == {"$"} for row in rows if row.delivered_at)
    finally:
        engine.dispose()
