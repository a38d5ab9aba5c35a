"""Withdrawing a concern round (/concerns cancel, /zorgen intrekken): who asked for it,
or whose proposal it is, stops it; it closes once, as withdrawn, and its answers stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import AnswerRow, RoundRow
from bot.presenting import plain
from rules.actions import CloseRound, PostConcernRound, PostRoundSummary, RemindMembers, Reply
from tests.helpers import Chat, at


def start(chat: Chat, asker: str = "ben", line: str = "/concerns pin the base image to 1.4",
          when: str = "09:00") -> str:  # fmt: skip
    [posted] = [a for a in chat.command(asker, line, when) if isinstance(a, PostConcernRound)]
    return posted.round.round_id


def private_texts(actions, user: str) -> list[str]:
    return [plain(a) for a in actions if isinstance(a, Reply) and a.private and a.user == user]


def stored_round(app, round_id: str) -> RoundRow:
    with Session(app.database) as session:
        return session.exec(select(RoundRow).where(RoundRow.round_id == round_id)).one()


def test_the_asker_withdraws_the_round_and_the_table_is_told_without_the_answers(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, "the night shift cannot cover this", "09:05")
    done = chat.command("ben", "/concerns cancel", "09:10")
    [summary] = [a for a in done if isinstance(a, PostRoundSummary)]
    assert (summary.outcome, summary.withdrawn_by, summary.suggest_agreement) == (
        "withdrawn", "ben", False,
    )  # fmt: skip
    text = chat.texts()[-1]
    assert text == (
        "The concern round on this proposal was withdrawn by ben:\n> pin the base image to 1.4"
    )
    assert "night shift" not in text and "anna" not in text
    row = stored_round(app, round_id)
    assert (row.status, row.outcome, row.withdrawn_by) == ("withdrawn", "withdrawn", "ben")
    assert row.closed_at == at("09:10")
    with Session(app.database) as session:  # the answers given are kept
        answers = {a.user: a.concern for a in session.exec(select(AnswerRow)) if a.answered_at}
    assert answers == {"anna": "the night shift cannot cover this"}


def test_a_withdrawn_round_reminds_nobody_and_has_no_deadline_summary(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    chat.command("ben", "/concerns cancel", "09:10")
    chat.tick(at("09:00") + timedelta(days=2))
    assert chat.of_type(RemindMembers) == []
    assert [s.outcome for s in chat.of_type(PostRoundSummary)] == ["withdrawn"]


def test_late_answers_to_a_withdrawn_round_hear_no_round_is_open(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.command("ben", "/concerns withdraw", "09:10")
    typed = chat.command("anna", "/concern none", "09:15")
    assert private_texts(typed, "anna") == [
        "No concern round is open here right now.\nTo ask everyone for their concerns about a "
        "proposal: /concerns <proposal>."
    ]
    clicked = chat.answer("chris", round_id, None, "09:16")  # a button on an older message
    assert private_texts(clicked, "chris") == [
        "That concern round was withdrawn, so there is nothing to answer."
    ]
    with Session(app.database) as session:
        answered = [a.user for a in session.exec(select(AnswerRow)) if a.answered_at]
    assert answered == []


def test_the_proposer_may_withdraw_a_round_someone_else_asked_for(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.say("anna", "#proposal we pin the base image", "08:50")
    round_id = start(chat, asker="chris", line="/concerns")
    done = chat.command("anna", "/concerns cancel", "09:10")
    assert [a.outcome for a in done if isinstance(a, PostRoundSummary)] == ["withdrawn"]
    assert stored_round(app, round_id).withdrawn_by == "anna"


def test_anyone_else_is_told_kindly_who_may_withdraw_it(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("anna", "#proposal we pin the base image", "08:50")
    round_id = start(chat, asker="chris", line="/concerns")
    refused = chat.command("dana", "/concerns cancel", "09:10")
    assert private_texts(refused, "dana") == [
        "Only chris, who asked for this concern round, or anna, whose proposal it is, can "
        "withdraw it. If you think it should stop, tell them; your answer is welcome meanwhile."
    ]
    assert [a for a in refused if not isinstance(a, Reply)] == []
    assert stored_round(app, round_id).status == "open"


def test_only_the_proposer_is_named_when_they_asked_for_it_themselves(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    start(chat)
    refused = chat.command("anna", "/zorgen intrekken", "09:10")
    assert private_texts(refused, "anna") == [
        "Alleen ben, van wie het voorstel is, kan deze zorgenronde intrekken. Vind je dat ze "
        "moet stoppen, zeg het dan tegen ben; je antwoord is intussen welkom."
    ]


def test_no_open_round_is_said_privately_in_both_languages(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    english = chat.command("ben", "/concerns cancel", "09:00")
    assert private_texts(english, "ben") == [
        "No concern round is open here right now, so there is none to withdraw."
    ]
    dutch = chat.command("ben", "/zorgen intrekken", "09:01")
    assert private_texts(dutch, "ben") == [
        "Hier loopt nu geen zorgenronde, dus er is er geen om in te trekken."
    ]


def test_a_closed_round_cannot_be_withdrawn_after_all(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")  # everyone answered: closed
    late = chat.command("ben", "/concerns cancel", "09:10")
    assert [a for a in late if not isinstance(a, Reply)] == []
    row = stored_round(app, round_id)
    assert (row.status, row.outcome) == ("closed", "answered")


def test_in_dutch_the_round_is_withdrawn_and_the_table_told_in_dutch(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat, line="/zorgen we zetten de basisimage vast op 1.4")
    chat.command("ben", "/zorgen intrekken", "09:10")
    assert chat.texts()[-1] == (
        "De zorgenronde over dit voorstel is ingetrokken door ben:\n"
        "> we zetten de basisimage vast op 1.4"
    )


def test_a_proposal_about_cancelling_starts_a_round(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    actions = chat.command("ben", "/concerns cancel the Friday standup?", "09:00")
    [posted] = [a for a in actions if isinstance(a, PostConcernRound)]
    assert posted.round.proposal == "cancel the Friday standup?"
    assert not [a for a in actions if isinstance(a, CloseRound)]


@pytest.mark.parametrize(
    "line",
    ["/concerns cancel?", "/concerns cancel 🙏", "/concerns Stop!", "/concerns cancel please",
     "/concerns cancel the round.", "/zorgen annuleer", "/zorgen stoppen", "/zorgen trek in",
     "/zorgen intrekken graag", "/zorgen stop deze ronde", "/zorgen annuleer ronde",
     "/concerns cancel the concern round", "/concerns withdraw this round",
     "/zorgen zorgenronde stoppen"],
)  # fmt: skip
def test_the_word_with_punctuation_emoji_or_in_its_natural_forms_withdraws(app, line):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    actions = chat.command("ben", line, "09:10")
    assert [a for a in actions if isinstance(a, PostConcernRound)] == []
    assert stored_round(app, round_id).status == "withdrawn"
    assert [a for a in chat.tick("14:00") if isinstance(a, RemindMembers)] == []


def test_a_second_round_waits_and_the_asker_hears_they_can_withdraw_the_first(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    mine = chat.command("ben", "/concerns we move the standup", "09:10")
    # The proposal ends the message: "…1.4.. Let it close" doubled its full stop.
    assert private_texts(mine, "ben") == [
        "A concern round is already open here. Let it close first, so that everyone can "
        "answer one question at a time. If it is no longer needed, you can withdraw it with "
        "/concerns withdraw. It is about: pin the base image to 1.4"
    ]
    theirs = chat.command("chris", "/zorgen we verplaatsen de standup", "09:11")
    assert private_texts(theirs, "chris") == [
        "Hier loopt al een zorgenronde. Wacht tot die gesloten is, zodat iedereen één vraag "
        "tegelijk kan beantwoorden. Wie erom vroeg of wie het voorstel deed, kan ze intrekken "
        "met /zorgen intrekken. Ze gaat over: pin the base image to 1.4"
    ]
    assert [a for a in mine + theirs if isinstance(a, PostConcernRound)] == []


def test_concerns_alone_during_an_open_round_points_at_that_round(app):
    """A member with no proposal of their own typing /zorgen while a round is open was
    asked which proposal the table should look at, as if none were."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    asked = chat.command("chris", "/zorgen", "09:10")
    assert private_texts(asked, "chris") == [
        "Hier loopt al een zorgenronde. Wacht tot die gesloten is, zodat iedereen één vraag "
        "tegelijk kan beantwoorden. Wie erom vroeg of wie het voorstel deed, kan ze intrekken "
        "met /zorgen intrekken. Ze gaat over: pin the base image to 1.4"
    ]
    assert [a for a in asked if isinstance(a, PostConcernRound)] == []


