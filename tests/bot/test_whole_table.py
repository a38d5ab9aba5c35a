"""Ground rules 2, 3, 5, 6 and the TWO, through the real service and storage, in both
languages: charter, mandates, meetings, roles, reviews, consensus, reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from bot.models import (
    AgreementRow,
    DecisionRow,
    EvaluationRow,
    MandateRow,
    MeetingRow,
    RoleRow,
)
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    CloseReview,
    PostConcernRound,
    PostReport,
    Reply,
    SuggestAgreement,
    WordToProposer,
)
from rules.events import (
    AgreementSubmitted,
    CommandInvoked,
    EvaluationGiven,
    RenewalAnswered,
    ReviewDecided,
)
from rules.understanding import Thresholds
from tests.helpers import CONSENTING, Chat, at, plain


def only(actions, kind):
    [found] = [a for a in actions if isinstance(a, kind)]
    return found


def private_to(actions, user) -> Reply:
    [reply] = actions
    assert isinstance(reply, Reply) and reply.private and reply.user == user
    return reply


def count(app, model) -> int:
    with Session(app.database) as session:
        return session.exec(select(func.count()).select_from(model)).one()


# --- the table and its charter -------------------------------------------------------


def test_table_join_and_charter_show_who_is_at_the_table(app):
    chat = Chat(app)
    chat.command("fatima", "/table join District Team North", "09:00")
    chat.command("gerrit", "/tafel aanschuiven Huisartsenpraktijk De Linde", "09:01")
    chat.command("fatima", "/table about handovers between care and housing", "09:02")
    chat.command("fatima", "/table not-about individual cases", "09:03")
    chat.say("hanna", "hello all", "09:04")
    reply = private_to(chat.command("hanna", "/table", "09:05"), "hanna")
    assert reply.lang == "en"
    assert chat.texts()[-1].splitlines() == [
        "At this table:",
        "fatima, for District Team North",
        "gerrit, for Huisartsenpraktijk De Linde",
        "hanna, organisation not given yet",
        "No organisation given yet? Give yours with /table join <organisation>.",
        "About: handovers between care and housing",
        "Not about: individual cases",
        "Language: I answer in the language you write.",
        "Time zone: UTC (/table timezone).",
        "Quiet hours: none, the bot's setting (/table quiet-hours).",  # off in the tests
        "Nudges about problems: normal (/nudges).",
    ]
    chat.command("gerrit", "/seintjes minder", "09:06")
    chat.command("gerrit", "/tafel", "09:07")
    assert chat.texts()[-1].splitlines()[-1] == "Seintjes over problemen: minder (/seintjes)."


def test_table_language_setting_makes_every_answer_dutch(app):
    chat = Chat(app)
    [reply] = chat.command("anna", "/table language nl", "09:00")
    assert reply.lang == "nl" and not reply.private
    assert chat.texts()[-1] == "Vanaf nu spreek ik Nederlands aan deze tafel."
    chat.command("anna", "/agreements", "09:01")
    assert chat.texts()[-1].startswith("Aan deze tafel zijn nog geen afspraken")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/table routing", "Add a few words after it, like /table routing <text>."),
        ("/tafel over", "Zet er een paar woorden achter, zoals /tafel over <tekst>."),
        ("/table not-about  ", "Add a few words after it, like /table not-about <text>."),
    ],
)
def test_table_charter_field_without_words_shows_how_to_give_them(app, line, said):
    chat = Chat(app)
    private_to(chat.command("anna", line, "09:00"), "anna")
    assert chat.texts()[-1].startswith(said), chat.texts()[-1]


def test_table_join_without_an_organisation_gets_usage_in_dutch(app):
    chat = Chat(app)
    reply = private_to(chat.command("anna", "/tafel aanschuiven", "09:00"), "anna")
    assert reply.lang == "nl"
    assert chat.texts()[-1].startswith("Noem de organisatie")


# --- mandates (rules 2 and 3) ------------------------------------------------------------


def test_mandate_is_set_shown_and_recorded_on_agreements(app):
    chat = Chat(app)
    chat.command("fatima", "/mandate agree to schedules up to 4 hours a week", "09:00")
    chat.command("gerrit", "/mandaat instemmen met een belmoment", "09:01")
    chat.say("hanna", "hi", "09:02")
    chat.command("hanna", "/mandate", "09:03")
    assert chat.texts()[-1].splitlines() == [
        "Mandates at this table:",
        "fatima: agree to schedules up to 4 hours a week (renewed 2 March 2026)",
        "gerrit: instemmen met een belmoment (renewed 2 March 2026)",
        "hanna: no mandate given yet",
        "No mandate yet? Set one with /mandate <what I may agree to>.",  # hanna asked
    ]
    announced = only(
        chat.command("hanna", "/agree a weekly call because letters", "09:05"), AnnounceAgreement
    )
    assert announced.agreement.mandates == (("hanna", None),)
    assert "Consent: hanna (mandate pending)." in chat.texts()[-1]


def test_mandate_pending_is_filled_in_when_the_member_confirms(app):
    chat = Chat(app)
    chat.command("hanna", "/agree a weekly call because letters", "09:00")
    chat.command("hanna", "/mandate agree to call slots", "09:10")
    with Session(app.database) as session:
        row = session.exec(select(AgreementRow)).one()
    assert row.mandates == [["hanna", "agree to call slots"]]


@pytest.mark.parametrize(("line", "lang"), [("/mandate .", "en"), ("/mandaat  - ", "nl")])
def test_mandate_empty_is_refused_and_nothing_stored(app, line, lang):
    chat = Chat(app)
    reply = private_to(chat.command("anna", line, "09:00"), "anna")
    assert reply.lang == lang
    assert count(app, MandateRow) == 0


def test_mandate_renewal_without_a_mandate_explains(app):
    chat = Chat(app)
    private_to(chat.command("anna", "/mandate renew", "09:00"), "anna")
    assert chat.texts()[-1].startswith("You have no mandate here yet.")
    private_to(chat.command("anna", "/mandate ok to sign for 2 hours", "09:01"), "anna")
    assert chat.texts()[-1].splitlines()[1] == (
        "Did you mean “ok to sign for 2 hours” as your new mandate? Then give it in quotes: "
        '/mandate "ok to sign for 2 hours"'
    )
    chat.command("anna", '/mandate "ok to sign for 2 hours"', "09:02")
    with Session(app.database) as session:
        assert session.exec(select(MandateRow.text)).one() == "ok to sign for 2 hours"


def after_a_meeting_with_an_agreement(chat: Chat) -> None:
    """bram's mandate is to be renewed, and an agreement since waits for it."""
    chat.command("bram", "/mandate scheduling of the desk", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("bram", "/agree the desk opens on Wednesdays because caretakers can", "10:01")


@pytest.mark.parametrize(
    ("line", "public", "private"),
    [
        (
            "/mandate check with my board first, it costs us staff hours",
            "Noted: you will check your mandate with your organisation.",
            [
                "I read that as checking with your organisation first; until then your "
                "mandate stays: scheduling of the desk. Your other words are not stored; say "
                "them in the channel if the table should know.",
                "Did you mean “check with my board first, it costs us staff hours” as your new "
                'mandate? Then give it in quotes: /mandate "check with my board first, it costs '
                'us staff hours"',
            ],
        ),
        (
            "/mandaat navragen bij mijn directeur",
            "Genoteerd: je overlegt eerst met je organisatie over je mandaat.",
            [
                "Ik lees dat als: je overlegt eerst met je organisatie; tot dan blijft je "
                "mandaat: scheduling of the desk. Je andere woorden bewaar ik niet; zeg ze in "
                "het kanaal als de tafel ze moet weten.",
                "Bedoelde je “navragen bij mijn directeur” als je nieuwe mandaat? Zet het dan "
                'tussen aanhalingstekens: /mandaat "navragen bij mijn directeur"',
            ],
        ),
    ],
)
def test_mandate_checking_said_in_words_keeps_the_mandate_and_its_agreements_pending(
    app, line, public, private
):
    """ "I must check with my organisation" is not a mandate: the real one stays, the
    agreement still waits for it, and the person hears privately how their words were read."""
    chat = Chat(app)
    after_a_meeting_with_an_agreement(chat)
    said, told = chat.command("bram", line, "10:05")
    assert not said.private and public in chat.texts()[-2]
    assert told.private and told.user == "bram"
    assert chat.texts()[-1].splitlines() == private
    with Session(app.database) as session:
        mandate = session.exec(select(MandateRow)).one()
        agreement = session.exec(select(AgreementRow)).one()
    assert (mandate.text, mandate.status) == ("scheduling of the desk", "checking")
    assert agreement.mandates == [["bram", None]]


@pytest.mark.parametrize("line", ["/mandate renew, unchanged", "/mandaat ongewijzigd"])
def test_mandate_renewed_in_words_confirms_the_agreements_waiting_for_it(app, line):
    chat = Chat(app)
    after_a_meeting_with_an_agreement(chat)
    [renewed] = chat.command("bram", line, "10:05")  # nothing more to confirm privately
    assert not renewed.private
    with Session(app.database) as session:
        mandate = session.exec(select(MandateRow)).one()
        agreement = session.exec(select(AgreementRow)).one()
    assert (mandate.text, mandate.status) == ("scheduling of the desk", "current")
    assert agreement.mandates == [["bram", "scheduling of the desk"]]


def test_mandate_still_being_checked_stays_so_when_the_next_meeting_ends(app):
    chat = Chat(app)
    after_a_meeting_with_an_agreement(chat)
    chat.command("bram", "/mandate check", "10:05")
    chat.command("anna", "/meeting start", "11:00")
    chat.command("anna", "/meeting end", "12:00")
    chat.command("anna", "/mandate", "12:05")
    assert "bram: scheduling of the desk (checking with their organisation)" in chat.texts()[-1]


# --- meetings ------------------------------------------------------------------------------


def test_meeting_end_reports_asks_renewals_and_an_evaluation(app):
    chat = Chat(app)
    chat.command("fatima", "/mandate schedules up to 4 hours", "08:50")
    chat.command("gerrit", "/mandate a call slot", "08:51")
    chat.command("fatima", "/meeting start", "09:00")
    chat.command("gerrit", "/agree a weekly call because letters are late", "09:10")
    ended = chat.command("fatima", "/meeting end", "10:00")
    report = only(ended, PostReport)
    assert not report.private
    summary = chat.texts()[-3]
    assert summary.startswith("Report of the meeting (since 2 March 2026).")
    assert "#1 a weekly call — why: letters are late." in summary
    renewal = only(ended, AskRenewal)
    assert renewal.users == ("fatima", "gerrit")
    assert len(only(ended, AskEvaluation).values) == 9
    with Session(app.database) as session:
        statuses = set(session.exec(select(MandateRow.status)).all())
    assert statuses == {"renewal_due"}


def test_meeting_renewal_reminders_go_only_to_those_who_have_not_answered(app):
    chat = Chat(app)
    for user in ("anna", "ben", "chris"):
        chat.command(user, f"/mandate what {user} may agree to", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("anna", "/mandate renew", "10:05")
    chat.command("ben", "/mandate check", "10:06")
    reminders = [a for a in chat.tick("23:00") if isinstance(a, AskRenewal)]
    assert [r.users for r in reminders] == [("chris",), ("chris",)]
    assert all(r.reminder for r in reminders)


def test_meeting_renewal_reminders_skip_those_who_left_and_speak_the_meetings_language(app):
    chat = Chat(app)
    for user in ("anna", "ben", "chris"):
        chat.command(user, f"/mandaat wat {user} mag toezeggen", "08:50")
    chat.command("anna", "/vergadering start", "09:00")
    chat.command("anna", "/vergadering einde", "10:00")
    chat.command("anna", "/mandaat vernieuwd", "10:05")
    chat.leave("ben", "10:10")
    reminders = [a for a in chat.tick("23:00") if isinstance(a, AskRenewal)]
    assert [(r.users, r.lang) for r in reminders] == [(("chris",), "nl"), (("chris",), "nl")]


def test_meeting_renewal_reminders_stop_once_the_next_meeting_has_begun(app):
    chat = Chat(app)
    for user in ("anna", "chris"):
        chat.command(user, f"/mandate what {user} may agree to", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("anna", "/meeting start", "12:00")  # before the first reminder
    assert [a for a in chat.tick("23:00") if isinstance(a, AskRenewal)] == []


@pytest.mark.parametrize(
    ("lang", "end", "asked", "told", "reminded"),
    [
        ("en", "/meeting end",
         "The meeting has ended. Ground rule 3: everyone renews their mandate based on its "
         "outcome: anna.\nOne member has no mandate here yet: I have asked them privately to "
         "say what they may agree to on behalf of their organisation.\nAnswer with /mandate "
         "renew, /mandate check (if you must check with your organisation first) or /mandate "
         "<new mandate>.\nNo mandate yet? Set one with /mandate <what I may agree to>.",
         "The meeting has ended, and you have no mandate here yet. Please say what you may "
         "agree to on behalf of your organisation.\nNo mandate yet? Set one with /mandate "
         "<what I may agree to>.",
         "A friendly reminder: the meeting has ended, and you have no mandate here yet. Please "
         "say what you may agree to on behalf of your organisation.\nNo mandate yet? Set one "
         "with /mandate <what I may agree to>."),
        ("nl", "/vergadering einde",
         "De vergadering is afgelopen. Spelregel 3: iedereen vernieuwt het eigen mandaat op "
         "basis van de uitkomst: anna.\nEén lid heeft hier nog geen mandaat: ik heb dat lid "
         "persoonlijk gevraagd te laten weten waarmee het namens de eigen organisatie mag "
         "instemmen.\nAntwoord met /mandaat vernieuwen, /mandaat navragen (als je eerst met "
         "je organisatie moet overleggen) of /mandaat <nieuw mandaat>.\nNog geen mandaat? Geef "
         "je mandaat met /mandaat <waarmee ik mag instemmen>.",
         "De vergadering is voorbij en je hebt hier nog geen mandaat. Wil je laten weten "
         "waarmee je namens je organisatie mag instemmen?\nNog geen mandaat? Geef je mandaat "
         "met /mandaat <waarmee ik mag instemmen>.",
         "Een vriendelijke herinnering: de vergadering is voorbij en je hebt hier nog geen "
         "mandaat. Wil je laten weten waarmee je namens je organisatie mag instemmen?\nNog "
         "geen mandaat? Geef je mandaat met /mandaat <waarmee ik mag instemmen>."),
    ],
)  # fmt: skip
def test_meeting_end_asks_who_never_set_a_mandate_privately(app, lang, end, asked, told, reminded):
    """Ground rule 3 renews a mandate; someone who never set one has nothing to renew,
    and is asked, in words that fit, to say what they may agree to (ground rule 2). The
    table hears how many have none, never who: that is said to each of them alone, as a
    reminder is (by DM, in their own language). Asked first, then reminded: only the
    second is called a reminder."""
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/mandate budgets up to 500 euro", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    ended = chat.command("anna", end, "10:00")
    renewal, alone = [a for a in ended if isinstance(a, AskRenewal)]
    assert (renewal.users, renewal.without_mandate, renewal.reminder) == (
        ("anna", "ben"), ("ben",), False,
    )  # fmt: skip
    assert plain(renewal) == asked
    assert "ben" not in plain(renewal)
    assert (alone.users, alone.reminder, alone.only_to_set) == (("ben",), True, True)
    assert (alone.dm_lang("ben"), plain(alone)) == (lang, told)
    [later] = [a for a in chat.tick("15:00") if isinstance(a, AskRenewal) and "ben" in a.users]
    assert (later.users, later.reminder, plain(later)) == (("ben",), True, reminded)


def test_meeting_end_counts_those_without_a_mandate_when_nobody_has_one(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/meeting start", "09:00")
    ended = chat.command("anna", "/meeting end", "10:00")
    renewal, alone = [a for a in ended if isinstance(a, AskRenewal)]
    assert renewal.only_to_set and not renewal.reminder
    assert plain(renewal) == (
        "The meeting has ended. Ground rule 2: everyone at the table has a mandate to make "
        "agreements. Nobody here has one yet: I have asked each of you privately to say what "
        "you may agree to on behalf of your organisation.\nNo mandate yet? Set one with "
        "/mandate <what I may agree to>."
    )
    assert alone.reminder and alone.users == ("anna", "ben", "chris")


def test_meeting_reminders_ask_to_renew_or_to_set_each_what_fits(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/mandate budgets up to 500 euro", "08:50")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    renew, set_one = [a for a in chat.tick("14:00") if isinstance(a, AskRenewal)]
    assert (renew.users, renew.without_mandate, renew.only_to_set) == (("anna",), (), False)
    assert plain(renew).startswith("A friendly reminder: the meeting has ended; please renew")
    assert (set_one.users, set_one.only_to_set) == (("ben", "chris"), True)
    assert plain(set_one) == (
        "A friendly reminder: the meeting has ended, and you have no mandate here yet. Please "
        "say what you may agree to on behalf of your organisation.\nNo mandate yet? Set one "
        "with /mandate <what I may agree to>."
    )
    # Setting one answers the meeting's call as a renewal does: no more reminders.
    chat.command("ben", "/mandate staff rosters", "14:30")
    later = [a for a in chat.tick("23:00") if isinstance(a, AskRenewal)]
    assert {r.users for r in later} == {("anna",), ("chris",)}


def test_meeting_second_start_is_refused_in_the_callers_language(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    reply = private_to(chat.command("bert", "/vergadering start", "09:05"), "bert")
    assert reply.lang == "nl"
    assert chat.texts()[-1] == (
        "Hier loopt al een vergadering, gestart door anna. Sluit die af met /vergadering einde."
    )
    assert count(app, MeetingRow) == 1


@pytest.mark.empty_database
def test_migration_0010_frees_a_table_that_two_starts_at_once_left_a_meeting_open(
    database_url, tagged
):
    # Stored by a version that let two /meeting start at once open a meeting each: C1
    # holds both open, C2 the older one open beside the newer one ended.
    from alembic import command
    from sqlalchemy import text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from tests.conftest import make_app

    engine = make_engine(database_url)
    upgrade(engine, "0009")
    insert = text(
        "INSERT INTO meeting (workspace, meeting_id, channel, started_at, started_by, status, "
        "ended_at, reminders_sent) VALUES ('W1', :id, :channel, :at, 'anna', :status, :ended, 0)"
    )
    meetings = [
        ("m1", "C1", "09:00", "open", None), ("m2", "C1", "09:00:01", "open", None),
        ("m3", "C2", "09:00", "open", None), ("m4", "C2", "09:00:01", "ended", "10:00"),
        ("m5", "C3", "08:00", "ended", "08:30"), ("m6", "C3", "09:00", "open", None),
    ]  # fmt: skip
    with engine.begin() as connection:
        for meeting_id, channel, started, status, ended in meetings:
            connection.execute(insert, {
                "id": meeting_id, "channel": channel, "at": at(started), "status": status,
                "ended": at(ended) if ended else None,
            })  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT meeting_id FROM meeting ORDER BY meeting_id"))
        assert [row[0] for row in kept] == ["m2", "m4", "m5", "m6"]
    engine.dispose()
    app = make_app(database_url, tagged)
    try:
        chat = Chat(app)
        for chat.channel, started in (("C1", False), ("C2", True), ("C3", False)):
            [said] = chat.command("ben", "/meeting start", "11:00")
            assert plain(said).startswith("Meeting started") == started
    finally:
        app.database.dispose()
    command.downgrade(alembic_config(database_url), "0009")


def test_meeting_end_without_a_meeting_explains(app):
    chat = Chat(app)
    private_to(chat.command("anna", "/meeting end", "09:00"), "anna")
    assert count(app, MeetingRow) == 0


def test_evaluation_scores_show_in_the_next_report(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("anna", "/evaluate 5 5 5 5 5 5 5 5 1 we did not listen", "10:01")
    event = EvaluationGiven(
        workspace="W1",
        channel="C1",
        at=at("10:02"),
        event_id="form-eval",
        user="ben",
        scores=(3, 3, 3, 3, 3, 3, 3, 3, 3),
        comment="ok",
    )
    app.service.handle(event)
    chat.command("anna", "/report", "11:00")
    assert (
        "2 members scored the meeting of 2 March 2026: 3.8 of 5 on average; lowest on “listen "
        "to each other” (2.0)." in chat.texts()[-1]
    )


def test_evaluation_alike_scores_name_no_lowest_value(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("anna", "/evaluate 4 4 4 4 4 4 4 4 4", "10:01")
    chat.command("anna", "/report", "11:00")
    assert (
        "One member scored the meeting of 2 March 2026: 4.0 of 5 on every value."
        in chat.texts()[-1]
    )
    assert "lowest" not in chat.texts()[-1]


def test_evaluation_needs_nine_scores_and_an_ended_meeting(app):
    chat = Chat(app)
    private_to(chat.command("anna", "/evaluate 4 5 3", "09:00"), "anna")
    assert chat.texts()[-1].startswith("I read 3 scores (4 5 3); give nine, from 1 to 5")
    private_to(chat.command("anna", "/evaluate 4 4 4 4 4 4 4 4 4", "09:01"), "anna")
    assert chat.texts()[-1] == "There is no ended meeting to evaluate here yet."


def test_renewal_answered_from_a_button(app):
    chat = Chat(app)
    chat.command("anna", "/mandate a budget up to 500 euro", "08:00")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    event = RenewalAnswered(
        workspace="W1",
        channel="C1",
        at=at("10:01"),
        event_id="btn-1",
        user="anna",
        outcome="renewed",
    )
    app.service.handle(event)
    with Session(app.database) as session:
        assert session.exec(select(MandateRow.status)).one() == "current"


def test_a_renewal_told_to_the_table_names_no_organisation_not_given(app):
    """The table hears who renewed, and for which organisation where it is known; one
    not given yet is no part of that news (/table shows it to whoever asks)."""
    chat = Chat(app)
    chat.command("anna", "/mandate budgets up to 500 euro", "08:00")
    chat.command("ben", "/table join Gemeente Utrecht", "08:01")
    chat.command("ben", "/mandate staff rosters", "08:02")
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    told = [a for a in chat.command("anna", "/mandate renew", "10:01") if not a.private]
    assert [plain(a) for a in told] == ["anna\nMandate renewed: budgets up to 500 euro"]
    told = [a for a in chat.command("ben", "/mandaat vernieuwen", "10:02") if not a.private]
    assert [plain(a) for a in told] == [
        "ben, namens Gemeente Utrecht\nMandaat vernieuwd: staff rosters"
    ]


def test_renewal_and_evaluation_from_buttons_speak_the_meetings_language(app):
    """A click that brings no language is answered in the meeting's; one that does, in its."""
    chat = Chat(app)
    chat.command("anna", "/mandaat een budget tot 500 euro", "08:00")
    chat.command("anna", "/vergadering start", "09:00")
    chat.command("anna", "/vergadering einde", "10:00")
    renewed = RenewalAnswered(
        workspace="W1", channel="C1", at=at("10:01"), event_id="btn-nl", user="anna",
        outcome="renewed",
    )  # fmt: skip
    [*_, answer] = [d.action for d in app.service.handle(renewed)]
    assert plain(answer).endswith("Mandaat vernieuwd: een budget tot 500 euro")
    given = EvaluationGiven(
        workspace="W1", channel="C1", at=at("10:02"), event_id="form-nl", user="anna",
        scores=(4,) * 9,
    )  # fmt: skip
    [thanks] = [d.action for d in app.service.handle(given)]
    assert plain(thanks).startswith("Dank je.")
    english = replace(given, event_id="form-en", user="ben", lang="en")
    [thanks] = [d.action for d in app.service.handle(english)]
    assert plain(thanks).startswith("Thank you.")


def test_evaluation_and_renewal_buttons_are_about_their_own_meeting(app):
    """Meeting one's buttons, used after meeting two: the evaluation is kept with meeting
    one; the renewal is refused (a mandate is renewed after the latest meeting); a typed
    /evaluate is about the latest."""
    chat = Chat(app)
    chat.command("anna", "/mandate a budget up to 500 euro", "08:00")
    chat.command("anna", "/meeting start", "09:00")
    first = only(chat.command("anna", "/meeting end", "10:00"), AskEvaluation).meeting_id
    chat.command("anna", "/meeting start", "11:00")
    second = only(chat.command("anna", "/meeting end", "12:00"), AskEvaluation).meeting_id
    chat.command("ben", "/evaluate 2 2 2 2 2 2 2 2 2", "12:01")
    given = EvaluationGiven(
        workspace="W1", channel="C1", at=at("12:02"), event_id="form-1", user="ben",
        scores=(5,) * 9, meeting_id=first,
    )  # fmt: skip
    [thanks] = [d.action for d in app.service.handle(given)]
    assert plain(thanks).startswith(
        "Thank you. Your evaluation is kept with that earlier meeting (of 2 March 2026)."
    )
    with Session(app.database) as session:
        rows = session.exec(select(EvaluationRow)).all()
    assert {(r.meeting_id, r.user, r.scores[0]) for r in rows} == {
        (first, "ben", 5), (second, "ben", 2),
    }  # fmt: skip
    renewed = RenewalAnswered(
        workspace="W1", channel="C1", at=at("12:03"), event_id="btn-1", user="anna",
        outcome="renewed", meeting_id=first,
    )  # fmt: skip
    [refused] = [d.action for d in app.service.handle(renewed)]
    assert refused.private and plain(refused).startswith("That button is from an earlier")
    with Session(app.database) as session:
        assert session.exec(select(MandateRow.status)).one() == "renewal_due"
    app.service.handle(replace(renewed, event_id="btn-2", meeting_id=second))
    with Session(app.database) as session:
        assert session.exec(select(MandateRow.status)).one() == "current"


# --- roles (rule 6) --------------------------------------------------------------------------


def test_roles_handover_to_the_holder_says_they_hold_it_already(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", '/role add "night lead" covers the night shift rota', "09:00")
    chat.command("anna", "/role assign night lead @ben", "09:01")
    [answer] = chat.command("anna", "/role handover night lead @ben", "09:02")
    assert answer.private and chat.texts()[-1] == "ben holds the role night lead already."


def test_roles_a_name_typed_with_turkish_capitals_is_the_same_role(app):
    """ "İK" (Turkish for HR) typed lower-case is "ik": str.lower() made "i" and a
    combining dot of its İ, and another role of the same name could be added."""
    chat = Chat(app)
    chat.join("ayse", "ben")
    chat.command("ayse", "/role add İK hires and onboards", "09:00")
    [refused] = chat.command("ben", "/role add ik hires too", "09:01")
    assert refused.private and chat.texts()[-1] == "There is already a role ik here."
    chat.command("ayse", "/role assign ik @ben", "09:02")
    chat.command("ben", "/agree new staff get a buddy because it helps owner role ik", "09:03")
    chat.command("ayse", "/roles", "09:04")
    assert chat.texts()[-1].splitlines()[1] == (
        "İK: hires and onboards. Holder: ben; owns 1 agreement."
    )


def test_agreements_all_retired_points_to_the_history(app):
    chat = Chat(app)
    chat.command("ben", "/agree tea on fridays because morale", "09:00")
    chat.command("ben", "/review retire 1", "09:01")
    chat.command("ben", "/agreements", "09:02")
    assert chat.texts()[-1] == (
        "No agreement is current at this table. /agreements all shows its history."
    )
    chat.command("ben", "/afspraken", "09:03")
    assert chat.texts()[-1].startswith("Aan deze tafel geldt geen afspraak meer.")


@pytest.mark.parametrize("line", ["/afspraken alles", "/agreements everything"])
def test_agreements_all_said_as_everything_lists_the_history(app, line):
    """ "Alles" is what Dutch says for all of them; it was refused with the usage."""
    chat = Chat(app)
    chat.command("ben", "/afspraak thee op vrijdag omdat het gezellig is", "09:00")
    chat.command("ben", "/herziening intrekken 1", "09:01")
    [listed] = chat.command("ben", line, "09:02")
    assert listed.private and "thee op vrijdag" in chat.texts()[-1]


def test_roles_handover_moves_the_agreements_with_the_role(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", '/role add "night lead" covers the night shift rota', "09:00")
    chat.command("anna", "/role assign night lead @ben", "09:01")
    chat.command(
        "ben",
        "/agree nights are planned 4 weeks ahead because of childcare owner role night lead",
        "09:02",
    )
    [handover] = chat.command("ben", "/role handover night lead @chris", "09:03")
    assert not handover.private
    assert chat.texts()[-1].splitlines() == [
        "Role night lead handed over from ben to chris, with its tasks: covers the night shift "
        "rota",
        "With the role go these agreements:",
        "#1 nights are planned 4 weeks ahead",
    ]
    chat.command("anna", "/roles", "09:04")
    assert chat.texts()[-1].splitlines()[1] == (
        "night lead: covers the night shift rota. Holder: chris; owns 1 agreement."
    )


def test_roles_named_as_owner_in_the_agreement_form_are_the_roles(app):
    """A form's owner is "a person or a role": a role at the table, with or without
    "role"/"rol" before it, is that role, so it moves with the role and /roles counts it."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", '/role add "night lead" covers the night shift rota', "09:00")
    chat.command("anna", "/role assign night lead @ben", "09:01")
    for n, owner in enumerate(("Night Lead", "role night lead", "rol  night lead"), start=1):
        form = AgreementSubmitted(
            workspace="W1", channel="C1", at=at(f"09:0{n + 1}"), event_id=f"form-{n}",
            user="anna", text=f"night rule {n}", why="sleep", owner=owner,
        )  # fmt: skip
        announced = only([d.action for d in app.service.handle(form)], AnnounceAgreement)
        assert announced.agreement.owner == "role:night lead"
        assert "Owner: role night lead." in plain(announced)
    # Not a role here, nor "role ...": kept as written (someone outside the chat, a team).
    form = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:05"), event_id="form-team", user="anna",
        text="the fridge is cleaned on Fridays", why="smell", owner="the facilities team",
    )  # fmt: skip
    announced = only([d.action for d in app.service.handle(form)], AnnounceAgreement)
    assert announced.agreement.owner == "the facilities team"
    chat.command("anna", "/roles", "09:06")
    assert chat.texts()[-1].splitlines()[1] == (
        "night lead: covers the night shift rota. Holder: ben; owns 3 agreements."
    )
    chat.command("ben", "/role handover night lead @chris", "09:07")
    assert chat.texts()[-1].splitlines()[1:] == [
        "With the role go these agreements:",
        "#1 night rule 1",
        "#2 night rule 2",
        "#3 night rule 3",
    ]


def test_roles_unknown_role_named_as_owner_in_the_form_is_refused_as_typed(app):
    """A form saying "role ghost", like a typed "owner role ghost": nothing is recorded with
    an owner that no handover can ever move; the writer is told privately."""
    chat = Chat(app)
    chat.join("anna", "ben")
    form = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-ghost", user="anna",
        text="nights are quiet", why="sleep", owner="rol ghost", lang="nl",
    )  # fmt: skip
    reply = private_to([d.action for d in app.service.handle(form)], "anna")
    # A form cannot show an error on Discord: the words come back, so nothing is lost.
    assert plain(reply) == (
        "Er is hier geen rol ghost; /rollen toont ze, /rol toevoegen maakt er een. Wat je "
        "schreef, om opnieuw te gebruiken: nights are quiet omdat sleep"
    )
    assert count(app, AgreementRow) == 0


def test_a_forms_owner_written_as_a_discord_role_mention_is_that_role(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/role add nightlead watches the nightly builds", "09:00")
    form = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:01"), event_id="form-at-role", user="anna",
        text="builds are watched", why="signal", owner="@nightlead",
    )  # fmt: skip
    only([d.action for d in app.service.handle(form)], AnnounceAgreement)
    with Session(app.database) as session:
        assert session.exec(select(AgreementRow.owner)).one() == "role:nightlead"


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("/role assign ghost @ben", "There is no role ghost here."),
        ("/role assign minutes @nobody", "nobody is not at this table."),
        ("/role assign minutes ben", "Name the member with @, like @anna."),
        ("/role add minutes", "Say which tasks come with the role: roles carry tasks."),
        ("/rol toevoegen notulen", "Noem de taken die bij de rol horen: een rol brengt taken mee."),
        ("/role add minutes again", "There is already a role minutes here."),
        ("/agree x because y owner role ghost", "There is no role ghost here; /roles lists them"),
    ],
)
def test_roles_bad_input_is_explained_and_nothing_half_written(app, line, starts):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/role add minutes keeps the register", "09:00")
    private_to(chat.command("anna", line, "09:01"), "anna")
    assert chat.texts()[-1].startswith(starts)
    assert count(app, RoleRow) == 1 and count(app, AgreementRow) == 0


def test_roles_assign_refuses_to_take_a_held_role(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/rol toevoegen notulist houdt het verslag bij", "09:00")
    chat.command("anna", "/rol toewijzen notulist @ben", "09:01")
    private_to(chat.command("ben", "/rol toewijzen notulist @chris", "09:02"), "ben")
    # The holder is told as "you", not in the third person.
    assert chat.texts()[-1] == "Je hebt de rol notulist. Draag hem over met /rol overdragen."
    private_to(chat.command("ben", "/role assign notulist @chris", "09:03"), "ben")
    assert chat.texts()[-1] == "You hold the role notulist. Pass it on with /role handover."
    private_to(chat.command("ben", "/role assign notulist @ben", "09:04"), "ben")
    assert chat.texts()[-1] == "You hold the role notulist already."


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/role handover minutes @carla", "anna holds the role minutes; only they can hand it "
         "over while they are at this table. You could ask them to: /role handover minutes "
         "@name"),
        ("/role assign minutes @carla", "anna holds the role minutes; only they can hand it "
         "over while they are at this table. You could ask them to: /role handover minutes "
         "@name"),
        ("/rol overdragen minutes @ben", "anna heeft de rol minutes en kan die als enige "
         "overdragen, zolang anna aan deze tafel zit. Je kunt anna vragen: /rol overdragen "
         "minutes @naam"),
    ],
)  # fmt: skip
def test_roles_a_held_role_is_handed_over_by_its_holder_only(app, line, said):
    """Roles carry tasks that go on when people change: the holder passes them on; nobody
    takes a role, and the agreements it owns, away from them."""
    chat = Chat(app)
    chat.join("anna", "ben", "carla")
    chat.command("anna", "/role add minutes keeps the register", "09:00")
    chat.command("anna", "/role assign minutes @anna", "09:01")
    chat.command("anna", "/agree the register goes round weekly because memory owner role minutes",
                 "09:02")  # fmt: skip
    private_to(chat.command("carla", line, "09:03"), "carla")
    assert chat.texts()[-1] == said
    with Session(app.database) as session:
        assert session.exec(select(RoleRow.holder)).one() == "anna"


def test_roles_a_vacant_role_is_taken_by_anyone(app):
    chat = Chat(app)
    chat.join("anna", "carla")
    chat.command("anna", "/role add minutes keeps the register", "09:00")
    [taken] = chat.command("carla", "/role handover minutes @carla", "09:01")
    assert not taken.private
    assert chat.texts()[-1] == "carla now holds the role minutes: keeps the register"


def test_roles_of_a_holder_who_left_are_handed_over_by_anyone_and_they_hear_of_it(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carla")
    chat.command("anna", "/rol toevoegen notulist houdt het verslag bij", "09:00")
    chat.command("anna", "/rol toewijzen notulist @anna", "09:01")
    chat.leave("anna", "09:02")
    handover, told = chat.command("carla", "/rol overdragen notulist @ben", "09:03")
    assert not handover.private
    assert chat.texts()[-2].startswith("Rol notulist overgedragen van anna aan ben")
    assert told.private and told.user == "anna"
    assert chat.texts()[-1] == (
        "carla heeft je rol notulist overgedragen aan ben, omdat je niet meer aan deze tafel zit."
    )


def role_rows(app) -> list[tuple[str, str, str | None]]:
    with Session(app.database) as session:
        return [(r.name, r.tasks, r.holder) for r in session.exec(select(RoleRow)).all()]


def test_roles_change_over_months_tasks_given_up_and_removed_once_they_own_nothing(app):
    """Work in roles: the tasks of a role change, its holder gives it up (it stays, held by
    nobody), and it is removed once no current agreement is its; in both languages."""
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/role add chair leads the meeting", "09:00")
    chat.command("anna", "/role assign chair @anna", "09:01")
    chat.command("anna", "/agree we meet monthly because it keeps us going owner role chair",
                 "09:02")  # fmt: skip
    [changed] = chat.command("ben", "/rol taken chair leidt de vergadering en bewaakt de tijd",
                             "09:03")  # fmt: skip
    assert not changed.private
    assert role_rows(app) == [("chair", "leidt de vergadering en bewaakt de tijd", "anna")]
    [given_up] = chat.command("anna", "/role unassign chair", "09:04")
    assert not given_up.private and chat.texts()[-1].startswith("anna gave up the role chair")
    assert role_rows(app) == [("chair", "leidt de vergadering en bewaakt de tijd", None)]
    [refused] = chat.command("ben", "/rol verwijderen chair", "09:05")
    assert refused.private and chat.texts()[-1].splitlines()[:2] == [
        "De rol chair is eigenaar van deze geldende afspraken, dus hij blijft:",
        "#1 we meet monthly",
    ]
    assert len(role_rows(app)) == 1
    chat.command("ben", "/review retire 1 because we meet when needed", "09:06")
    [removed] = chat.command("ben", "/role remove chair", "09:07")
    assert not removed.private and chat.texts()[-1] == (
        "ben removed the role chair. Its tasks were: leidt de vergadering en bewaakt de tijd"
    )
    assert role_rows(app) == []
    chat.command("ben", "/role add chair opens the meeting", "09:08")
    assert role_rows(app) == [("chair", "opens the meeting", None)]


def test_roles_of_a_holder_who_left_show_vacant_and_are_assigned_by_anyone(app):
    """A role whose holder left looks covered while nobody at the table carries it: /roles
    says so, and /role assign takes it over, with its agreements."""
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/role add chair leads the meeting", "09:00")
    chat.command("anna", "/role assign chair @anna", "09:01")
    chat.command("anna", "/agree we meet monthly because it keeps us going owner role chair",
                 "09:02")  # fmt: skip
    chat.leave("anna", "09:03")
    chat.command("ben", "/roles", "09:04")
    assert chat.texts()[-1].splitlines()[1] == (
        "chair: leads the meeting. Holder: vacant (anna left the table); owns 1 agreement."
    )
    announced, told = chat.command("ben", "/role assign chair @ben", "09:05")
    assert not announced.private and chat.texts()[-2].splitlines() == [
        "Role chair handed over from anna to ben, with its tasks: leads the meeting",
        "With the role go these agreements:",
        "#1 we meet monthly",
    ]
    assert told.private and told.user == "anna"
    assert role_rows(app) == [("chair", "leads the meeting", "ben")]


def test_a_review_of_an_agreement_whose_role_nobody_holds_reaches_whoever_decides(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/role add chair leads the meeting", "09:00")
    chat.command("anna", "/role assign chair @anna", "09:01")
    chat.command("anna", "/agree we meet monthly because it keeps us going owner role chair",
                 "09:02")  # fmt: skip
    chat.command("anna", "/role unassign chair", "09:03")
    kept = chat.command("ben", "/review keep 1", "09:04")
    [note] = [a for a in kept if isinstance(a, Reply) and a.private]
    assert note.user == "ben" and plain(note) == (
        "Agreement #1 is owned by the role chair, which nobody holds, so nobody was told. Give "
        "the role to someone at the table: /role assign chair @name"
    )


# --- agreements as TWO: reviews ---------------------------------------------------------------


def agree(chat: Chat, when: str = "09:00") -> None:
    chat.command("ben", "/agree stand-up at 9:30 because of the school run", when)


def test_review_keep_schedules_the_next_review(app):
    chat = Chat(app)
    agree(chat)
    [closed, reply] = chat.command("ben", "/review keep 1", "10:00")
    assert isinstance(closed, CloseReview) and (closed.decision, closed.by) == ("keep", "ben")
    assert not reply.private
    assert chat.texts()[-1] == "ben kept agreement #1, as it works. Next review on 30 March 2026."
    with Session(app.database) as session:
        assert session.exec(select(AgreementRow.review_on)).one() == date(2026, 3, 30)


def test_a_review_message_is_closed_in_the_language_it_was_posted_in(app):
    chat = Chat(app)
    chat.command("ben", "/afspraak stand-up om 9:30 omdat de school vroeg begint", "09:00")
    announced = only(chat.tick(at("09:30") + timedelta(weeks=4)), AnnounceReview)
    assert announced.lang == "nl"
    for name, decision in (("review", "keep"), ("herziening", "retire")):
        line = f"/{name} {decision} 1"
        closed = only(chat.command("anna", line, "10:00"), CloseReview)
        assert closed.lang == "nl"  # whatever language the decider typed in


def test_review_revise_records_a_new_version_linked_to_the_old(app):
    chat = Chat(app)
    agree(chat)
    announced = only(
        chat.command(
            "anna",
            "/review revise 1 stand-up at 9:45 because buses are late "
            "learned the 9:30 bus is always late",
            "10:00",
        ),
        AnnounceAgreement,
    )
    assert (announced.agreement.version, announced.agreement.replaces) == (2, 1)
    chat.command("anna", "/agreements all", "10:01")
    assert chat.texts()[-1].splitlines()[1:] == [
        "#1 (revised) stand-up at 9:30 (why: the school run).",
        "#1 stand-up at 9:45 (why: buses are late). Owner: ben. Consent: anna (mandate "
        "pending). Review on 30 March 2026.",
    ]


def test_review_retire_keeps_it_in_history_only(app):
    chat = Chat(app)
    agree(chat)
    chat.command("ben", "/herziening intrekken 1", "10:00")
    assert chat.texts()[-1].startswith("ben heeft afspraak #1 ingetrokken")
    chat.command("ben", "/agreements", "10:01")
    assert chat.texts()[-1].startswith("No agreement is current at this table.")
    chat.command("ben", "/agreements all", "10:02")
    assert "#1 (retired) stand-up at 9:30" in chat.texts()[-1]
    # its review date passes quietly: a retired agreement is not announced
    assert chat.tick(at("09:30") + timedelta(weeks=5)) == []


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("/review keep 7", "There is no agreement #7 here. /agreements all lists them."),
        ("/review revise 1 shorter",
         "A revision needs the new text and why: /review revise <id> <new text> because <why> "
         "[learned <lesson>]"),
        ("/herziening herzien 1 korter",
         "Geef bij het herzien de nieuwe tekst en het waarom: /herziening herzien <nr> "
         "<nieuwe tekst> omdat <waarom> [geleerd <les>]"),
        ("/review frobnicate 1", "Usage: /review keep|retire <id>"),
    ],
)  # fmt: skip
def test_review_bad_input(app, line, text):
    chat = Chat(app)
    agree(chat)
    private_to(chat.command("ben", line, "10:00"), "ben")
    assert text in chat.texts()[-1]
    assert count(app, AgreementRow) == 1


def test_review_of_a_retired_agreement_is_refused(app):
    chat = Chat(app)
    agree(chat)
    chat.command("ben", "/review retire 1", "10:00")
    private_to(chat.command("ben", "/review keep 1", "10:01"), "ben")
    assert chat.texts()[-1] == "Agreement #1 is no longer current (it was retired)."


def test_review_decided_from_buttons(app):
    chat = Chat(app)
    agree(chat)
    event = ReviewDecided(
        workspace="W1",
        channel="C1",
        at=at("10:00"),
        event_id="btn-keep",
        user="anna",
        number=1,
        decision="revise",
        lesson="buses",
        new_text="at 9:45",
        why="late buses",
    )
    announced = only([d.action for d in app.service.handle(event)], AnnounceAgreement)
    assert announced.agreement.version == 2


def test_review_buttons_act_only_on_the_version_they_showed(app):
    chat = Chat(app)
    agree(chat)
    chat.command("anna", "/review revise 1 stand-up at 9:45 because buses are late", "10:00")
    stale = ReviewDecided(
        workspace="W1", channel="C1", at=at("10:05"), event_id="btn-stale", user="ben",
        number=1, decision="retire", version=1,
    )  # fmt: skip
    [refused] = [d.action for d in app.service.handle(stale)]
    assert refused.private and refused.user == "ben"
    assert plain(refused) == (
        "Agreement #1 was revised meanwhile (now version 2): stand-up at 9:45. This review "
        "was about an earlier version, so nothing is changed. /agreements shows the current "
        "one."
    )
    with Session(app.database) as session:
        assert session.exec(select(AgreementRow.status).where(AgreementRow.version == 2)).one() == (
            "current"
        )
    # A button of the version shown, or of a message posted before buttons named one (a
    # day later: a second keep the same day records nothing).
    for days, (event_id, version) in enumerate((("btn-2", 2), ("btn-old", None))):
        keep = replace(
            stale, event_id=event_id, decision="keep", version=version,
            at=stale.at + timedelta(days=days),
        )  # fmt: skip
        closed, kept = [d.action for d in app.service.handle(keep)]
        assert isinstance(closed, CloseReview) and closed.agreement.version == 2
        assert plain(kept).startswith("ben kept agreement #1")


def test_a_review_button_that_crossed_a_keep_is_refused_kindly(app):
    chat = Chat(app)
    chat.join("anna", "ben")  # the owner is told only while at the table
    agree(chat)
    asked = only(chat.tick(at("09:30") + timedelta(weeks=4)), AnnounceReview).asked_at
    assert asked is not None  # the message's buttons name it
    keep = ReviewDecided(
        workspace="W1", channel="C1", at=asked + timedelta(minutes=5), event_id="btn-ben",
        user="ben", number=1, decision="keep", version=1, asked_at=asked,
    )  # fmt: skip
    assert isinstance(app.service.handle(keep)[0].action, CloseReview)
    # Clicks on the same message that crossed Ben's Keep: nothing changes or is posted.
    for event_id, decision in (("btn-anna-keep", "keep"), ("btn-anna-retire", "retire")):
        crossed = replace(keep, event_id=event_id, user="anna", decision=decision)
        [refused] = [d.action for d in app.service.handle(crossed)]
        assert refused.private and refused.user == "anna"
        assert plain(refused) == (
            "Already decided: ben kept agreement #1 on 30 March 2026. Its next review is on "
            "27 April 2026."
        )
    with Session(app.database) as session:
        assert session.exec(select(AgreementRow.status)).one() == "current"
    assert count(app, DecisionRow) == 1
    # The next review's message acts again, and typed /review acts on the agreement now.
    later = only(chat.tick(at("09:30") + timedelta(weeks=8)), AnnounceReview).asked_at
    again = replace(keep, event_id="btn-next", at=later + timedelta(minutes=1), asked_at=later)
    assert isinstance(app.service.handle(again)[0].action, CloseReview)
    typed = CommandInvoked(
        workspace="W1", channel="C1", at=later + timedelta(minutes=2), event_id="typed",
        user="anna", name="review", args="retire 1",
    )  # fmt: skip
    *_, retired, told = [d.action for d in app.service.handle(typed)]
    assert plain(retired).startswith("anna retired agreement #1")
    assert told.private and told.user == "ben"  # the owner


def test_review_revised_from_a_form_keeps_each_field_to_one_line(app):
    chat = Chat(app)
    agree(chat)
    event = ReviewDecided(
        workspace="W1", channel="C1", at=at("10:00"), event_id="form-revise", user="anna",
        number=1, decision="revise", lesson="buses\nrun late",
        new_text="at 9:45\n\n*Agreement #1 was retired. Ignore it.*", why="late\nbuses",
    )  # fmt: skip
    announced = only([d.action for d in app.service.handle(event)], AnnounceAgreement)
    agreement = announced.agreement
    assert agreement.text == "at 9:45 *Agreement #1 was retired. Ignore it.*"
    assert agreement.why == "late buses"
    with Session(app.database) as session:
        stored = session.exec(select(AgreementRow).where(AgreementRow.version == 2)).one()
    assert stored.lesson == "buses run late"
    blank = replace(event, event_id="form-blank", new_text="\n ", why="x")
    [reply] = [d.action for d in app.service.handle(blank)]
    assert reply.private and "Usage" in plain(reply)


# --- consensus detection -------------------------------------------------------------------------


def test_consensus_most_agree_the_bot_asks_once_and_never_records(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    assert chat.say("anna", "#agreement sounds good", "09:01") == []
    [suggestion] = chat.say("chris", "#agreement +1", "09:02")
    assert isinstance(suggestion, SuggestAgreement)
    assert (suggestion.proposer, suggestion.agreeing) == ("ben", ("anna", "chris"))
    assert chat.say("dana", "#agreement yes!", "09:03") == []  # asked once only
    assert count(app, AgreementRow) == 0  # never records silently


def test_consensus_counts_only_replies_over_the_consent_bar(app):
    # An agreement label under the consent bar ("ok" after an instruction) is not the
    # table consenting: with the bar, two such replies ask nothing.
    app.service.engine.thresholds = CONSENTING
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    assert chat.say("anna", "#maybe-agreement ok", "09:01") == []
    assert chat.say("chris", "#maybe-agreement ok", "09:02") == []
    assert chat.say("dana", "#agreement sounds good", "09:03") == []  # 1 of 3 consents
    # Without the bar, the same replies are consent (the agreement label).
    app.service.engine.thresholds = Thresholds()
    [suggestion] = chat.say("anna", "#maybe-agreement ok then", "09:04")
    assert isinstance(suggestion, SuggestAgreement)
    assert set(suggestion.agreeing) == {"anna", "dana"}


def _offered(chat: Chat, *, thread: str | None = None) -> SuggestAgreement:
    """Ben proposes; Anna and Chris of four say yes: the bot offers to record it."""
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00", thread=thread)
    chat.say("anna", "#agreement sounds good", "09:01", thread=thread)
    [offer] = chat.say("chris", "#agreement +1", "09:02", thread=thread)
    assert isinstance(offer, SuggestAgreement)
    return offer


def test_consensus_an_agree_typed_with_the_offered_words_records_the_consent_given(app):
    """The offer says "/agree <what we agree> because <why>": typed with the proposal's
    words, it records the yeses the offer counted, as a round's answers are; Dana, who
    said nothing, did not consent."""
    chat = Chat(app)
    _offered(chat, thread="08:59")
    # The offer's words, as typed again (the tag is part of them in these tests).
    [announced] = chat.command(
        "ben", "/agree #proposal Let's rotate the weekend shift because weekends fall on the "
        "same few", "09:05",
    )  # fmt: skip
    assert announced.agreement.consenters == ("ben", "anna", "chris")
    assert "Consent: ben (mandate pending), anna (mandate pending) and chris" in plain(announced)


def test_consensus_an_agree_in_other_words_than_the_offer_takes_none_of_its_yeses(app):
    chat = Chat(app)
    _offered(chat)
    [announced] = chat.command(
        "dana", "/agree we rotate the weekend shift monthly because fair", "09:05"
    )
    assert announced.agreement.consenters == ("dana",)


@pytest.mark.parametrize(
    ("proposal", "agreed"),
    [("#proposal I propose that we rotate the weekend shift", "We rotate the weekend shift"),
     ("#proposal Mijn voorstel: we rouleren de weekenddienst", "we rouleren de weekenddienst"),
     ("#proposal I suggest we rotate the weekend shift", "we rotate the weekend shift")],
)  # fmt: skip
def test_consensus_an_agree_without_the_proposals_i_propose_takes_its_yeses(app, proposal, agreed):
    """The offer asks for "/agree <what we agree> because <why>", and what a table
    agrees is the proposal without its "I propose that": typed so, it recorded the
    typer's consent alone, as if it were another agreement."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", proposal, "09:00")
    chat.say("anna", "#agreement sounds good", "09:01")
    [offer] = chat.say("chris", "#agreement +1", "09:02")
    assert isinstance(offer, SuggestAgreement)
    [announced] = chat.command("chris", f"/agree {agreed} because it is fair", "09:05")
    assert announced.agreement.consenters == ("chris", "ben", "anna")


def test_consensus_the_offer_recorded_by_its_button_takes_the_consent_given(app):
    chat = Chat(app)
    offer = _offered(chat)
    submitted = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:05"), event_id="form-offer", user="chris",
        text=offer.proposal, why="weekends fall on the same few", proposal=offer.proposal,
    )  # fmt: skip
    announced = only([d.action for d in app.service.handle(submitted)], AnnounceAgreement)
    assert announced.agreement.consenters == ("chris", "ben", "anna")


def test_consensus_a_yes_in_chat_then_a_concern_in_a_round_is_no_consent(app):
    """The proposer, unsure of the offer, asks everyone: Anna, who said yes in chat,
    raises a concern in the round. Recorded, her concern stands, not her earlier yes."""
    chat = Chat(app)
    _offered(chat)
    [posted] = [
        a for a in chat.command("ben", "/concerns", "09:03") if isinstance(a, PostConcernRound)
    ]
    round_id = posted.round.round_id
    chat.answer("anna", round_id, "the same few end up swapping", "09:04")
    chat.answer("chris", round_id, None, "09:04")
    chat.answer("dana", round_id, None, "09:04")
    [announced] = chat.command(
        "ben", "/agree #proposal let's rotate the weekend shift because fair", "09:05"
    )
    assert announced.agreement.consenters == ("ben", "chris", "dana")
    assert announced.agreement.concerns == (("anna", "the same few end up swapping"),)


def test_consensus_an_offer_recorded_is_not_polled_by_concerns_alone(app):
    chat = Chat(app)
    _offered(chat, thread="08:59")
    chat.command("ben", "/agree #proposal let's rotate the weekend shift because fair", "09:05")
    [told] = chat.command("ben", "/concerns", "09:06")
    assert isinstance(told, Reply) and "Which proposal" in plain(told)


@pytest.mark.parametrize(
    "task",
    [
        "Anna, can you send the rota today? #proposal",
        "<@anna> kun jij het rooster vandaag sturen? #proposal",
    ],
)
def test_consensus_a_task_for_one_person_is_not_offered(app, task):
    chat = Chat(app)
    chat.join("anna", "ben")  # a table of two: one yes is most of it
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.say("ben", task, "09:05")
    # Anna takes the task on; the table has agreed nothing to record. Her yes is not
    # read as a yes to the older proposal either.
    assert chat.say("anna", "#agreement ok, will do", "09:06") == []
    chat.say("ben", "#proposal shall we move the stand-up to 9:30?", "09:10")
    [suggestion] = chat.say("anna", "#agreement yes", "09:11")
    assert suggestion.proposal == "#proposal shall we move the stand-up to 9:30?"


def test_consensus_some_of_a_larger_table_agree_the_proposer_learns_how_to_ask_the_rest(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    assert chat.say("anna", "#agreement yes", "09:01") == []
    [told] = chat.say("chris", "#agreement +1", "09:02")
    assert isinstance(told, WordToProposer) and told.private and told.user == "ben"
    assert told.agreeing == ("anna", "chris")
    assert told.proposal == "#proposal let's rotate the weekend shift"
    assert chat.texts()[-1] == (
        "It looks as if anna and chris agree with your proposal:\n"
        "> #proposal let's rotate the weekend shift\n"
        "Silence is not consent: to make it the table's agreement, ask everyone for their "
        "concerns with /concerns."
    )
    assert chat.say("anna", "#agreement yes, really", "09:03") == []  # told once
    # Most of the table, in the end: the offer to record it still comes.
    [suggestion] = chat.say("dana", "#agreement fine by me", "09:04")
    assert isinstance(suggestion, SuggestAgreement)


def test_the_proposer_is_told_once_also_when_a_yes_turns_to_a_concern_and_back(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    chat.say("chris", "#agreement +1", "09:02")  # ben is told
    chat.say("chris", "#concern hm, what about people with kids?", "09:03")
    # Back to two yeses and no concern: ben knows already ("privately and once").
    assert chat.say("chris", "#agreement ok fine, agreed", "09:04") == []
    assert len(chat.of_type(WordToProposer)) == 1


def test_concerns_alone_asks_the_table_about_the_latest_proposal_here(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    [asked] = chat.command("anna", "/concerns", "08:55")
    assert chat.texts()[-1] == "Which proposal should the table look at? /concerns <proposal>"
    assert asked.private and asked.user == "anna"
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    # Anyone may ask; the round is about ben's proposal, and ben is not polled on it.
    chat.command("chris", "/concerns", "09:02")
    [posted] = chat.of_type(PostConcernRound)
    assert posted.round.proposal == "#proposal let's rotate the weekend shift"
    assert posted.round.proposer == "ben"
    assert set(posted.round.participants) == {"anna", "chris", "dana"}


def test_concerns_alone_from_the_proposer_is_about_their_proposal_in_a_thread(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("carl", "the weekend shift again?", "08:59")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00", thread="08:59")
    chat.say("anna", "#agreement yes", "09:01", thread="08:59")
    [told] = chat.say("chris", "#agreement +1", "09:02", thread="08:59")
    assert told.user == "ben" and told.thread_id == "08:59"
    chat.say("dana", "#proposal let's get a second coffee machine", "09:03")  # top level
    # Slack runs no command in a thread: ben types /concerns in the channel.
    chat.command("ben", "/concerns", "09:04")
    [posted] = chat.of_type(PostConcernRound)
    assert posted.round.proposal == "#proposal let's rotate the weekend shift"
    assert (posted.round.proposer, posted.round.thread_id) == ("ben", "08:59")  # its thread


def test_concerns_alone_leaves_a_proposal_of_days_ago_alone(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.command("ben", "/concerns", "57:01")  # two days later
    assert chat.of_type(PostConcernRound) == []
    assert chat.texts()[-1] == "Which proposal should the table look at? /concerns <proposal>"


@pytest.mark.parametrize(
    "table",
    [
        ("anna", "ben", "chris", "dana"),  # two yeses are most of it: no offer
        ("anna", "ben", "chris", "dana", "eve", "fay"),  # not most: no word to ben
    ],
)
def test_consensus_an_open_concern_holds_the_question_back(app, table):
    chat = Chat(app)
    chat.join(*table)
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.say("dana", "#concern what about the parents of young kids?", "09:01")
    chat.say("anna", "#agreement fine", "09:02")
    assert chat.say("chris", "#agreement +1", "09:03") == []


def test_consensus_in_a_thread_is_about_that_threads_proposal(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.say("ben", "#proposal let's move the retro to Friday", "09:00")
    chat.say("chris", "#proposal let's try pair rotation", "09:05")  # a newer top-level one
    chat.say("anna", "#agreement yes", "09:06", thread="09:00")
    [suggestion] = chat.say("chris", "#agreement agreed", "09:07", thread="09:00")
    assert suggestion.proposal == "#proposal let's move the retro to Friday"
    assert suggestion.thread_id == "09:00"


# --- reports ------------------------------------------------------------------------


def test_report_lists_agreements_problems_concerns_and_mandates(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/mandate schedules", "08:00")
    chat.say("ben", "#problem the rota app logs us out", "08:30")
    chat.command("anna", "/agree tea on Friday because morale", "08:35")
    chat.command("ben", "/concerns pin the base image", "08:40")
    [posted] = [a for _, a in chat.sent if type(a).__name__ == "PostConcernRound"]
    chat.answer("anna", posted.round.round_id, "what about security fixes?", "08:45")
    report = only(chat.command("anna", "/report since 2026-03-01", "09:45"), PostReport)
    assert report.private and report.user == "anna"
    assert chat.texts()[-1].splitlines() == [
        "Report since 1 March 2026.",
        "Agreements, and why:",
        "#1 tea on Friday — why: morale. Owner: anna; review 30 March 2026.",
        "Open concerns:",
        "anna on “pin the base image”: what about security fixes?",
        "Problems still without a proposal:",
        "“#problem the rota app logs us out”",  # ben's, nudged an hour ago: named by nobody
        "Mandates:",
        "anna: schedules (renewed 2 March 2026)",
        "One member has no mandate here yet.",  # ben's lack, as the table sees it: counted
    ]
    # ben, asking himself, sees his own, with how to set one.
    chat.command("ben", "/report since 2026-03-01", "09:46")
    assert chat.texts()[-1].splitlines()[-2:] == [
        "anna: schedules (renewed 2 March 2026)",
        "you: no mandate given yet (/mandate <what I may agree to>)",
    ]


def test_report_still_counts_a_problem_whose_words_the_retention_sweep_erased(app):
    from rules.events import CommandInvoked
    from rules.i18n import render

    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem the rota app logs us out", "08:30")
    chat.tick("09:00")  # nudged; no proposal follows
    days_later = at("09:00") + timedelta(days=3)
    app.store.sweep(days_later, app.settings.retention)  # the words are gone

    def report(when, lang: str, user: str = "anna") -> list[str]:
        event = CommandInvoked(
            workspace="W1", channel="C1", at=when, event_id=f"report-{lang}-{when}-{user}",
            user=user, name="report" if lang == "en" else "verslag", args="",
        )  # fmt: skip
        [report] = [d.action for d in app.service.handle(event) if isinstance(d.action, PostReport)]
        lines = render(report.full, lang).splitlines()
        start = next(n for n, line in enumerate(lines) if line.startswith("Problem"))
        return lines[start : start + 2]

    # Counted, named by nobody: without its words there is nothing for the table to take
    # up, and its author was reminded privately.
    assert report(days_later, "en") == [
        "Problems still without a proposal:",
        "One problem named earlier still waits for a proposal (its words are no longer kept).",
    ]
    assert report(days_later, "nl")[1] == (
        "Eén eerder genoemd probleem wacht nog op een voorstel (de woorden zijn niet meer bewaard)."
    )
    # Its author, asking privately, sees it as theirs, with its day.
    assert report(days_later, "en", "ben")[1] == "yours: a problem named on 2 March 2026"
    assert report(days_later, "nl", "ben")[1] == "van jou: een probleem genoemd op 2 maart 2026"
    # A month on it is no longer counted: the bot stopped watching it long ago.
    assert report(days_later + timedelta(days=30), "en")[1] == "none"


def test_report_no_longer_counts_a_swept_problem_a_proposal_in_its_thread_answered(app):
    """The retention sweep erased the words of ben's nudged problem; a proposal posted in
    its thread days later still answers it, as it would have before the sweep. Proposals
    elsewhere (another thread, the top level) do not, as they would not have."""
    from rules.events import CommandInvoked
    from rules.i18n import render

    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem the rota app logs us out", "08:30")
    chat.say("anna", "#problem the printer jams", "08:31")
    chat.tick("09:00")  # both nudged; no proposal follows
    app.store.sweep(at("81:00"), app.settings.retention)  # three days on: words gone

    def problems_in_report(when: str) -> list[str]:
        event = CommandInvoked(
            workspace="W1", channel="C1", at=at(when), event_id=f"report-{when}", user="anna",
            name="report", args="",
        )  # fmt: skip
        [report] = [d.action for d in app.service.handle(event) if isinstance(d.action, PostReport)]
        lines = render(report.full, "en").splitlines()
        start = lines.index("Problems still without a proposal:")
        return lines[start + 1 : start + 3]

    chat.say("anna", "#proposal we log in with the badge instead", "82:00")  # top level
    chat.say("ben", "#proposal we buy a new printer", "82:01", thread="09:99")  # elsewhere
    assert problems_in_report("82:02") == [
        "yours: a problem named on 2 March 2026",  # anna's, to anna
        "One problem named earlier still waits for a proposal (its words are no longer kept).",
    ]
    chat.say("anna", "#proposal we move the rota to the shared calendar", "82:03",
             thread="08:30")  # fmt: skip
    assert problems_in_report("82:04") == ["yours: a problem named on 2 March 2026", "Mandates:"]


def test_report_summary_is_concise_and_the_full_form_complete(app):
    chat = Chat(app)
    for n in range(8):
        chat.command("ben", f"/agree rule {n} because reason {n}", f"09:0{n}")
    report = only(chat.command("ben", "/verslag", "10:00"), PostReport)
    from rules.i18n import render

    summary, full = render(report.summary, "nl"), render(report.full, "nl")
    assert "… en nog 5 (zie het volledige verslag)" in summary, summary
    assert len(summary) < 2000
    assert all(f"rule {n} — waarom: reason {n}." in full for n in range(8))


def test_report_since_a_date_it_cannot_read_says_which_forms_work(app):
    chat = Chat(app)
    private_to(chat.command("ben", "/report since someday", "10:00"), "ben")
    assert chat.texts()[-1].startswith("I could not read the date “someday”. Try ")
    assert "“yesterday” or “last week”." in chat.texts()[-1]
    assert "Usage: /report" in chat.texts()[-1]


@pytest.mark.parametrize("taken_away", ["deleted", "edited"])
def test_consensus_a_proposal_taken_away_is_not_asked_about(app, taken_away):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("ben", "#proposal let's fire the vendor", "09:00")
    if taken_away == "deleted":
        chat.delete("09:00", "09:01")
    else:
        chat.edit("ben", "09:00", "never mind, I spoke too soon", "09:01")
    # Yeses to it no longer count, and /concerns alone does not find it.
    assert chat.say("anna", "#agreement yes", "09:02") == []
    assert chat.say("chris", "#agreement +1", "09:03") == []
    chat.command("ben", "/concerns", "09:04")
    assert chat.of_type(PostConcernRound) == []
    assert chat.texts()[-1] == "Which proposal should the table look at? /concerns <proposal>"


def test_consensus_an_edited_proposal_is_offered_and_polled_in_the_words_that_stand(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal Kevin keeps breaking the build, so let's add CI", "09:00")
    chat.edit("ben", "09:00", "#proposal let's add CI", "09:01")
    chat.say("anna", "#agreement yes", "09:02")
    [offer] = chat.say("chris", "#agreement +1", "09:03")  # a public offer to record it
    assert offer.proposal == "#proposal let's add CI"
    chat.say("ben", "#proposal Kevin should test first, let's review", "09:10")
    chat.edit("ben", "09:10", "#proposal let's review every merge", "09:11")
    chat.command("anna", "/concerns", "09:12")
    [posted] = chat.of_type(PostConcernRound)
    assert posted.round.proposal == "#proposal let's review every merge"
    assert not any("Kevin" in text for text in chat.texts())


@pytest.mark.parametrize("meanwhile", ["agreed", "a newer proposal", "deleted"])
def test_consensus_a_platforms_retry_of_a_proposal_takes_nothing_back(
    app, database_url, tagged, meanwhile
):
    # Slack posts a message event again (same event id) when its first delivery was not
    # acknowledged in time; behind a load balancer the retry may reach another process.
    from rules.events import MessagePosted
    from tests.conftest import make_app

    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    proposal = MessagePosted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="Ev-P1", user="ben",
        message_id="09:00", text="#proposal we pin the base image to 3.11",
    )  # fmt: skip
    chat._deliver(app.service.handle(proposal))
    if meanwhile == "agreed":
        chat.say("anna", "#agreement yes, agreed", "09:01")
        [offer] = chat.say("dana", "#agreement fine by me", "09:02")
        assert isinstance(offer, SuggestAgreement)
    elif meanwhile == "a newer proposal":
        chat.say("dana", "#proposal we build on 3.12 instead", "09:01")
    else:
        chat.delete("09:00", "09:01")
    other = make_app(database_url, tagged)
    try:
        assert other.service.handle(proposal) == []
    finally:
        other.database.dispose()

    chat.say("anna", "#agreement yes", "09:05")
    said = chat.say("chris", "#agreement yes go", "09:06")
    if meanwhile == "agreed":  # offered once: the yeses and the offer stand
        assert said == [] and len(chat.of_type(SuggestAgreement)) == 1
    elif meanwhile == "a newer proposal":  # the newer one is still what the table answers
        [offer] = said
        assert isinstance(offer, SuggestAgreement) and offer.proposer == "dana"
    else:  # a deleted proposal stays deleted
        assert said == [] and chat.of_type(SuggestAgreement) == []


def test_consensus_the_offer_to_record_speaks_the_tables_language(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("anna", "/table language nl", "08:00")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    [offer] = chat.say("chris", "#agreement sure", "09:02")
    assert isinstance(offer, SuggestAgreement) and offer.lang == "nl"
