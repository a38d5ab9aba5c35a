"""A message the table said was not a problem is not nudged about again, when it comes
back with other numbers; through the real service and storage, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.models import CorrectionRow, WatchRow
from rules.actions import SendNudge
from tests.helpers import Chat, at

REPORT = "#problem speedtest on the lab line: {} down / {} up"


def nudged(chat: Chat) -> list[str]:
    return [action.problem_id for action in chat.of_type(SendNudge)]


def dismissed_report(chat: Chat) -> None:
    """Ben's speedtest line at 09:00, and his "not a problem" for it at 09:01."""
    chat.say("ben", REPORT.format(40, 8), "09:00")
    chat.command("ben", "/not-a-problem", "09:01")


def watched(chat: Chat) -> set[str]:
    chat.app.store.flush()
    with Session(chat.app.database) as session:
        return {row.problem_id for row in session.exec(select(WatchRow)).all()}


def test_recurring_a_dismissed_message_with_other_numbers_is_not_watched_again(app):
    chat = Chat(app)
    chat.say("ben", REPORT.format(40, 8), "09:00")
    chat.tick("09:30")
    chat.command("ben", "/not-a-problem", "09:31")
    app.store.flush()
    with Session(app.database) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    assert correction.fingerprint is not None  # only the hash is compared

    chat.say("anna", REPORT.format(38, 9), "10:00")  # anyone's, at this table
    chat.say("ben", "#problem the lab line is down completely", "10:01")  # other words
    chat.tick("12:00")
    assert nudged(chat) == ["09:00", "10:01"]
    assert "10:00" not in watched(chat)


def test_recurring_is_learnt_per_table_and_from_the_nudges_button(app):
    chat = Chat(app)
    chat.say("ben", REPORT.format(40, 8), "09:00")
    chat.tick("09:30")
    chat.relabel("ben", "09:00", "09:31")  # "Not a problem" on the nudge: no text sent
    chat.say("ben", REPORT.format(41, 8), "10:00", channel="C2")  # another table
    chat.say("ben", REPORT.format(42, 8), "10:01")
    chat.tick("12:00")
    assert [(n.channel, n.problem_id) for n in chat.of_type(SendNudge)] == [
        ("C1", "09:00"),
        ("C2", "10:00"),
    ]


def test_recurring_a_dismissed_message_with_another_ordinal_is_not_watched_again(app):
    chat = Chat(app)
    chat.say("ben", "#problem the coffee machine is broken again, 3rd time", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.say("ben", "#problem the coffee machine is broken again, 4th time", "10:00")
    chat.say("anna", "#problem de koffieautomaat is weer stuk, 3e keer", "10:01")
    chat.command("anna", "/geen-probleem", "10:02")
    chat.say("anna", "#problem de koffieautomaat is weer stuk, 1ste keer", "10:03")
    chat.tick("12:00")
    assert nudged(chat) == []
    assert watched(chat) == {"09:00", "10:01"}  # only the two dismissed ones


def test_recurring_a_short_message_is_not_known_again(app):
    chat = Chat(app)
    chat.say("ben", "#problem printer", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.say("ben", "#problem printer", "10:00")
    chat.tick("12:00")
    assert nudged(chat) == ["10:00"]


def test_recurring_a_short_message_naming_someone_is_not_known_again(app):
    """The person named is no word of the message: "printer" to anna today and "printer"
    to chris tomorrow may be two real problems."""
    chat = Chat(app)
    chat.say("ben", "#problem printer <@U04ABC123>", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.say("ben", "#problem printer <@U04DEF456>", "10:00")
    chat.tick("12:00")
    assert nudged(chat) == ["10:00"]


def test_recurring_editing_a_watched_message_into_a_dismissed_one_withdraws_it(app):
    chat = Chat(app)
    dismissed_report(chat)
    chat.say("ben", "#problem the lab line is down", "10:00")
    chat.edit("ben", "10:00", REPORT.format(12, 3), "10:02")
    chat.tick("12:00")
    assert nudged(chat) == []


def test_recurring_the_author_is_told_what_was_learnt(app):
    chat = Chat(app)
    dismissed_report(chat)
    assert "nor the same message when it comes back here" in chat.texts()[-1]
    chat.say("ben", "#problem printer", "09:02")  # too short to be known again
    chat.command("ben", "/not-a-problem", "09:03")
    assert chat.texts()[-1].startswith(
        "About your message:\n> #problem printer\n"
        "Thanks for telling me. I will not treat that as a problem.\n"
    )


def test_recurring_a_correction_is_forgotten_after_its_retention(app):
    """Corrections keep a member's words; after GROUNDRULES_CORRECTION_RETENTION they
    are deleted, and with them what the table taught the bot."""
    chat = Chat(app)
    dismissed_report(chat)
    app.store.flush()
    kept = app.store.sweep(at("09:30"), timedelta(days=2), timedelta(minutes=30))
    assert kept["corrections"] == 0
    gone = app.store.sweep(at("09:32"), timedelta(days=2), timedelta(minutes=30))
    assert gone["corrections"] == 1
    with Session(app.database) as session:
        assert session.exec(select(CorrectionRow)).all() == []

    chat.say("ben", REPORT.format(41, 8), "10:00")
    chat.tick("12:00")
    assert nudged(chat) == ["10:00"]


def test_recurring_corrections_are_kept_when_no_correction_retention_is_given(app):
    chat = Chat(app)
    dismissed_report(chat)
    app.store.flush()
    swept = app.store.sweep(at("09:01") + timedelta(days=3650), timedelta(days=2))
    assert swept["corrections"] == 0