@pytest.mark.parametrize(
    "line", ["/concerns stop the Friday standup", "/zorgen trek in de oude regel"]
)
def test_a_proposal_starting_with_a_withdrawing_word_still_starts_a_round(app, line):
    chat = Chat(app)
    chat.join("anna", "ben")
    [posted] = [a for a in chat.command("ben", line, "09:00") if isinstance(a, PostConcernRound)]
    assert posted.round.proposal == line.split(" ", 1)[1]


def test_a_withdrawn_round_is_not_taken_as_consent_by_a_later_agreement(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.command("ben", "/concerns cancel", "09:10")
    [announced] = [
        a for a in chat.command("ben", "/agree pin the base image to 1.4 because builds break",
                                "09:20")
        if type(a).__name__ == "AnnounceAgreement"
    ]  # fmt: skip
    assert announced.agreement.consenters == ("ben",)
    assert stored_round(app, round_id).agreement_number is None


def test_the_report_shows_a_withdrawn_round_as_withdrawn_and_not_its_concerns(app):
    from rules.i18n import render

    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat, line="/concerns pin the base image", when="08:40")
    chat.answer("anna", round_id, "what about security fixes?", "08:45")
    chat.command("ben", "/concerns cancel", "08:50")
    [report] = [
        a for a in chat.command("anna", "/report", "09:30") if type(a).__name__ == "PostReport"
    ]
    lines = render(report.full, "en").splitlines()
    assert lines[lines.index("Open concerns:") + 1] == "none"
    withdrawn = lines.index("Withdrawn concern rounds:")
    assert lines[withdrawn + 1] == "“pin the base image”: withdrawn by ben on 2 March 2026."
    dutch = render(report.full, "nl").splitlines()
    assert "Ingetrokken zorgenrondes:" in dutch
    assert "“pin the base image”: ingetrokken door ben op 2 maart 2026." in dutch


