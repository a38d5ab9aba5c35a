"""Ground rule 5 and the TWO: agreements with why, consent, owner and review date."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from rules.actions import AnnounceAgreement, AnnounceReview, PostConcernRound, PostReport, Reply
from rules.events import AgreementSubmitted, ReviewDecided
from rules.i18n import render
from tests.helpers import Chat, at, plain


def test_agreement_is_recorded_with_why_owner_and_default_review(app):
    chat = Chat(app)
    [announced] = chat.command(
        "ben", "/agree stand-up moves to 9:30 because the school run makes 9:00 hard", "10:00"
    )
    assert isinstance(announced, AnnounceAgreement) and not hasattr(announced, "private")
    agreement = announced.agreement
    assert (agreement.number, agreement.text, agreement.why) == (
        1,
        "stand-up moves to 9:30",
        "the school run makes 9:00 hard",
    )
    assert agreement.owner == "ben"
    assert agreement.consenters == ("ben",)
    assert agreement.review_on == date(2026, 3, 30)  # four weeks after


@pytest.mark.parametrize(
    ("edited", "lang", "said"),
    [
        ("/groundrules agree we pair on releases because two see more", "en",
         ["I act on a command when it is sent, not when it is edited: your edit changed "
          "nothing.", "/review revise <number>"]),
        ("/groundrules afspraak we werken in paren omdat twee meer zien", "nl",
         ["Ik voer een commando uit als je het verstuurt, niet als je het bewerkt",
          "/herziening herzien <nr>"]),
    ],
)  # fmt: skip
def test_an_edited_command_is_not_run_again(app, edited, lang, said):
    """A mention edited after it was sent (Slack sends it again): what it did stands,
    once, and its author is told privately, in the thread, how to change it."""
    chat = Chat(app)
    chat.command("ben", "/groundrules agree we pair on relaeses because two see more", "10:00",
                 thread="09:00")  # fmt: skip
    [told] = chat.command("ben", edited, "10:01", thread="09:00", edited=True)
    assert isinstance(told, Reply) and told.private
    assert (told.user, told.thread_id, told.lang) == ("ben", "09:00", lang)
    for part in said:
        assert part in plain(told)
    [recorded] = chat.of_type(AnnounceAgreement)
    assert recorded.agreement.text == "we pair on relaeses"
    [listed] = chat.command("ben", "/agreements", "10:02")
    assert "#2" not in plain(listed)


def test_agreement_owner_and_review_clauses(app):
    chat = Chat(app)
    [announced] = chat.command(
        "ben",
        "/agree rotate the weekend shift because two people burned out owner @anna "
        "review in 2 weeks",
        "10:00",
    )
    assert announced.agreement.owner == "anna"
    assert announced.agreement.review_on == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("line", "told"),
    [
        ("/agree tea on fridays because morale owner @carla",
         "Agreement #1 is recorded with carla as its owner. carla is not at this table, so "
         "they had no say in it: let them know, or invite them here."),
        ("/afspraak thee op vrijdag omdat het gezellig is eigenaar @carla",
         "Afspraak #1 is vastgelegd met carla als eigenaar. carla zit niet aan deze tafel en "
         "had er dus geen stem in: laat het hem of haar weten, of nodig carla hier uit."),
    ],
)  # fmt: skip
def test_agreement_owner_not_at_the_table_is_recorded_and_the_author_told(app, line, told):
    """Ground rules 2 and 6: an owner shares in the agreement they own. One named who is
    not at the table is still the owner (the table made the agreement; refusing would lose
    it), and its author hears it privately, kindly; nobody else."""
    chat = Chat(app)
    chat.join("ben", "anna")
    announced, note = chat.command("ben", line, "10:00")
    assert isinstance(announced, AnnounceAgreement) and announced.agreement.owner == "carla"
    assert isinstance(note, Reply) and note.private and note.user == "ben"
    assert plain(note) == told


@pytest.mark.parametrize(
    "owner",
    ["owner @anna", "owner @ben", "", "owner role minutes"],
)
def test_agreement_owner_at_the_table_or_a_role_needs_no_note(app, owner):
    chat = Chat(app)
    chat.join("ben", "anna")
    chat.command("anna", "/role add minutes keeps the notes", "09:00")
    actions = chat.command("ben", f"/agree tea on fridays because morale {owner}", "10:00")
    assert not [a for a in actions if isinstance(a, Reply) and "not at" in plain(a)]


def test_agreement_owner_is_not_checked_before_the_table_has_a_roster(app):
    """Nobody has joined yet (a table the bot has just met): no one to compare with."""
    [announced] = Chat(app).command("ben", "/agree tea because morale owner @carla", "10:00")
    assert announced.agreement.owner == "carla"


def test_agreement_in_dutch(app):
    chat = Chat(app)
    [announced] = chat.command(
        "fatima",
        "/afspraak elke maandag een belmoment omdat de brieven te laat komen eigenaar <@U42> "
        "herzien 2026-06-01",
        "10:00",
    )
    assert announced.lang == "nl"
    assert (announced.agreement.owner, announced.agreement.review_on) == ("U42", date(2026, 6, 1))
    assert "Afspraak #1" in chat.texts()[0]


def test_agreement_after_a_round_records_consent_and_concerns_heard(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    [posted] = [
        a
        for a in chat.command("ben", "/concerns pin the base image", "09:00")
        if isinstance(a, PostConcernRound)
    ]
    round_id = posted.round.round_id
    chat.answer("anna", round_id, None, "09:01")
    chat.answer("chris", round_id, "only until the root cause is known", "09:02")
    chat.answer("dana", round_id, None, "09:03")
    [announced] = chat.command("ben", "/agree pin the base image because deploys broke", "09:10")
    agreement = announced.agreement
    assert agreement.consenters == ("ben", "anna", "dana")
    assert agreement.concerns == (("chris", "only until the root cause is known"),)
    # the round is linked now: the next agreement does not claim it again
    [second] = chat.command("anna", "/agree tea on fridays because morale", "09:20")
    assert second.agreement.consenters == ("anna",)
    assert second.agreement.number == 2


def test_agreement_consent_names_each_organisation_and_each_pending_mandate(app):
    """Ground rule 2: who consented on behalf of which organisation, and whose mandate was
    not current, in the announcement and in /agreements, in both languages."""
    chat = Chat(app)
    chat.command("anna", "/table join Gemeente", "08:00")
    chat.command("anna", "/mandate budgets", "08:01")
    chat.command("bram", "/tafel aanschuiven Mitros", "08:02")
    chat.command("carla", "/mandate staff", "08:03")
    [posted] = [
        a
        for a in chat.command("anna", "/concerns open the desk on Wednesdays", "09:00")
        if isinstance(a, PostConcernRound)
    ]
    chat.answer("bram", posted.round.round_id, None, "09:01")
    chat.answer("carla", posted.round.round_id, None, "09:02")
    [announced] = chat.command("anna", "/agree open the desk on Wednesdays because x", "09:10")
    assert "Owner: anna. Consent: anna (Gemeente), bram (Mitros, mandate pending) and carla.\n" in (
        plain(announced)
    )
    assert "Mandate pending" not in plain(announced)  # said once, beside the name
    chat.command("bram", "/afspraken", "09:11")
    assert chat.texts()[-1].splitlines()[1] == (
        "#1 open the desk on Wednesdays (waarom: x). Eigenaar: anna. Instemming: anna (Gemeente), "
        "bram (Mitros, mandaat nog niet bevestigd) en carla. Herziening op 30 maart 2026."
    )


@pytest.mark.parametrize(
    ("command", "due", "listed"),
    [
        ("/agreements", "#1 (review due) rotate the weekend shift",
         "Review was due on 16 March 2026."),
        ("/afspraken", "#1 (toe aan herziening) rotate the weekend shift",
         "Herziening stond op 16 maart 2026."),
    ],
)  # fmt: skip
def test_agreements_listing_marks_an_agreement_whose_review_date_has_passed(
    app, command, due, listed
):
    """Revised and retired agreements are marked; so is one whose review is due, once its
    day has passed (on the day itself its review is on today, as listed)."""
    chat = Chat(app)
    chat.command("ben", "/agree rotate the weekend shift because x review in 2 weeks", "10:00")
    chat.command("ben", "/agree pair on releases because y review in 4 weeks", "10:01")
    chat.command("ben", command, datetime(2026, 3, 16, 12, 0, tzinfo=UTC))
    on_the_day = chat.texts()[-1].splitlines()
    assert not any("(review due)" in line or "(toe aan herziening)" in line for line in on_the_day)
    chat.command("ben", command, datetime(2026, 3, 17, 12, 0, tzinfo=UTC))
    [_, first, second] = chat.texts()[-1].splitlines()
    assert first.startswith(due) and first.endswith(listed), first
    assert "(review due)" not in second and "(toe aan herziening)" not in second, second


def test_agreements_listing_is_private_and_per_table(app):
    chat = Chat(app)
    chat.command("ben", "/agree a because b", "09:00")
    other = replace(chat, channel="C2")  # its own event ids
    other.command("ben", "/agree other table because c", "09:00")
    assert "Agreement #2: other table" in other.texts()[-1]
    [listing] = chat.command("anna", "/agreements", "09:05")
    assert isinstance(listing, Reply) and listing.private and listing.user == "anna"
    text = chat.texts()[-1]
    assert "#1 a (why: b)" in text
    assert "other table" not in text


def test_agreements_are_numbered_per_workspace_and_kept_apart(app):
    one = Chat(app, workspace="W1")
    two = Chat(app, workspace="W2")
    assert one.command("ben", "/agree a because b", "09:00")[0].agreement.number == 1
    assert two.command("ben", "/agree c because d", "09:00")[0].agreement.number == 1
    assert one.command("ben", "/agree e because f", "09:01")[0].agreement.number == 2
    listing = one.command("ben", "/agreements", "09:02")
    assert "c (why: d)" not in one.texts()[-1] and listing


@pytest.mark.parametrize(
    ("round_about", "agreement", "linked"),
    [
        ("pin the base image to 1.4", "/agree Pin the staging base image to 1.4 because x", True),
        ("zullen we de overdracht om 9 uur doen?", "/afspraak Overdracht om 9 uur omdat x", True),
        ("pin the base image to 1.4", "/agree everyone works from the office because x", False),
        ("de overdracht om 9 uur", "/afspraak vrijdag taart omdat het feest is", False),
        ("Pizza on Friday", "/agree The standup moves to Friday afternoon because x", False),
        ("Pizza on Friday", "/agree Pizza every Friday from now on because x", True),
        # The same people, links, emoji or code are no shared subject.
        ("<@U04ABC123> <@U04DEF456> we move the standup to 9:30",
         "/agree <@U04ABC123> <@U04DEF456> buy new chairs because x", False),
        ("<!here> <#C0123ABCD|general> move the standup to 9:30",
         "/agree <!here> <#C0123ABCD|general> buy new chairs because x", False),
        ("@anna @ben :tada: https://wiki.example.com/agenda move the standup",
         "/agree @anna @ben :tada: https://wiki.example.com/agenda buy new chairs because x",
         False),
        ("`make deploy-staging` after the standup",
         "/agree `make deploy-staging` on new chairs because x", False),
        ("<@anna> <@ben> we move the standup to 9:30",
         "/agree <@ben> we move the standup to 9:30 because x", True),
    ],
)  # fmt: skip
def test_agreement_takes_a_rounds_consent_only_when_it_is_about_its_proposal(
    app, round_about, agreement, linked
):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    [posted] = [
        a
        for a in chat.command("ben", f"/concerns {round_about}", "09:00")
        if isinstance(a, PostConcernRound)
    ]
    chat.answer("anna", posted.round.round_id, None, "09:01")
    chat.answer("chris", posted.round.round_id, "only for a month", "09:02")
    [announced] = chat.command("dana", agreement, "19:00")
    expected = (("dana", "ben", "anna"), (("chris", "only for a month"),))
    unlinked = (("dana",), ())
    assert (announced.agreement.consenters, announced.agreement.concerns) == (
        expected if linked else unlinked
    )


@pytest.mark.parametrize("decision", ["keep 1", "retire 1", "revise 1 b instead because c"])
def test_agreements_of_one_table_cannot_be_reviewed_from_another(app, decision):
    private_table = Chat(app, channel="C-hr")
    private_table.command("ben", "/agree the salary talks stay in this room because trust", "09:00")
    elsewhere = replace(private_table, channel="C-general")  # its own event ids
    [answer] = elsewhere.command("eve", f"/review {decision}", "09:05")
    assert answer.private and elsewhere.texts()[-1].startswith("There is no agreement #1 here.")
    private_table.command("ben", "/agreements", "09:06")
    assert "#1 the salary talks stay in this room (why: trust)" in private_table.texts()[-1]


def test_agreement_review_is_announced_in_its_channel_on_the_day(app):
    chat = Chat(app)
    chat.command("ben", "/agree a because b review 2026-03-10", "09:00")
    assert chat.tick(at("23:00")) == []
    due = chat.tick(datetime(2026, 3, 10, 9, 0, 1, tzinfo=UTC))
    [review] = due
    assert isinstance(review, AnnounceReview)
    assert (review.channel, review.agreement.number) == ("C1", 1)


def test_agreement_from_a_form_is_recorded_like_a_command(app):
    Chat(app)
    event = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-1", user="ben",
        text="  rotate   weekends ", why="fairness", owner="anna", review_on=date(2026, 4, 1),
    )  # fmt: skip
    [announced] = [d.action for d in app.service.handle(event)]
    assert (announced.agreement.text, announced.agreement.owner) == ("rotate weekends", "anna")


def test_agreement_form_with_a_past_review_date_is_refused(app):
    event = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-2", user="ben",
        text="x", why="y", review_on=date(2026, 1, 1),
    )  # fmt: skip
    [reply] = [d.action for d in app.service.handle(event)]
    assert isinstance(reply, Reply) and reply.private


@pytest.mark.parametrize(
    ("review_text", "said"),
    [
        # The test day is a Monday: this week's Friday, or next week's?
        ("next Friday", "“next Friday” could be Friday 6 March 2026 or Friday 13 March 2026"),
        ("31 april", "“31 april” is not on the calendar: April has 30 days."),
    ],
)
def test_agreement_form_asks_about_a_typed_review_date_that_reads_two_ways_or_none(
    app, review_text, said
):
    event = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-4", user="ben",
        text="x", why="y", review_text=review_text,
    )  # fmt: skip
    [reply] = [d.action for d in app.service.handle(event)]
    assert isinstance(reply, Reply) and reply.private
    assert said in plain(reply)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/agree x because y review 31-04-2027",
         "“31-04-2027” is not on the calendar: April has 30 days."),
        ("/agree x because y review 04-31-2027",
         "“04-31-2027” is not on the calendar: April has 30 days."),
        ("/afspraak x omdat y herziening 04-31-2027",
         "“04-31-2027” staat niet op de kalender"),
    ],
)  # fmt: skip
def test_agreement_at_a_table_that_writes_the_month_first_names_a_day_past_its_months_end(
    app, line, said
):
    chat = Chat(app)
    chat.command("ben", "/table timezone America/New_York", "09:00")
    [reply] = chat.command("ben", line, "09:01")
    assert isinstance(reply, Reply) and reply.private
    assert said in plain(reply), plain(reply)
    assert not chat.of_type(AnnounceAgreement)


def test_agreement_form_with_a_review_decades_away_is_refused(app):
    event = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-3", user="ben",
        text="x", why="y", review_on=date(2999, 1, 1),
    )  # fmt: skip
    [reply] = [d.action for d in app.service.handle(event)]
    assert isinstance(reply, Reply) and reply.private
    assert "within ten years" in plain(reply)


def test_agreement_form_answers_in_the_language_it_was_shown_in(app):
    Chat(app)
    event = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="form-nl", user="ben",
        text="koffie om 10 uur", why="dan is iedereen er", lang="nl",
    )  # fmt: skip
    [announced] = [d.action for d in app.service.handle(event)]
    assert announced.lang == "nl" and plain(announced).startswith("Afspraak vastgelegd.")


def test_agreement_revised_by_a_button_without_a_language_stays_in_its_own(app):
    """A review's buttons and form answer in the agreement's language when the click
    brings none, and a revision keeps it: every later review is in it too."""
    chat = Chat(app)
    chat.command("ben", "/afspraak koffie om 10 uur omdat dan iedereen er is", "09:00")
    revise = ReviewDecided(
        workspace="W1", channel="C1", at=at("09:05"), event_id="click-nl", user="ben",
        number=1, decision="revise", new_text="koffie om half 11", why="de trein",
    )  # fmt: skip
    announced = [d.action for d in app.service.handle(revise)][-1]
    assert isinstance(announced, AnnounceAgreement) and announced.lang == "nl"
    [review] = chat.tick(datetime(2026, 4, 30, 9, 0, 1, tzinfo=UTC))
    assert isinstance(review, AnnounceReview) and review.lang == "nl"
    keep = replace(revise, event_id="click-nl-2", decision="keep", new_text=None, why=None)
    [*_, kept] = [d.action for d in app.service.handle(keep)]
    assert plain(kept).startswith("ben heeft afspraak #1 behouden")


def test_agreement_review_button_with_an_impossible_number_gets_the_usage(app):
    chat = Chat(app)
    chat.command("ben", "/agree a because b", "09:00")
    event = ReviewDecided(
        workspace="W1", channel="C1", at=at("09:05"), event_id="click-1", user="ben",
        number=2**40, decision="keep",
    )  # fmt: skip
    [reply] = [d.action for d in app.service.handle(event)]
    assert isinstance(reply, Reply) and reply.private and "Usage" in plain(reply)


@pytest.mark.parametrize(
    ("line", "text", "why"),
    [
        ("/afspraak Elke vrijdag taart want het is feest", "Elke vrijdag taart",
         "want het is feest"),
        ("/agree Sam checks what we want before Friday because x", "Sam checks what we want "
         "before Friday", "x"),
    ],
)  # fmt: skip
def test_agreement_reason_words_follow_the_typed_command(app, line, text, why):
    [announced] = Chat(app).command("ben", line, "09:00")
    assert (announced.agreement.text, announced.agreement.why) == (text, why)


def test_agreement_reason_given_with_want_reads_as_dutch_wherever_it_is_shown(app):
    # "want" keeps main-clause word order: after "omdat" it would read "omdat de brieven
    # komen te laat"; after the label "waarom:" it reads as written.
    chat = Chat(app)
    chat.command("ben", "/afspraak We bellen op maandag want de brieven komen te laat", "09:00")
    chat.command("ben", "/afspraak Kaas op vrijdag omdat het goedkoper is", "09:01")
    announced = chat.texts()[0]
    assert "Waarom: de brieven komen te laat" in announced, announced
    # "omdat" puts the verb last: after the label alone "het goedkoper is" reads broken.
    assert "Waarom: omdat het goedkoper is" in chat.texts()[1]
    chat.command("ben", "/afspraken", "09:02")
    listing = chat.texts()[-1]
    assert "We bellen op maandag (waarom: de brieven komen te laat)." in listing, listing
    assert "Kaas op vrijdag (waarom: omdat het goedkoper is)." in listing
    [report] = [a for a in chat.command("ben", "/verslag", "09:03") if isinstance(a, PostReport)]
    report = render(report.full, "nl")
    assert "#1 We bellen op maandag — waarom: de brieven komen te laat." in report, report
    assert "#2 Kaas op vrijdag — waarom: omdat het goedkoper is." in report


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/afspraak stand-up om 9:30 vanwege de file", "Waarom: vanwege de file"),
        ("/afspraak stand-up om 9:30 zodat iedereen er is", "Waarom: zodat iedereen er is"),
        ("/agree stand-up at 9:30 so that everyone can come", "Why: so that everyone can come"),
    ],
)
def test_agreement_reason_that_keeps_its_own_word_is_shown_with_it(app, line, shown):
    """Not "omdat zodat iedereen er is", nor "Waarom: iedereen er is", which says another
    thing: the reason's own word stays."""
    chat = Chat(app)
    chat.command("ben", line, "09:00")
    assert shown in chat.texts()[0], chat.texts()[0]


