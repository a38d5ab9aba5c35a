"""The interactive console, driven by scripted lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from adapters.console.console import ConsoleChat
from adapters.console.output import as_record
from bot.models import CorrectionRow
from rules.actions import AgreementView, AnnounceAgreement
from tests.conftest import bot_on, make_app

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chat(tmp_path, rule_classifier):
    app = make_app(f"sqlite:///{tmp_path}/console.db", rule_classifier)
    shown: list[str] = []
    return ConsoleChat(app, start=START, write=shown.append), shown, app


def test_console_nudge_appears_after_waiting(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "The staging deploy is broken again", "/wait 11m", "/quit", "never"])
    text = "\n".join(shown)
    assert "[bot → ben, privately]" in text
    assert "> The staging deploy is broken again" in text


def test_console_nudge_comes_when_a_long_wait_passes_its_time(tmp_path, rule_classifier):
    """/wait 2h passes the nudge's time by almost two hours: it fires as it was due, not
    as a timer the bot was down for and that came too late."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "The staging deploy is broken again", "/wait 2h", "/report"])
    text = "\n".join(shown)
    assert "[bot → ben, privately]" in text
    assert "> The staging deploy is broken again" in text


def test_console_several_people_a_round_and_an_agreement(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        [
            "/as anna", "morning", "/as chris", "hi", "/as ben",
            "/concerns pin the base image", "/as anna", "/concern none",
            "/as chris", "/concern none", "/as ben",
            "/agree pin the base image because deploys broke",
        ]
    )  # fmt: skip
    text = "\n".join(shown)
    assert "2 of 2 answered" not in text  # the closing summary says it instead
    assert "No open concerns. Record this as an agreement?" in text
    assert "Agreement #1: pin the base image" in text
    assert (
        "Consent: ben (mandate pending), anna (mandate pending) and chris (mandate pending)."
        in text
    )


def test_console_a_table_that_answers_a_round_with_plain_consent_is_offered_the_agreement(
    tmp_path, rule_classifier
):
    """ "sounds good", "fine by me", "mee eens": no concern, so no "open concerns" and the
    offer to record follows, as after "/concern none"."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run([
        "/as anna", "morning", "/as chris", "hi", "/as dana", "hoi", "/as ben",
        "/concerns pin the base image", "/as anna", "/concern sounds good",
        "/as chris", "/concern fine by me", "/as dana", "/zorg mee eens",
    ])  # fmt: skip
    text = "\n".join(shown)
    assert "Concern from" not in text and "Some concerns are still open" not in text
    assert "No open concerns. Record this as an agreement?" in text


def test_console_threads_and_corrections(tmp_path, rule_classifier):
    console, shown, app = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "The staging deploy is broken again", "/thread 1", "fixing the yaml now",
         "/correct 2 proposal", "/wait 20m"]
    )  # fmt: skip
    assert not any("privately" in line for line in shown)  # corrected to a proposal in time
    with Session(app.database) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    assert (correction.text, correction.label, correction.applies) == (
        "fixing the yaml now", "proposal", True,
    )  # fmt: skip


def test_console_a_second_session_on_the_same_database_hears_its_messages(
    tmp_path, rule_classifier
):
    """`make console` keeps its table in DATABASE_URL's database. A second session's
    messages were numbered from #1 again and taken for the first session's: its problem
    was never nudged about, nor could a "/thread 1" there be told apart."""
    url = f"sqlite:///{tmp_path}/console.db"
    first: list[str] = []
    with bot_on(url, rule_classifier) as app:
        ConsoleChat(app, start=START, write=first.append).run(
            ["/as ben", "The staging deploy is broken again", "/wait 11m"]
        )
    assert "> The staging deploy is broken again" in "\n".join(first)
    second: list[str] = []
    with bot_on(url, rule_classifier) as app:
        ConsoleChat(app, start=START + timedelta(hours=3), write=second.append).run(
            ["/as ben", "The printer on floor 2 is broken again", "/wait 11m"]
        )
    assert "  #1" in second  # numbered from 1 again, as shown to the person typing
    assert "> The printer on floor 2 is broken again" in "\n".join(second)


def test_console_bad_input_is_explained(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/wait forever", "/thread 99", "/correct x", "/agree", "/as"])
    text = "\n".join(shown)
    assert "(say how long" in text and "(no message #99" in text
    assert "Usage: /agree" in text


def test_console_explain_shows_a_message_read_after_the_one_before_it(tmp_path):
    from rules.classifier.trained import TrainedClassifier

    app = make_app(f"sqlite:///{tmp_path}/console.db", TrainedClassifier.load())
    shown: list[str] = []
    console = ConsoleChat(app, start=START, write=shown.append)
    console.run(
        ["/as ben", "shall we move the stand-up to 9:30?", "/as anna", "de printer is kapot",
         "/thread 1", "fine by me", "/explain 3", "/explain 2", "/explain 9", "/explain"]
    )  # fmt: skip
    text = "\n".join(shown)
    # #3 is a reply in #1's thread: read after #1, not after #2
    assert "“fine by me” (read after “shall we move the stand-up to 9:30?”)" in text
    assert "“de printer is kapot” (read after “shall we move the stand-up to 9:30?”)" in text
    assert "the message before" in text
    assert text.count("(usage: /explain N, where #N is a message)") == 2


def test_console_explain_needs_a_classifier_with_weights(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["the deploy is broken", "/explain 1"])
    assert "  (the rules classifier has no weights to explain)" in shown


def test_console_why_after_a_nudge_names_the_words(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "The staging deploy is broken again", "/wait 11m", "/why"])
    nudge, why = shown[-2], shown[-1]
    assert "Why did I think so? /why." in nudge
    assert why.startswith("[bot → ben, only they see this]")
    assert "mostly because of “is broken again”." in why


def test_console_shows_a_report_asked_for_as_private_and_a_meetings_report_as_posted(
    tmp_path, rule_classifier
):
    """/report answers only the person who asked (as on Slack and Discord); the report at
    a meeting's end is posted in the channel."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "/report", "/meeting start", "/meeting end"])
    reports = [s for s in shown if "Report of" in s]
    assert reports[0].startswith("[bot → ben, only they see this]\n    Report of this table.")
    assert reports[1].startswith("[bot in #general]\n    Report of the meeting")


