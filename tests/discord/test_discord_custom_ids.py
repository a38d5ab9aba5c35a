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
        ReviewChoice(123456789, "revise"),
        AgreeOnRound("0123456789abcdef"),
        RenewalAnswer("0123456789abcdef", "renewed"),
        RenewalAnswer("x" * 40, "check", Where(BIGGEST, BIGGEST)),
        EvaluateMeeting("0123456789abcdef"),
        RecordSuggestion(),
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
    ]
    templates = [
        NudgeChoice, RoundAnswer, ReviewChoice, AgreeOnRound, RenewalAnswer, EvaluateMeeting,
        RecordSuggestion,
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
        AgreementForm(),
        AgreementForm(round_id="0123456789abcdef"),
        AgreementForm(suggested=True),
        RevisionForm(42),
        RevisionForm(42, 7),
        EvaluationForm("0123456789abcdef"),
    ],
)
def test_custom_ids_forms_round_trip_within_the_limit(form):
    assert len(form.custom_id) <= MAX_LENGTH
    assert parse_form(form.custom_id) == form


@pytest.mark.parametrize(
    "custom_id", ["", "someone-elses-modal", "gr:m:", "gr:m:unknown:1", "gr:m:renew:m1:check"]
)
def test_custom_ids_other_forms_are_not_ours(custom_id):
    assert parse_form(custom_id) is None