def test_agreement_reason_because_of_is_shown_without_its_of(app):
    chat = Chat(app)
    chat.command("ben", "/agree stand-up at 9:30 because of the school run", "09:00")
    assert "Why: the school run" in chat.texts()[0], chat.texts()[0]


def test_agreement_reason_from_a_form_is_shown_without_a_doubled_because(app):
    chat = Chat(app)
    for n, why in enumerate(("Omdat het goedkoper is", "Want de brieven komen te laat")):
        event = AgreementSubmitted(
            workspace="W1", channel="C1", at=at(f"09:0{n}"), event_id=f"form-{n}", user="ben",
            text=f"regel {n}", why=why, lang="nl",
        )  # fmt: skip
        app.service.handle(event)
    chat.command("ben", "/afspraken", "09:05")
    listing = chat.texts()[-1]
    assert "#1 regel 0 (waarom: omdat het goedkoper is)." in listing, listing
    assert "#2 regel 1 (waarom: de brieven komen te laat)." in listing


def test_agreement_retried_command_is_recorded_once(app):
    from rules.events import CommandInvoked

    event = CommandInvoked(
        workspace="W1", channel="C1", at=at("09:00"), event_id="slack-retry-1", user="ben",
        name="agree", args="a because b",
    )  # fmt: skip
    assert len(app.service.handle(event)) == 1
    assert app.service.handle(event) == []  # the platform retried: handled once


