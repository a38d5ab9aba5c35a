"""Edits of messages, as the problem rule reads them: an edit speaks as of when its
message was posted (what it answers, what it opens), a doubtful problem keeps what
another member's reaction made it, and a correction kept about a message holds its
words as they stand. SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow, WatchRow
from rules.actions import SendNudge
from tests.helpers import DOUBTING, Chat


def watch(app, problem_id: str) -> WatchRow | None:
    app.store.flush()
    with Session(app.database) as session:
        return session.exec(select(WatchRow).where(WatchRow.problem_id == problem_id)).first()


def nudged(chat: Chat) -> list[str]:
    return [n.problem_id for n in chat.of_type(SendNudge)]


def test_a_typo_fixed_in_an_older_proposal_answers_no_later_problem(app):
    chat = Chat(app)
    chat.say("anna", "#proposal we rotate the on-call wekly", "08:00")
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.edit("anna", "08:00", "#proposal we rotate the on-call weekly", "09:03")
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]


def test_a_message_edited_into_a_proposal_answers_what_was_waiting_when_it_was_posted(app):
    chat = Chat(app)
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.say("anna", "let me look", "09:02")
    chat.edit("anna", "09:02", "#proposal we switch to the backup VPN", "09:04")
    chat.tick("09:30")
    assert nudged(chat) == []
    assert watch(app, "09:00").status == "answered"


def test_an_edit_of_a_message_older_than_the_window_opens_no_nudge(app):
    chat = Chat(app)
    # Posted at 07:00, before the bot was there: only its edit reaches the bot.
    chat.edit("ben", "07:00", "#problem the build is broken agian", "09:00")
    chat.tick("09:30")
    assert nudged(chat) == []
    assert watch(app, "07:00") is None


def test_an_edit_within_the_window_that_names_a_problem_is_posted_as_of_its_post(app):
    chat = Chat(app)
    chat.say("ben", "the build is red", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:04")
    kept = watch(app, "09:00")
    assert kept.posted_at.replace(tzinfo=None).strftime("%H:%M") == "09:00"
    # Its proposal is due a window after the edit that named it.
    assert kept.deadline.replace(tzinfo=None).strftime("%H:%M") == "09:14"
    chat.tick("09:15")
    assert nudged(chat) == ["09:00"]


def test_a_typo_fix_keeps_a_doubtful_problem_another_member_confirmed(app):
    app.service.engine.thresholds = DOUBTING
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the till is 40 euro shrot", "09:00")
    chat.say("anna", "#reaction again??", "09:02")
    chat.edit("ben", "09:00", "#maybe-problem the till is 40 euro short", "09:03")
    assert watch(app, "09:00").status == "open"
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]
    assert [n.problem_text for n in chat.of_type(SendNudge)] == [
        "#maybe-problem the till is 40 euro short"
    ]


def test_a_doubtful_problem_edited_into_a_clear_one_is_nudged(app):
    app.service.engine.thresholds = DOUBTING
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the till is short", "09:00")
    chat.edit("ben", "09:00", "#problem the till is short AGAIN, third time", "09:03")
    assert watch(app, "09:00").status == "open"
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]


def corrections(app) -> list[CorrectionRow]:
    app.store.flush()
    with Session(app.database) as session:
        return list(session.exec(select(CorrectionRow).order_by(CorrectionRow.id)))


def test_an_edit_of_a_message_called_not_a_problem_rewords_its_correction(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin's speedtest: 40 down", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    [kept] = corrections(app)
    chat.edit("ben", "09:00", "#problem speedtest: 40 down", "09:05")
    [reworded] = corrections(app)
    assert reworded.text == "#problem speedtest: 40 down"
    assert (reworded.label, reworded.applies, reworded.fingerprint) == (
        "problem",
        False,
        kept.fingerprint,
    )
    # Erased by a deletion, it stays erased: a late edit brings no words back.
    chat.delete("09:00", "09:06")
    chat.edit("ben", "09:00", "#problem Kevin's speedtest again", "09:07")
    assert [c.text for c in corrections(app)] == [""]