def posted_problems(shown: list[str]) -> list[list[str]]:
    """The lines under "Problems still without a proposal:" of each report posted in the
    channel."""
    found = []
    for post in shown:
        if post.startswith("[bot in #general]") and "Report of the meeting" in post:
            lines = [line.strip() for line in post.splitlines()]
            start = lines.index("Problems still without a proposal:") + 1
            end = next(n for n in range(start, len(lines)) if lines[n].endswith(":"))
            found.append(lines[start:end])
    return found


def test_console_meeting_report_in_the_channel_names_nobody_beside_a_problem(
    tmp_path, rule_classifier
):
    """The bot promises to remind "once, privately, never in public". Seconds after ben
    names a problem, and while he has snoozed it, the report posted in the channel does
    not list it; an hour after his nudge, unanswered, it is the table's open question,
    still without his name."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as anna", "/meeting start", "/as ben", "The staging deploy is broken again",
         "/as anna", "/meeting end",  # seconds later, before his nudge
         "/wait 11m", "/as ben", "/snooze 3h", "/as anna", "/wait 2h",
         "/meeting start", "/meeting end",  # snoozed
         "/wait 2h10m", "/meeting start", "/meeting end"]  # reminded an hour ago, no answer
    )  # fmt: skip
    assert posted_problems(shown) == [
        ["none"],
        ["none"],
        ["“The staging deploy is broken again”"],
    ]
    public = "\n".join(s for s in shown if s.startswith("[bot in #general]"))
    assert "ben: The staging deploy" not in public


def test_console_shows_a_decided_review_as_an_edit_of_the_review_message(tmp_path, rule_classifier):
    """On Slack and Discord the review message loses its buttons and says what was
    decided: the console shows that as the earlier message changing, not as a new one."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "/tafel taal nl",
         "/afspraak we pinnen de image omdat deploys braken review in 2 weeks", "/wait 15d",
         "/herziening behouden 1"]
    )  # fmt: skip
    decided = "    Besloten: ben heeft afspraak #1 behouden."
    assert decided in shown[-2]
    assert shown[-2].startswith("[bot updates its review message of agreement #1 in #general]")
    assert shown[-1].startswith("[bot in #general]\n    ben heeft afspraak #1 behouden")