def agreement_count(app) -> int:
    from sqlmodel import Session, func, select

    from bot.models import AgreementRow

    with Session(app.database) as session:
        return session.exec(select(func.count()).select_from(AgreementRow)).one()


@pytest.mark.parametrize(
    ("first", "again", "said"),
    [
        ("/agree We merge on green because fewer broken builds owner @anna",
         "/agree  we merge on “green”. because nobody wants red",
         "This is already agreement #1, recorded on 2 March 2026 by ben; owner: anna. Nothing "
         "new is recorded. To change it: /review revise 1 <new text> because <why>"),
        ("/afspraak Elke maandag een belmoment omdat de brieven te laat komen",
         "/afspraak elke maandag een 'belmoment'! omdat het fijn is",
         "Dit is al afspraak #1, vastgelegd op 2 maart 2026 door ben; eigenaar: ben. Er is niets "
         "nieuws vastgelegd. Wijzigen kan met /herziening herzien 1 <nieuwe tekst> omdat "
         "<waarom>"),
    ],
)  # fmt: skip
def test_agreement_with_the_same_words_as_a_current_one_is_not_recorded_again(
    app, first, again, said
):
    chat = Chat(app)
    chat.command("ben", first, "09:00")
    [reply] = chat.command("chris", again, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "chris"
    assert chat.texts()[-1] == said
    assert agreement_count(app) == 1


def test_agreement_from_a_form_submitted_twice_is_recorded_once(app):
    Chat(app)
    forms = [
        AgreementSubmitted(
            workspace="W1", channel="C1", at=at(when), event_id=f"form-{when}", user="ben",
            text="Rotate weekends", why="fairness", owner="anna",
        )
        for when in ("09:00", "09:00:02")
    ]  # fmt: skip
    [announced] = [d.action for d in app.service.handle(forms[0])]
    assert isinstance(announced, AnnounceAgreement)
    [reply] = [d.action for d in app.service.handle(forms[1])]
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    assert plain(reply).startswith("This is already agreement #1")
    assert agreement_count(app) == 1


def test_agreement_like_a_retired_or_other_tables_one_is_a_new_one(app):
    chat = Chat(app)
    chat.command("ben", "/agree pizza on friday because it is fun", "09:00")
    chat.command("ben", "/review retire 1", "09:01")
    [again] = chat.command("ben", "/agree Pizza on Friday because we missed it", "09:02")
    assert isinstance(again, AnnounceAgreement) and again.agreement.number == 2
    chat.channel = "C2"
    [elsewhere] = chat.command("ben", "/agree pizza on friday because it is fun", "09:03")
    assert isinstance(elsewhere, AnnounceAgreement) and elsewhere.agreement.number == 3
    [different] = chat.command("ben", "/agree pizza on saturday because it is fun", "09:04")
    assert isinstance(different, AnnounceAgreement)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/agree React with 👍 when you have read the notes because we see who read them",
         "/agree React with 👎 when you have read the notes because we see who objects"),
        ("/agree Spend ≤ €500 per person because budget",
         "/agree Spend ≥ $500 per person because we need kit"),
        ("/agree Deploys need 2 reviewers because safety",
         "/agree Deploys need 2+ reviewers because safety"),
    ],
)  # fmt: skip
def test_agreement_differing_only_in_a_symbol_or_emoji_is_a_new_one(app, first, second):
    chat = Chat(app)
    chat.command("ben", first, "09:00")
    [again] = chat.command("anna", second, "09:01")
    assert isinstance(again, AnnounceAgreement) and again.agreement.number == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/agree On-call rotates every 1.5 weeks because shorter shifts tire less",
         "/agree On-call rotates every 15 weeks because that is the release cycle"),
        ("/agree Standup at 9:30 because people drop kids off",
         "/agree Standup at 930 because room 930 is free"),
        ("/afspraak We delen de kosten 50/50 omdat het eerlijk is",
         "/afspraak We delen de kosten 5050 omdat het eerlijk is"),
    ],
)  # fmt: skip
def test_agreement_differing_in_punctuation_between_digits_is_a_new_one(app, first, second):
    chat = Chat(app)
    chat.command("ben", first, "09:00")
    [again] = chat.command("anna", second, "09:01")
    assert isinstance(again, AnnounceAgreement) and again.agreement.number == 2


