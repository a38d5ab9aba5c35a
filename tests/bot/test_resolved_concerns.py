"""/concern resolved through the real service and storage: the answer row keeps the
concern that was raised, later decisions read it back, a round that ended refuses it,
and the schema change goes up and down."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import AnswerRow
from rules.actions import PostRoundSummary, UpdateRoundProgress
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
