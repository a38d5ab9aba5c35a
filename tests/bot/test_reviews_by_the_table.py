"""Reviews are the table's (the TWO, ground rules 5 and 6): anyone at it keeps, revises
or retires an agreement and says why; the table hears who decided, the owner hears it
privately, reports name the agreement, the reason and the lesson; and a revision takes
the answers of the concern round the table held on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot.models import AgreementRow, DecisionRow, RoundRow
from rules.actions import AnnounceAgreement, PostConcernRound, PostReport, Reply
from rules.events import ReviewDecided
from rules.i18n import render
from tests.helpers import Chat, at, plain


def public_texts(actions) -> list[str]:
    return [plain(a) for a in actions if isinstance(a, Reply) and not a.private]


def told(actions, user: str) -> list[str]:
    return [plain(a) for a in actions if isinstance(a, Reply) and a.private and a.user == user]


def choices(report: PostReport, lang: str = "en") -> list[str]:
    lines = render(report.full, lang).splitlines()
    start = lines.index("Choices at reviews:" if lang == "en" else "Keuzes bij herzieningen:")
    return lines[start + 1 : lines.index("Open concerns:" if lang == "en" else "Open zorgen:")]


def test_a_retirement_and_a_keep_keep_their_reason_and_lesson_for_the_report(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/agree The desk opens on Wednesdays because caretakers can join", "08:30")
    chat.command("anna", "/agree Tea on Fridays. because morale", "08:31")
    chat.command("anna", "/agree Minutes within two days because not everyone is there", "08:32")
    chat.command("anna", "/meeting start", "09:00")
    retired = chat.command(
        "ben",
        "/review retire 1 because the caretakers stopped coming, learned a fixed day does not "
        "suit residents",
        "09:10",
    )
    assert public_texts(retired) == [
        "ben retired agreement #1 — why: the caretakers stopped coming; it stays in the "
        "history: The desk opens on Wednesdays\n"
        "Practice taught: a fixed day does not suit residents"
    ]
    kept = chat.command("ben", "/herziening behouden 2 omdat iedereen komt", "09:20")
    assert public_texts(kept) == [
        "ben heeft afspraak #2 behouden — waarom: omdat iedereen komt. Volgende herziening op "
        "30 maart 2026."
    ]
    button = ReviewDecided(
        workspace="W1", channel="C1", at=at("09:30"), event_id="btn-keep", user="ben",
        number=3, decision="keep",
    )  # fmt: skip
    chat._deliver(app.service.handle(button))
    with Session(app.database) as session:
        stored = session.exec(select(DecisionRow).order_by(DecisionRow.id)).all()
    assert [(d.decision, d.why, d.lesson) for d in stored] == [
        ("retire", "the caretakers stopped coming", "a fixed day does not suit residents"),
        ("keep", "iedereen komt", None),
        ("keep", None, None),
    ]
    ended = chat.command("anna", "/meeting end", "10:00")
    [report] = [a for a in ended if isinstance(a, PostReport)]
    assert choices(report) == [
        "#1 “The desk opens on Wednesdays” retired — why: the caretakers stopped coming. "
        "Practice taught: a fixed day does not suit residents",
        "#2 “Tea on Fridays” kept — why: omdat iedereen komt.",
        "#3 “Minutes within two days” kept, as it works.",
    ]
    assert choices(report, "nl")[0] == (
        "#1 “The desk opens on Wednesdays” ingetrokken — waarom: the caretakers stopped coming. "
        "De praktijk leerde: a fixed day does not suit residents"
    )


def test_a_revision_in_the_report_names_its_new_text_and_reason(app):
    chat = Chat(app)
    chat.command("ben", "/agree stand-up at 9:30 because of the school run", "09:00")
    chat.command(
        "ben", "/review revise 1 stand-up at 9:45 because buses are late learned ask", "09:10"
    )
    [report] = [a for a in chat.command("ben", "/report", "09:20") if isinstance(a, PostReport)]
    assert choices(report) == [
        "#1 revised: now “stand-up at 9:45” — why: buses are late. Practice taught: ask"
    ]


def test_the_owner_hears_privately_who_decided_on_their_agreement_and_why(app):
    chat = Chat(app)
    chat.join("anna", "bram", "ben", "carla")
    chat.command(
        "anna", "/agree Desk opens Wednesdays because caretakers join owner @bram", "09:00"
    )
    chat.command("anna", "/role add coordinator keeps the agenda", "09:01")
    chat.command("anna", "/role assign coordinator @anna", "09:02")
    chat.command("ben", "/agree Minutes within two days because people miss meetings owner role "
                 "coordinator", "09:03")  # fmt: skip
    retired = chat.command("carla", "/review retire 1 because nobody came", "10:00")
    assert told(retired, "bram") == [
        "carla retired agreement #1 (you own it): Desk opens Wednesdays\nWhy: nobody came"
    ]
    assert public_texts(retired)[0].startswith("carla retired agreement #1 — why: nobody came")
    revised = chat.command(
        "carla",
        "/herziening herzien 2 Notulen binnen drie dagen omdat twee dagen te krap bleek geleerd "
        "vraag het eerst",
        "10:05",
    )
    assert told(revised, "anna") == [
        "carla heeft afspraak #2 herzien (jouw rol coordinator is eigenaar); ze luidt nu: "
        "Notulen binnen drie dagen\nWaarom: omdat twee dagen te krap bleek\n"
        "De praktijk leerde: vraag het eerst"
    ]
    [announced] = [a for a in revised if isinstance(a, AnnounceAgreement)]
    assert plain(announced).startswith("Afspraak herzien door carla.\n")
    # Whoever owns it (or holds its role) and decides hears nothing more than the table.
    kept = chat.command("anna", "/review keep 2", "10:10")
    assert [a for a in kept if isinstance(a, Reply) and a.private] == []
    assert public_texts(kept) == [
        "anna kept agreement #2, as it works. Next review on 30 March 2026."
    ]


def test_a_revision_takes_the_answers_of_the_round_held_on_it(app):
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    chat.command("anna", "/agree The desk opens on Wednesdays because caretakers can join", "09:00")
    [posted] = [
        a
        for a in chat.command(
            "anna",
            "/concerns let's open the desk on Thursdays instead, the market is on Wednesdays",
            "09:10",
        )
        if isinstance(a, PostConcernRound)
    ]
    round_id = posted.round.round_id
    chat.answer("bram", round_id, None, "09:11")
    chat.answer("carla", round_id, "we need a nurse present on Thursdays", "09:12")
    [announced] = [
        a
        for a in chat.command(
            "anna",
            "/review revise 1 The desk opens on Thursdays because the market is on Wednesdays",
            "09:20",
        )
        if isinstance(a, AnnounceAgreement)
    ]
    agreement = announced.agreement
    assert agreement.consenters == ("anna", "bram")
    assert agreement.concerns == (("carla", "we need a nurse present on Thursdays"),)
    assert "Concern heard from carla: we need a nurse present on Thursdays" in plain(announced)
    with Session(app.database) as session:
        assert session.get(RoundRow, ("W1", round_id)).agreement_number == 1
        stored = session.exec(select(AgreementRow).where(AgreementRow.version == 2)).one()
    assert stored.round_id == round_id
    [report] = [a for a in chat.command("anna", "/report", "09:30") if isinstance(a, PostReport)]
    lines = render(report.full, "en").splitlines()
    assert lines[lines.index("Open concerns:") + 1] == "none"


def test_a_revision_about_something_else_takes_no_round(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree The desk opens on Wednesdays because caretakers can join", "09:00")
    [posted] = [
        a
        for a in chat.command("bram", "/concerns pizza on Friday", "09:10")
        if isinstance(a, PostConcernRound)
    ]
    chat.answer("anna", posted.round.round_id, None, "09:11")
    [announced] = [
        a
        for a in chat.command(
            "anna", "/review revise 1 The desk opens on Thursdays because of the market", "09:20"
        )
        if isinstance(a, AnnounceAgreement)
    ]
    assert (announced.agreement.consenters, announced.agreement.concerns) == (("anna",), ())


@pytest.mark.empty_database
def test_migration_0012_keeps_decisions_made_before_it_and_goes_down_again(database_url, tagged):
    from alembic import command
    from sqlalchemy import inspect, text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from tests.conftest import make_app

    engine = make_engine(database_url)
    upgrade(engine, "0011")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agreement (workspace, channel, number, version, text, why, "
                "recorded_by, owner, consenters, concerns, review_on, lang, status, "
                "recorded_at, mandates) VALUES ('W1', 'C1', 1, 1, 'tea on Friday', 'morale', "
                "'ben', 'ben', '[\"ben\"]', '[]', :review, 'en', 'retired', :at, '[]')"
            ),
            {"review": (at("09:00") + timedelta(weeks=4)).date(), "at": at("09:00")},
        )
        connection.execute(
            text(
                'INSERT INTO review_decision (workspace, channel, number, decision, "user", '
                "at) VALUES ('W1', 'C1', 1, 'retire', 'ben', :at)"
            ),
            {"at": at("09:10")},
        )
    upgrade(engine)
    engine.dispose()
    app = make_app(database_url, tagged)
    chat = Chat(app)
    [report] = [a for a in chat.command("ben", "/report", "09:20") if isinstance(a, PostReport)]
    assert choices(report) == ["#1 “tea on Friday” retired."]
    app.database.dispose()
    command.downgrade(alembic_config(database_url), "0011")
    engine = make_engine(database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("review_decision")}
        assert "why" not in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM review_decision")).scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.empty_database
def test_migration_0014_review_messages_posted_before_it_close_as_before_and_go_down(
    database_url,
):
    """A review message remembered before 0014 has no language: its close speaks the
    decision's, as before. One remembered since speaks the one it was posted in."""
    from alembic import command
    from sqlalchemy import inspect, text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from bot.review_messages import in_its_language
    from rules.actions import AgreementView, CloseReview

    engine = make_engine(database_url)
    upgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO posted_message (workspace, key, channel, ref, posted_at) "
                "VALUES ('W1', 'review:1:1', 'C1', '171.1', :at)"
            ),
            {"at": at("09:00")},
        )
    upgrade(engine)
    shown = AgreementView(
        number=1, text="Tea on Fridays", why="morale", owner="ben", recorded_by="ben",
        consenters=("ben",), concerns=(), review_on=at("09:00").date(), version=1,
        replaces=None, status="current",
    )  # fmt: skip
    close = CloseReview(workspace="W1", channel="C1", lang="nl", agreement=shown,
                        decision="keep", by="ben")  # fmt: skip
    try:
        assert in_its_language(engine, close) == close
        with engine.begin() as connection:
            connection.execute(text("UPDATE posted_message SET lang = 'en'"))
        assert in_its_language(engine, close).lang == "en"
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0013")
    engine = make_engine(database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("posted_message")}
        assert "lang" not in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT ref FROM posted_message")).scalar() == "171.1"
    finally:
        engine.dispose()


