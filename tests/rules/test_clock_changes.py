"""Spans the bot counts across a change to or from summer time: a span of whole days
ends at the same clock time where the table sits (a round of "2d" opened at 17:00 closes
at 17:00 two days on), any other span is that much time passing (rules.local_time.later_by).
In Amsterdam summer time starts on 29 March 2026 and ends on 25 October; in New York on
8 March and 1 November."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules import meetings
from rules.actions import OpenRound, ScheduleTimer
from rules.concerns import DEADLINE_TIMER, REMINDER_TIMER, start_round
from rules.events import CommandInvoked
from rules.grammar import EndMeeting, StartRound
from rules.local_time import later_by
from rules.meetings import RENEWAL_TIMER
from rules.state import Meeting, MemberInfo, TableSettings, TableState
from rules.understanding import Command

AMS, NYC = "Europe/Amsterdam", "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# 17:00 on the Saturday before each change, where the table sits, and 17:00 there on the
# Monday after it: 48 hours on in winter-to-summer is 18:00, summer-to-winter 16:00.
ACROSS = [
    pytest.param(AMS, utc(2026, 3, 28, 16, 0), utc(2026, 3, 30, 15, 0), id="amsterdam-spring"),
    pytest.param(AMS, utc(2026, 10, 24, 15, 0), utc(2026, 10, 26, 16, 0), id="amsterdam-autumn"),
    pytest.param(NYC, utc(2026, 3, 7, 22, 0), utc(2026, 3, 9, 21, 0), id="new-york-spring"),
    pytest.param(NYC, utc(2026, 10, 31, 21, 0), utc(2026, 11, 2, 22, 0), id="new-york-autumn"),
]


@pytest.mark.parametrize(("zone", "start", "two_days_on"), ACROSS)
def test_whole_days_end_at_the_same_clock_time_there(zone, start, two_days_on):
    assert later_by(start, timedelta(days=2), zone) == two_days_on
    assert later_by(start, timedelta(hours=48), zone) == two_days_on  # "48h" is 2 days


@pytest.mark.parametrize(("zone", "start", "two_days_on"), ACROSS)
def test_a_span_not_of_whole_days_is_time_passing(zone, start, two_days_on):
    """36 hours are 36 hours, a day and a minute as many, 4 hours across the night of
    the change 4 hours."""
    for span in (timedelta(hours=36), timedelta(hours=4), timedelta(days=1, minutes=1)):
        assert later_by(start, span, zone) == start + span


def command(at: datetime) -> Command:
    event = CommandInvoked(workspace="w", channel="c", at=at, event_id="e1", user="ben",
                           name="concerns")  # fmt: skip
    return Command(event=event, spec=None, parsed=StartRound("pin the image"), lang="en")


def timers(actions) -> dict[str, datetime]:
    return {a.kind: a.due for a in actions if isinstance(a, ScheduleTimer)}


@pytest.mark.parametrize(("zone", "start", "two_days_on"), ACROSS)
def test_a_round_of_days_closes_at_its_clock_time_across_the_change(zone, start, two_days_on):
    settings = TableSettings(
        timezone=zone, quiet_hours=None, round_deadline=timedelta(days=2),
        reminder_delay=timedelta(days=1), max_reminders=2,
    )  # fmt: skip
    state = TableState(workspace="w", channel="c", settings=settings,
                       members=frozenset({"anna", "ben", "chris"}))  # fmt: skip
    actions = start_round(command(start), state)
    [opened] = [a for a in actions if isinstance(a, OpenRound)]
    assert opened.deadline == two_days_on
    # The first reminder, a day on, is at 17:00 there on Sunday too (the change is the
    # night before it in Amsterdam and New York alike).
    assert timers(actions) == {
        DEADLINE_TIMER: two_days_on,
        REMINDER_TIMER: later_by(start, timedelta(days=1), zone),
    }
    assert timers(actions)[REMINDER_TIMER] - start != timedelta(days=1)


@pytest.mark.parametrize(("zone", "start", "two_days_on"), ACROSS)
def test_a_round_of_hours_lasts_those_hours_across_the_change(zone, start, two_days_on):
    settings = TableSettings(timezone=zone, quiet_hours=None, round_deadline=timedelta(hours=36))
    state = TableState(workspace="w", channel="c", settings=settings,
                       members=frozenset({"anna", "ben"}))  # fmt: skip
    [opened] = [a for a in start_round(command(start), state) if isinstance(a, OpenRound)]
    assert opened.deadline == start + timedelta(hours=36)


@pytest.mark.parametrize(("zone", "start", "two_days_on"), ACROSS)
def test_a_renewal_reminder_a_day_on_comes_at_its_clock_time(zone, start, two_days_on):
    settings = TableSettings(timezone=zone, quiet_hours=None, reminder_delay=timedelta(days=1))
    meeting = Meeting("m1", start - timedelta(hours=1), "ben", "open")
    state = TableState(workspace="w", channel="c", settings=settings, open_meeting=meeting,
                       roster={"anna": MemberInfo("anna")})  # fmt: skip
    event = CommandInvoked(workspace="w", channel="c", at=start, event_id="e1", user="ben",
                           name="meeting")  # fmt: skip
    ended = meetings.end(Command(event, None, EndMeeting(), "en"), state)
    assert timers(ended) == {RENEWAL_TIMER: two_days_on - timedelta(days=1)}