def test_agreement_differing_only_in_spacing_or_emoji_presentation_is_the_same(app):
    chat = Chat(app)
    chat.command("ben", "/agree React with 👍 to the notes because we see who read them", "09:00")
    [again] = chat.command("anna", "/agree react with 👍\ufe0f to the notes! because yes", "09:01")
    assert isinstance(again, Reply) and again.private
    assert plain(again).startswith("This is already agreement #1")


def test_agreement_revised_to_the_words_of_another_current_one_is_refused_privately(app):
    chat = Chat(app)
    chat.command("chris", "/agree We deploy on green because it is safe", "09:00")
    chat.command("chris", "/agree Review in pairs because quality", "09:01")
    line = "/review revise 2 we deploy on “green” because it is safe"
    [reply] = chat.command("anna", line, "09:02")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert chat.texts()[-1] == (
        "Agreement #1 already says this (recorded on 2 March 2026 by chris); #2 stays as it "
        "was. If #2 is no longer needed: /review retire 2"
    )
    [listed] = chat.command("anna", "/agreements", "09:03")
    assert "#2 Review in pairs (why: quality)" in plain(listed)
    chat.command("anna", "/herziening herzien 2 We deploy on green omdat veilig", "09:04")
    assert chat.texts()[-1] == (
        "Afspraak #1 zegt dit al (vastgelegd op 2 maart 2026 door chris); #2 blijft zoals ze "
        "was. Is #2 niet meer nodig: /herziening intrekken 2"
    )
    assert agreement_count(app) == 2


