"""A proposal written in a nudge's form is its author's proposal at the table, at the
place the adapter posted it for them: the yeses and concerns answering that post count,
and /concerns alone finds it. Through the real service and storage, on SQLite and
PostgreSQL (the console and replay drive the same service)."""

from __future__ import annotations

import pytest

from rules.actions import PostConcernRound, SuggestAgreement
from tests.helpers import Chat

PROPOSAL = "retry with a pinned base image"
# Slack posts it in the problem's thread; Discord beside the problem, at the top level.
PLACES = pytest.mark.parametrize("thread", ["09:00", None], ids=["in-thread", "top-level"])


def nudged(app, thread: str | None) -> Chat:
    """Ben named a problem, was nudged, and answered with the form: posted as 09:11."""
    chat = Chat(app)
    chat.join("anna", "ben", "carol")
    chat.say("ben", "#problem the deploy keeps failing", "09:00")
    chat.tick("09:10:30")
    chat.add_proposal("ben", "09:00", PROPOSAL, "09:11", posted="09:11", thread=thread)
    return chat


@PLACES
def test_most_of_the_table_saying_yes_to_it_brings_the_offer(app, thread):
    chat = nudged(app, thread)
    chat.say("anna", "#agreement sounds good", "09:12", thread=thread)
    assert chat.of_type(SuggestAgreement) == []  # one of two is not most
    chat.say("carol", "#agreement yes, let's", "09:13", thread=thread)
    [offer] = chat.of_type(SuggestAgreement)
    assert (offer.proposal, offer.proposer, offer.agreeing) == (PROPOSAL, "ben", ("anna", "carol"))
    assert offer.thread_id == thread


@PLACES
def test_a_concern_answering_it_holds_the_offer_back(app, thread):
    chat = nudged(app, thread)
    chat.say("anna", "#concern the base image is a year old", "09:12", thread=thread)
    chat.say("carol", "#agreement yes, let's", "09:13", thread=thread)
    assert chat.of_type(SuggestAgreement) == []


@PLACES
def test_concerns_alone_asks_the_table_about_it(app, thread):
    chat = nudged(app, thread)
    chat.command("ben", "/concerns", "09:12")
    [posted] = chat.of_type(PostConcernRound)
    assert (posted.round.proposal, posted.round.proposer) == (PROPOSAL, "ben")


def test_without_a_post_to_answer_nothing_is_noted(app):
    """An adapter that knows no message of it: the table has nothing to answer."""
    chat = Chat(app)
    chat.join("anna", "ben", "carol")
    chat.say("ben", "#problem the deploy keeps failing", "09:00")
    chat.tick("09:10:30")
    chat.add_proposal("ben", "09:00", PROPOSAL, "09:11")
    chat.say("anna", "#agreement sounds good", "09:12", thread="09:00")
    chat.say("carol", "#agreement yes, let's", "09:13", thread="09:00")
    assert chat.of_type(SuggestAgreement) == []
