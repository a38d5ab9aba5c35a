"""A nudge's "Add a proposal" form claims its problem before posting (bot.proposing), so
that the form submitted twice, to one process or two, posts the proposal once."""

from __future__ import annotations

from datetime import timedelta

from bot.proposing import CLAIM_FOR, Claim, claim, outcome_unknown, release
from tests.conftest import make_app
from tests.helpers import Chat, at

PROBLEM = "09:00"  # its message id


def nudged(app) -> Chat:
    chat = Chat(app)
    chat.say("ben", "#problem the deploy keeps failing", PROBLEM)
    chat.tick("09:30")
    return chat


def test_proposing_one_form_at_a_time_in_any_process(database_url, tagged):
    one, two = make_app(database_url, tagged), make_app(database_url, tagged)
    try:
        nudged(one)
        now = at("09:31")
        first = claim(one.database, "W1", "C1", PROBLEM, now)
        assert first == Claim(now + CLAIM_FOR)  # nobody's before it
        assert claim(two.database, "W1", "C1", PROBLEM, now) is None  # the second form
        assert claim(one.database, "W1", "C1", PROBLEM, now) is None  # also here
    finally:
        one.database.dispose()
        two.database.dispose()


def test_proposing_a_failed_post_or_a_lapsed_claim_lets_another_form_post(app):
    nudged(app)
    now = at("09:31")
    first = claim(app.database, "W1", "C1", PROBLEM, now)
    assert first is not None
    release(app.database, "W1", "C1", PROBLEM, first.until)  # the post failed
    again = claim(app.database, "W1", "C1", PROBLEM, now)
    assert again == Claim(now + CLAIM_FOR)  # given back: no post to look for
    # The process posting it died: the claim lapses.
    assert claim(app.database, "W1", "C1", PROBLEM, now + CLAIM_FOR - timedelta(seconds=1)) is None
    taken_over = claim(app.database, "W1", "C1", PROBLEM, again.until)
    # Its post may have gone out since the claim began: that is where to look from.
    assert taken_over == Claim(again.until + CLAIM_FOR, earlier=now)


def test_proposing_a_post_whose_answer_was_lost_is_looked_for_by_the_next_form(app):
    """Not given back blind: the next form may claim it at once, and is told to look
    for a post made since (at the latest) that claim began."""
    nudged(app)
    now = at("09:31")
    first = claim(app.database, "W1", "C1", PROBLEM, now)
    assert first is not None
    outcome_unknown(app.database, "W1", "C1", PROBLEM, first.until)
    later = now + timedelta(seconds=5)
    again = claim(app.database, "W1", "C1", PROBLEM, later)
    assert again is not None and again.until == later + CLAIM_FOR
    assert again.earlier is not None and again.earlier <= now


def test_proposing_nothing_to_claim_once_the_problem_is_settled(app):
    chat = nudged(app)
    chat.say("ann", "#proposal pin the base image", "09:40", thread=PROBLEM)  # answers it
    assert claim(app.database, "W1", "C1", PROBLEM, at("09:41")) is None
    assert claim(app.database, "W1", "C1", "no-such-message", at("09:41")) is None