def test_a_review_message_posted_after_its_decision_is_closed_with_that_decision(app):
    """What the runtime asks once a review message is posted: still open, or decided
    meanwhile (its own close then found no message to edit), and how."""
    from bot.review_messages import decided_meanwhile
    from rules.actions import AnnounceReview
    from rules.events import CommandInvoked

    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/agree Tea on Fridays because morale", "08:30")
    chat.command("anna", "/agree Minutes within two days because not everyone is there", "08:31")
    asked = [a for a in chat.tick(at("09:00") + timedelta(weeks=10))
             if isinstance(a, AnnounceReview)]  # fmt: skip
    assert [a.agreement.number for a in asked] == [1, 2]
    assert [decided_meanwhile(app.database, a) for a in asked] == [None, None]

    later = at("10:00") + timedelta(weeks=10)
    for user, args in (("ben", "keep 1"), ("anna", "retire 2 because nobody reads them")):
        app.service.handle(
            CommandInvoked(workspace="W1", channel="C1", at=later, event_id=f"review-{user}",
                           user=user, name="review", args=args)
        )  # fmt: skip
    closes = [decided_meanwhile(app.database, a) for a in asked]
    assert [(c.decision, c.by, c.lang) for c in closes] == [("keep", "ben", "en"),
                                                            ("retire", "anna", "en")]  # fmt: skip
    assert [c.agreement for c in closes] == [a.agreement for a in asked]


