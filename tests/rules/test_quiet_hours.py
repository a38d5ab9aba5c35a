"""Quiet hours: a reminder or nudge by DM that falls due in the night where the table
sits waits for the morning there; the decisions alone, on a table's state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

import pytest

from rules.actions import (
    CloseWatch,
    PostConcernRound,
    PostRoundSummary,
    RemindMembers,
    ScheduleTimer,
    SendNudge,
    SnoozeNoted,
)
from rules.agreements import review_due
from rules.concerns import DEADLINE_TIMER, REMINDER_TIMER, on_timer, start_round
from rules.events import CommandInvoked, NudgeSnoozed, TimerFired
from rules.grammar import EndMeeting, StartRound
from rules.i18n import render
from rules.meetings import RENEWAL_TIMER, end
from rules.night_timers import after_the_night
from rules.problems import PROBLEM_TIMER, SNOOZE_TIMER, answer_watches, on_snoozed
from rules.problems import on_timer as problem_timer
from rules.quiet_hours import QuietHours, after_quiet, parse_quiet_hours
from rules.say import Moment
from rules.state import Meeting, MemberInfo, Round, TableSettings, TableState, Watch
from rules.understanding import Command

AMS = "Europe/Amsterdam"
NIGHT = QuietHours(time(21, 0), time(8, 0))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "zone", "expected"),
    [
        # Winter: 22:41 in Amsterdam (21:41 UTC) waits for 08:00 there, 07:00 UTC.
        (utc(2026, 3, 2, 21, 41), AMS, utc(2026, 3, 3, 7, 0)),
        # After midnight: the same morning.
        (utc(2026, 3, 3, 1, 1), AMS, utc(2026, 3, 3, 7, 0)),
        # Summer: 08:00 there is 06:00 UTC.
        (utc(2026, 7, 1, 0, 30), AMS, utc(2026, 7, 1, 6, 0)),
        # The night the clocks go forward (29 March 2026): 22:41 CET, morning in CEST.
        (utc(2026, 3, 28, 21, 41), AMS, utc(2026, 3, 29, 6, 0)),
        # The night they go back (25 October 2026): 22:41 CEST, morning in CET.
        (utc(2026, 10, 24, 20, 41), AMS, utc(2026, 10, 25, 7, 0)),
        # The repeated hour itself (02:30 CET, the second time) is night too.
        (utc(2026, 10, 25, 1, 30), AMS, utc(2026, 10, 25, 7, 0)),
        # A table in UTC: its own night.
        (utc(2026, 3, 2, 22, 0), "UTC", utc(2026, 3, 3, 8, 0)),
        (utc(2026, 3, 2, 7, 59), "UTC", utc(2026, 3, 2, 8, 0)),
        # The day is left as it is, to the minute at either end.
        (utc(2026, 3, 2, 8, 0), "UTC", utc(2026, 3, 2, 8, 0)),
        (utc(2026, 3, 2, 20, 59), "UTC", utc(2026, 3, 2, 20, 59)),
        (utc(2026, 3, 2, 19, 59), AMS, utc(2026, 3, 2, 19, 59)),
    ],
)
def test_a_reminder_due_at_night_waits_for_the_morning_where_the_table_sits(due, zone, expected):
    assert after_quiet(due, NIGHT, zone) == expected


# The nights the clocks go forward: at 02:00 in Amsterdam on 29 March 2026 (01:00 UTC),
# in New York on 8 March 2026 (07:00 UTC), to 03:00. An end at 02:30 is skipped.
SKIPPED_END = QuietHours(time(21, 0), time(2, 30))


@pytest.mark.parametrize(
    ("due", "zone", "expected"),
    [
        # 22:41 CET: the night ends as the clock jumps, 03:00 CEST, not 03:30 (01:30 UTC).
        (utc(2026, 3, 28, 21, 41), AMS, utc(2026, 3, 29, 1, 0)),
        (utc(2026, 3, 29, 0, 59), AMS, utc(2026, 3, 29, 1, 0)),
        # After the jump it is day.
        (utc(2026, 3, 29, 1, 0), AMS, utc(2026, 3, 29, 1, 0)),
        # 22:00 EST on 7 March: 03:00 EDT, 07:00 UTC, not 04:00 EDT.
        (utc(2026, 3, 8, 3, 0), "America/New_York", utc(2026, 3, 8, 7, 0)),
        # Lord Howe Island goes forward half an hour, from 02:00 to 02:30 (15:30 UTC):
        # 02:30 itself is there.
        (utc(2026, 10, 3, 11, 0), "Australia/Lord_Howe", utc(2026, 10, 3, 15, 30)),
    ],
)
def test_quiet_hours_that_end_in_the_hour_the_clock_skips_end_as_it_jumps(due, zone, expected):
    """They ended an hour late (03:30 summer time), as zoneinfo reads a skipped time."""
    assert after_quiet(due, SKIPPED_END, zone) == expected


def test_no_quiet_hours_and_quiet_hours_within_one_day():
    assert after_quiet(utc(2026, 3, 2, 2, 0), None, AMS) == utc(2026, 3, 2, 2, 0)
    early = QuietHours(time(1, 0), time(6, 0))
    assert after_quiet(utc(2026, 3, 2, 0, 30), early, "UTC") == utc(2026, 3, 2, 0, 30)
    assert after_quiet(utc(2026, 3, 2, 3, 0), early, "UTC") == utc(2026, 3, 2, 6, 0)
    assert after_quiet(utc(2026, 3, 2, 23, 0), early, "UTC") == utc(2026, 3, 2, 23, 0)


def test_quiet_hours_are_read_as_written():
    assert parse_quiet_hours("21:00-08:00") == NIGHT
    assert parse_quiet_hours(" 22:30 – 7:00 ") == QuietHours(time(22, 30), time(7, 0))
    assert parse_quiet_hours("08:00-08:00") is None
    assert parse_quiet_hours("25:00-08:00") is None
    assert parse_quiet_hours("night") is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("22-7", time(22, 0), time(7, 0)), ("22u-7u", time(22, 0), time(7, 0)),
     ("22.00-07.30", time(22, 0), time(7, 30)), ("22h - 7h", time(22, 0), time(7, 0)),
     ("21:30-8", time(21, 30), time(8, 0))],
)  # fmt: skip
def test_quiet_hours_are_read_as_people_write_hours(text, start, end):
    """Whole hours ("22-7"), a Dutch "u" or a dot between hour and minutes ("22.00"):
    they were refused, though only one night can be meant."""
    assert parse_quiet_hours(text) == QuietHours(start, end)


def test_quiet_hours_that_are_no_hours_stay_unread():
    assert parse_quiet_hours("24-7") is None
    assert parse_quiet_hours("7-7") is None
    assert parse_quiet_hours("22.5-7") is None
    assert parse_quiet_hours("2022-2023") is None


def table(zone: str = AMS, **parts) -> TableState:
    settings = TableSettings(timezone=zone, quiet_hours=NIGHT)
    return TableState(workspace="w", channel="c", settings=settings, **parts)


def timers(actions, kind: str) -> list[datetime]:
    return [a.due for a in actions if isinstance(a, ScheduleTimer) and a.kind == kind]


def command(at: datetime, parsed, name: str) -> Command:
    event = CommandInvoked(workspace="w", channel="c", at=at, event_id="e1", user="anna",
                           name=name)  # fmt: skip
    return Command(event=event, spec=None, parsed=parsed, lang="en")


def test_a_round_asked_for_at_night_is_posted_at_once_its_reminder_waits_and_deadline_stays():
    at = utc(2026, 3, 2, 21, 0)  # 22:00 in Amsterdam
    state = table(members=frozenset({"anna", "ben", "chris"}))
    actions = start_round(command(at, StartRound("pin the base image"), "concerns"), state)
    assert any(isinstance(a, PostConcernRound) for a in actions)  # answers anna now
    assert timers(actions, DEADLINE_TIMER) == [at + timedelta(hours=24)]  # not moved
    assert timers(actions, REMINDER_TIMER) == [utc(2026, 3, 3, 7, 0)]  # not 02:00


def a_round(at: datetime, deadline: datetime) -> Round:
    return Round(
        round_id="r1", proposal="pin the base image", proposer="anna", thread_id=None,
        lang="en", started_at=at, deadline=deadline, participants=("ben", "chris"),
        answers=MappingProxyType({}), reminders_sent=0, status="open",
    )  # fmt: skip


def fired(at: datetime, kind: str, subject: str) -> TimerFired:
    return TimerFired(workspace="w", channel="c", at=at, event_id="t", kind=kind,
                      subject=subject, due=at, key="t")  # fmt: skip


def test_the_next_round_reminder_waits_for_the_morning_unless_the_deadline_comes_first():
    first = utc(2026, 3, 2, 18, 0)  # 19:00: the next would be 23:00
    round_ = a_round(first - timedelta(hours=4), first + timedelta(hours=20))
    state = table(rounds_by_id={"r1": round_})
    assert timers(on_timer(fired(first, REMINDER_TIMER, "r1"), state), REMINDER_TIMER) == [
        utc(2026, 3, 3, 7, 0)
    ]
    # The round closes before the morning: no reminder at all, rather than one at night.
    short = replace(round_, deadline=utc(2026, 3, 3, 5, 0))
    state = table(rounds_by_id={"r1": short})
    assert timers(on_timer(fired(first, REMINDER_TIMER, "r1"), state), REMINDER_TIMER) == []


def test_a_meeting_ended_at_night_asks_for_renewal_at_once_and_reminds_in_the_morning():
    at = utc(2026, 3, 2, 21, 0)  # 22:00 in Amsterdam: 4 hours on is 02:00
    meeting = Meeting(meeting_id="m1", started_at=at - timedelta(hours=1), started_by="anna",
                      status="open")  # fmt: skip
    roster = {user: MemberInfo(user) for user in ("anna", "ben")}
    state = table(roster=roster, open_meeting=meeting)
    actions = end(command(at, EndMeeting(), "meeting"), state)
    assert timers(actions, RENEWAL_TIMER) == [utc(2026, 3, 3, 7, 0)]


def a_watch(at: datetime) -> Watch:
    return Watch(problem_id="p1", thread_id=None, user="ben", text="The deploy is broken",
                 lang="en", posted_at=at, deadline=at, status="nudged")  # fmt: skip


def snooze(at: datetime, zone: str, lang: str = "en"):
    state = table(zone, watches=(a_watch(at),))
    actions = on_snoozed(
        NudgeSnoozed(workspace="w", channel="c", at=at, event_id="s", user="ben",
                     problem_id="p1"),
        state, timedelta(hours=4), lang,
    )  # fmt: skip
    (noted,) = [a for a in actions if isinstance(a, SnoozeNoted)]
    said = render(noted.text, lang, name_of=str, quote=str, words=str)
    return timers(actions, SNOOZE_TIMER), said


def test_a_snooze_that_would_end_at_night_ends_in_the_morning_and_says_so():
    # 22:41 in Amsterdam, winter: four hours on is 02:41.
    due, said = snooze(utc(2026, 3, 2, 21, 41), AMS)
    assert due == [utc(2026, 3, 3, 7, 0)]
    assert "until tomorrow at 08:00" in said
    assert "quiet hours" in said
    due, said = snooze(utc(2026, 3, 2, 21, 41), AMS, "nl")
    assert "tot morgen om 08:00" in said


def test_a_snooze_by_day_names_the_clock_time_where_the_table_sits_and_its_zone():
    # 10:00 UTC is 11:00 in Amsterdam in winter: back at 15:00 there.
    due, said = snooze(utc(2026, 3, 2, 10, 0), AMS)
    assert due == [utc(2026, 3, 2, 14, 0)]
    assert said == "Snoozed until 15:00 (Europe/Amsterdam). I will remind you again in 4 hours."
    # A table that set no zone: its clock is UTC, and says so (a reader in Amsterdam
    # knows it is not theirs).
    due, said = snooze(utc(2026, 3, 2, 10, 0), "UTC", "nl")
    assert "tot 14:00 (UTC)" in said


def test_a_snooze_names_its_moment_for_the_platform_to_show_on_each_readers_clock():
    at = utc(2026, 3, 2, 12, 11)  # 13:11 in Amsterdam
    state = table("UTC", watches=(a_watch(at),))
    snoozed = NudgeSnoozed(workspace="w", channel="c", at=at, event_id="s", user="ben",
                           problem_id="p1")  # fmt: skip
    [noted] = [
        a for a in on_snoozed(snoozed, state, timedelta(hours=4)) if isinstance(a, SnoozeNoted)
    ]
    assert noted.until == Moment(at=utc(2026, 3, 2, 16, 11), zone="UTC", said_at=at)
    shown = render(noted.text, "en", moment=lambda moment, named: f"<{moment.at:%H:%M}Z|{named}>")
    assert shown.startswith("Snoozed until <16:11Z|16:11 (UTC)>.")


# Timers the bot fires late: it was down, or restarting, in the evening.
LATE_AT_NIGHT = utc(2026, 3, 3, 1, 0)  # 02:00 in Amsterdam


def test_a_round_reminder_fired_late_in_the_night_waits_for_the_morning():
    round_ = a_round(utc(2026, 3, 2, 15, 30), utc(2026, 3, 4, 15, 30))
    state = table(rounds_by_id={"r1": round_})
    late = replace(fired(LATE_AT_NIGHT, REMINDER_TIMER, "r1"), key="reminder:r1:1",
                   due=utc(2026, 3, 2, 19, 30))  # fmt: skip
    decided = after_the_night(late, state, on_timer(late, state))
    assert decided == [
        # Held from when it was due, for a change of the hours or zone to set it again.
        ScheduleTimer(workspace="w", channel="c", key="reminder:r1:1", kind=REMINDER_TIMER,
                      subject="r1", due=utc(2026, 3, 3, 7, 0), held_from=utc(2026, 3, 2, 19, 30))
    ]  # fmt: skip
    # In the morning it is decided again, and sent.
    morning = replace(late, at=utc(2026, 3, 3, 7, 0), due=utc(2026, 3, 3, 7, 0))
    decided = after_the_night(morning, state, on_timer(morning, state))
    assert any(isinstance(a, RemindMembers) for a in decided)


def test_a_deadline_fired_late_in_the_night_closes_its_round_then():
    round_ = a_round(utc(2026, 3, 1, 15, 30), utc(2026, 3, 2, 19, 30))
    state = table(rounds_by_id={"r1": round_})
    late = fired(LATE_AT_NIGHT, DEADLINE_TIMER, "r1")
    decided = after_the_night(late, state, on_timer(late, state))
    assert any(isinstance(a, PostRoundSummary) for a in decided)
    assert timers(decided, DEADLINE_TIMER) == []


def test_a_snooze_that_ends_late_in_the_night_brings_its_nudge_back_in_the_morning():
    at = utc(2026, 3, 2, 15, 30)
    state = table(watches=(replace(a_watch(at), status="snoozed"),))
    late = replace(fired(LATE_AT_NIGHT, SNOOZE_TIMER, "p1"), due=utc(2026, 3, 3, 0, 50))
    assert timers(after_the_night(late, state, problem_timer(late, state)), SNOOZE_TIMER) == [
        utc(2026, 3, 3, 7, 0)
    ]
    # A nudge far too late to send is withdrawn as before, not kept for the morning.
    state = table(watches=(replace(a_watch(at), status="open", deadline=at),))
    stale = replace(fired(LATE_AT_NIGHT, PROBLEM_TIMER, "p1"), due=at)
    decided = after_the_night(stale, state, problem_timer(stale, state))
    assert [a.outcome for a in decided if isinstance(a, CloseWatch)] == ["withdrawn"]
    assert not any(isinstance(a, SendNudge) for a in decided)


def test_a_problem_whose_nudge_waits_for_the_morning_is_answered_in_its_own_thread():
    at = utc(2026, 3, 2, 21, 30)
    waiting = replace(a_watch(at), status="open", deadline=at + timedelta(minutes=10))
    later = fired(at + timedelta(hours=1), REMINDER_TIMER, "x")  # any event, in the night
    closed = answer_watches([waiting], later, thread_id="p1", by="m9")
    assert any(isinstance(a, CloseWatch) and a.outcome == "answered" for a in closed)
    # At the top level, after its window, it answers no problem of the past.
    assert answer_watches([waiting], later, thread_id=None, by="m9") == []


def test_a_review_comes_at_nine_unless_the_quiet_hours_still_hold_then():
    day = date(2026, 3, 2)
    assert review_due(day, AMS, NIGHT) == utc(2026, 3, 2, 8, 0)  # 09:00 there
    late_mornings = QuietHours(time(21, 0), time(10, 0))
    assert review_due(day, AMS, late_mornings) == utc(2026, 3, 2, 9, 0)  # 10:00 there


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("10pm-7am", time(22, 0), time(7, 0)), ("10 PM - 7 AM", time(22, 0), time(7, 0)),
     ("10:30pm-6:45am", time(22, 30), time(6, 45)), ("10 p.m. to 7 a.m.", time(22), time(7)),
     ("from 9pm to 8am", time(21, 0), time(8, 0)), ("12am-6am", time(0, 0), time(6, 0)),
     ("1pm-12pm", time(13, 0), time(12, 0)), ("22:00 to 07:00", time(22), time(7)),
     ("van 22 tot 7", time(22, 0), time(7, 0)), ("Van 22:00 tot 07:30", time(22), time(7, 30)),
     ("van 22u tot 7u", time(22, 0), time(7, 0)), ("22 tot 7", time(22, 0), time(7, 0)),
     ("van 22 uur tot 7 uur", time(22, 0), time(7, 0)), ("tussen 22 en 7", time(22), time(7)),
     ("between 10pm and 7am", time(22, 0), time(7, 0)), ("22-7", time(22, 0), time(7, 0)),
     ("22u-7u", time(22, 0), time(7, 0))],
)  # fmt: skip
def test_quiet_hours_are_read_in_plain_english_and_dutch(text, start, end):
    """12-hour times with am/pm, "from … to …", "van … tot …", "tussen … en …": they
    were refused, though only one night can be meant."""
    assert parse_quiet_hours(text) == QuietHours(start, end)


@pytest.mark.parametrize(
    "text",
    ["13pm-7am", "0am-6am", "10pm-10pm", "10-7am", "9pm-11", "10pm-7", "van 22", "tot 7", "from 22",
     "van 22 en 7", "between 22 to 7", "22 tot", "10pmam-7", "van tot"],
)  # fmt: skip
def test_quiet_hours_that_are_no_night_in_plain_words_stay_unread(text):
    """No 13 pm, no 0 am, no same time twice; "10-7am" may mean ten in the morning or at
    night (and "9pm-11" eleven at night or in the morning), so it is refused with the
    example rather than guessed."""
    assert parse_quiet_hours(text) is None
