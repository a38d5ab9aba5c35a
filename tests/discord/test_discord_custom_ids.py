"""Custom ids carry everything a click needs, within Discord's 100 characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from adapters.discord.custom_ids import (
    MAX_LENGTH,
    AgreementForm,
    AgreeOnRound,
    ConcernForm,
    EvaluateMeeting,
    EvaluationForm,
    NotNow,
    NudgeChoice,
    ProposalForm,
    RecordSuggestion,
    RenewalAnswer,
    ReviewChoice,
    RevisionForm,
    RoundAnswer,
    Where,
    b36,
    from_b36,
    guild_named,
    parse_form,
)

BIGGEST = 2**64 - 1  # no snowflake is larger
WHERE = Where(BIGGEST, BIGGEST - 1, BIGGEST - 2)


@pytest.mark.parametrize("number", [0, 1, 35, 36, 1220000000000000001, BIGGEST])
def test_custom_ids_base36_round_trip(number):
    assert from_b36(b36(number)) == number


@pytest.mark.parametrize(
    "button",
    [
        NudgeChoice("snooze", WHERE, BIGGEST, BIGGEST),
        NudgeChoice("open", Where(1, 2), 3, 4),
        RoundAnswer("0123456789abcdef", "concern", Where(BIGGEST, BIGGEST)),
        RoundAnswer("0123456789abcdef", "none"),
        RoundAnswer("x" * 40, "concern", Where(BIGGEST, BIGGEST), "nl"),
        RoundAnswer("0123456789abcdef", "none", None, "en"),
        ReviewChoice(123456789, "revise"),
        ReviewChoice(123456789, "retire", 123456789, datetime(2999, 1, 1, tzinfo=UTC), "nl"),
        ReviewChoice(3, "keep", 2, None, "en"),
        AgreeOnRound("0123456789abcdef"),
        AgreeOnRound("x" * 40, "nl"),
        RenewalAnswer("0123456789abcdef", "renewed"),
        RenewalAnswer("x" * 40, "check", Where(BIGGEST, BIGGEST)),
        RenewalAnswer("x" * 40, "check", Where(BIGGEST, BIGGEST), "nl"),
        EvaluateMeeting("0123456789abcdef"),
        EvaluateMeeting("x" * 40, "en"),
        RecordSuggestion(),
        RecordSuggestion("nl"),
    ],
)
def test_custom_ids_buttons_round_trip_within_the_limit(button):
    custom_id = button.custom_id
    assert len(custom_id) <= MAX_LENGTH
    match = re.match(type(button).TEMPLATE, custom_id)
    assert match is not None
    assert type(button).from_match(match) == button


def test_custom_ids_round_buttons_keep_the_documented_shape():
    assert RoundAnswer("r1", "none").custom_id == "gr:round:r1:none"
    assert RoundAnswer("r1", "concern").custom_id == "gr:round:r1:concern"


def test_custom_ids_meeting_buttons_keep_the_documented_shape():
    assert RenewalAnswer("m1", "renewed").custom_id == "gr:renew:m1:renewed"
    assert RenewalAnswer("m1", "check", Where(36, 37)).custom_id == "gr:renew:m1:check:10:11"
    assert EvaluateMeeting("m1").custom_id == "gr:evaluate:m1"


def test_custom_ids_review_buttons_name_the_version_and_read_older_ones_without():
    assert ReviewChoice(3, "keep", 2).custom_id == "gr:review:3:keep:2"
    asked = datetime(2026, 3, 30, 9, tzinfo=UTC)  # when the review was asked: "tcpfo0" in base 36
    assert ReviewChoice(3, "keep", 2, asked).custom_id == "gr:review:3:keep:2:tcpfo0"
    for custom_id, choice in [
        ("gr:review:3:keep:2:tcpfo0", ReviewChoice(3, "keep", 2, asked)),
        ("gr:review:3:retire:2", ReviewChoice(3, "retire", 2)),
        ("gr:review:3:retire", ReviewChoice(3, "retire")),  # posted before versions
    ]:
        match = re.match(ReviewChoice.TEMPLATE, custom_id)
        assert match and ReviewChoice.from_match(match) == choice
    assert parse_form("gr:m:revise:42") == RevisionForm(42, None)


def test_custom_ids_a_forums_review_buttons_name_the_forums_table_within_the_limit():
    """In a post the bot opened for a whole forum's review, the buttons name the forum."""
    asked = datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert (
        ReviewChoice(3, "keep", 2, asked, "nl", 36).custom_id == "gr:review:3:keep:2:tcpfo0@10~nl"
    )
    longest = ReviewChoice(999999999, "retire", 999999999, asked, "nl", BIGGEST)
    assert len(longest.custom_id) <= MAX_LENGTH
    match = re.match(ReviewChoice.TEMPLATE, longest.custom_id)
    assert match and ReviewChoice.from_match(match) == longest


def test_custom_ids_templates_do_not_overlap():
    ids = [
        NudgeChoice("add", WHERE, 5, 6).custom_id,
        RoundAnswer("r1", "none").custom_id,
        ReviewChoice(3, "keep").custom_id,
        ReviewChoice(3, "keep", 1).custom_id,
        AgreeOnRound("r1").custom_id,
        RenewalAnswer("r1", "renewed").custom_id,
        EvaluateMeeting("r1").custom_id,
        RecordSuggestion().custom_id,
        RoundAnswer("r1", "none", Where(1, 2), "nl").custom_id,
        ReviewChoice(3, "keep", 1, datetime(2026, 3, 30, tzinfo=UTC), "nl").custom_id,
        AgreeOnRound("r1", "nl").custom_id,
        RenewalAnswer("r1", "renewed", None, "en").custom_id,
        EvaluateMeeting("r1", "nl").custom_id,
        RecordSuggestion("nl").custom_id,
        NotNow(Where(1, 2), "nl").custom_id,
    ]
    templates = [
        NudgeChoice, RoundAnswer, ReviewChoice, AgreeOnRound, RenewalAnswer, EvaluateMeeting,
        RecordSuggestion, NotNow,
    ]  # fmt: skip
    for custom_id in ids:
        assert sum(bool(re.match(t.TEMPLATE, custom_id)) for t in templates) == 1


