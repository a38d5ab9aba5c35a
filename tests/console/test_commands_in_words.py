"""Sentences to @Groundrules that start with a command's word, driven through the
console: a question never writes on the asker's behalf, and "all" is kept."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.console import ConsoleChat
from tests.conftest import make_app

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chat(tmp_path, classifier, lines: list[str]) -> str:
    app = make_app(f"sqlite:///{tmp_path}/console.db", classifier)
    shown: list[str] = []
    ConsoleChat(app, start=START, write=shown.append).run(lines)
    return "\n".join(shown)


def test_show_all_agreements_lists_the_retired_ones_too(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, [
        "/as anna", "/agree pin the base image because deploys broke",
        "/review retire 1 because we moved to nix",
        "/agree rotate on-call weekly because fairness", "/groundrules show all agreements",
    ])  # fmt: skip
    assert "#1 (retired) pin the base image" in text


def test_concern_round_stop_it_withdraws_the_round_and_records_no_concern(
    tmp_path, rule_classifier
):
    text = chat(tmp_path, rule_classifier, [
        "/as anna", "hi", "/as ben", "/concerns pin the base image",
        "/as anna", "/groundrules concern round: stop it",
        "/as ben", "/groundrules zorg ronde stoppen",
    ])  # fmt: skip
    assert "Concern from anna" not in text and "round: stop it" not in text
    assert "Only ben, whose proposal it is, can withdraw this concern round." in text
    assert "The concern round on this proposal was withdrawn by ben" in text


def test_a_question_about_someones_mandate_sets_no_mandate(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, ["/as ben", "/groundrules mandaat van anna?",
                                            "/groundrules mandate of anna?"])  # fmt: skip
    assert "van anna?" not in text and "of anna?" not in text
    assert text.count("[bot → ben, only they see this]") == 2
    assert "Mandaten aan deze tafel:" in text and "Mandates at this table:" in text
