"""The night where a table sits: the hours in which the bot sends nobody a reminder or a
nudge by DM, on the table's own clock (rules.local_time). A private reminder that falls
due in them is sent as they end instead. What answers someone's own action (a command's
reply, a round someone asked for) is never held back, nor is a round's deadline moved.

Pure: the moment to place always comes in (an event's or a timer's time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from rules.local_time import at_local_time, zone

# A time of day as people write it: "22:00", "22.00" (Dutch), "22", "22u", "22 uur",
# "22h", or on a 12-hour clock "10pm", "10:30 p.m.".
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?(?:\s*(?:uur|u|h)\b|\s*([ap])\.?\s*m\b\.?)?"
# From one to the other: "22-7", "10pm to 7am", "from 9pm until 8am", "van 22 tot 7";
# or "between 10pm and 7am", "tussen 22 en 7".
_HOURS = re.compile(
    rf"\s*(?:(?:from|van)\s+)?{_CLOCK}\s*(?:[-–]|to|till|until|tot)\s*{_CLOCK}\s*",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    rf"\s*(?:between|tussen)\s+{_CLOCK}\s*(?:[-–]|and|en)\s*{_CLOCK}\s*", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `start` to `end`, local wall-clock times; past midnight when start > end
    (21:00-08:00)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


# The default (GROUNDRULES_QUIET_HOURS): from the evening to the start of a working day.
NIGHT = QuietHours(time(21, 0), time(8, 0))


def parse_quiet_hours(text: str) -> QuietHours | None:
    """ "21:00-08:00" (or with an en dash; "21-8", "21u-8u", "21.00-08.00" too; "9pm-8am",
    "from 9pm to 8am", "van 21 tot 8", "tussen 21 en 8"); None when it is not two times
    of the day, or the same time twice (no night at all, or all of it), or when only one
    says am or pm and the other could be either ("10-7am", "9pm-11")."""
    found = _HOURS.fullmatch(text) or _BETWEEN.fullmatch(text)
    if found is None:
        return None
    h1, m1, half1, h2, m2, half2 = found.groups()
    if (half1 is None) != (half2 is None) and int(h1 if half1 is None else h2) <= 12:
        return None
    start, end = _clock(h1, m1, half1), _clock(h2, m2, half2)
    if start is None or end is None or start == end:
        return None
    return QuietHours(start, end)


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    """A time of day: on a 24-hour clock, or a 12-hour one when `half` says a or p."""
    h, m = int(hour), int(minute or 0)
    if m > 59:
        return None
    if half is None:
        return time(h, m) if h <= 23 else None
    if not 1 <= h <= 12:
        return None
    return time(h % 12 + (12 if half.lower() == "p" else 0), m)


def _in_quiet(clock: time, quiet: QuietHours) -> bool:
    if quiet.start < quiet.end:  # within one day (01:00-06:00)
        return quiet.start <= clock < quiet.end
    return clock >= quiet.start or clock < quiet.end  # past midnight


def after_quiet(due: datetime, quiet: QuietHours | None, zone_name: str) -> datetime:
    """`due` (aware, UTC), or the end of the quiet hours it falls in where the table sits.
    Wall-clock times: 08:00 in Amsterdam is 07:00 UTC in winter and 06:00 in summer,
    also on the night the clocks change."""
    if quiet is None:
        return due
    local = due.astimezone(zone(zone_name))
    clock = local.time().replace(tzinfo=None)
    if not _in_quiet(clock, quiet):
        return due
    day = local.date()
    # Before midnight in a night that runs past it: they end the next morning.
    if quiet.start > quiet.end and clock >= quiet.start:
        day += timedelta(days=1)
    # An end the clock change skips (02:30 on the spring night) is the moment the clock
    # jumps past it (03:00 summer time): the first that is no longer night.
    ended = at_local_time(day, quiet.end, zone_name)
    return max(ended, due)  # never earlier than asked
