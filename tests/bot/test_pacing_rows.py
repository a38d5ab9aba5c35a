"""How people were paced, stored (bot.pacing_rows): each "Not a problem" keeps its own
conversation quiet."""

from __future__ import annotations

from rules.actions import SendNudge
from tests.helpers import Chat


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
