"""Zones named as POSIX names them, with the sign the other way round: "Etc/GMT+1" is
one hour behind UTC (UTC−1), though most people reading it expect UTC+1. A table that
chooses one is told what it chose, and offered a city's zone for what it may have meant.
"""

from __future__ import annotations

import re

_POSIX_NAME = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")

# A zone whose standard time is that many hours from UTC, named after a city known
# there, for a table that meant the offset its POSIX name seems to say.
_CITIES = {
    -11: "Pacific/Pago_Pago", -10: "Pacific/Honolulu", -9: "America/Anchorage",
    -8: "America/Los_Angeles", -7: "America/Denver", -6: "America/Chicago",
    -5: "America/New_York", -4: "America/Santo_Domingo", -3: "America/Sao_Paulo",
    -2: "America/Noronha", -1: "Atlantic/Azores", 1: "Europe/Amsterdam", 2: "Europe/Athens",
    3: "Europe/Istanbul", 4: "Asia/Dubai", 5: "Asia/Karachi", 6: "Asia/Dhaka",
    7: "Asia/Bangkok", 8: "Asia/Singapore", 9: "Asia/Tokyo", 10: "Australia/Brisbane",
    11: "Pacific/Noumea", 12: "Pacific/Auckland", 13: "Pacific/Tongatapu",
    14: "Pacific/Kiritimati",
}  # fmt: skip


def posix_hours(name: str) -> int | None:
    """How many hours from UTC the zone `name` is, if it is named as POSIX does ("Etc/GMT+1":
    -1); None for any other name, and for one at UTC ("Etc/GMT-0")."""
    found = _POSIX_NAME.match(name)
    if found is None or int(found[2]) == 0:
        return None
    return -int(found[2]) if found[1] == "+" else int(found[2])


def utc_offset(hours: int) -> str:
    """ "UTC+1", "UTC−5" (with a minus sign, as written)."""
    return f"UTC{'+' if hours >= 0 else '−'}{abs(hours)}"


def city_at(hours: int) -> str | None:
    """A city's zone whose standard time is `hours` from UTC, if one is known."""
    return _CITIES.get(hours)
