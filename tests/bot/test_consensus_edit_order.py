"""Consensus with edits and deletions delivered out of order, and replies edited into a
yes or a concern: a proposal or a stance deleted stays gone when its post or an edit
arrives late, an older edit heard late changes nothing, and a reply counts as it reads
now. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from rules.actions import SuggestAgreement
from tests.helpers import Chat


def offers(chat: Chat) -> list[tuple[str, tuple[str, ...]]]:
    return [(o.proposal, o.agreeing) for o in chat.of_type(SuggestAgreement)]


def test_a_late_edit_of_a_deleted_proposal_brings_it_not_back(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.delete("09:00", "09:02")
    chat.edit("anna", "09:00", "#proposal we move standup to 10:30", "09:01")  # heard late
    chat.say("ben", "#agreement fine by me", "09:03")
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_a_proposal_whose_post_arrives_after_its_deletion_is_none(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.delete("09:00", "09:01")
    chat.say("anna", "#proposal we move standup to 10", "09:00")  # heard late
    chat.say("ben", "#agreement fine by me", "09:03")
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_a_yes_whose_post_arrives_after_its_deletion_counts_not(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.delete("09:01", "09:02")  # the deletion heard first
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.say("carl", "#agreement yes", "09:03")
    assert offers(chat) == []


def test_a_late_edit_of_a_deleted_yes_counts_not(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "let me think", "09:01")
    chat.delete("09:01", "09:03")
    chat.edit("ben", "09:01", "#agreement fine by me", "09:02")  # heard late
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_an_older_edit_of_a_stance_heard_late_changes_nothing(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.edit("ben", "09:01", "#concern actually no, school run", "09:03")
    chat.edit("ben", "09:01", "#agreement fine by me!!", "09:02")  # heard late
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_an_older_edit_of_a_proposal_heard_late_changes_nothing(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.edit("anna", "09:00", "#proposal we move standup to 10:30", "09:02")
    chat.edit("anna", "09:00", "#proposal we move standup to 10:15", "09:01")  # heard late
    chat.say("ben", "#agreement fine by me", "09:03")
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == [("#proposal we move standup to 10:30", ("ben", "carl"))]


def test_an_older_edit_heard_late_brings_no_taken_back_proposal_back(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.edit("anna", "09:00", "never mind, forget it", "09:02")
    chat.edit("anna", "09:00", "#proposal we move standup to 10:15", "09:01")  # heard late
    chat.say("ben", "#agreement fine by me", "09:03")
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_a_reply_edited_into_a_yes_counts(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "let me check with my team", "09:01")
    chat.edit("ben", "09:01", "#agreement checked with my team, fine by me", "09:05")
    chat.say("carl", "#agreement yes", "09:06")
    assert offers(chat) == [("#proposal we move standup to 10", ("ben", "carl"))]


def test_a_reply_edited_into_a_concern_holds_the_offer_back(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "let me think about it", "09:01")
    chat.edit("ben", "09:01", "#concern 10 clashes with the school run", "09:05")
    chat.say("carl", "#agreement yes", "09:06")
    chat.say("dan", "#agreement ok", "09:07")
    assert offers(chat) == []


def test_a_yes_to_earlier_words_edited_into_a_concern_counts_as_that_concern(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.edit("anna", "09:00", "#proposal we move standup to 8 every day", "09:02")
    chat.edit("ben", "09:01", "#concern 8 clashes with the school run", "09:03")
    chat.say("carl", "#agreement yes", "09:04")
    chat.say("dan", "#agreement ok", "09:05")
    assert offers(chat) == []


def test_a_message_from_before_the_proposal_edited_into_a_yes_counts_not(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("ben", "morning all", "08:50")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.edit("ben", "08:50", "#agreement fine by me", "09:01")
    chat.say("carl", "#agreement yes", "09:02")
    assert offers(chat) == []


def test_an_edits_time_is_forgotten_after_the_retention(app):
    from datetime import timedelta

    from sqlmodel import Session, select

    from bot.models import EditedMessageRow
    from tests.helpers import at

    chat = Chat(app)
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.edit("anna", "09:00", "#proposal we move standup to 10:30", "09:01")
    app.store.sweep(at("09:01") + timedelta(days=1), timedelta(days=2))
    with Session(app.database) as session:
        assert [e.message_id for e in session.exec(select(EditedMessageRow))] == ["09:00"]
    app.store.sweep(at("09:02") + timedelta(days=2), timedelta(days=2))
    with Session(app.database) as session:
        assert session.exec(select(EditedMessageRow)).all() == []


@pytest.mark.empty_database
def test_migration_0018_adds_the_edit_times_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0017")
        assert "edited_message" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert "edited_message" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0017")
    engine = make_engine(database_url)
    try:
        assert "edited_message" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_second_edit_in_the_same_second_counts(app):
    """Slack gives an edit's time in whole seconds: two edits in one second tie, and the
    one heard last is the newer, not a stale one."""
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.edit("ben", "09:01", "#agreement fine by me!", "09:02:05")
    chat.edit("ben", "09:01", "#concern actually no, school run", "09:02:05")
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []


def test_a_problem_edited_twice_in_one_second_reads_as_the_second_edit(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem Kevin broke the build again, typical", "09:00")
    chat.edit("ben", "09:00", "#problem Kevin broke the build", "09:01:05")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:01:05")
    nudges = chat.tick("09:30")
    assert "Kevin" not in repr(nudges) and "the build is broken again" in repr(nudges)