def test_console_review_prompt_names_the_commands_that_answer_it(tmp_path, rule_classifier):
    """Without buttons the review said only "Keep it, revise it or retire it.", where every
    other prompt names its command; the named command, typed, decides."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run([
        "/as anna", "/agree Lunch at 12 because we get hungry review in 1 week", "/wait 8d",
        "/tafel", "/afspraak Koffie om 10 omdat we moe zijn herziening over 1 week", "/wait 8d",
    ])  # fmt: skip
    text = "\n".join(shown)
    assert (
        "Keep it, revise it or retire it: /review keep 1, /review revise 1 <new text> because "
        "<why>, or /review retire 1." in text
    )
    assert (
        "Behouden, herzien of intrekken: /herziening behouden 2, /herziening herzien 2 <nieuwe "
        "tekst> omdat <waarom>, of /herziening intrekken 2." in text
    )
    console.run(["/review keep 1", "/herziening intrekken 2"])
    assert "Decided: anna kept agreement #1." in "\n".join(shown)
    assert "Besloten: anna heeft afspraak #2 ingetrokken." in "\n".join(shown)


def test_console_edits_a_review_message_in_the_language_it_was_shown_in(tmp_path, rule_classifier):
    """The review was shown in Dutch; the table chose English before ben kept it: the
    table hears it in English, the review message's edit stays Dutch."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "/tafel taal nl",
         "/afspraak we pinnen de image omdat deploys braken review in 2 weeks", "/wait 15d",
         "/table language en", "/review keep 1"]
    )  # fmt: skip
    assert shown[-2].startswith("[bot updates its review message of agreement #1 in #general]")
    assert shown[-2].endswith("    Besloten: ben heeft afspraak #1 behouden.")
    assert shown[-1].startswith("[bot in #general]\n    ben kept agreement #1")


def test_console_shows_round_progress_as_an_edit_of_the_round_message(tmp_path, rule_classifier):
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as anna", "hi", "/as chris", "hi", "/as ben", "/concerns pin the base image",
         "/as anna", "/concern none"]
    )  # fmt: skip
    assert shown[-1] == (
        "[bot updates its concern round message in #general]\n"
        "    1 of 2 answered; waiting for chris."
    )


def test_console_someone_who_only_typed_commands_is_at_the_table(tmp_path, rule_classifier):
    """Anna never posts a message, only commands: she is a member all the same, so her
    mandate is listed and the meeting's end asks her to set one too (none has one)."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "hello all", "/as chris", "hi", "/as anna", "/meeting start",
         "/agree Retry flaky tests once because the builds fail randomly", "/mandate",
         "/meeting end"]
    )  # fmt: skip
    text = "\n".join(shown)
    assert "Mandates at this table:\n    anna: no mandate given yet" in text
    assert (
        "Ground rule 2: everyone at the table has a mandate to make agreements. Nobody here "
        "has one yet: I have asked each of you privately to say what you may agree to" in text
    )
    assert (
        "[bot → anna, ben, chris, privately]\n    The meeting has ended, and you have no "
        "mandate here yet." in text
    )
    assert "renews their mandate" not in text


def test_console_shows_no_edit_of_a_review_message_it_never_showed(tmp_path, rule_classifier):
    """/review typed before the review is due: no review message was posted, so there is
    none to update; the decision itself is still said."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "/agree we pin the image because deploys broke", "/review keep 1"])
    text = "\n".join(shown)
    assert "review message" not in text
    assert shown[-1].startswith("[bot in #general]\n    ben kept agreement #1")


def test_console_a_few_unknown_words_do_not_replace_a_mandate(tmp_path, rule_classifier):
    """Typing "/mandate oké" after a meeting posted "… with this mandate: oké" and lost the real
    one; words the grammar does not know as an answer are kept private when few."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as pieter", "/tafel aanschuiven Gemeente Utrecht",
         "/mandaat afspraken over huisvesting tot 10 woningen", "/vergadering start",
         "/vergadering einde", "/mandaat oké", "/mandaat nog niet, eerst overleggen",
         "/as sarah", "/table join Gemeente Utrecht", "/mandate pilots up to 20k euro",
         "/mandate it's unchanged", "/mandate waiting for my director",
         '/mandate "pilots up to 30k"', "/mandate"]
    )  # fmt: skip
    text = "\n".join(shown)
    assert "met dit mandaat: oké" not in text
    assert "with this mandate: it's unchanged" not in text
    assert "Je mandaat blijft: afspraken over huisvesting tot 10 woningen" in text
    assert "Your mandate stays: pilots up to 20k euro" in text
    assert "pieter: afspraken over huisvesting tot 10 woningen (renewed" in text
    assert "sarah: pilots up to 30k (renewed" in text


def test_console_a_renewal_said_again_is_answered_privately(tmp_path, rule_classifier):
    """Renewing twice after one meeting is one renewal: the table hears it once, and the
    second time only the one who typed it is told."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "hello", "/as pieter", "/mandaat afspraken tot 10 woningen",
         "/vergadering start", "/vergadering einde", "/mandaat vernieuwen",
         "/mandaat vernieuwen"]
    )  # fmt: skip
    assert [s for s in shown if "Mandaat vernieuwd" in s] == [
        "[bot in #general]\n    pieter\n    Mandaat vernieuwd: afspraken tot 10 woningen"
    ]
    assert shown[-1] == (
        "[bot → pieter, only they see this]\n"
        "    Al vernieuwd: afspraken tot 10 woningen. Er is niets veranderd."
    )


