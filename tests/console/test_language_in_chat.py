"""The language a table is answered in, driven through the console: short Dutch reads
as Dutch, English with words Dutch shares stays English, and the offer to record an
agreement speaks the proposal's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.console import ConsoleChat
from rules.classifier.trained import TrainedClassifier
from tests.conftest import make_app

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    return TrainedClassifier.load()


def chat(tmp_path, classifier, lines: list[str]) -> str:
    app = make_app(f"sqlite:///{tmp_path}/console.db", classifier, second_reading=False)
    shown: list[str] = []
    ConsoleChat(app, start=START, write=shown.append).run(lines)
    return "\n".join(shown)


def test_an_english_problem_about_an_airflow_dag_is_nudged_in_english(tmp_path, trained):
    text = chat(tmp_path, trained, ["/as anna", "Morning all, standup moved to 10", "/as dina",
                                    "Airflow DAG failed, customers see empty reports",
                                    "/wait 11m"])  # fmt: skip
    assert "[bot → dina, privately]" in text
    assert "Hi dina, you named a problem" in text


@pytest.mark.parametrize("problem", ["Server plat sinds vanochtend", "Printer is alweer kapot"])
def test_a_short_dutch_problem_is_nudged_in_dutch(tmp_path, trained, problem):
    text = chat(tmp_path, trained, ["/as joost", "Goedemorgen allemaal", "/as fleur", problem,
                                    "/wait 11m"])  # fmt: skip
    assert "[bot → fleur, privately]" in text
    assert "Hoi fleur" in text


def test_a_dutch_proposal_agreed_with_plus_one_is_offered_in_dutch(tmp_path, trained):
    """The "+1" that tips the count shows no language: the offer speaks the proposal's."""
    text = chat(tmp_path, trained, [
        "/as anna", "Goedemorgen allemaal", "/as ben", "Hoi", "/as chris", "Hallo",
        "/as anna", "Voorstel: we pinnen het base image op 3.12, dan breekt de deploy niet meer",
        "/as ben", "Akkoord", "/as chris", "+1",
    ])  # fmt: skip
    assert "De meesten aan tafel stemmen in" in text
    assert "Most of the table agrees" not in text
