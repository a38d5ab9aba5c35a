"""A reply that names the message it answers (Discord's Reply) takes a side on that
message, as a reply in a Slack thread does on the thread's: a yes to an older proposal
counts for it, never for the latest one; a reply to anything else takes no side."""

from __future__ import annotations

from rules.actions import SuggestAgreement
from tests.helpers import Chat

FIRST, SECOND = "#proposal we move the standup to 10am", "#proposal we drop Friday standups"


def offers(chat: Chat) -> list[tuple[str, tuple[str, ...]]]:
    return [(offer.proposal, offer.agreeing) for offer in chat.of_type(SuggestAgreement)]


def two_proposals(app) -> Chat:
    """Anna proposes, then Ben proposes something else: Ben's is the latest."""
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", FIRST, "09:00")
    chat.say("ben", SECOND, "09:01")
    return chat


def test_replies_to_an_older_proposal_count_for_it_not_for_the_latest(app):
    chat = two_proposals(app)
    chat.say("carl", "#agreement yes, 10am works", "09:02", reply_to="09:00")
    chat.say("dan", "#agreement agreed", "09:03", reply_to="09:00")
    assert offers(chat) == [(FIRST, ("carl", "dan"))]


def test_a_reply_to_the_latest_proposal_counts_with_the_plain_yeses(app):
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", FIRST, "09:00")
    chat.say("ben", "#agreement fine by me", "09:01", reply_to="09:00")
    chat.say("carl", "#agreement yes", "09:02")
    assert offers(chat) == [(FIRST, ("ben", "carl"))]


def test_a_concern_replied_to_an_older_proposal_does_not_hold_back_the_latest(app):
    chat = two_proposals(app)
    chat.say("carl", "#concern 10am clashes with the school run", "09:02", reply_to="09:00")
    chat.say("anna", "#agreement fine, drop them", "09:03")
    chat.say("dan", "#agreement yes", "09:04")
    assert offers(chat) == [(SECOND, ("anna", "dan"))]


def test_a_reply_to_something_else_than_a_proposal_takes_no_side(app):
    """A question, the bot's own post, a message deleted or never seen: not the latest."""
    chat = Chat(app)
    chat.join("anna", "ben", "carl", "dan")
    chat.say("anna", FIRST, "09:00")
    chat.say("ben", "what about the people in Lisbon?", "09:01")
    chat.say("carl", "#agreement yes, good point", "09:02", reply_to="09:01")
    chat.say("dan", "#agreement agreed", "09:03", reply_to="1234")  # the bot's, or unknown
    chat.say("ben", "#proposal we ask Lisbon first", "09:04")
    chat.delete("09:04", "09:05")
    chat.say("carl", "#agreement ok", "09:06", reply_to="09:04")  # to a deleted proposal
    assert offers(chat) == []


def test_a_deleted_reply_to_an_older_proposal_no_longer_counts(app):
    """A deletion does not say what its message replied to (Discord's does not)."""
    chat = two_proposals(app)
    chat.say("carl", "#agreement yes", "09:02", reply_to="09:00")
    chat.delete("09:02", "09:03")
    chat.say("dan", "#agreement agreed", "09:04", reply_to="09:00")
    assert offers(chat) == []
    chat.say("ben", "#agreement fine, 10am it is", "09:05", reply_to="09:00")
    assert offers(chat) == [(FIRST, ("dan", "ben"))]


def test_a_reply_to_an_older_proposal_edited_counts_for_it_as_it_reads_now(app):
    chat = two_proposals(app)
    chat.say("carl", "#concern 10am clashes with the school run", "09:02", reply_to="09:00")
    chat.say("dan", "#agreement agreed", "09:03", reply_to="09:00")
    assert offers(chat) == []
    chat.edit("carl", "09:02", "#agreement sorted it out, fine", "09:04", reply_to="09:00")
    assert offers(chat) == [(FIRST, ("carl", "dan"))]