def test_console_shows_reminders_as_private_and_a_private_report_whole(tmp_path, rule_classifier):
    """Slack and Discord send a round's reminders to those who have not answered, one by
    one, and the one who asked for /report the whole report: the console showed the
    reminders as posted in the channel and only the report's short form."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    agreed = [f"/agree we do chore {n} weekly because reason {n}" for n in range(1, 8)]
    console.run(["/as ben", *agreed, "/as ann", "/concerns we move standup to ten",
                 "/wait 1d", "/as ben", "/report"])  # fmt: skip
    reminders = [s for s in shown if "A friendly reminder" in s]
    assert reminders and all(s.startswith("[bot → ben, privately]") for s in reminders)
    [report] = [s for s in shown if "Report of this table" in s]
    assert report.startswith("[bot → ben, only they see this]")
    assert "#7 we do chore 7 weekly" in report and "see the full report" not in report


def test_console_renewal_reminders_speak_each_members_mandates_language(tmp_path, rule_classifier):
    """pieter ends the meeting in Dutch; sarah wrote her mandate in English: her reminder,
    about her own mandate, is in English, his in Dutch."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as sarah", "/mandate agree on joint drop-in hours", "/as pieter",
         "/mandaat afspraken over de inloop tot 5000 euro", "/vergadering start",
         "/vergadering einde", "/wait 1d"]
    )  # fmt: skip
    first = next(s for s in shown if "privately]" in s).splitlines()
    assert first[:2] + first[3:5] == [
        "[bot → pieter, privately]",
        "    Een vriendelijke herinnering: de vergadering is voorbij. Wil je je mandaat "
        "vernieuwen?",
        "[bot → sarah, privately]",
        "    A friendly reminder: the meeting has ended; please renew your mandate.",
    ]


def test_console_not_a_problem_names_its_undo_and_it_takes_it_back(tmp_path, rule_classifier):
    """The console has no buttons: the thanks names the command that takes it back."""
    console, shown, app = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "The staging deploy is broken again", "/wait 11m",
                 "/not-a-problem"])  # fmt: skip
    assert shown[-1].endswith("    Said by mistake? /not-a-problem undo takes it back, within "
                              "1 hour.")  # fmt: skip
    console.run(["/not-a-problem undo"])
    assert shown[-1] == (
        "[bot → ben, only they see this]\n"
        "    About your message:\n"
        "    > The staging deploy is broken again\n"
        "    Undone: I will treat your message as a problem again."
    )
    console.run(["/wait 2h"])
    assert "\n".join(shown).count("[bot → ben, privately]") == 1  # the nudge, not again
    with Session(app.database) as session:
        assert session.exec(select(CorrectionRow)).all() == []


def test_console_has_proposal_names_its_undo_and_it_takes_it_back(tmp_path, rule_classifier):
    """As "Not a problem": the thanks names /has-proposal undo, which takes it back."""
    console, shown, app = chat(tmp_path, rule_classifier)
    console.run(["/as ben", "The staging deploy is broken again", "/wait 11m",
                 "/has-proposal"])  # fmt: skip
    assert shown[-1].endswith("    Said by mistake? /has-proposal undo takes it back, within "
                              "1 hour.")  # fmt: skip
    console.run(["/has-proposal undo"])
    assert shown[-1] == (
        "[bot → ben, only they see this]\n"
        "    About your message:\n"
        "    > The staging deploy is broken again\n"
        "    Undone: your message no longer counts as a proposal, and I wait for one again."
    )
    console.run(["/wait 2h"])
    assert "\n".join(shown).count("[bot → ben, privately]") == 1  # the nudge, not again
    with Session(app.database) as session:
        assert session.exec(select(CorrectionRow)).all() == []