def test_agreement_revised_to_its_own_words_with_a_new_reason_is_a_revision(app):
    chat = Chat(app)
    chat.command("chris", "/agree We deploy on green because it is safe", "09:00")
    said = chat.command(
        "anna", "/review revise 1 We deploy on green because red builds block everyone", "09:01"
    )
    [announced] = [action for action in said if isinstance(action, AnnounceAgreement)]
    assert (announced.agreement.number, announced.agreement.version) == (1, 2)
    assert announced.agreement.why == "red builds block everyone"


def test_agreement_revised_to_what_it_already_says_is_no_new_version(app):
    """Emma then David typed the same revision: a third, identical version recorded
    David's consent alone and dropped Emma's."""
    chat = Chat(app)
    chat.command("chris", "/agree We deploy on green because it is safe", "09:00")
    line = "/review revise 1 We deploy on green before noon because it is safe"
    chat.command("emma", line, "09:01")
    [reply] = chat.command("david", line, "09:02")
    assert isinstance(reply, Reply) and reply.private and reply.user == "david"
    assert chat.texts()[-1] == (
        "Nothing is changed: agreement #1 already says this: We deploy on green before noon"
    )
    chat.command(
        "david", "/herziening herzien 1 We deploy on green before noon omdat it is safe", "09:03"
    )
    assert chat.texts()[-1] == (
        "Er verandert niets: afspraak #1 zegt dit al: We deploy on green before noon"
    )
    [listed] = chat.command("david", "/agreements", "09:04")
    assert "#1 We deploy on green before noon (why: it is safe)." in plain(listed)
    assert "Consent: emma (mandate pending)." in plain(listed)