def test_the_meeting_report_shows_a_round_asked_before_and_withdrawn_during_it(app):
    from rules.i18n import render

    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat, line="/concerns pin the base image", when="08:40")
    chat.command("ben", "/meeting start", "09:00")
    chat.command("ben", "/concerns cancel", "09:10")
    [report] = [
        a for a in chat.command("ben", "/meeting end", "10:00") if type(a).__name__ == "PostReport"
    ]
    lines = render(report.full, "en").splitlines()
    withdrawn = lines.index("Withdrawn concern rounds:")
    assert lines[withdrawn + 1] == "“pin the base image”: withdrawn by ben on 2 March 2026."


@pytest.mark.empty_database
def test_migration_0008_lets_the_proposer_withdraw_a_round_asked_before_it(database_url, tagged):
    from sqlalchemy import text

    from bot.database import make_engine
    from bot.migrate import upgrade
    from tests.conftest import make_app

    engine = make_engine(database_url)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO concern_round (workspace, round_id, channel, proposal, proposer, "
                "lang, started_at, deadline, status, reminders_sent) VALUES ('W1', 'r-old', "
                "'C1', 'pin the base image', 'ben', 'en', :start, :end, 'open', 0)"
            ),
            {"start": at("09:00"), "end": at("09:00") + timedelta(days=1)},
        )
        for position, user in enumerate(("anna", "chris")):
            connection.execute(
                text(
                    'INSERT INTO round_answer (workspace, round_id, "user", position) '
                    "VALUES ('W1', 'r-old', :user, :position)"
                ),
                {"user": user, "position": position},
            )
    upgrade(engine)
    engine.dispose()
    app = make_app(database_url, tagged)
    chat = Chat(app)
    refused = chat.command("anna", "/concerns cancel", "09:10")
    assert private_texts(refused, "anna") == [
        "Only ben, whose proposal it is, can withdraw this concern round. If you think it "
        "should stop, tell them; your answer is welcome meanwhile."
    ]
    chat.command("ben", "/concerns cancel", "09:11")
    row = stored_round(app, "r-old")
    assert (row.status, row.started_by, row.withdrawn_by) == ("withdrawn", None, "ben")
    app.database.dispose()


@pytest.mark.empty_database
def test_migration_0008_down_keeps_a_withdrawn_round_withdrawn(database_url, tagged):
    # The previous version takes the last closed round's answers as the table's consent:
    # a withdrawn round turned "closed" on the way down would count as one.
    from alembic import command
    from sqlalchemy import text

    from bot.database import make_engine
    from bot.migrate import alembic_config
    from tests.conftest import make_app

    app = make_app(database_url, tagged)
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.command("ben", "/concerns cancel", "09:10")
    app.database.dispose()
    command.downgrade(alembic_config(database_url), "0007")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, outcome FROM concern_round WHERE round_id = :id"),
            {"id": round_id},
        ).one()
    engine.dispose()
    assert tuple(row) == ("withdrawn", "withdrawn")


def test_the_help_names_the_way_to_withdraw_in_both_languages(app):
    chat = Chat(app)
    english = private_texts(chat.command("ben", "/groundrules help", "09:00"), "ben")
    assert "/concerns [<proposal>] | /concerns withdraw — " in english[0]
    dutch = private_texts(chat.command("ben", "/spelregels hulp", "09:01"), "ben")
    assert "/zorgen [<voorstel>] | /zorgen intrekken — " in dutch[0]


def test_asked_of_groundrules_in_words_the_round_is_withdrawn_by_whoever_may(app):
    """ "@Groundrules stop the concern round" or "zorgenronde stoppen" (a mention reads as
    /groundrules) withdraws it as /concerns cancel does: by its asker, not by anyone."""
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    refused = chat.command("anna", "/groundrules zorgenronde stoppen", "09:05")
    assert private_texts(refused, "anna") == [
        "Alleen ben, van wie het voorstel is, kan deze zorgenronde intrekken. Vind je dat ze "
        "moet stoppen, zeg het dan tegen ben; je antwoord is intussen welkom."
    ]
    done = chat.command("ben", "/groundrules stop the concern round", "09:10")
    assert [(a.outcome, a.lang) for a in done if isinstance(a, PostRoundSummary)] == [
        ("withdrawn", "en")
    ]
    assert stored_round(app, round_id).withdrawn_by == "ben"