def test_console_shows_control_characters_in_echoed_words(tmp_path, rule_classifier):
    """Words the bot echoes are shown with their control characters written out: an ESC
    sequence pasted in would otherwise clear or retitle the terminal."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run(
        ["/as ben", "The staging deploy is broken again\x1b[2J\x1b]0;pwned\x07", "/wait 11m"]
    )
    text = "\n".join(shown)
    assert "[bot → ben, privately]" in text
    assert "> The staging deploy is broken again\\x1b[2J\\x1b]0;pwned\\x07" in text
    assert "\x1b" not in text and "\x07" not in text


def test_console_a_concern_resolved_by_its_raiser_lets_the_round_offer_the_agreement(
    tmp_path, rule_classifier
):
    """Anna raises a concern and later says it is resolved: she counts as having none,
    the summary still shows what she raised, and the offer to record follows. Someone
    who raised none is told so, privately, in the language they typed."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run([
        "/as anna", "morning", "/as chris", "hi", "/as dana", "hoi", "/as ben",
        "/concerns pin the base image", "/as anna", "/concern only after the audit",
        "/as chris", "/concern none", "/as dana", "/zorg opgelost",
        "/as anna", "/concern resolved", "/as dana", "/concern none",
    ])  # fmt: skip
    text = "\n".join(shown)
    assert "Once it is resolved, tell the round with /concern resolved." in text
    assert "Je hebt in deze ronde geen zorg geuit" in text
    assert "Thank you, your concern is marked resolved" in text
    assert "Concern from anna, since resolved: only after the audit" in text
    assert "Some concerns are still open" not in text
    assert "No open concerns. Record this as an agreement?" in text


def test_console_the_agreement_recorded_from_the_round_keeps_the_resolved_concern(
    tmp_path, rule_classifier
):
    """Recorded from that round, the agreement counts anna among those who consented and
    still says what she raised, marked resolved; its JSON record too."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run([
        "/as anna", "morning", "/as chris", "hi", "/as ben", "/concerns pin the base image",
        "/as anna", "/concern only after the audit", "/concern resolved",
        "/as chris", "/concern none", "/as ben", "/agree pin the base image because deploys broke",
    ])  # fmt: skip
    [recorded] = [s for s in shown if "Agreement recorded." in s]
    assert "Consent: ben (mandate pending), anna (mandate pending) and chris" in recorded
    assert "Concern heard from anna, since resolved: only after the audit" in recorded


def test_console_json_record_of_an_agreement_lists_resolved_concerns_only_when_there_are():
    agreement = AgreementView(
        number=1, text="pin the base image", why="deploys broke", owner="ben",
        recorded_by="ben", consenters=("ben", "anna"), concerns=(),
        review_on=START.date(), version=1, replaces=None, status="current",
        resolved_concerns=(("anna", "only after the audit"),),
    )  # fmt: skip
    announced = AnnounceAgreement(workspace="W", channel="C", lang="en", agreement=agreement)
    record = as_record(announced, START)
    assert record["concerns"] == []
    assert record["resolved_concerns"] == [{"user": "anna", "text": "only after the audit"}]
    earlier = replace(announced, agreement=replace(agreement, resolved_concerns=()))
    assert "resolved_concerns" not in as_record(earlier, START)  # as records were before


def test_console_a_dutch_meeting_opened_and_closed_in_everyday_words_reports_earlier_concerns(
    tmp_path, rule_classifier
):
    """A round asked between meetings keeps its concern open: the report at the next
    meeting's end lists it, with the day it was raised. "beginnen" and "afronden" open
    and close the meeting; ten scores are refused, privately, saying what was read."""
    console, shown, _ = chat(tmp_path, rule_classifier)
    console.run([
        "/as anna", "hoi", "/as chris", "hallo", "/as ben",
        "/zorgen we sluiten het kantoor op vrijdag",
        "/as anna", "/zorg wie neemt dan de telefoon op?",
        "/wait 1d", "/as ben", "/vergadering beginnen", "/vergadering afronden",
        "/as chris", "/evaluatie 5 5 5 5 5 5 5 5 5 5",
    ])  # fmt: skip
    [posted] = [s for s in shown if "Verslag van de vergadering" in s]
    assert posted.startswith("[bot in #general]")
    assert (
        "anna over “we sluiten het kantoor op vrijdag”: wie neemt dan de telefoon op? (geuit op "
        "2 maart 2026, voordat de vergadering begon)" in posted
    )
    assert shown[-1].startswith("[bot → chris, only they see this]")
    assert "Ik lees 10 scores (5 5 5 5 5 5 5 5 5 5); geef er negen" in shown[-1]


def test_console_help_by_either_name_lists_the_commands(tmp_path, rule_classifier):
    """/hulp, like /help and Slack's "@Groundrules hulp", asks for the commands too: the
    rules alone would leave a Dutch newcomer with "type /spelregels hulp" to try next."""
    for typed, commands in [("/hulp", "Commando's:"), ("/help", "Commands:")]:
        (tmp_path / typed.strip("/")).mkdir()
        console, shown, _ = chat(tmp_path / typed.strip("/"), rule_classifier)
        console.run(["/as ben", typed, "/quit"])
        text = "\n".join(shown)
        assert commands in text
        assert "/spelregels hulp voor de commando's" not in text
