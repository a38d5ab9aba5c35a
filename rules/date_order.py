"""Which way round a table may write a date in numbers: "05/03/2027" is 5 March in the
Netherlands and most of the world, 3 May in the United States. The bot knows no
country, only the table's time zone (/table timezone), so the zones of the countries
where the month often comes first stand for them: the United States and the places it
governs, the Philippines, Micronesia, the Marshall Islands, Palau and Belize, and Canada,
which writes it both ways. There a date that reads both ways is asked about
(rules.durations.AmbiguousDate), never read day first without a word.
"""

from __future__ import annotations

# The zones of those countries (the tz database's zone.tab) and their older names
# ("US/Eastern", "America/Indianapolis", "EST5EDT").
_MONTH_FIRST_ZONES = frozenset({
    # The United States
    "America/New_York", "America/Detroit", "America/Kentucky/Louisville",
    "America/Kentucky/Monticello", "America/Indiana/Indianapolis", "America/Indiana/Vincennes",
    "America/Indiana/Winamac", "America/Indiana/Marengo", "America/Indiana/Petersburg",
    "America/Indiana/Vevay", "America/Chicago", "America/Indiana/Tell_City",
    "America/Indiana/Knox", "America/Menominee", "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem", "America/North_Dakota/Beulah", "America/Denver",
    "America/Boise", "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
    "America/Juneau", "America/Sitka", "America/Metlakatla", "America/Yakutat",
    "America/Nome", "America/Adak", "Pacific/Honolulu",
    "America/Indianapolis", "America/Fort_Wayne", "America/Louisville", "America/Knox_IN",
    "America/Shiprock", "America/Atka", "Navajo", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
    "EST", "MST", "HST", "US/Alaska", "US/Aleutian", "US/Arizona", "US/Central",
    "US/East-Indiana", "US/Eastern", "US/Hawaii", "US/Indiana-Starke", "US/Michigan",
    "US/Mountain", "US/Pacific", "US/Samoa",
    # The places it governs
    "America/Puerto_Rico", "America/St_Thomas", "America/Virgin", "Pacific/Guam",
    "Pacific/Saipan", "Pacific/Pago_Pago", "Pacific/Samoa", "Pacific/Midway", "Pacific/Wake",
    "Pacific/Johnston",
    # The Philippines, Micronesia, the Marshall Islands, Palau, Belize
    "Asia/Manila", "Pacific/Chuuk", "Pacific/Truk", "Pacific/Yap", "Pacific/Pohnpei",
    "Pacific/Ponape", "Pacific/Kosrae", "Pacific/Majuro", "Pacific/Kwajalein", "Kwajalein",
    "Pacific/Palau", "America/Belize",
    # Canada
    "America/St_Johns", "America/Halifax", "America/Glace_Bay", "America/Moncton",
    "America/Goose_Bay", "America/Blanc-Sablon", "America/Toronto", "America/Montreal",
    "America/Nipigon", "America/Thunder_Bay", "America/Iqaluit", "America/Pangnirtung",
    "America/Atikokan", "America/Coral_Harbour", "America/Winnipeg", "America/Rainy_River",
    "America/Resolute", "America/Rankin_Inlet", "America/Regina", "America/Swift_Current",
    "America/Edmonton", "America/Cambridge_Bay", "America/Yellowknife", "America/Inuvik",
    "America/Creston", "America/Dawson_Creek", "America/Fort_Nelson", "America/Vancouver",
    "America/Whitehorse", "America/Dawson", "Canada/Atlantic", "Canada/Central",
    "Canada/Eastern", "Canada/Mountain", "Canada/Newfoundland", "Canada/Pacific",
    "Canada/Saskatchewan", "Canada/Yukon",
})  # fmt: skip


def month_first_zone(name: str) -> bool:
    """Whether a table in the zone `name` may write the month first ("05/03/2027" for
    3 May)."""
    return name in _MONTH_FIRST_ZONES
