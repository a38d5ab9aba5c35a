"""A yes or a concern is the message that says it: edited, it counts as it reads now;
deleted, it no longer counts. A message edited into a proposal is one, and a round
whose proposal its proposer edits says so when it closes."""

from __future__ import annotations

import pytest

from bot.presenting import round_text, summary_text
from rules.actions import (
    AnnounceAgreement,
    PostConcernRound,
    PostRoundSummary,
    SuggestAgreement,
    UpdateRoundProgress,
)
from rules.i18n import render
from tests.helpers import Chat, at


def offers(chat: Chat) -> list[tuple[str, tuple[str, ...]]]:
    return [(offer.proposal, offer.agreeing) for offer in chat.of_type(SuggestAgreement)]


def test_a_yes_edited_into_a_concern_no_longer_counts_as_consent(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.edit("ben", "09:01", "#concern actually no, 10 clashes with the school run", "09:02")
    chat.say("carl", "#agreement yes", "09:03")
    assert offers(chat) == []


def test_a_deleted_yes_no_longer_counts_and_nobody_is_named_for_it(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.delete("09:01", "09:02")
    chat.say("carl", "#agreement yes", "09:03")
    assert offers(chat) == []
    # Two of three others now: Carl and Dan, never Ben.
    chat.say("dan", "#agreement ok", "09:04")
    assert offers(chat) == [("#proposal we move standup to 10", ("carl", "dan"))]


def test_a_deleted_concern_stops_holding_the_offer_back(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#concern 10 clashes with the school run", "09:01")
    chat.say("carl", "#agreement yes", "09:02")
    chat.say("dan", "#agreement ok", "09:03")
    assert offers(chat) == []
    chat.delete("09:01", "09:04")
    assert offers(chat) == [("#proposal we move standup to 10", ("carl", "dan"))]


def test_a_concern_edited_into_a_yes_counts_as_one(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#concern 10 clashes with the school run", "09:01")
    chat.say("carl", "#agreement yes", "09:02")
    assert offers(chat) == []
    chat.edit("ben", "09:01", "#agreement sorted it out, fine by me", "09:03")
    assert offers(chat) == [("#proposal we move standup to 10", ("ben", "carl"))]


def test_an_edit_that_keeps_its_yes_changes_nothing_and_a_reworded_proposal_asks_again(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    chat.say("ben", "#agreement fine by me", "09:01")
    chat.edit("ben", "09:01", "#agreement fine by me!", "09:02")
    chat.edit("anna", "09:00", "#proposal we move standup to 10 on Mondays", "09:03")
    assert offers(chat) == []
    chat.say("carl", "#agreement yes", "09:04")
    assert offers(chat) == []  # Ben's yes was to the earlier words (test_reworded_proposals)
    chat.say("ben", "#agreement Mondays too, fine", "09:05")
    assert offers(chat) == [("#proposal we move standup to 10 on Mondays", ("carl", "ben"))]


def test_a_message_edited_into_a_proposal_is_one_for_agreement(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "standup is at 9", "09:00")
    chat.edit("anna", "09:00", "#proposal we move standup to 10", "09:01")
    chat.say("ben", "#agreement fine by me", "09:02")
    chat.say("carl", "#agreement yes", "09:03")
    assert offers(chat) == [("#proposal we move standup to 10", ("ben", "carl"))]


def test_a_message_edited_into_a_proposal_is_what_concerns_alone_asks_about(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "standup is at 9", "09:00")
    chat.edit("anna", "09:00", "#proposal we move standup to 10", "09:01")
    [posted] = [a for a in chat.command("anna", "/concerns", "09:02") if
                isinstance(a, PostConcernRound)]  # fmt: skip
    assert posted.round.proposal == "#proposal we move standup to 10"


def round_about_an_edited_proposal(
    app, lang: str = "en", *, chat: Chat | None = None
) -> tuple[UpdateRoundProgress, PostRoundSummary]:
    """Anna's proposal, edited by her while its round is open: the round's message as
    the edit updates it, and the summary."""
    chat = chat or Chat(app)
    chat.join("anna", "ben", "carl")
    if lang == "nl":
        chat.command("anna", "/table language nl", "08:59")
    chat.say("anna", "#proposal we fire Kevin and move standup to 10", "09:00")
    [posted] = [a for a in chat.command("anna", "/concerns", "09:01") if
                isinstance(a, PostConcernRound)]  # fmt: skip
    round_id = posted.round.round_id
    chat.answer("ben", round_id, None, "09:02")
    edited = chat.edit("anna", "09:00", "#proposal we move standup to 10", "09:03")
    [update] = [a for a in edited if isinstance(a, UpdateRoundProgress)]
    [summary] = [a for a in chat.answer("carl", round_id, None, "09:04") if
                 isinstance(a, PostRoundSummary)]  # fmt: skip
    return update, summary


def test_a_round_whose_proposal_was_edited_shows_it_as_it_stands_and_says_so(app):
    update, summary = round_about_an_edited_proposal(app)
    message = render(round_text(update.round), "en")
    assert "Kevin" not in message and "> #proposal we move standup to 10" in message
    assert (
        "anna changed the proposal while this round was open: answers given before were "
        "about its earlier words." in message
    )
    shown = render(summary_text(summary), "en")
    assert "Kevin" not in shown
    assert "> #proposal we move standup to 10" in shown
    assert (
        "anna changed the proposal while this round was open, so the answers were given to "
        "its earlier words." in shown
    )
    # The table was asked about other words: not offered for recording.
    assert not summary.suggest_agreement
    assert "Record this as an agreement" not in shown


def test_a_round_whose_proposal_was_edited_says_so_in_dutch(app):
    update, summary = round_about_an_edited_proposal(app, "nl")
    message = render(round_text(update.round), update.lang)
    assert "anna heeft het voorstel veranderd terwijl deze ronde liep: antwoorden" in message
    shown = render(summary_text(summary), summary.lang)
    assert summary.lang == "nl"
    assert "Kevin" not in shown
    assert "anna heeft het voorstel veranderd terwijl deze ronde liep" in shown
    assert "/zorgen" in shown


def test_a_round_is_reworded_only_by_an_edit_of_its_own_proposal(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", "#proposal we move standup to 10", "09:00")
    [posted] = [a for a in chat.command("anna", "/concerns", "09:01") if
                isinstance(a, PostConcernRound)]  # fmt: skip
    round_id = posted.round.round_id
    # Another of Ben's messages, in other words: nothing to do with the round.
    chat.say("ben", "#proposal tea on Fridays", "09:02", thread="09:30")
    chat.edit("ben", "09:02", "#proposal tea and cake on Fridays", "09:03")
    chat.answer("ben", round_id, None, "09:04")
    [summary] = [a for a in chat.answer("carl", round_id, None, "09:05") if
                 isinstance(a, PostRoundSummary)]  # fmt: skip
    assert summary.round.proposal == "#proposal we move standup to 10"
    assert summary.suggest_agreement and not summary.round.reworded


@pytest.mark.empty_database
def test_migration_0015_keeps_old_stances_counting_and_goes_down(database_url, tagged):
    """A stance noted before 0015 has no message: it counts as before, whatever
    happens to the message that gave it. Down again, the columns are gone."""
    from alembic import command
    from sqlalchemy import inspect, text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from tests.conftest import make_app

    engine = make_engine(database_url)
    upgrade(engine, "0014")
    with engine.begin() as connection:
        for user in ("anna", "ben", "carl"):
            connection.execute(
                text(
                    'INSERT INTO member (workspace, channel, "user", joined_at, active) '
                    "VALUES ('W1', 'C1', :u, :at, :yes)"
                ),
                {"u": user, "at": at("08:00"), "yes": True},
            )
        connection.execute(
            text(
                'INSERT INTO proposal_seen (workspace, channel, scope, message_id, "user", '
                "text, posted_at, stances, suggested) VALUES ('W1', 'C1', '', '09:00', 'anna', "
                "'#proposal we move standup to 10', :at, :stances, :no)"
            ),
            {"at": at("09:00"), "stances": '{"ben": "agree"}', "no": False},
        )
    engine.dispose()
    app = make_app(database_url, tagged)
    try:
        chat = Chat(app)
        chat.delete("09:01", "09:02")  # Ben's yes, from before 0015
        chat.say("carl", "#agreement yes", "09:03")
        assert offers(chat) == [("#proposal we move standup to 10", ("ben", "carl"))]
    finally:
        app.database.dispose()
    command.downgrade(alembic_config(database_url), "0014")
    engine = make_engine(database_url)
    try:
        inspector = inspect(engine)
        assert "stance_messages" not in {c["name"] for c in inspector.get_columns("proposal_seen")}
        assert "reworded" not in {c["name"] for c in inspector.get_columns("concern_round")}
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT stances FROM proposal_seen")).scalar()
        assert "ben" in str(kept)
    finally:
        engine.dispose()


def test_an_agreement_typed_after_a_round_whose_proposal_was_edited_takes_none_of_its_answers(
    app,
):
    chat = Chat(app)
    round_about_an_edited_proposal(app, chat=chat)
    [announced] = [
        a
        for a in chat.command("anna", "/agree we move standup to 10 because mornings", "09:05")
        if isinstance(a, AnnounceAgreement)
    ]
    # Ben answered about other words: his "no concerns" is not consent to these.
    assert announced.agreement.consenters == ("anna",)
