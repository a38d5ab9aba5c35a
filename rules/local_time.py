"""A table's own calendar: the day it is where the table sits, and an hour of that day,
from an IANA time zone name ("Europe/Amsterdam"). Times stay UTC everywhere else.

zoneinfo reads the zone rules once from the system or the tzdata package: fixed data,
as the i18n catalogues are, not a clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rules.folding import fold

DEFAULT_ZONE = "UTC"
_DAY = timedelta(days=1)


@cache
def zone(name: str) -> tzinfo:
    """The zone of that name; UTC for "UTC" (no zone data needed for it)."""
    return UTC if name == DEFAULT_ZONE else ZoneInfo(name)


def known_zone(name: str) -> bool:
    """Whether the name is a time zone the bot can use."""
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a zone's name at all
        return False
    return True


@cache
def _by_folded_name() -> dict[str, str]:
    return {fold(name): name for name in available_timezones() | {DEFAULT_ZONE}}


def zone_or_default(own: str | None, default: str) -> str:
    """A table's zone: its own, unless it set none or the zone data here lacks it (checked
    when set, it may be missing from an older tzdata elsewhere), then the bot's default."""
    return own if own and known_zone(own) else default


def zone_named(text: str) -> str | None:
    """The zone a person typed, in its own spelling ("europe/amsterdam",
    "Europe/İstanbul": "Europe/Amsterdam", "Europe/Istanbul"); None when no zone has
    that name."""
    text = text.strip()
    if known_zone(text):
        return text
    found = _by_folded_name().get(fold(text))
    return found if found is not None and known_zone(found) else None


def zone_of_city(text: str) -> str | None:
    """The one zone named after the city typed ("Amsterdam", "new york": "Europe/Amsterdam",
    "America/New_York"), to offer where only a zone's full name is taken; None when no
    zone, or more than one, ends in that name."""
    found = _by_city().get(fold(" ".join(text.replace("_", " ").split())), ())
    return found[0] if len(found) == 1 and known_zone(found[0]) else None


@cache
def _by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, tuple[str, ...]] = {}
    for name in sorted(available_timezones()):
        area, _, city = name.rpartition("/")
        if area and not area.startswith(("Etc", "SystemV", "posix", "right")):
            key = fold(city.replace("_", " "))
            cities[key] = (*cities.get(key, ()), name)
    return cities


def local_day(at: datetime, name: str) -> date:
    """The day it is at `at` (aware) where the table sits."""
    return at.astimezone(zone(name)).date()


def local_day_after(at: datetime, span: timedelta, name: str) -> date:
    """The day it is `span` after `at` on the table's clock: 28 days after 23:30 on
    5 March in Amsterdam is 2 April there, though summer time started in between (28
    times 24 hours later it is already 00:30 on 3 April there)."""
    return (at.astimezone(zone(name)) + span).date()


def later_by(at: datetime, span: timedelta, name: str) -> datetime:
    """`span` after `at` (aware), in UTC. A span of whole days ("2 days", "a week",
    "48h") counts days on the table's calendar: it ends at the same clock time there,
    also when summer time starts or ends in between (a round opened at 17:00 for 2 days
    closes at 17:00). Any other span ("4 hours", "36h", "1d12h") is that much time
    passing: two hours are two hours, also on the night the clocks change."""
    if not span or span % _DAY:
        return at + span
    return (at.astimezone(zone(name)) + span).astimezone(UTC)


def at_local_time(day: date, hour: time, name: str) -> datetime:
    """That hour of that local day, in UTC: 09:00 in Amsterdam is 08:00 UTC in winter
    and 07:00 in summer. An hour the clock repeats is its first time (fold 0); an hour
    it skips is the first moment after the gap, when the clock jumps (02:30 on the spring
    night in Amsterdam is 03:00 summer time, not 03:30 as zoneinfo reads it)."""
    local = datetime.combine(day, hour, tzinfo=zone(name))
    at = local.astimezone(UTC)
    if at.astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None):
        return at
    # In the gap: the jump lies between the hour read with the offset after it (fold 1,
    # the earlier moment) and with the one before it (fold 0). Found to the second.
    before, after = local.replace(fold=1).astimezone(UTC), at
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(local.tzinfo).replace(tzinfo=None) < local.replace(tzinfo=None):
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)  # clocks change on a whole second
