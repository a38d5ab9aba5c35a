"""Nudges paced per person, through the console (the hunt's day in the life of one
member who names several problems, as a kindness review found them)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.console import ConsoleChat
from tests.conftest import make_app

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NUDGED = "[bot → ben, privately]"


def console(tmp_path, classifier):
    """Runs lines, and returns what the bot showed meanwhile."""
    app = make_app(f"sqlite:///{tmp_path}/pacing.db", classifier)
    shown: list[str] = []
    chat = ConsoleChat(app, start=START, write=shown.append)

    def run(*lines: str) -> str:
        before = len(shown)
        chat.run(list(lines))
        return "\n".join(shown[before:])

    return run


def test_a_burst_of_problems_brings_one_nudge_per_table_then_one_an_hour(tmp_path, rule_classifier):
    run = console(tmp_path, rule_classifier)
    run(
        "/as anna", "morning all", "/as ben",
        "The staging deploy is broken again",
        "The printer is broken again",
        "The wifi is down again in room 4",
        "/in ops", "The ops dashboard is broken again",
    )  # fmt: skip
    first = run("/wait 11m")
    # One nudge at each table, not four at once; the first says more wait, and why.
    assert first.count(NUDGED) == 2
    assert "> The staging deploy is broken again" in first
    assert "> The ops dashboard is broken again" in first
    assert "> The printer is broken again" not in first
    assert "I remind you of them one at a time, with at least 1 hour in between" in first
    # The next one comes an hour later, on its own, still answerable.
    later = run("/wait 1h")
    assert later.count(NUDGED) == 1
    assert "> The printer is broken again" in later


def test_not_a_problem_covers_its_thread(tmp_path, rule_classifier):
    run = console(tmp_path, rule_classifier)
    run("/as anna", "morning all", "/as ben", "The staging deploy is broken again")
    assert "> The staging deploy is broken again" in run("/wait 11m")
    run("/not-a-problem", "/thread 2", "The deploy is still broken, it keeps failing")
    assert NUDGED not in run("/wait 11m")


def test_a_snooze_holds_the_persons_other_nudges_and_says_so(tmp_path, rule_classifier):
    run = console(tmp_path, rule_classifier)
    run("/as anna", "morning all", "/as ben", "The printer is broken again")
    assert "> The printer is broken again" in run("/wait 11m")
    run("The wifi is down again in room 4")
    snoozed = run("/snooze 2h")
    assert "I will remind you again in 2 hours" in snoozed
    assert "Until then I do not nudge you about your other problems here either." in snoozed
    assert NUDGED not in run("/wait 1h")
    # When the snooze ends: the reminder, and an hour on, the problem that waited.
    assert "> The printer is broken again" in run("/wait 1h")
    assert "> The wifi is down again in room 4" in run("/wait 1h")