@pytest.mark.parametrize(
    "form",
    [
        ProposalForm(NudgeChoice("add", WHERE, BIGGEST, BIGGEST)),
        ProposalForm(NudgeChoice("add", Where(1, 2), 3, 4)),
        ConcernForm("0123456789abcdef", Where(BIGGEST, BIGGEST)),
        ConcernForm("0123456789abcdef"),
        ConcernForm("x" * 40, Where(BIGGEST, BIGGEST), "nl"),
        ConcernForm("0123456789abcdef", None, "en"),
        AgreementForm(),
        AgreementForm(round_id="0123456789abcdef"),
        AgreementForm(round_id="x" * 40, lang="nl"),
        AgreementForm(suggested=True),
        AgreementForm(suggested=True, lang="en"),
        RevisionForm(42),
        RevisionForm(42, 7),
        RevisionForm(123456789, 123456789, "nl"),
        RevisionForm(42, None, "en"),
        RevisionForm(123456789, 123456789, "nl", BIGGEST),
        EvaluationForm("0123456789abcdef"),
        EvaluationForm("x" * 40, "nl"),
    ],
)
def test_custom_ids_forms_round_trip_within_the_limit(form):
    assert len(form.custom_id) <= MAX_LENGTH
    assert parse_form(form.custom_id) == form


def test_custom_ids_name_the_language_shown_and_read_older_ones_without():
    """The language part ends the id ("~nl"), after any other optional part; ids without
    it (posted before buttons named their language) read as None: the client's language."""
    asked = datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert ReviewChoice(3, "keep", 2, asked, "nl").custom_id == "gr:review:3:keep:2:tcpfo0~nl"
    assert RoundAnswer("r1", "concern", Where(36, 37), "en").custom_id == (
        "gr:round:r1:concern:10:11~en"
    )
    assert RenewalAnswer("m1", "renewed", None, "nl").custom_id == "gr:renew:m1:renewed~nl"
    assert AgreeOnRound("r1", "nl").custom_id == "gr:agree:r1~nl"
    assert EvaluateMeeting("m1", "en").custom_id == "gr:evaluate:m1~en"
    assert RecordSuggestion("nl").custom_id == "gr:suggest:record~nl"
    assert RevisionForm(3, 2, "nl").custom_id == "gr:m:revise:3:2~nl"
    assert ConcernForm("r1", None, "nl").custom_id == "gr:m:round:r1:concern~nl"
    assert AgreementForm(round_id="r1", lang="en").custom_id == "gr:m:agree:r1~en"
    assert EvaluationForm("m1", "nl").custom_id == "gr:m:evaluate:m1~nl"
    for button, old in [
        (ReviewChoice(3, "keep", 2, asked), "gr:review:3:keep:2:tcpfo0"),
        (RoundAnswer("r1", "none"), "gr:round:r1:none"),
        (RenewalAnswer("m1", "check", Where(36, 37)), "gr:renew:m1:check:10:11"),
        (AgreeOnRound("r1"), "gr:agree:r1"),
        (EvaluateMeeting("m1"), "gr:evaluate:m1"),
        (RecordSuggestion(), "gr:suggest:record"),
    ]:
        match = re.match(type(button).TEMPLATE, old)
        assert match and type(button).from_match(match) == button
        assert button.lang is None
    assert parse_form("gr:m:revise:3:2") == RevisionForm(3, 2, None)
    assert parse_form("gr:m:agree:r1") == AgreementForm(round_id="r1")
    assert parse_form("gr:m:suggest:record") == AgreementForm(suggested=True)
    assert parse_form("gr:m:evaluate:m1") == EvaluationForm("m1")
    assert parse_form("gr:m:round:r1:concern") == ConcernForm("r1")


@pytest.mark.parametrize(
    "custom_id", ["", "someone-elses-modal", "gr:m:", "gr:m:unknown:1", "gr:m:renew:m1:check"]
)
def test_custom_ids_other_forms_are_not_ours(custom_id):
    assert parse_form(custom_id) is None


def test_custom_ids_name_the_server_of_a_button_sent_by_dm_and_of_its_form():
    """A click in a DM has no server of its own: the member's client language is
    remembered for the one the button names."""
    in_dm = [
        NudgeChoice("has", WHERE, 5, 6).custom_id,
        ProposalForm(NudgeChoice("add", WHERE, 5, 6)).custom_id,
        RoundAnswer("r1", "none", WHERE, "nl").custom_id,
        ConcernForm("r1", WHERE, "nl").custom_id,
        RenewalAnswer("m1", "check", WHERE, "en").custom_id,
    ]
    assert [guild_named(custom_id) for custom_id in in_dm] == [BIGGEST] * len(in_dm)
    in_channel = [
        RoundAnswer("r1", "none").custom_id,
        RenewalAnswer("m1", "renewed", lang="nl").custom_id,
        ReviewChoice(3, "keep").custom_id,
        AgreementForm().custom_id,
        "someone else's",
    ]
    assert [guild_named(custom_id) for custom_id in in_channel] == [None] * len(in_channel)
