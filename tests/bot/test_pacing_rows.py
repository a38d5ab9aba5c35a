"""How people were paced, stored (bot.pacing_rows): each "Not a problem" keeps its own
conversation quiet, and the rows that change nothing any more are swept away."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.models import PacingRow
from rules.actions import SendNudge
from tests.helpers import Chat, at


def quiet_chat(app) -> Chat:
    """Ben says "Not a problem" about his problems in two threads, one after the other."""
    chat = Chat(app)
    chat.say("ben", "#problem the deploy is broken", "09:00", thread="T1")
    chat.say("ben", "#problem the wiki is down", "09:01", thread="T2")
    chat.tick("09:15")  # the first nudged; the second waits its turn
    chat.relabel("ben", "09:00", "09:20")
    chat.relabel("ben", "09:01", "09:21")
    return chat


def test_a_second_not_a_problem_elsewhere_keeps_the_first_thread_quiet(app):
    chat = quiet_chat(app)
    chat.say("ben", "#problem still broken, honestly", "09:30", thread="T1")
    chat.say("ben", "#problem and the wiki again", "09:31", thread="T2")
    chat.tick("12:00")
    assert [n.problem_id for n in chat.of_type(SendNudge)] == ["09:00"]
    # Each for its own span: a problem named in T1 after it is nudged again.
    chat.say("ben", "#problem the deploy broke again", "10:30", thread="T1")
    chat.tick("12:00")
    assert [n.problem_id for n in chat.of_type(SendNudge)] == ["09:00", "10:30"]


def pacing_rows(app) -> list[str]:
    with Session(app.database) as session:
        return sorted(session.exec(select(PacingRow.user)).all())


def test_the_sweep_forgets_pacing_that_changes_nothing_any_more(app):
    quiet_chat(app)
    last = at("09:21")  # ben's latest "Not a problem"
    with Session(app.database) as session:  # anna's snooze holds her nudges a while yet
        session.add(PacingRow(workspace="T", channel="C", user="anna",
                              snoozed_until=last + timedelta(days=30)))  # fmt: skip
        session.commit()
    # Backed off from, or about to be, for a week after his latest correction; and a
    # snooze asked for before his latest may end a week (and a night) after it.
    swept = app.store.sweep(last + timedelta(days=7, hours=12), timedelta(days=2))
    assert swept["pacing"] == 0
    assert pacing_rows(app) == ["anna", "ben"]
    swept = app.store.sweep(last + timedelta(days=8, minutes=1), timedelta(days=2))
    assert swept["pacing"] == 1
    assert pacing_rows(app) == ["anna"]