def test_a_revision_names_a_new_owner_and_review_date(app):
    """Both were swallowed into the reason: "Why: tags moved owner @chris review over 2
    maanden / Owner: anna", with the default review date."""
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("ben", "/agree pin the base image because deploys broke owner @anna", "09:00")
    revised = chat.command(
        "ben", "/review revise 1 pin to digest because tags moved owner @chris review over 2 "
        "maanden", "10:00",
    )  # fmt: skip
    [announced] = [a for a in revised if isinstance(a, AnnounceAgreement)]
    agreement = announced.agreement
    assert (agreement.why, agreement.owner, agreement.review_on) == (
        "tags moved",
        "chris",
        date(2026, 5, 2),
    )
    assert told(revised, "anna") == [
        "ben revised agreement #1 (it was yours; its owner is now chris); it now says: pin to "
        "digest\nWhy: tags moved"
    ]
    assert told(revised, "ben") == [  # chris is not at the table
        "Agreement #1 is recorded with chris as its owner. chris is not at this table, so they "
        "had no say in it: let them know, or invite them here."
    ]
    with Session(app.database) as session:
        row = session.exec(select(AgreementRow).where(AgreementRow.version == 2)).one()
    assert (row.owner, row.review_on) == ("chris", agreement.review_on)


def test_a_revision_to_a_role_the_table_lacks_or_a_group_is_refused(app):
    chat = Chat(app)
    chat.command("ben", "/agree pin the base image because deploys broke", "09:00")
    [reply] = chat.command("ben", "/review revise 1 pin to digest because tags moved owner role "
                           "ops", "10:00")  # fmt: skip
    assert plain(reply) == "There is no role ops here; /roles lists them, /role add creates one."
    [reply] = chat.command("ben", "/herziening herzien 1 pin op digest omdat tags verschoven "
                           "eigenaar <!subteam^S1|@ops>", "10:01")  # fmt: skip
    assert plain(reply).startswith("Een afspraak heeft één eigenaar, en @ops is een groep")
    with Session(app.database) as session:
        assert len(session.exec(select(AgreementRow)).all()) == 1


