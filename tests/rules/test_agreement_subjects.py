"""Whether an agreement is about a round's proposal, read from their subject words: the
writer's words, not the people, places, links, emoji or code they point at."""

from __future__ import annotations

import pytest

from rules.agreements import about_the_same, subject_words

MOVE = "we move the standup to 9:30"
CHAIRS = "buy new chairs for the meeting room"


@pytest.mark.parametrize(
    "markup",
    [
        "<@U04ABC123> <@U04DEF456>",  # Slack users
        "<@U04ABC123|anna> <@U04DEF456|bram>",  # Slack users, as older clients send them
        "<!everyone> <!here>",
        "<!channel> <!subteam^S0123ABCD|@ops-team>",
        "<#C0123ABCD|general> <#C0456EFGH|standups>",  # Slack channels
        "<@123456789012345678> <@!234567890123456789>",  # Discord users
        "<@&345678901234567890> <#456789012345678901>",  # Discord role, channel
        "@everyone @here",
        "@anna @bram",  # as the console and transcripts mention people
        "https://wiki.example.com/team/agenda",
        "<https://wiki.example.com/team/agenda|agenda page>",
        ":tada: :rocket:",
        "<:partyparrot:567890123456789012> <t:1767225600:F>",  # Discord emoji, timestamp
        "`make deploy-staging`",
        "```\nkubectl rollout restart deploy/frontend\n```",
    ],
)
def test_agreement_subjects_share_no_subject_in_markup_alone(markup):
    assert not about_the_same(f"{markup} {MOVE}", f"{markup} {CHAIRS}")
    assert not about_the_same(f"{MOVE} {markup}", f"{CHAIRS} {markup}")


@pytest.mark.parametrize(
    ("agreement", "proposal"),
    [
        ("<@U04ABC123> pin the base image to 1.4", "pin the base image to 1.4"),
        ("pin the base image to 1.4 :tada:", "<@123456789012345678> pin the base image to 1.4"),
        ("@everyone pin the base image to 1.4, see https://ci.example.com/builds",
         "Pin the base image to 1.4"),
    ],
)  # fmt: skip
def test_agreement_subjects_a_restatement_with_markup_is_about_the_same(agreement, proposal):
    assert about_the_same(agreement, proposal)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Sara and Piet will move the standup", {"sara", "piet", "will", "move", "standup"}),
        ("Femke en Joost doen de overdracht", {"femke", "joost", "doen", "overdracht"}),
        ("Mail the minutes to ops@example.com", {"mail", "minutes", "example"}),
    ],
)
def test_agreement_subjects_names_typed_as_words_are_words(text, words):
    assert subject_words(text) == words


def test_agreement_subjects_people_named_in_words_count_towards_the_subject():
    assert about_the_same("Sara and Piet will move the standup", "Sara moves the standup")
