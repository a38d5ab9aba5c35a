"""A proposal whose words change in substance has no yes or concern yet: those given
were to its earlier words, and people say again. A typo fixed keeps them, in chat and
in an open concern round."""

from __future__ import annotations

from rules.actions import PostConcernRound, PostRoundSummary, SuggestAgreement, WordToProposer
from tests.helpers import Chat


def offers(chat: Chat) -> list[tuple[str, tuple[str, ...]]]:
    return [(offer.proposal, offer.agreeing) for offer in chat.of_type(SuggestAgreement)]


def words_to_proposer(chat: Chat) -> list[tuple[str, tuple[str, ...]]]:
    return [(word.proposal, word.agreeing) for word in chat.of_type(WordToProposer)]


def test_a_reworded_proposal_drops_the_yeses_given_to_its_earlier_words(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal we meet once a week", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    chat.edit("ben", "09:00", "#proposal we meet every day at 7am", "09:02")
    chat.say("chris", "#agreement +1", "09:03")
    # Anna never saw the new words: Chris alone is not most of the table.
    assert offers(chat) == []
    chat.say("anna", "#agreement fine, every day then", "09:04")
    assert offers(chat) == [("#proposal we meet every day at 7am", ("chris", "anna"))]


def test_a_typo_fixed_in_a_proposal_keeps_its_yeses_and_another_time_does_not(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal we meet once a weak", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    chat.edit("ben", "09:00", "#proposal we meet once a week.", "09:02")
    chat.say("chris", "#agreement +1", "09:03")
    assert offers(chat) == [("#proposal we meet once a week.", ("anna", "chris"))]
    # One figure changed is another time, not a typo: Dana's yes was to 9.
    chat.say("ben", "#proposal we meet at 9 on Fridays", "09:10")
    chat.say("dana", "#agreement yes", "09:11")
    chat.edit("ben", "09:10", "#proposal we meet at 8 on Fridays", "09:12")
    chat.say("chris", "#agreement +1", "09:13")
    assert len(offers(chat)) == 1


def test_a_reworded_proposal_drops_its_concerns_too_and_a_typo_fix_keeps_them(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal we meet every day at 7am", "09:00")
    chat.say("dana", "#concern 7am is too early for me", "09:01")
    chat.edit("ben", "09:00", "#proposal we meet every day at 7am 🙂", "09:02")
    chat.say("anna", "#agreement yes", "09:03")
    chat.say("chris", "#agreement +1", "09:04")
    assert offers(chat) == []  # Dana's concern holds: only an emoji was added
    # Words that meet the concern: it was about the earlier ones.
    chat.edit("ben", "09:00", "#proposal we meet every day at 10am", "09:05")
    assert offers(chat) == []  # the yeses went with the earlier words as well
    chat.say("anna", "#agreement yes", "09:06")
    chat.say("chris", "#agreement +1", "09:07")
    assert offers(chat) == [("#proposal we meet every day at 10am", ("anna", "chris"))]


def test_the_proposer_is_not_told_of_yeses_given_to_earlier_words(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("ben", "#proposal we meet once a week", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    chat.edit("ben", "09:00", "#proposal we meet every day at 7am", "09:02")
    assert chat.say("chris", "#agreement +1", "09:03") == []
    assert words_to_proposer(chat) == []
    chat.say("anna", "#agreement yes, every day is fine", "09:04")
    assert words_to_proposer(chat) == [("#proposal we meet every day at 7am", ("chris", "anna"))]
    assert chat.texts()[-1].startswith("It looks as if chris and anna agree with your proposal:")


def test_the_proposer_is_told_of_yeses_kept_through_a_typo_fix_and_asked_again_after_more(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.say("ben", "#proposal we meet once a weak", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    chat.edit("ben", "09:00", "#proposal we meet once a week", "09:02")
    chat.say("chris", "#agreement +1", "09:03")
    assert words_to_proposer(chat) == [("#proposal we meet once a week", ("anna", "chris"))]
    # Words added are more than a typo: those yeses were to the week alone.
    chat.edit("ben", "09:00", "#proposal we meet once a week, in the office", "09:04")
    chat.say("dana", "#agreement yes", "09:05")
    assert offers(chat) == []
    chat.say("eve", "#agreement +1", "09:06")
    assert words_to_proposer(chat)[1:] == [
        ("#proposal we meet once a week, in the office", ("dana", "eve"))
    ]


def test_a_reworded_proposal_in_dutch_drops_its_yeses_and_a_typo_fix_keeps_them(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "fay")
    chat.command("anna", "/table language nl", "08:59")
    chat.say("ben", "#proposal we houden de vergadring op maandag", "09:00")
    chat.say("anna", "#agreement akkoord", "09:01")
    chat.edit("ben", "09:00", "#proposal we houden de vergadering op maandag!", "09:02")
    chat.say("chris", "#agreement prima", "09:03")
    assert words_to_proposer(chat) == [
        ("#proposal we houden de vergadering op maandag!", ("anna", "chris"))
    ]
    assert chat.texts()[-1].startswith(
        "Het lijkt erop dat je voorstel instemming krijgt van anna en chris:"
    )
    # Another day is another proposal: the yeses so far were to Monday.
    chat.say("ben", "#proposal we vergaderen op dinsdag", "09:10")
    chat.say("dana", "#agreement akkoord", "09:11")
    chat.edit("ben", "09:10", "#proposal we vergaderen op donderdag", "09:12")
    chat.say("eve", "#agreement prima", "09:13")
    assert len(words_to_proposer(chat)) == 1


def round_with_an_edited_proposal(app, before: str, after: str) -> PostRoundSummary:
    """Anna's proposal, edited by her from `before` to `after` while its round is open
    and Ben has answered: the round's summary once Carl answers too."""
    chat = Chat(app)
    chat.join("anna", "ben", "carl")
    chat.say("anna", before, "09:00")
    [posted] = [a for a in chat.command("anna", "/concerns", "09:01") if
                isinstance(a, PostConcernRound)]  # fmt: skip
    round_id = posted.round.round_id
    chat.answer("ben", round_id, None, "09:02")
    chat.edit("anna", "09:00", after, "09:03")
    [summary] = [a for a in chat.answer("carl", round_id, None, "09:04") if
                 isinstance(a, PostRoundSummary)]  # fmt: skip
    return summary


def test_a_typo_fixed_in_a_rounds_proposal_keeps_its_answers(app):
    summary = round_with_an_edited_proposal(
        app,
        "#proposal we move standup to 10 on Mondys",
        "#proposal we move standup to 10 on Mondays",
    )
    assert summary.round.proposal == "#proposal we move standup to 10 on Mondays"
    assert not summary.round.reworded and summary.suggest_agreement


def test_a_typo_fixed_leaves_a_proposal_one_however_the_edit_reads(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal we meet once a weak", "09:00")
    chat.say("anna", "#agreement yes", "09:01")
    # The same words (no tag: read alone, it scores as nothing): still Ben's proposal.
    chat.edit("ben", "09:00", "proposal: we meet once a week", "09:02")
    chat.say("chris", "#agreement +1", "09:03")
    assert offers(chat) == [("proposal: we meet once a week", ("anna", "chris"))]
