"""Review dates a user walkthrough typed, driven through the console on a Thursday: read
where they name a day, asked about where they name two, refused kindly where they name
none or a day no calendar has; never kept in the agreement's reason."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.console import ConsoleChat
from tests.conftest import make_app

# Thursday 3 December 2026.
START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
TABLE = ["/as ben", "hi", "/as anna", "hoi"]


def chat(tmp_path, classifier, lines: list[str]) -> str:
    app = make_app(f"sqlite:///{tmp_path}/console.db", classifier)
    shown: list[str] = []
    ConsoleChat(app, start=START, write=shown.append).run(TABLE + lines)
    return "\n".join(shown)


def test_review_dates_people_type_are_recorded(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, [
        "/agree Tea at 3 because the afternoon is long review in a fortnight",
        "/afspraak Thee om 3 omdat pauze evaluatie over 3 wkn",
        "/agree Lunch at 1 because the kitchen is free review the week after next",
        "/afspraak Koffie om 10 omdat iedereen er is herziening eind volgende week",
        "/agree Stand-up at 9 because mornings are quiet review the 15th",
    ])  # fmt: skip
    assert "Why: the afternoon is long" in text and "17 December 2026" in text
    assert "Waarom: pauze" in text and "24 december 2026" in text
    assert "Why: the kitchen is free" in text
    assert "Waarom: omdat iedereen er is" in text and "11 december 2026" in text
    assert "Why: mornings are quiet" in text and "15 December 2026" in text
    assert "evaluatie over" not in text and "week after next" not in text


def test_review_dates_that_are_unclear_or_name_no_day_are_asked_about(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, [
        "/agree Tea at 3 because the afternoon is long review next Friday",
        "/agree Tea at 3 because the afternoon is long review 1 December",
        "/afspraak Thee om 3 omdat pauze herziening 31 april",
        "/agree Tea at 3 because the afternoon is long review after the exams",
        "/afspraak Thee om 3 omdat pauze herziening bij de volgende vergadering",
    ])  # fmt: skip
    assert "[bot in #general]" not in text  # nothing recorded, nothing posted
    assert (
        "“next Friday” could be Friday 4 December 2026 or Friday 11 December 2026, and I "
        "would rather not guess. Write the date: “4 December” or “11 December”."
    ) in text
    assert "The review date “1 December” is 1 December 2026, which is not in the future" in text
    assert "“31 april” staat niet op de kalender: april heeft 30 dagen." in text
    assert "A review date needs a day, and “after the exams” names none" in text
    assert "Ik weet niet wanneer de volgende vergadering is" in text


def test_a_keep_and_a_report_ask_about_dates_too(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, [
        "/agree Tea at 3 because the afternoon is long review 2027-01-10",
        "/review keep 1 because it works review next Friday",
        "/report since 31 april",
    ])  # fmt: skip
    assert "kept agreement #1" not in text
    assert "“next Friday” could be Friday 4 December 2026 or Friday 11 December 2026" in text
    assert "“31 april” is not on the calendar: April has 30 days." in text
