"""/concern resolved: a member says the concern they raised in the open round no longer
holds. The decision alone, on a table's state: no storage, no platform."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest

from rules.actions import PostRoundSummary, RecordAnswer, Reply, UpdateRoundProgress
from rules.agreements import consent
from rules.concerns import resolve_concern
from rules.events import CommandInvoked
from rules.grammar import (
    RESOLVE_WITH_CONCERN,
    AnswerRound,
    ResolveConcern,
    UsageError,
    find_command,
    parse_command,
)
from rules.state import Round, TableState
from rules.understanding import Command

AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def parsed(name: str, args: str):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=AT.date(), lang=lang)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("concern", "resolved"),
        ("concern", "Resolved!"),
        ("concern", "my concern is resolved"),
        ("concern", "solved now"),
        ("zorg", "opgelost"),
        ("zorg", "mijn zorg is opgelost"),
        ("bezwaar", "opgelost"),
        ("bezwaar", "mijn bezwaar is inmiddels opgelost 🙂"),
    ],
)
def test_concern_resolved_parses_in_both_languages(name, args):
    assert parsed(name, args) == ResolveConcern()


@pytest.mark.parametrize(
    "args", ["resolved, but only if we review it", "opgelost als we het evalueren"]
)
def test_concern_resolved_with_a_condition_stays_a_concern_as_written(args):
    assert parsed("concern", args) == AnswerRound(args)


def test_concerns_resolved_does_not_ask_the_table_about_the_word():
    assert parsed("concerns", "resolved") == UsageError(
        find_command("concerns")[0], RESOLVE_WITH_CONCERN
    )
    assert isinstance(parsed("zorgen", "mijn zorg is opgelost"), UsageError)


def a_round(**changes) -> Round:
    round_ = Round(
        round_id="r1",
        proposal="pin the base image to 1.4",
        proposer="ben",
        thread_id=None,
        lang="en",
        started_at=AT - timedelta(hours=1),
        deadline=AT + timedelta(hours=23),
        participants=("anna", "chris", "dana"),
        answers=MappingProxyType({"anna": "the night shift cannot cover this", "chris": None}),
        reminders_sent=0,
        status="open",
        started_by="ben",
    )
    return replace(round_, **changes)


def resolve(user: str, state: TableState, lang: str | None = None):
    event = CommandInvoked(
        workspace="W", channel="C", at=AT, event_id="e1", user=user, name="concern",
        args="resolved",
    )  # fmt: skip
    return resolve_concern(Command(event, None, ResolveConcern(), lang), state)


def table(**parts) -> TableState:
    return TableState(
        workspace="W", channel="C", members=frozenset({"anna", "ben", "chris", "dana"}), **parts
    )


def told(actions) -> str:
    [reply] = actions
    assert isinstance(reply, Reply) and reply.private
    return reply.text.msgid


def test_resolving_ones_concern_counts_one_as_having_none_and_keeps_what_was_raised():
    actions = resolve("anna", table(open_round=a_round()))
    [recorded] = [a for a in actions if isinstance(a, RecordAnswer)]
    assert (recorded.user, recorded.concern) == ("anna", None)
    assert recorded.resolved == "the night shift cannot cover this"
    [thanks] = [a for a in actions if isinstance(a, Reply)]
    assert thanks.private and thanks.user == "anna"
    assert thanks.text.msgid.startswith("Thank you, your concern is marked resolved")
    [progress] = [a for a in actions if isinstance(a, UpdateRoundProgress)]
    assert progress.round.no_concerns == ("anna", "chris")
    assert progress.round.concerns == ()
    assert progress.round.resolved == (("anna", "the night shift cannot cover this"),)
    assert progress.round.waiting == ("dana",)


def test_resolving_the_last_open_concern_with_everyone_answered_closes_for_recording():
    """A member who left is no longer waited for: the raiser's word is the last one."""
    round_ = a_round(participants=("anna", "chris"))
    actions = resolve("anna", table(open_round=round_))
    [summary] = [a for a in actions if isinstance(a, PostRoundSummary)]
    assert summary.outcome == "answered" and summary.suggest_agreement
    assert summary.round.resolved == (("anna", "the night shift cannot cover this"),)


def test_no_concern_to_resolve_says_why_privately():
    open_ = table(open_round=a_round())
    assert told(resolve("chris", open_)).startswith("You answered this concern round with no")
    assert told(resolve("dana", open_)).startswith("You have raised no concern in this round")
    resolved = a_round(
        answers=MappingProxyType({"anna": None}),
        resolved=MappingProxyType({"anna": "the night shift cannot cover this"}),
    )
    assert told(resolve("anna", table(open_round=resolved))) == (
        "Your concern in this round is already marked resolved."
    )
    assert told(resolve("anna", table())).startswith("No concern round is open here right now")


def test_a_concern_in_a_round_that_ended_can_no_longer_be_resolved():
    closed = table(last_ended_round=a_round(status="closed", closed_at=AT))
    assert told(resolve("anna", closed)).startswith("The concern round you raised your concern in")
    withdrawn = table(last_ended_round=a_round(status="withdrawn", closed_at=AT))
    assert told(resolve("anna", withdrawn)).startswith("The last concern round here was withdrawn")


def test_resolving_answers_in_the_commands_language():
    [reply] = resolve("dana", table(open_round=a_round()), lang="nl")
    assert reply.lang == "nl"


def test_an_agreement_settling_the_round_keeps_the_resolved_concern_apart_from_open_ones():
    """Anna consented once her concern was resolved: she is among the consenters, and the
    agreement's record keeps what she raised, marked resolved, not as an open concern."""
    raised = "the night shift cannot cover this"
    round_ = a_round(
        answers=MappingProxyType({"anna": None, "chris": None, "dana": "only on weekdays"}),
        resolved=MappingProxyType({"anna": raised}),
        status="closed",
        closed_at=AT,
    )
    assert consent("ben", round_) == (
        ("ben", "anna", "chris"),
        (("dana", "only on weekdays"),),
        (("anna", raised),),
    )
    assert consent("ben", None) == (("ben",), (), ())