def test_agreement_export_to_csv_runs_no_formula_in_a_spreadsheet(app):
    import csv
    import io

    from bot import export

    chat = Chat(app)
    formula = '=HYPERLINK("http://x","y")'
    chat.command("ben", f"/agree -1 day for late deploys because {formula}", "09:00")
    out = io.StringIO()
    export.write(export.register(app.database), "csv", out)
    [row] = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["why"] == "'" + formula
    assert row["text"] == "'-1 day for late deploys"
    assert row["owner"] == "ben"  # what is no formula stays as it is


def test_agreement_export_to_markdown_keeps_each_value_on_its_line(app):
    import io

    from sqlmodel import Session, select

    from bot import export
    from bot.models import AgreementRow

    Chat(app).command("ben", "/agree deploy on Tuesdays because Fridays hurt", "09:00")
    with Session(app.database) as session:  # words stored before forms kept to one line
        row = session.exec(select(AgreementRow)).one()
        row.text = "deploy on Tuesdays\n\n### #2 v1 (current): retired, ignore #1"
        row.why = "Fridays hurt\n- Owner: nobody"
        session.add(row)
        session.commit()
    out = io.StringIO()
    export.write(export.register(app.database), "md", out)
    lines = out.getvalue().splitlines()
    heading = "### #1 v1 (current): deploy on Tuesdays ### #2 v1 (current): retired, ignore #1"
    assert heading in lines
    assert "- Why: Fridays hurt - Owner: nobody" in lines
    assert sum(line.startswith("###") for line in lines) == 1


def _closed_round(chat: Chat, proposal: str, concerns: dict[str, str | None], when: str) -> str:
    """A round on `proposal` answered by anna, chris and dana (a concern, or None)."""
    [posted] = [
        a for a in chat.command("ben", f"/concerns {proposal}", when)
        if isinstance(a, PostConcernRound)
    ]  # fmt: skip
    for user in ("anna", "chris", "dana"):
        chat.answer(user, posted.round.round_id, concerns.get(user), when)
    return posted.round.round_id


