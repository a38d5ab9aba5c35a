"""A member named by a typed "@name" in the console: any case finds them, as on Slack and
Discord (rules.typed_names); two members whose names differ only in case are asked about."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.console import ConsoleChat
from tests.conftest import make_app

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chat(tmp_path, rule_classifier, people: list[str]):
    app = make_app(f"sqlite:///{tmp_path}/console.db", rule_classifier)
    shown: list[str] = []
    console = ConsoleChat(app, start=START, write=shown.append)
    for person in people:
        console.run([f"/as {person}", f"hi from {person}"])
    shown.clear()
    return console, shown


@pytest.mark.parametrize(
    "line",
    [
        "/agree tea at 9 because it helps owner @jan",
        "/agree tea at 9 because it helps owner @JAN",
        "/afspraak thee om 9 omdat het helpt eigenaar @jAn",
        "/agree owner @jan tea at 9 because it helps",
        "/agree tea at 9 owner @jan because it helps",
    ],
)
def test_console_a_typed_name_finds_its_member_in_any_case(tmp_path, rule_classifier, line):
    console, shown = chat(tmp_path, rule_classifier, ["Jan", "anna"])
    console.run(["/as anna", line])
    text = "\n".join(shown)
    assert "Owner: Jan." in text or "Eigenaar: Jan." in text, text
    assert "not at this table" not in text and "niet aan deze tafel" not in text


def test_console_a_role_assigned_by_a_typed_name_in_another_case(tmp_path, rule_classifier):
    console, shown = chat(tmp_path, rule_classifier, ["Jan", "anna"])
    console.run(["/as anna", "/role add chair leads the meeting", "/role assign chair @jan"])
    console.run(["/roles"])
    text = "\n".join(shown)
    assert "chair" in text and "Jan" in text, text
    assert "@jan" not in text.split("/roles")[-1]


def test_console_two_members_whose_names_differ_only_in_case_are_asked_about(
    tmp_path, rule_classifier
):
    console, shown = chat(tmp_path, rule_classifier, ["Jan", "jan", "anna"])
    console.run(["/as anna", "/agree tea at 9 because it helps owner @JAN"])
    text = "\n".join(shown)
    assert "Agreement recorded" not in text
    assert "Several people here are called “@JAN”" in text, text
    assert "<@Jan>" in text and "<@jan>" in text  # how to name each of them
    shown.clear()
    console.run(["/agree tea at 9 because it helps owner <@Jan>"])
    assert "Owner: Jan." in "\n".join(shown)
