"""What a report says (ground rule 5): only the concerns still open, the evaluation the
table gave last, with its date, and problems still without a proposal named by nobody,
in both languages."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.models import EvaluationRow
from rules.actions import AskEvaluation, Outbound, PostConcernRound, PostReport, Reply
from rules.events import CommandInvoked, EvaluationGiven
from rules.i18n import render
from tests.helpers import Chat, at, plain


def ask(chat: Chat, proposal: str, when: str, answers: dict[str, str | None]) -> str:
    [posted] = [
        a
        for a in chat.command("anna", f"/concerns {proposal}", when)
        if isinstance(a, PostConcernRound)
    ]
    for user, concern in answers.items():
        chat.answer(user, posted.round.round_id, concern, when)
    return posted.round.round_id


# The headings that follow the ones these tests read.
NEXT = (
    "Withdrawn concern rounds:",
    "Ingetrokken zorgenrondes:",
    "Problems still without a proposal:",
    "Problemen nog zonder voorstel:",
    "Reviews due:",
    "Mandates:",
    "Mandaten:",
)


def section(report: PostReport, heading: str, lang: str = "en") -> list[str]:
    """The lines under `heading`: up to the next of NEXT, or the end (the evaluation)."""
    lines = render(report.full, lang).splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i] in NEXT), len(lines))
    return lines[start:end]


def command_later(chat: Chat, days: int, user: str, line: str, when: str) -> list[Outbound]:
    """A command `days` after the test day, at `when`."""
    moment = at(when) + timedelta(days=days)
    chat.tick(moment - timedelta(microseconds=1))
    name, _, args = line.lstrip("/").partition(" ")
    event = CommandInvoked(
        workspace=chat.workspace, channel=chat.channel, at=moment, event_id=chat.event_id(),
        user=user, name=name, args=args,
    )  # fmt: skip
    return chat._deliver(chat.app.service.handle(event))


def report_of(chat: Chat, line: str, when: str) -> PostReport:
    [report] = [a for a in chat.command("anna", line, when) if isinstance(a, PostReport)]
    return report


def test_a_concern_the_table_answered_with_an_adjusted_proposal_is_no_longer_open(app):
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    chat.command("anna", "/meeting start", "09:00")
    ask(chat, "Let's open the neighbourhood desk on Tuesdays.", "09:10",
        {"bram": "Tuesdays our caretakers are not available", "carla": None})  # fmt: skip
    report = report_of(chat, "/report", "09:15")
    assert section(report, "Open concerns:") == [
        "bram on “Let's open the neighbourhood desk on Tuesdays”: Tuesdays our caretakers are "
        "not available"
    ]
    ask(chat, "Let's open the neighbourhood desk on Wednesdays instead.", "09:20",
        {"bram": None, "carla": None})  # fmt: skip
    chat.command("anna", "/agree Open the neighbourhood desk on Wednesdays because the "
                 "caretakers can join then", "09:25")  # fmt: skip
    ended = report_of(chat, "/meeting end", "10:00")
    assert section(ended, "Open concerns:") == ["none"]
    chat.tick(at("10:00") + timedelta(days=14))
    later = report_of(chat, "/report", "10:01")
    assert section(later, "Open concerns:") == ["none"]


def test_an_agreement_on_the_subject_settles_a_concern_and_one_on_another_does_not(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    ask(chat, "pin the base image to 1.4", "09:00", {"bram": "only until the fix is out"})
    chat.command("anna", "/agree tea on Friday because morale", "09:05")
    assert section(report_of(chat, "/report", "09:06"), "Open concerns:") == [
        "bram on “pin the base image to 1.4”: only until the fix is out"
    ]
    # A week later the round's answers are no longer taken as consent; the agreement on
    # its subject still answers the concern.
    [announced] = command_later(
        chat, 8, "anna", "/agree Pin the staging base image to 1.4 because deploys broke", "09:10"
    )
    assert announced.agreement.consenters == ("anna",)
    assert section(report_of(chat, "/report", "09:11"), "Open concerns:") == ["none"]


def test_a_later_round_or_agreement_naming_the_same_people_leaves_a_concern_open(app):
    """Mentions, links and emoji are nobody's subject: a round and an agreement about
    something else, to the same people, answer no concern."""
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    ask(chat, "<@bram> <@carla> :tada: we move the standup to 9:30", "09:00",
        {"bram": "my train arrives at 9:40", "carla": None})  # fmt: skip
    ask(chat, "<@bram> <@carla> :tada: buy new chairs", "09:05", {"bram": None, "carla": None})
    chat.command("anna", "/agree <@bram> <@carla> :tada: lunch together because x", "09:10")
    assert section(report_of(chat, "/report", "09:11"), "Open concerns:") == [
        "bram on “<@bram> <@carla> :tada: we move the standup to 9:30”: my train arrives at 9:40"
    ]


def test_a_withdrawn_later_round_leaves_the_earlier_concern_open(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    ask(chat, "pin the base image to 1.4", "09:00", {"bram": "only until the fix is out"})
    ask(chat, "pin the base image to 1.5", "09:05", {})
    chat.command("anna", "/concerns withdraw", "09:06")
    report = report_of(chat, "/report", "09:10")
    assert section(report, "Open concerns:") == [
        "bram on “pin the base image to 1.4”: only until the fix is out"
    ]
    assert section(report, "Open zorgen:", "nl") == [
        "bram over “pin the base image to 1.4”: only until the fix is out"
    ]


def test_the_meeting_report_shows_the_evaluation_of_the_meeting_before_with_its_date(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    chat.command("anna", "/evaluate 4 4 4 4 4 4 4 4 2 we did not listen well", "10:01")
    chat.command("bram", "/evaluatie 3 3 3 3 3 3 3 3 3 te weinig tijd", "10:02")
    command_later(chat, 7, "anna", "/meeting start", "09:00")
    ended = command_later(chat, 7, "anna", "/meeting end", "10:00")
    [report] = [a for a in ended if isinstance(a, PostReport)]
    evaluation = section(report, "Process evaluation:")
    assert evaluation[0] == "2 members scored the meeting of 2 March 2026:"
    assert "Comment: we did not listen well" in evaluation
    assert render(report.summary, "nl").splitlines()[-1] == (
        "2 leden beoordeelden de vergadering van 2 maart 2026: gemiddeld 3,4 van de 5; het "
        "laagst op “kunnen luisteren naar elkaar” (2,5)."
    )
    # Scores for the meeting just ended take its place.
    command_later(chat, 7, "anna", "/evaluate 5 5 5 5 5 5 5 5 5", "10:05")
    [later] = [
        a for a in command_later(chat, 7, "anna", "/report", "10:06") if isinstance(a, PostReport)
    ]
    assert (
        section(later, "Process evaluation:")[0] == "One member scored the meeting of 9 March 2026:"
    )


def test_the_thanks_for_an_evaluation_says_where_it_will_show_in_both_languages(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    [english] = chat.command("anna", "/evaluate 4 4 4 4 4 4 4 4 4", "10:01")
    [dutch] = chat.command("bram", "/evaluatie 3 3 3 3 3 3 3 3 3", "10:02")
    assert isinstance(english, Reply) and english.private
    assert plain(english) == (
        "Thank you. Your evaluation will show, with everyone's, in the next report."
    )
    assert plain(dutch) == (
        "Dank je. Je evaluatie komt samen met die van de anderen in het volgende verslag."
    )


def test_a_sentence_quoted_in_a_report_line_brings_no_doubled_punctuation(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree Tea on Friday. because morale review in 3 days", "09:00")
    ask(chat, "Let's open the desk on Tuesdays.", "09:05", {"bram": "not on Tuesdays"})
    lines = render(report_of(chat, "/report", "09:10").full, "en").splitlines()
    assert lines[2] == (
        "#1 Tea on Friday — why: morale. Owner: anna; review 5 March 2026; mandate pending for "
        "anna."
    )
    assert "bram on “Let's open the desk on Tuesdays”: not on Tuesdays" in lines
    assert "#1 Tea on Friday: review on 5 March 2026" in lines


def scores_kept(chat: Chat) -> dict[str, list[int]]:
    with Session(chat.app.database) as session:
        return {row.user: row.scores for row in session.exec(select(EvaluationRow)).all()}


def test_an_evaluation_with_ten_scores_is_refused_privately_saying_what_was_read(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    chat.command("anna", "/meeting end", "10:00")
    [refused] = chat.command("ben", "/evaluate 5 5 5 5 5 5 5 5 5 5", "10:01")
    assert isinstance(refused, Reply) and refused.private and refused.user == "ben"
    assert "I read 10 scores (5 5 5 5 5 5 5 5 5 5); give nine, from 1 to 5" in plain(refused)
    [dutch] = chat.command("ben", "/evaluatie 4 4 4 4 4 4 4 4 goed", "10:02")
    assert "Ik lees 8 scores (4 4 4 4 4 4 4 4); geef er negen" in plain(dutch)
    assert scores_kept(chat) == {}  # nothing kept, nothing shifted into the comment


def test_a_second_evaluation_says_which_scores_it_replaces_in_both_languages(app):
    chat = Chat(app)
    chat.command("anna", "/meeting start", "09:00")
    [ask] = [
        a for a in chat.command("anna", "/meeting end", "10:00") if isinstance(a, AskEvaluation)
    ]
    [first] = chat.command("ben", "/evaluate 1 1 1 1 1 1 1 1 1", "10:01")
    assert "replaces" not in plain(first)
    [second] = chat.command("ben", "/evaluate 5 5 5 5 5 5 5 5 4 better", "10:02")
    assert second.private and plain(second) == (
        "Thank you. Your evaluation will show, with everyone's, in the next report. It "
        "replaces your earlier evaluation of this meeting (scores 1 1 1 1 1 1 1 1 1)."
    )
    # From the meeting's form, in Dutch: the same, about the scores just given.
    given = EvaluationGiven(
        workspace=chat.workspace, channel=chat.channel, at=at("10:03"), event_id="form-1",
        user="ben", scores=(3,) * 9, meeting_id=ask.meeting_id, lang="nl",
    )  # fmt: skip
    [third] = [d.action for d in app.service.handle(given)]
    assert plain(third).endswith(
        "Deze vervangt je eerdere evaluatie van deze vergadering (scores 5 5 5 5 5 5 5 5 4)."
    )
    assert scores_kept(chat) == {"ben": [3] * 9}
    # Another member's evaluation replaces nothing of theirs.
    [other] = chat.command("anna", "/evaluate 4 4 4 4 4 4 4 4 4", "10:04")
    assert "replaces" not in plain(other)


def test_a_meetings_report_lists_concerns_still_open_from_before_the_meeting(app):
    """Open concerns are a state: the report at a meeting's end lists each one nothing
    settled, also those raised before the meeting (with the day they were raised)."""
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    ask(chat, "We close the office on Fridays.", "09:00",
        {"bram": "who answers the phone then?", "carla": None})  # fmt: skip
    command_later(chat, 1, "anna", "/meeting start", "09:00")
    command_later(chat, 1, "anna", "/concerns tea at ten", "09:10")
    command_later(chat, 1, "carla", "/concern not for the night shift", "09:15")
    [ended] = [
        a for a in command_later(chat, 1, "anna", "/meeting end", "10:00")
        if isinstance(a, PostReport)
    ]  # fmt: skip
    assert section(ended, "Open concerns:") == [
        "bram on “We close the office on Fridays”: who answers the phone then? (raised on "
        "2 March 2026, before the meeting began)",
        "carla on “tea at ten”: not for the night shift",
    ]
    assert section(ended, "Open zorgen:", "nl")[0] == (
        "bram over “We close the office on Fridays”: who answers the phone then? (geuit op "
        "2 maart 2026, voordat de vergadering begon)"
    )
    # /report since …: the same, before that day; a plain /report marks none as earlier.
    since = [
        a for a in command_later(chat, 1, "anna", "/report since today", "10:05")
        if isinstance(a, PostReport)
    ]  # fmt: skip
    assert section(since[0], "Open concerns:") == [
        "bram on “We close the office on Fridays”: who answers the phone then? (raised on "
        "2 March 2026)",
        "carla on “tea at ten”: not for the night shift",
    ]
    assert section(since[0], "Open zorgen:", "nl")[0].endswith("(geuit op 2 maart 2026)")
    plain_report = [
        a for a in command_later(chat, 1, "anna", "/report", "10:06")
        if isinstance(a, PostReport)
    ]  # fmt: skip
    assert section(plain_report[0], "Open concerns:") == [
        "bram on “We close the office on Fridays”: who answers the phone then?",
        "carla on “tea at ten”: not for the night shift",
    ]


def test_a_concern_resolved_before_the_meeting_is_not_listed_as_open(app):
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    ask(chat, "We close the office on Fridays.", "09:00", {"bram": "who answers the phone?"})
    chat.command("bram", "/concern resolved", "09:30")
    command_later(chat, 1, "anna", "/meeting start", "09:00")
    [ended] = [
        a for a in command_later(chat, 1, "anna", "/meeting end", "10:00")
        if isinstance(a, PostReport)
    ]  # fmt: skip
    assert section(ended, "Open concerns:") == ["none"]


def test_a_meetings_report_says_no_new_agreements_when_the_table_has_earlier_ones(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/meeting start", "08:00")
    first = report_of(chat, "/meeting end", "08:30")
    assert section(first, "Agreements, and why:")[0] == "none yet"  # the table has none
    chat.command("anna", "/agree We meet monthly because the partners are busy", "09:00")
    command_later(chat, 1, "anna", "/meeting start", "09:00")
    [ended] = [
        a for a in command_later(chat, 1, "anna", "/meeting end", "10:00")
        if isinstance(a, PostReport)
    ]  # fmt: skip
    lines = render(ended.full, "en").splitlines()
    assert lines[1:3] == ["Agreements, and why:", "none new at this meeting"]
    dutch = render(ended.full, "nl").splitlines()
    assert dutch[1:3] == ["Afspraken, en waarom:", "geen nieuwe in deze vergadering"]


def test_a_meetings_report_does_not_say_none_new_since_the_day_of_an_agreement_that_morning(
    app,
):
    """A meeting counts from when it started, not from its day: an agreement recorded that
    morning, before it, is not new at the meeting, and "none new since 2 March" would
    deny it."""
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree We meet monthly because the partners are busy", "08:00")
    chat.command("anna", "/meeting start", "09:00")
    ended = report_of(chat, "/meeting end", "10:00")
    assert section(ended, "Agreements, and why:")[0] == "none new at this meeting"
    assert section(ended, "Afspraken, en waarom:", "nl")[0] == "geen nieuwe in deze vergadering"
    # A report since a day counts from the day's start: that day's agreements are in it.
    since = report_of(chat, "/report since 2 March", "10:30")
    assert section(since, "Agreements, and why:")[0].startswith("#1 We meet monthly")


# --- problems: the table's open questions, named by nobody --------------------------------


PROBLEMS = {"en": "Problems still without a proposal:", "nl": "Problemen nog zonder voorstel:"}


def problems(report: PostReport, lang: str = "en") -> list[str]:
    return section(report, PROBLEMS[lang], lang)


def test_the_public_meeting_report_names_no_author_and_lists_only_problems_left_unanswered(app):
    """The bot promises to remind "once, privately, never in public": the report posted
    at the table names nobody beside a problem. It lists a problem only once its author
    was nudged and let an hour pass: one still in its window (seconds old) or snoozed is
    the author's business."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dirk")
    chat.say("dirk", "#problem the rota app logs us out", "08:00")  # nudged 08:10, unanswered
    chat.command("anna", "/meeting start", "09:00")
    chat.say("chris", "#problem the printer jams again", "09:05")
    chat.tick("09:15:30")  # nudged
    chat.command("chris", "/snooze 2h", "09:16")
    chat.say("ben", "#problem the staging deploy is broken again", "09:30")
    ended = report_of(chat, "/meeting end", "09:31")
    assert not ended.private and ended.user is None
    assert problems(ended) == ["“#problem the rota app logs us out”"]
    assert problems(ended, "nl") == ["“#problem the rota app logs us out”"]
    for text in (render(ended.full, "en"), render(ended.summary, "en")):
        assert "printer" not in text and "staging" not in text
        assert not any(line.startswith(("dirk:", "chris:", "ben:")) and "#problem" in line
                       for line in text.splitlines())  # fmt: skip