def test_a_keep_sets_its_next_review_date_and_refuses_a_new_owner(app):
    chat = Chat(app)
    chat.command("ben", "/agree pin the base image because deploys broke", "09:00")
    kept = chat.command("anna", "/review keep 1 because it works review in 3 months", "10:00")
    assert public_texts(kept) == [
        "anna kept agreement #1 — why: it works. Next review on 2 June 2026."
    ]
    [reply] = chat.command("anna", "/herziening behouden 1 eigenaar @chris", "10:05")
    assert reply.private and plain(reply).startswith(
        "Wie een afspraak behoudt, houdt ook haar eigenaar."
    )


def test_keeping_early_does_not_bring_the_review_forward(app):
    """The table chose its review date; a keep typed before it is due confirmed that the
    agreement works, and used to move the next review to four weeks from the keep, even
    when that was before the date chosen."""
    chat = Chat(app)
    chat.command("ben", "/agree pin the base image because deploys broke review in 8 weeks",
                 "09:00")  # fmt: skip
    kept = chat.command("anna", "/review keep 1", "10:00")
    assert public_texts(kept) == [
        "anna kept agreement #1, as it works. Next review on 27 April 2026."
    ]


def test_an_owner_who_left_the_table_hears_none_of_its_decisions(app):
    """Bram left the table (or was removed from it): he is told nothing of what it decides
    on the agreements he owns, nor of those his role owns. Whoever decides hears that the
    agreement needs an owner at the table, and how; unless it is retired, or the revision
    gave it one."""
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    chat.command("anna", "/role add coordinator keeps the agenda", "09:00")
    chat.command("anna", "/role assign coordinator @bram", "09:01")
    chat.command("anna", "/agree Desk opens Wednesdays because caretakers join owner @bram",
                 "09:02")  # fmt: skip
    chat.command("anna", "/agree Minutes within two days because people miss meetings owner "
                 "role coordinator", "09:03")  # fmt: skip
    chat.command("anna", "/agree Tea on Fridays because morale owner @bram", "09:04")
    chat.command("anna", "/agree Keys at the desk because people lock out owner @bram", "09:05")
    chat.leave("bram", "09:30")

    kept = chat.command("carla", "/review keep 1 because the caretakers still come", "10:00")
    assert told(kept, "bram") == []
    assert told(kept, "carla") == [
        "bram, the owner of agreement #1, is not at this table, so they were not told. Give it "
        "an owner at the table: /review revise 1 <text> because <why> owner @who"
    ]
    revised = chat.command(
        "carla", "/herziening herzien 2 Notulen binnen drie dagen omdat twee dagen te krap "
        "bleek geleerd vraag het eerst", "10:05",
    )  # fmt: skip
    assert told(revised, "bram") == []
    assert told(revised, "carla") == [
        "bram heeft de rol coordinator, eigenaar van afspraak #2, maar zit niet aan deze tafel "
        "en hoorde er dus niets van. Draag de rol over aan iemand aan tafel: /rol overdragen "
        "coordinator @naam"
    ]
    retired = chat.command("carla", "/review retire 3 because nobody drinks tea", "10:10")
    assert [a for a in retired if isinstance(a, Reply) and a.private] == []
    handed_on = chat.command(
        "carla", "/review revise 4 Keys at the desk because people lock out owner @anna", "10:15"
    )
    assert [a for a in handed_on if isinstance(a, Reply) and a.private] == []


