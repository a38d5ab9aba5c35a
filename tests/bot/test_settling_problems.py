"""Ground rule 1, settled the way its author means: an edit changes what the bot keeps
and says of a problem, a command acts on the problem it was meant for, and settling a
nudge settles the author's copies of the same words. Through the real service and
storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow, WatchRow
from bot.presenting import plain
from rules.actions import PostReport, Reply, SendNudge
from rules.i18n import render
from tests.helpers import Chat


def nudges(chat: Chat) -> list[tuple[str, str, bool]]:
    """(problem id, words quoted, again) of every nudge sent."""
    return [(a.problem_id, a.problem_text, a.again) for a in chat.of_type(SendNudge)]


def statuses(chat: Chat) -> dict[str, tuple[str, str | None]]:
    with Session(chat.app.database) as session:
        rows = session.exec(select(WatchRow)).all()
        return {w.problem_id: (w.status, w.answered_by) for w in rows}


def report_of(actions) -> str:
    [report] = [a for a in actions if isinstance(a, PostReport)]
    return render(report.full, report.lang)


def answer(actions) -> str:
    [reply] = [a for a in actions if isinstance(a, Reply)]
    assert reply.private
    return render(reply.text, reply.lang)


# --- 1. an edit: the words as they stand ------------------------------------------------


def test_the_public_meeting_report_shows_a_problem_as_its_author_edited_it(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("anna", "/meeting start", "08:55")
    chat.say("ben", "#problem Kevin broke the build again, typical", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:01")
    chat.tick("09:10:30")  # nudged; an hour passes without an answer
    shown = report_of(chat.command("anna", "/meeting end", "10:15"))
    assert "“#problem the build is broken again”" in shown
    assert "Kevin" not in shown


def test_the_nudge_why_and_a_correction_use_the_edited_words(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin broke the build again", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:01")
    chat.tick("09:10:30")
    assert nudges(chat) == [("09:00", "#problem the build is broken again", False)]
    chat.ask_why("ben", "09:00", "09:11")
    assert "“#problem”, “the” and “build”" in chat.texts()[-1]
    assert "Kevin" not in chat.texts()[-1]
    chat.relabel("ben", "09:00", "09:12")  # "Not a problem": the button carries no text
    with Session(app.database) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    assert correction.text == "#problem the build is broken again"


def test_an_edit_after_the_nudge_rewords_it_for_the_report_too(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin broke the build again", "09:00")
    chat.tick("09:10:30")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:12")
    shown = report_of(chat.command("ben", "/report", "09:20"))  # his own, privately
    assert "yours: #problem the build is broken again" in shown
    assert "Kevin" not in shown


def test_an_edit_that_removes_a_snoozed_problem_withdraws_its_reminder(app):
    chat = Chat(app)
    chat.say("ben", "#problem the build server is slow", "09:00")
    chat.tick("09:10:30")
    chat.command("ben", "/snooze 30m", "09:11")
    chat.edit("ben", "09:00", "the build server is fast now, thanks all", "09:12")
    chat.tick("10:00")
    assert [again for _, _, again in nudges(chat)] == [False]  # no reminder
    assert statuses(chat)["09:00"] == ("withdrawn", None)
    assert "the build server" not in report_of(chat.command("anna", "/report", "10:01"))


def test_an_edit_that_adds_a_proposal_to_a_nudged_problem_answers_it(app):
    chat = Chat(app)
    chat.say("ben", "#problem the build server is slow", "09:00")
    chat.tick("09:10:30")
    chat.command("ben", "/snooze 30m", "09:11")
    chat.edit(
        "ben", "09:00", "#problem #proposal the build server is slow, let's add a runner", "09:12"
    )
    chat.tick("10:00")
    assert [again for _, _, again in nudges(chat)] == [False]
    assert statuses(chat)["09:00"] == ("answered", "09:00")  # it answers itself
    assert (
        "none"
        in report_of(chat.command("anna", "/report", "10:01"))
        .split("Problems still without a proposal:\n")[1]
        .split("\n")[0]
    )


# --- 2. a command acts on the problem it is about, and says which -----------------------


def test_not_a_problem_after_a_nudge_dismisses_the_nudged_problem_not_a_newer_one(app):
    chat = Chat(app)
    chat.say("ben", "#problem the coffee machine on floor two leaks", "09:00")
    chat.tick("09:10:30")  # ben is nudged about it
    chat.say("ben", "#problem the printer on floor three is jammed again", "09:12")
    said = answer(chat.command("ben", "/not-a-problem", "09:13"))
    assert said.startswith(
        "About your message:\n> #problem the coffee machine on floor two leaks\nThanks"
    )
    assert statuses(chat)["09:00"] == ("dismissed", None)
    chat.tick("10:11")  # an hour after ben's first nudge (rules.pacing)
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00", "09:12"]
    # Only the coffee machine is known again as no problem; the printer still is one.
    chat.say("anna", "#problem the printer on floor three is jammed again", "10:12")
    chat.tick("10:30")
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00", "09:12", "10:12"]


def test_a_command_in_a_problems_thread_acts_on_that_problem(app):
    chat = Chat(app)
    chat.say("ben", "#problem the coffee machine on floor two leaks", "09:00")
    chat.say("ben", "#problem the printer on floor three is jammed again", "09:05")
    chat.tick("10:10:30")  # both nudged, the printer last (an hour on: rules.pacing)
    said = answer(chat.command("ben", "/snooze", "10:16", thread="09:00"))
    assert said.startswith("About your message:\n> #problem the coffee machine")
    assert statuses(chat)["09:00"] == ("snoozed", None)
    assert statuses(chat)["09:05"] == ("nudged", None)
    # Outside any thread: the nudge answered last.
    said = answer(chat.command("ben", "/why", "10:17"))
    assert said.startswith("About your message:\n> #problem the printer")


def test_has_proposal_in_dutch_answers_the_nudged_problem_and_no_one_elses(app):
    chat = Chat(app)
    chat.say("ben", "#problem onze release notes zijn altijd te laat", "09:00")
    chat.tick("09:10:30")  # ben is nudged about it
    chat.say("anna", "#problem de testserver ligt er weer uit", "09:11")
    chat.say("ben", "#problem de printer op drie zit vast", "09:12")
    said = answer(chat.command("ben", "/bevat-voorstel", "09:13"))
    assert said == (
        "Over je bericht:\n> #problem onze release notes zijn altijd te laat\n"
        "Dank je, en sorry dat ik het vroeg: je bericht bevat al een voorstel. Ik tel het als "
        "voorstel en bewaar het om van te leren."
    )
    assert statuses(chat)["09:00"] == ("answered", "09:00")
    chat.tick("10:11")  # ben's printer an hour after his first nudge (rules.pacing)
    # anna's problem was not answered by ben's: she is nudged; so is ben's printer.
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00", "09:11", "09:12"]


def test_has_proposal_before_any_nudge_does_not_apologise_for_asking(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down, I'd restart the router tonight", "09:00")
    said = answer(chat.command("ben", "/has-proposal", "09:01"))
    assert said == (
        "About your message:\n> #problem VPN is down, I'd restart the router tonight\n"
        "Thank you: your message proposes something already. I count it as a proposal, and "
        "keep it to learn from."
    )


def test_the_quote_of_a_long_message_is_short_and_on_one_line(app):
    chat = Chat(app)
    long = "#problem the deploy\nkeeps failing " + "and failing " * 20
    chat.say("ben", long, "09:00")
    said = answer(chat.command("ben", "/why", "09:01"))
    about, quote = said.split("\n")[:2]
    assert about == "About your message:"
    assert quote.startswith("> #problem the deploy keeps failing and failing")
    assert quote.endswith("…") and len(quote) <= 2 + 80


# --- 3. settling a nudge settles the author's copies of the same words ------------------

TEXT = "#problem the staging database keeps running out of disk space"


def test_not_a_problem_on_a_nudge_settles_the_double_post_too(app):
    chat = Chat(app)
    chat.say("ben", TEXT, "09:00")
    chat.say("ben", TEXT, "09:05")  # the same words again
    chat.tick("09:10:30")
    chat.relabel("ben", "09:00", "09:11")  # "Not a problem" on the nudge
    chat.tick("09:30")
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00"]
    assert statuses(chat) == {"09:00": ("dismissed", None), "09:05": ("dismissed", None)}


def test_not_a_problem_settles_the_same_words_posted_again_after_the_nudge(app):
    chat = Chat(app)
    chat.say("ben", TEXT, "09:00")
    chat.tick("09:10:30")
    chat.say("ben", TEXT, "09:11")  # posted again: nobody answered
    chat.relabel("ben", "09:00", "09:12")
    chat.tick("09:30")
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00"]


def test_has_proposal_settles_the_double_post_too(app):
    chat = Chat(app)
    chat.say("ben", TEXT, "09:00")
    chat.say("ben", TEXT, "09:05")
    chat.tick("09:10:30")
    chat.relabel("ben", "09:00", "09:11", has_proposal=True)
    chat.tick("09:30")
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00"]
    assert statuses(chat)["09:05"] == ("answered", "09:00")


def test_a_proposal_from_the_nudges_form_settles_the_double_post_too(app):
    chat = Chat(app)
    chat.say("ben", TEXT, "09:00")
    chat.say("ben", TEXT, "09:05")
    chat.tick("09:10:30")
    chat.add_proposal("ben", "09:00", "let's add a cleanup job", "09:11")
    chat.tick("09:30")
    assert [pid for pid, _, _ in nudges(chat)] == ["09:00"]
    assert statuses(chat)["09:05"] == ("answered", None)


def test_another_members_same_words_are_not_settled_by_ones_answer(app):
    chat = Chat(app)
    chat.say("ben", TEXT, "09:00")
    chat.say("anna", TEXT, "09:05")  # she has it too: her own problem
    chat.tick("09:10:30")
    chat.command("ben", "/has-proposal", "09:11")
    chat.tick("09:30")
    assert [(a.user, a.problem_id) for a in chat.of_type(SendNudge)] == [
        ("ben", "09:00"),
        ("anna", "09:05"),
    ]
    assert plain(chat.of_type(SendNudge)[-1]).count(TEXT) == 1