def test_a_problem_just_nudged_is_listed_only_once_an_hour_passed_without_an_answer(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem the staging deploy is broken again", "09:00")
    chat.tick("09:10:30")  # ben is nudged, privately
    assert problems(report_of(chat, "/report", "10:09")) == ["none"]  # his answer may come
    assert problems(report_of(chat, "/report", "10:11")) == [
        "“#problem the staging deploy is broken again”"
    ]
    # A proposal in its thread, by anyone at the table, answers it.
    chat.say("anna", "#proposal we roll back to yesterday's build", "10:20", thread="09:00")
    assert problems(report_of(chat, "/report", "10:21")) == ["none"]


def test_a_private_report_shows_the_askers_own_problems_and_nobody_elses_name(app):
    """Any member can ask for a report: names there would be the same tally, one command
    away. The asker sees their own problems as theirs, also those still in their window
    or snoozed; everyone else's as the table sees them."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.say("chris", "#problem the rota app logs us out", "08:00")  # nudged 08:10
    chat.say("ben", "#problem the printer jams again", "09:00")
    chat.say("anna", "#problem the wifi drops in room 4", "09:05")  # nudged 09:15
    chat.tick("09:10:30")
    chat.command("ben", "/snooze 2h", "09:11")
    chat.say("ben", "#problem the staging deploy is broken again", "10:25")  # in its window

    [bens] = [a for a in chat.command("ben", "/report", "10:30") if isinstance(a, PostReport)]
    assert bens.private and bens.user == "ben"
    assert problems(bens) == [
        "“#problem the rota app logs us out”",
        "yours: #problem the printer jams again",
        "“#problem the wifi drops in room 4”",
        "yours: #problem the staging deploy is broken again",
    ]
    assert problems(bens, "nl")[1] == "van jou: #problem the printer jams again"
    annas = report_of(chat, "/report", "10:31")
    assert problems(annas) == [
        "“#problem the rota app logs us out”",
        "yours: #problem the wifi drops in room 4",
    ]


def test_problems_whose_words_were_swept_are_counted_without_names(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.say("ben", "#problem the rota app logs us out", "08:30")
    chat.say("chris", "#problem the printer jams", "08:31")
    chat.tick("09:00")  # both nudged; no proposal follows
    app.store.sweep(at("81:00"), app.settings.retention)  # three days on: words gone
    later = command_later(chat, 3, "anna", "/report", "10:00")
    [report] = [a for a in later if isinstance(a, PostReport)]
    assert problems(report) == [
        "2 problems named earlier still wait for a proposal (their words are no longer kept)."
    ]
    assert problems(report, "nl") == [
        "2 eerder genoemde problemen wachten nog op een voorstel (de woorden zijn niet meer "
        "bewaard)."
    ]


def test_a_report_labels_each_reason_so_no_sentence_mixes_two_languages(app):
    """A Dutch report of an English agreement, an English one of a Dutch agreement: the
    reason follows a label in the report's language, not its conjunction ("Drop-in on
    Tuesdays, omdat volunteers are free then" read as one sentence in two languages)."""
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree Drop-in on Tuesdays because volunteers are free then", "09:00")
    chat.command("bram", "/afspraak Inloop op donderdag omdat de zaal dan vrij is", "09:01")
    report = report_of(chat, "/verslag", "09:10")
    dutch = render(report.full, "nl").splitlines()
    assert dutch[2].startswith("#1 Drop-in on Tuesdays — waarom: volunteers are free then. ")
    assert dutch[3].startswith("#2 Inloop op donderdag — waarom: omdat de zaal dan vrij is. ")
    english = render(report.full, "en").splitlines()
    assert english[3].startswith("#2 Inloop op donderdag — why: omdat de zaal dan vrij is. ")
    # "omdat" stays only with the Dutch reason that needs it, never glued to an English one.
    assert not any("because" in line or "omdat volunteers" in line for line in dutch + english)


def test_a_meeting_report_counts_who_has_no_mandate_and_names_nobody_for_it(app):
    """The report posted at a meeting's end lists each mandate given, with its state;
    those who have none yet are counted, never named: the table hears how many, and
    each of them is asked alone (rules.meetings)."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dirk")
    chat.command("anna", "/mandate schedules", "08:00")
    chat.command("anna", "/meeting start", "09:00")
    ended = chat.command("anna", "/meeting end", "10:00")
    [report] = [a for a in ended if isinstance(a, PostReport)]
    assert not report.private
    assert section(report, "Mandates:")[:3] == [
        "anna: schedules (renewed 2 March 2026)",  # as the meeting closed
        "3 members have no mandate here yet.",
        "Process evaluation:",
    ]
    for name in ("ben", "chris", "dirk"):
        assert name not in render(report.full, "en")

    chat.command("ben", "/mandaat roosters", "10:05")
    [report] = [a for a in chat.command("anna", "/verslag", "10:10") if isinstance(a, PostReport)]
    assert section(report, "Mandaten:", "nl")[2] == "2 leden hebben hier nog geen mandaat."