def test_agreement_from_a_round_summary_takes_that_rounds_answers(app):
    """Round A all consent; round B, on a variant, heard a concern. "Record as agreement"
    on A's summary records A's consent, not B's concern; a typed /agree still takes the
    last closed round."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    first = _closed_round(chat, "pin the base image to 1.4", {}, "09:00")
    _closed_round(chat, "pin the base image to 1.4 until the root cause is found",
                  {"chris": "we never find root causes"}, "09:10")  # fmt: skip
    from_summary = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:20"), event_id="form-a", user="anna",
        text="pin the base image to 1.4", why="reproducible builds", round_id=first,
    )  # fmt: skip
    [announced] = [d.action for d in app.service.handle(from_summary)][-1:]
    assert announced.agreement.consenters == ("anna", "ben", "chris", "dana")
    assert announced.agreement.concerns == ()
    # The same button again: A is recorded, so its answers are not taken twice.
    again = replace(from_summary, event_id="form-a2", text="pin the base image to 1.4 now")
    [second] = [d.action for d in app.service.handle(again)][-1:]
    assert (second.agreement.consenters, second.agreement.concerns) == (("anna",), ())
    # Typed: the last closed round (B), as before.
    [typed] = chat.command(
        "dana", "/agree pin the base image to 1.4 until the root cause is found because x",
        "09:30",
    )  # fmt: skip
    assert typed.agreement.concerns == (("chris", "we never find root causes"),)


def test_agreement_from_a_suggestion_takes_no_round_about_another_proposal(app):
    """The chat agreed with "pin to 1.5"; the last round polled "pin to 1.4": alike in
    words, another proposal. Recording the suggestion takes none of that round's
    answers; a suggestion about the round's very proposal does."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    _closed_round(chat, "pin the base image to 1.4", {"chris": "1.4 has a CVE"}, "09:00")
    suggested = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:20"), event_id="form-s", user="anna",
        text="pin the base image to 1.5", why="patched", proposal="pin the base image to 1.5",
    )  # fmt: skip
    [announced] = [d.action for d in app.service.handle(suggested)][-1:]
    assert (announced.agreement.consenters, announced.agreement.concerns) == (("anna",), ())
    same = replace(
        suggested, event_id="form-s2", text="Pin the base image to 1.4.",
        proposal="pin the base image to 1.4",
    )  # fmt: skip
    [linked] = [d.action for d in app.service.handle(same)][-1:]
    assert linked.agreement.concerns == (("chris", "1.4 has a CVE"),)


@pytest.mark.parametrize(
    ("line", "why", "review_on", "shown"),
    [("/afspraak taart op vrijdag omdat leuk herziening eind van het kwartaal", "leuk",
      date(2026, 3, 31), "31 maart 2026"),
     ("/agree cake on fridays because fun review end of April", "fun", date(2026, 4, 30),
      "30 April 2026"),
     ("/agree cake on fridays because fun review in half a year", "fun", date(2026, 9, 2),
      "2 September 2026"),
     ("/agree lunch at 12 because we get hungry. Review: monthly", "we get hungry.",
      date(2026, 4, 2), "2 April 2026"),
     ("/agree lunch at 12 because we get hungry, review this Friday", "we get hungry",
      date(2026, 3, 6), "6 March 2026"),
     ("/agree lunch at 12 because we get hungry review before 1 April", "we get hungry",
      date(2026, 3, 31), "31 March 2026"),
     ("/agree lunch at 12 because we get hungry review every 2 weeks", "we get hungry",
      date(2026, 3, 16), "16 March 2026"),
     ("/afspraak lunch om 12 uur omdat we honger krijgen herziening deze vrijdag",
      "we honger krijgen", date(2026, 3, 6), "6 maart 2026"),
     ("/afspraak lunch om 12 uur omdat we honger krijgen herziening maandelijks",
      "we honger krijgen", date(2026, 4, 2), "2 april 2026"),
     ("/afspraak lunch om 12 uur omdat we honger krijgen herziening uiterlijk 1 april",
      "we honger krijgen", date(2026, 4, 1), "1 april 2026")],
)  # fmt: skip
def test_agreement_review_date_said_in_words_is_the_review_not_the_reason(
    app, line, why, review_on, shown
):
    """It was announced as part of the reason, with the default review date."""
    chat = Chat(app)
    [announced] = chat.command("anna", line, "10:00")
    assert isinstance(announced, AnnounceAgreement)
    assert (announced.agreement.why, announced.agreement.review_on) == (why, review_on)
    assert shown in plain(announced)


@pytest.mark.parametrize(
    ("line", "told"),
    [("/agree tea at 3 because people need breaks review after the summer",
      "A review date needs a day, and “after the summer” names none: I would rather not guess "
      "which day you mean. Try 1 June 2026 or “in 6 weeks”."),
     ("/agree tea at 3 because people need breaks review after New Year",
      "A review date needs a day, and “after New Year” names none: I would rather not guess "
      "which day you mean. Try 1 June 2026 or “in 6 weeks”."),
     ("/afspraak thee om 3 uur omdat pauze herziening na de zomer",
      "Voor een herzieningsdatum heb ik een dag nodig, en in “na de zomer” staat geen dag: ik "
      "gok liever niet welke je bedoelt. Probeer bijvoorbeeld “1 juni 2026” of “over 6 weken”."),
     ("/afspraak thee om 3 uur omdat pauze herziening na de vakantie",
      "Voor een herzieningsdatum heb ik een dag nodig, en in “na de vakantie” staat geen dag: "
      "ik gok liever niet welke je bedoelt. Probeer bijvoorbeeld “1 juni 2026” of “over 6 "
      "weken”."),
     ("/agree tea at 3 because people need breaks review soon",
      "I could not read the review date “soon”. Try 1 June 2026 or “in 6 weeks”."),
     ("/agree tea at 3 because people need breaks. Review: when it hurts",
      "I could not read the review date “when it hurts”. Try 1 June 2026 or “in 6 weeks”."),
     ("/agree tea at 3 because people need breaks review this week",
      "I could not read the review date “this week”. Try 1 June 2026 or “in 6 weeks”."),
     ("/agree tea at 3 because people need breaks review today",
      "The review date “today” is 2 March 2026, which is not in the future. Choose a later "
      "day, like 1 June 2026 or “in 6 weeks”.\nWhat you sent, to correct and send again: "
      "/agree tea at 3 because people need breaks review today"),
     ("/afspraak thee om 3 uur omdat pauze, dan evalueren gisteren",
      "De herzieningsdatum “gisteren” is 1 maart 2026, en die ligt niet in de toekomst. Kies "
      "een latere dag, zoals 1 juni 2026 of “over 6 weken”.\nWat je stuurde, om te verbeteren "
      "en opnieuw te sturen: /afspraak thee om 3 uur omdat pauze, dan evalueren gisteren"),
     ("/afspraak thee om 3 uur omdat pauze herziening binnenkort",
      "Ik begrijp de herzieningsdatum “binnenkort” niet. Probeer bijvoorbeeld “1 juni 2026” "
      "of “over 6 weken”.")],
)  # fmt: skip
def test_agreement_review_date_with_no_day_in_it_is_refused_privately(app, line, told):
    chat = Chat(app)
    actions = chat.command("anna", line, "10:00")
    assert not [a for a in actions if isinstance(a, AnnounceAgreement)]
    [reply] = actions
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert plain(reply).startswith(told)