def test_an_owner_is_told_only_when_the_table_knows_them_to_be_at_it(app):
    """A table whose roster is unknown (nobody joined or spoke yet) tells no owner: the
    table's words go only to people known to be at it."""
    chat = Chat(app)
    chat.command("anna", "/agree Desk opens Wednesdays because caretakers join owner @bram",
                 "09:00")  # fmt: skip
    kept = chat.command("carla", "/review keep 1", "10:00")
    assert [a for a in kept if isinstance(a, Reply) and a.private] == []


def test_a_second_keep_the_same_day_is_answered_privately_and_records_nothing(app):
    """/review keep typed twice (by one person or two) used to post "kept" twice in
    public and list the decision twice in the report; on another day it is a keep of its
    own."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("ben", "/agree pin the base image because deploys broke", "09:00")
    chat.command("anna", "/review keep 1", "10:00")
    again = chat.command("anna", "/review keep 1", "10:05")
    assert public_texts(again) == []
    assert told(again, "anna") == [
        "Agreement #1 was already kept today, by anna: nothing new is recorded. Its next "
        "review is on 30 March 2026."
    ]
    [nl] = told(chat.command("chris", "/herziening behouden 1", "16:00"), "chris")
    assert nl == (
        "Afspraak #1 is vandaag al behouden, door anna: er is niets nieuws vastgelegd. De "
        "volgende herziening is op 30 maart 2026."
    )
    with Session(app.database) as session:
        assert len(session.exec(select(DecisionRow)).all()) == 1
    next_day = chat.command("chris", "/review keep 1", at("09:00") + timedelta(days=1))
    assert public_texts(next_day) == [
        "chris kept agreement #1, as it works. Next review on 31 March 2026."
    ]
