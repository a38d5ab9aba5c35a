"""Quiet hours end to end, through the real engine and store: a table in Amsterdam gets
no reminder by DM in its night, and gets them as the night ends there."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.console import ConsoleChat
from tests.conftest import AMSTERDAM_NIGHTS, bot_on


def night_at_the_table(tmp_path, rule_classifier, start: datetime, lines: list[str]) -> str:
    shown: list[str] = []
    with bot_on(f"sqlite:///{tmp_path}/quiet.db", rule_classifier, **AMSTERDAM_NIGHTS) as app:
        ConsoleChat(app, start=start, write=shown.append).run(lines)
    return "\n".join(shown)


def after(text: str, moment: str) -> str:
    """What the bot said from the wait that brought the console's clock (UTC) to
    `moment` on (a wait's DMs follow its "it is now")."""
    return text.split(f"it is now {moment}", 1)[1]


def test_a_round_and_meeting_ended_at_22_remind_at_08_not_02(tmp_path, rule_classifier):
    # 21:00 UTC is 22:00 in Amsterdam (winter); four hours on is 02:00 there.
    text = night_at_the_table(tmp_path, rule_classifier, datetime(2026, 3, 2, 21, 0, tzinfo=UTC), [
        "/as ben", "hi", "/as chris", "hello", "/as anna",
        "/concerns pin the base image", "/meeting start", "/meeting end",
        "/wait 4h1m", "/wait 5h58m", "/wait 1m",
    ])  # fmt: skip
    # Asked for at 22:00, the round itself is posted at once.
    assert "Concern round: anna proposes" in text.split("it is now")[0]
    night = after(text, "2026-03-03 01:01").split("it is now 2026-03-03 07:00")[0]
    assert "friendly reminder" not in night  # not at 02:01, nor at 07:59 there
    # 08:00 in Amsterdam is 07:00 UTC.
    morning = after(text, "2026-03-03 07:00")
    assert "[bot → ben, chris, privately]" in morning
    assert "the table would like your answer on this proposal" in morning
    assert "[bot → anna, ben, chris, privately]" in morning
    assert "the meeting has ended, and you have no mandate here yet" in morning


def test_a_snooze_at_22_41_comes_back_at_08_and_says_so(tmp_path, rule_classifier):
    # 19:30 UTC is 20:30 in Amsterdam: the nudge comes at 20:41, before the night.
    text = night_at_the_table(tmp_path, rule_classifier, datetime(2026, 3, 2, 19, 30, tzinfo=UTC), [
        "/as ben", "The staging deploy is broken again", "/wait 11m", "/wait 2h",
        "/snooze 4h", "/wait 4h1m", "/wait 5h17m", "/wait 1m",
    ])  # fmt: skip
    assert "[bot → ben, privately]" in after(text, "2026-03-02 19:41")
    snoozed = after(text, "2026-03-02 21:41")
    assert "Snoozed until tomorrow at 08:00 (Europe/Amsterdam)." in snoozed
    assert "4 hours from now is in the quiet hours here" in snoozed
    night = after(text, "2026-03-03 01:42").split("it is now 2026-03-03 07:00")[0]
    assert "gentle reminder" not in night  # not at 02:41, nor at 07:59 there
    assert "a gentle reminder about the problem you named earlier" in after(
        text, "2026-03-03 07:00"
    )


def test_a_problem_named_at_night_is_nudged_in_the_morning_unless_answered(
    tmp_path, rule_classifier
):
    # 21:30 UTC is 22:30 in Amsterdam: its nudge, due at 22:41, waits for 08:00.
    text = night_at_the_table(tmp_path, rule_classifier, datetime(2026, 3, 2, 21, 30, tzinfo=UTC), [
        "/as ben", "The staging deploy is broken again", "The printer is broken again",
        "/wait 11m", "/thread 2", "I propose that we order a new printer", "/top",
        "/wait 9h18m", "/wait 1m",
    ])  # fmt: skip
    night = after(text, "2026-03-02 21:41").split("it is now 2026-03-03 07:00")[0]
    assert "[bot → ben, privately]" not in night  # not at 22:41, nor at 07:59 there
    morning = after(text, "2026-03-03 07:00")
    assert "> The staging deploy is broken again" in morning
    # Followed up in its own thread in the night: nothing left to nudge about.
    assert "> The printer is broken again" not in morning


def test_a_days_snooze_comes_back_at_the_same_hour_when_summer_time_starts(
    tmp_path, rule_classifier
):
    # 09:30 UTC on Saturday 28 March is 10:30 in Amsterdam: the nudge comes at 10:41.
    # Summer time starts that night: 10:41 on Sunday is 08:41 UTC, 23 hours on, not the
    # 11:41 that 24 hours on would be.
    text = night_at_the_table(tmp_path, rule_classifier, datetime(2026, 3, 28, 9, 30, tzinfo=UTC), [
        "/as ben", "The staging deploy is broken again", "/wait 11m", "/snooze 1d",
        "/wait 22h59m", "/wait 1m",
    ])  # fmt: skip
    snoozed = after(text, "2026-03-28 09:41")
    assert "Snoozed until tomorrow at 10:41 (Europe/Amsterdam)." in snoozed
    assert "I will remind you again in 1 day." in snoozed
    assert "gentle reminder" not in after(text, "2026-03-29 08:40").split("it is now")[0]
    assert "a gentle reminder about the problem you named earlier" in after(
        text, "2026-03-29 08:41"
    )


def test_the_consoles_clock_says_it_is_utc(tmp_path, rule_classifier):
    """Beside "until tomorrow at 08:00 (Europe/Amsterdam)", a bare "it is now 07:00"
    read as an hour before the night ended."""
    text = night_at_the_table(tmp_path, rule_classifier, datetime(2026, 3, 2, 21, 0, tzinfo=UTC), [
        "/as ben", "/wait 10h",
    ])  # fmt: skip
    assert "it is now 2026-03-03 07:00 UTC" in text