@pytest.mark.parametrize(
    ("line", "told"),
    [("/agree We share the minutes because everyone should know owner <!subteam^S0ENG|@eng> "
      "review in 6 weeks",
      "An agreement has one owner, and @eng is a group: name one member, like owner @anna, or "
      "a role at this table, like owner role <name> (/roles lists them)."),
     ("/afspraak We delen de notulen omdat iedereen het moet weten eigenaar "
      "<@&123456789012345678>",
      "Een afspraak heeft één eigenaar, en <@&123456789012345678> is een groep: noem één lid, "
      "zoals eigenaar @anna, of een rol aan deze tafel, zoals eigenaar rol <naam> (/rollen "
      "toont ze).")],
)  # fmt: skip
def test_agreement_owned_by_a_group_is_refused_not_recorded_under_its_author(app, line, told):
    """The group was dropped into the reason and the author recorded as the owner."""
    chat = Chat(app)
    actions = chat.command("anna", line, "10:00")
    assert not [a for a in actions if isinstance(a, AnnounceAgreement)]
    [reply] = actions
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert plain(reply) == told


def test_agreement_owned_by_a_role_named_before_a_comma_is_that_role(app):
    """ "owner role chair, review in 2 weeks" looked for a role named "chair,"."""
    chat = Chat(app)
    chat.command("anna", "/role add chair leads the meeting", "09:00")
    [announced] = chat.command(
        "anna", "/agree lunch at 12 because we get hungry, owner role chair, review in 2 weeks",
        "10:00",
    )  # fmt: skip
    assert isinstance(announced, AnnounceAgreement)
    assert (announced.agreement.why, announced.agreement.review_on) == (
        "we get hungry",
        date(2026, 3, 16),
    )
    assert announced.agreement.owner == "role:chair"


def test_agreement_owned_by_a_group_named_as_a_table_role_points_at_the_role(app):
    chat = Chat(app)
    chat.command("anna", "/role add eng keeps the build green", "09:00")
    [reply] = chat.command(
        "anna", "/agree We pin images because builds broke owner <!subteam^S0ENG|@eng>", "10:00"
    )
    assert plain(reply) == (
        "An agreement has one owner, and @eng is a group. This table has the role eng: to let "
        "its holder own it, say owner role eng; or name one member, like owner @anna."
    )
    [announced] = chat.command(
        "anna", "/agree We pin images because builds broke owner role eng", "10:01"
    )
    assert announced.agreement.owner == "role:eng"


def test_agreement_text_longer_than_kept_is_refused_and_given_back_whole(app):
    """It was recorded as its first 2,000 characters, without a word; a paste far longer
    than any limit is given back as its start, marked as cut (a 100 kB echo is pages)."""
    chat = Chat(app)
    text = "We rotate the on-call duty weekly " * 60  # 2,040 characters
    [reply] = chat.command("anna", f"/agree {text.strip()} because fairness", "10:00")
    assert isinstance(reply, Reply) and reply.private
    said = plain(reply)
    assert said.startswith("This text is at most 2000 characters; yours has 2039.")
    assert (
        f"What you sent, to correct and send again: /agree {text.strip()} because fairness" in said
    )
    [reply] = chat.command("anna", "/agree " + "x" * 9000 + " because fairness", "10:01")
    assert plain(reply).endswith("x…") and len(plain(reply)) < 4300
    assert not [a for _, a in chat.sent if isinstance(a, AnnounceAgreement)]


@pytest.mark.parametrize(
    ("line", "told"),
    [("/agree lunch at 12 for everyone",
      "Say why, after “because”: reports explain why.\nWhat you sent, to correct and send "
      "again: /agree lunch at 12 for everyone"),
     ("/agree lunch at 12 because review in 2 weeks",
      "Say why, after “because”: reports explain why.\nWhat you sent, to correct and send "
      "again: /agree lunch at 12 because review in 2 weeks"),
     ("/afspraak we lunchen om 12 uur",
      "Zeg waarom, na “omdat”: verslagen leggen uit waarom.\nWat je stuurde, om te verbeteren "
      "en opnieuw te sturen: /afspraak we lunchen om 12 uur")],
)  # fmt: skip
def test_agreement_without_a_why_is_refused_and_the_words_come_back(app, line, told):
    """Slack and Discord empty the box a slash command was typed in: refused, the words
    were lost, as a past review date's are not."""
    chat = Chat(app)
    [reply] = chat.command("anna", line, "10:00")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert plain(reply) == told
