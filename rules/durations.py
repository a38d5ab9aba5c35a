"""Durations and dates as people type them, in English and Dutch."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from rules.folding import fold

_UNIT_SECONDS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "seconde": 1, "seconden": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "minuut": 60, "minuten": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "u": 3600, "uur": 3600,
    "uren": 3600,
    "d": 86400, "day": 86400, "days": 86400, "dag": 86400, "dagen": 86400,
    "w": 604800, "wk": 604800, "wks": 604800, "wkn": 604800, "week": 604800, "weeks": 604800,
    "weken": 604800, "fortnight": 1209600, "fortnights": 1209600,
    # As Dutch says a short while: "een uurtje", "5 minuutjes", "een dagje".
    "minuutje": 60, "minuutjes": 60, "uurtje": 3600, "uurtjes": 3600, "dagje": 86400,
    "dagjes": 86400, "weekje": 604800, "weekjes": 604800,
}  # fmt: skip

_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)?", re.IGNORECASE)


class DurationError(ValueError):
    """The text is not a duration we understand."""


# Spans said in words, as their minutes: "anderhalf uur", "an hour and a half", "half an
# hour", "een half uur" (also "uurtje", as Dutch says a short while), and quarters of an
# hour, counted or not ("een kwartier", "drie kwartier", "a quarter of an hour", "three
# quarters of an hour").
_SPANS_IN_WORDS = (
    (re.compile(r"\banderhalf\s*uur(?:tje)?\b|\b(?:an?|one|1)\s+hour\s+and\s+a\s+half\b"
                r"|\b(?:one|1)\s+and\s+a\s+half\s+hours?\b"), lambda _: "90m"),
    (re.compile(r"\bhalf\s+an\s+hour\b|\ba\s+half\s+hour\b|\b(?:een\s+)?half\s*uur(?:tje)?\b"),
     lambda _: "30m"),
)  # fmt: skip
_QUARTERS = re.compile(
    r"\b(?:(\d+|[a-zé]+)\s+)?(?:kwartier|quarters?\s+of\s+an\s+hour|quarter[\s-]hour)\b"
)
# A number in words before its unit: "een uur", "an hour", "twee dagen", "ten minutes".
_COUNTED = re.compile(r"\b([a-zéë]+(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
                      r"\s+(?=[a-z]+\b)")  # fmt: skip


def _in_digits(cleaned: str) -> str:
    """Spans said in words as the digits and units `parse_duration` reads: "een uur en een
    kwartier" is "1 uur 15m"."""
    for pattern, minutes in _SPANS_IN_WORDS:
        cleaned = pattern.sub(minutes, cleaned)
    cleaned = cleaned.replace(" en ", " ").replace(" and ", " ")

    def quarters(match: re.Match[str]) -> str:
        count = match.group(1) or "1"
        number = NUMBER_WORDS.get(count) or (int(count) if count.isdigit() else None)
        return match.group(0) if number is None else f"{15 * number}m"

    cleaned = _QUARTERS.sub(quarters, cleaned)

    def counted(match: re.Match[str]) -> str:
        unit = match.string[match.end() :].split(maxsplit=1)[0]
        number = NUMBER_WORDS.get(match.group(1))
        return match.group(0) if number is None or unit not in _UNIT_SECONDS else f"{number} "

    return _COUNTED.sub(counted, cleaned)


def parse_duration(text: str, *, bare_unit: str | None = "m") -> timedelta:
    """Parse "90s", "10m", "1h30m", "10 minutes", "2 uur", and spans in words: "een uur",
    "an hour", "een kwartier", "half an hour", "anderhalf uur"; a bare number uses
    `bare_unit` (with None, a number needs its unit)."""
    # "/snooze 15 min." as a sentence ends: its full stop says nothing of the span.
    cleaned = _in_digits(fold(text.strip()).rstrip(".").rstrip())
    if not cleaned:
        raise DurationError(text)
    total = 0.0
    pos = 0
    matched = False
    for match in _PART.finditer(cleaned):
        if cleaned[pos : match.start()].strip(" ,"):
            raise DurationError(text)
        number = float(match.group(1).replace(",", "."))
        unit = fold(match.group(2) or bare_unit or "")
        if unit not in _UNIT_SECONDS:
            raise DurationError(text)
        total += number * _UNIT_SECONDS[unit]
        pos = match.end()
        matched = True
    if not matched or cleaned[pos:].strip():
        raise DurationError(text)
    try:
        return timedelta(seconds=round(total))
    except (OverflowError, ValueError) as error:  # "99999999999999999999 weeks"
        raise DurationError(text) from error


def format_duration(span: timedelta) -> str:
    """Compact and unambiguous: 90s, 10m, 1h30m, 2d."""
    seconds = int(span.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


MONTHS = {
    "january": 1, "jan": 1, "januari": 1, "february": 2, "feb": 2, "febr": 2, "februari": 2,
    "march": 3, "mar": 3, "maart": 3, "mrt": 3, "april": 4, "apr": 4, "may": 5, "mei": 5,
    "june": 6, "jun": 6, "juni": 6, "july": 7, "jul": 7, "juli": 7, "august": 8, "aug": 8,
    "augustus": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS = {
    "monday": 0, "maandag": 0, "tuesday": 1, "dinsdag": 1, "wednesday": 2, "woensdag": 2,
    "thursday": 3, "donderdag": 3, "friday": 4, "vrijdag": 4, "saturday": 5, "zaterdag": 5,
    "sunday": 6, "zondag": 6,
}  # fmt: skip

# Weekdays as calendars and people shorten them ("Tue 8 Dec", "di 8 dec", "vr."), read
# as the weekday only where a date is (WEEKDAY_SAID_SHORT): "do" and "sun" are words too.
WEEKDAY_ABBREVIATIONS = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday",
    "sat": "saturday", "sun": "sunday",
    "ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag",
    "za": "zaterdag", "zo": "zondag",
}  # fmt: skip
WEEKDAY_SAID_SHORT = re.compile(
    r"(?<!\w)(" + "|".join(sorted(WEEKDAY_ABBREVIATIONS, key=len, reverse=True)) + r")\.?(?!\w)"
)


def weekdays_in_full(text: str) -> str:
    """Folded date words with each weekday's abbreviation written out: "tue, dec 8" is
    "tuesday, dec 8"."""
    return WEEKDAY_SAID_SHORT.sub(lambda found: WEEKDAY_ABBREVIATIONS[found[1]], text)


NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13,
    "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18,
    "negentien": 19, "twintig": 20, "dertig": 30,
}  # fmt: skip
# Twenty-one to twenty-nine: "twenty-one", "twenty one"; "eenentwintig", "tweeëntwintig"
# (also without its diaeresis).
_UNITS_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNITS_NL = ("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
for _count, (_en, _nl) in enumerate(zip(_UNITS_EN, _UNITS_NL, strict=True), start=21):
    NUMBER_WORDS[f"twenty-{_en}"] = NUMBER_WORDS[f"twenty {_en}"] = _count
    NUMBER_WORDS[f"{_nl}entwintig"] = _count
    if _nl.endswith("e"):
        NUMBER_WORDS[f"{_nl}ëntwintig"] = _count
NUMBER_WORDS["éénentwintig"] = 21
# Date units, by how a relative date counts them.
# Weeks also as shortened ("3 wk", "3 wks", Dutch "over 3 wkn"), by the fortnight, and
# as Dutch says a short while ("over een weekje").
_DAYS = {"day": 1, "days": 1, "dag": 1, "dagen": 1, "week": 7, "weeks": 7, "weken": 7,
         "wk": 7, "wks": 7, "wkn": 7, "fortnight": 14, "fortnights": 14, "dagje": 1,
         "dagjes": 1, "weekje": 7, "weekjes": 7}  # fmt: skip
_MONTHS = {"month": 1, "months": 1, "maand": 1, "maanden": 1, "year": 12, "years": 12,
           "jaar": 12, "jaren": 12}  # fmt: skip
DATE_UNITS = frozenset(_DAYS) | frozenset(_MONTHS)

# "in 6 weeks", "over 2 weken", "within 2 weeks", "binnen 2 weken": the review is then.
_RELATIVE = re.compile(
    r"^(?:in|over|na|within|binnen)\s+(\d+|" + "|".join(NUMBER_WORDS) + r")\s*("
    + "|".join(sorted(DATE_UNITS, key=len, reverse=True)) + r")$"
)  # fmt: skip
# "next friday", "volgende week", "volgend jaar"; a weekday alone is the next one too
# (looking back, the last one: parse_date's `past`).
_NEXT = re.compile(r"^(?:(?:next|volgende?|komende?|aanstaande)\s+)?([a-z]+)$")
# "last monday", "vorige maandag", "afgelopen maandag": the last one before today.
_LAST = re.compile(r"^(?:last|vorige|afgelopen)\s+([a-z]+)$")
# "on the 1st of May", "op de 1e mei": the preposition and the article say nothing more.
_ON = re.compile(r"^(?:(?:on|op|per)\s+)?(?:(?:the|de)\s+(?=\d))?")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th|e|ste|de)?\s+(?:(?:of|van)\s+)?([a-z]+)\.?(?:,?\s+(\d{4}))?$"
)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")

# "2 weeks from now", "in two months' time" (also without its apostrophe, as often
# written), "14 dagen vanaf nu": counted from today as "in 2 weeks" is.
FROM_NOW = re.compile(
    r"(?:(?:['’]s?|(?<=s))\s+time|\s+(?:from\s+(?:now|today)|vanaf\s+(?:nu|vandaag)))$"
)
_COUNTED_FROM = re.compile(r"^(?:in|over|na|within|binnen)\s")

# "in half a year", "over een half jaar", also without "in" ("een half jaar", "half
# jaar": a span, not the middle of the year, which "half 2027" or "medio jaar" is): six
# months.
_HALF_YEAR = re.compile(
    r"^(?:(?:in|over|na|within|binnen)\s+)?(?:(?:a|een)\s+)?half\s*(?:a\s+)?(?:year|jaar)$"
)
# A point in a month, quarter or year, as people name a review: "end of January", "eind
# januari", "mid-February", "begin maart", "early March", "end of the quarter", "eind van
# het jaar", "begin volgende maand", "end of Q1", "eind 2027" (_point_in).
POINT_WORDS = {
    "end": "end", "eind": "end", "einde": "end", "late": "end",
    "begin": "start", "beginning": "start", "start": "start", "early": "start",
    "mid": "mid", "middle": "mid", "midden": "mid", "medio": "mid", "half": "mid",
    "halverwege": "mid",
}  # fmt: skip
PERIODS = {"month": 1, "maand": 1, "quarter": 3, "kwartaal": 3, "year": 12, "jaar": 12}
_THIS = frozenset({"this", "deze", "dit"})
_NEXT_ONE = frozenset({"next", "volgende", "volgend", "komende", "komend"})
_LAST_ONE = frozenset({"last", "vorige", "vorig", "afgelopen"})
_POINT = re.compile(
    r"^(?:(?:at|by|around|in|tegen|rond)\s+)?(?:(?:the|de|het)\s+)?("
    + "|".join(POINT_WORDS)
    + r")(?:\s*-\s*|\s+)(?:(?:of|van)\s+)?(?:(the|de|het|this|deze|dit|next|volgende?|"
    r"komende?|last|vorige?|afgelopen)\s+)?(q[1-4]|\d{4}|[a-z]+)\.?(?:,?\s+(\d{4}))?$"
)

# A point in a week named: "end of next week", "eind volgende week", "begin deze week",
# "end of the week" (this week's, or next week's once this week's has gone). A week's end
# is its Friday, the end of the working week a review falls in, its start its Monday and
# its middle its Wednesday.
_WEEK_POINT = re.compile(
    r"^(?:(?:at|by|around|in|tegen|rond)\s+)?(?:(?:the|de|het)\s+)?("
    + "|".join(POINT_WORDS)
    + r")(?:\s*-\s*|\s+)(?:(?:of|van)\s+)?(the|de|this|deze|next|coming|volgende|komende)"
    r"\s+week$"
)
_DAY_IN_WEEK = {"start": 0, "mid": 2, "end": 4}
# "the week after next", "overvolgende week": as "next week" is a week from today, two.
WEEK_AFTER_NEXT = re.compile(
    r"^(?:(?:in|during)\s+)?(?:(?:the|de)\s+)?(?:week\s+after\s+next|overvolgende\s+week"
    r"|week\s+na\s+volgende\s+week)$"
)
# A day of the month alone, with its ordinal's ending: "the 15th", "on the 1st", "de 15e",
# "op de 15de": the next such day from today on (a 31st in a month that has one).
_DAY_OF_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|e|ste|de)$")

# "this Friday", "deze vrijdag", "coming Friday": the next one, as "Friday" alone is. Only a
# weekday: "this week" or "deze maand" names no day.
_THIS_WEEKDAY = re.compile(r"^(?:this|this coming|coming|deze|aanstaande)\s+([a-z]+)$")
# "volgende week dinsdag", "dinsdag volgende week", "next week Tuesday", "Tuesday next
# week": that weekday in the week after this one (Monday to Sunday).
_NEXT_WEEK = r"(?:next|coming|volgende|komende)\s+week"
_WEEKDAY_NEXT_WEEK = re.compile(
    rf"^(?:{_NEXT_WEEK},?\s+(?:on\s+|op\s+)?([a-z]+)|([a-z]+),?\s+{_NEXT_WEEK})$"
)
# "dinsdag 8 december", "Tuesday, December 8": the weekday says nothing the date does
# not, unless it is not that date's.
_WEEKDAY_FIRST = re.compile(r"^([a-z]+),?\s+(?:(?:the|de)\s+)?(?=\d|[a-z]+\.?\s+\d)(.+)$")
# A review "by 1 March" is on that day; one "before 1 March" on the day before.
_BY = re.compile(r"^(?:by|no later than|uiterlijk|tegen)\s+(.+)$")
_BEFORE = re.compile(r"^(?:before|voor|vóór)\s+(.+)$")
_COUNT = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
# "a week from Tuesday", "two weeks from Friday", "a week on Tuesday", "Tuesday week",
# "dinsdag over een week", "vrijdag over twee weken", "over een week dinsdag": that many
# weeks after the next such weekday ("Tuesday" alone); the same from a day ahead ("a week
# from tomorrow", "morgen over een week").
_DUTCH_WEEKS = rf"over\s+{_COUNT}\s+(?:week|weken)"
_WEEKS_FROM_DAY = re.compile(
    rf"^(?:{_COUNT}\s+weeks?\s+(?:from|on|after)\s+([a-z]+)|([a-z]+)\s+week"
    rf"|([a-z]+)\s+{_DUTCH_WEEKS}|{_DUTCH_WEEKS},?\s+([a-z]+))$"
)
# "first Monday of January", "de eerste maandag van januari 2027", "the last Friday in
# March", "2nd Tuesday of next month", "laatste vrijdag van volgende maand".
ORDINAL_WEEKDAYS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "last": -1, "eerste": 1, "1e": 1, "1ste": 1, "tweede": 2, "2e": 2, "2de": 2, "derde": 3,
    "3e": 3, "3de": 3, "vierde": 4, "4e": 4, "4de": 4, "laatste": -1,
}  # fmt: skip
_WEEKDAY_OF_MONTH = re.compile(
    r"^(?:(?:the|de)\s+)?(" + "|".join(ORDINAL_WEEKDAYS) + r")\s+([a-z]+)\s+(?:of|in|van)\s+"
    r"(?:(?:the|de|het)\s+)?(?:(this|deze|next|volgende|komende)\s+)?([a-z]+)\.?(?:,?\s+(\d{4}))?$"
)
# All in numbers: "05/03/2027", "5-3-2027", "05.03.2027": day first, as Dutch and most
# of the world write it, but asked where the table's country writes the month first
# (AmbiguousDate).
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
# A review every so often ("monthly", "elke maand", "every 2 weeks", "om de week") is
# first due one such span from today; each review then sets the next.
EVERY_SPAN = {
    "daily": (1, 0), "dagelijks": (1, 0), "weekly": (7, 0), "wekelijks": (7, 0),
    "fortnightly": (14, 0), "tweewekelijks": (14, 0), "monthly": (0, 1), "maandelijks": (0, 1),
    "quarterly": (0, 3), "driemaandelijks": (0, 3), "half-yearly": (0, 6),
    "halfjaarlijks": (0, 6), "yearly": (0, 12), "annually": (0, 12), "jaarlijks": (0, 12),
}  # fmt: skip
_EVERY = re.compile(
    r"^(?:every|each|elke|iedere|ieder|elk|om\s+de)\s+(?:(\d+|"
    + "|".join(NUMBER_WORDS)
    + r")\s*)?(quarter|kwartaal|"
    + "|".join(sorted(DATE_UNITS, key=len, reverse=True))
    + r")$"
)  # fmt: skip
# "once a month", "een keer per maand", "eens per kwartaal", "1x per week": every so often.
ONCE_EVERY = re.compile(
    r"^(?:once\s+(?:a|an|per|every)|(?:een\s*keer|eens|1\s*x)\s+(?:per|in\s+de|elke))\s+"
)
# Days named from today backwards: "since yesterday", "sinds gisteren"; as a review date
# ("review yesterday", "herziening nu") they are read, and refused as past.
_DAYS_BACK = {
    "today": 0, "vandaag": 0, "now": 0, "right now": 0, "nu": 0, "yesterday": 1,
    "gisteren": 1, "eergisteren": 2, "the day before yesterday": 2,
    "day before yesterday": 2,
}  # fmt: skip
# Looking ahead: "review tomorrow", "herzien overmorgen".
DAYS_AHEAD = {
    "tomorrow": 1, "morgen": 1, "overmorgen": 2, "the day after tomorrow": 2,
    "day after tomorrow": 2,
}  # fmt: skip


class DateError(ValueError):
    """The text is not a date we understand."""


class UnclearDate(DateError):
    """A date read, but which day is meant is for its writer to say."""


class AmbiguousDate(UnclearDate):
    """A date in numbers that reads two ways where the month may come first ("05/03/2027":
    5 March or 3 May): as `written`, and both readings, day first, then month first."""

    def __init__(self, written: str, day_first: date, month_first: date) -> None:
        super().__init__(written)
        self.written, self.day_first, self.month_first = written, day_first, month_first


class WrongWeekday(UnclearDate):
    """A weekday beside a date that falls on another ("Monday 8 December" on a Tuesday):
    read, but which of the two is meant? `day`: the date without its weekday."""

    def __init__(self, written: str, day: date) -> None:
        super().__init__(written)
        self.written, self.day = written, day


class NoSuchDay(DateError):
    """A day past its month's end ("31 April", "30 February"): no calendar has it, so it
    is said so, with how many days that `month` has (`days`; February 29 without a year,
    as 29 February waits for a leap year)."""

    def __init__(self, written: str, month: int, days: int) -> None:
        super().__init__(written)
        self.written, self.month, self.days = written, month, days


class TwoWeekdays(UnclearDate):
    """ "next Friday" said early in a week: the coming Friday (`sooner`) to some, next
    week's (`later`) to others."""

    def __init__(self, written: str, sooner: date, later: date) -> None:
        super().__init__(written)
        self.written, self.sooner, self.later = written, sooner, later


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# A day and month without a year that went by at most this long ago ("1 December" typed on
# 3 December) is read as that past day, not as next year's: a slip, or a past day meant,
# far likelier than a review a year ahead; a review refuses it as past, naming the day it
# was read as, as it does "3-12-2026", so the writer sees and corrects it.
JUST_GONE = timedelta(days=30)


def _day_and_month(month: int, day: int, *, today: date, past: bool) -> date:
    """The next such day from `today` on, or with `past` the last one up to `today`; one
    gone by at most JUST_GONE ago is that past day.

    29 February waits for (or looks back to) a leap year; 31 February never comes.
    """
    if not past:
        try:
            gone = _day_and_month(month, day, today=today, past=True)
        except DateError:
            gone = None
        if gone is not None and timedelta(0) < today - gone <= JUST_GONE:
            return gone
    step = -1 if past else 1
    for offset in range(9):  # leap years are at most 8 years apart (1896, 1904)
        try:
            candidate = date(today.year + step * offset, month, day)
        except ValueError:
            continue
        if (candidate <= today) if past else (candidate >= today):
            return candidate
    raise DateError(f"{day} {month}")


def _point(point: str, year: int, first_month: int, months: int) -> date:
    """The start (first day), middle or end (last day) of the `months` from `first_month`
    of `year` on. The middle of a month or quarter is the 15th of its (middle) month, of a
    year 1 July."""
    first = date(year, first_month, 1)
    if point == "start":
        return first
    if point == "end":
        last = add_months(first, months - 1)
        return last.replace(day=monthrange(last.year, last.month)[1])
    if months == 12:
        return date(year, 7, 1)
    return add_months(first, months // 3).replace(day=15)


def _point_in(match: re.Match[str], *, today: date, text: str, past: bool) -> date:
    """ "end of January", "mid-Q2", "begin 2027", "end of the quarter", "eind volgend jaar".

    Without a year, a month or quarter named ("end of January", "end of Q1"), or "the"
    month, quarter or year, is the next such point from today on (on the last day of a
    month, "end of the month" is today, which no review may be), or with `past` ("since
    the start of the month") the last one up to today; "this" one is this one, "next"
    one the one after it, "last" one the one before it.
    """
    point, which, period, year_text = match.groups()
    point = POINT_WORDS[point]
    year = int(year_text) if year_text else None
    if period.isdigit():  # "end of 2027"
        if which is not None or year is not None:
            raise DateError(text)
        return _point(point, int(period), 1, 12)
    quarter = re.fullmatch(r"q([1-4])", period)
    named = MONTHS.get(period) or (3 * int(quarter[1]) - 2 if quarter else None)
    if named is not None:  # a month or a quarter by its name
        if which not in (None, "the", "de", "het"):
            raise DateError(text)
        months = 3 if quarter else 1
        if year is not None:
            return _point(point, year, named, months)
        this_year = _point(point, today.year, named, months)
        if past:
            return this_year if this_year <= today else _point(point, today.year - 1, named, months)
        return this_year if this_year >= today else _point(point, today.year + 1, named, months)
    if period not in PERIODS or year is not None:
        raise DateError(text)
    months = PERIODS[period]
    current = date(today.year, (today.month - 1) // months * months + 1, 1)
    following, before = add_months(current, months), add_months(current, -months)
    if which in _NEXT_ONE:
        return _point(point, following.year, following.month, months)
    if which in _LAST_ONE:
        return _point(point, before.year, before.month, months)
    this_one = _point(point, current.year, current.month, months)
    if which in _THIS or (this_one <= today if past else this_one >= today):
        return this_one
    other = before if past else following
    return _point(point, other.year, other.month, months)


def _point_in_week(match: re.Match[str], *, today: date) -> date:
    """ "end of next week" (its Friday), "begin deze week" (its Monday), "mid next week"
    (its Wednesday); "the" week's is this week's, or next week's once this one's has gone."""
    point, which = match.groups()
    monday = today - timedelta(days=today.weekday())
    offset = timedelta(days=_DAY_IN_WEEK[POINT_WORDS[point]])
    if which in _NEXT_ONE | {"coming"}:
        return monday + timedelta(weeks=1) + offset
    if which in _THIS or monday + offset >= today:
        return monday + offset
    return monday + timedelta(weeks=1) + offset


def _day_of_month(day: int, *, today: date, past: bool, text: str) -> date:
    """ "the 15th": the next 15th of a month from today on (a 31st in the next month that
    has one), or with `past` the last one up to today."""
    if not 1 <= day <= 31:
        raise DateError(text)
    step = -1 if past else 1
    for offset in range(13):
        month = add_months(today.replace(day=1), step * offset)
        if day > monthrange(month.year, month.month)[1]:
            continue
        candidate = month.replace(day=day)
        if (candidate <= today) if past else (candidate >= today):
            return candidate
    raise DateError(text)


def _next(word: str, *, today: date, text: str) -> date:
    """The next weekday of that name after today, or a week, month or year from today."""
    if word in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[word] - today.weekday() - 1) % 7 + 1)
    if word == "week":
        return today + timedelta(weeks=1)
    if word in {"month", "maand"}:
        return add_months(today, 1)
    if word in {"quarter", "kwartaal"}:  # "next quarter", "per kwartaal"
        return add_months(today, 3)
    if word in {"year", "jaar"}:
        return add_months(today, 12)
    raise DateError(text)


def _every(cleaned: str, match: re.Match[str] | None, *, today: date, text: str) -> date:
    """One span from today: "monthly" and "every month" a month, "om de 2 weken" two weeks."""
    if match is None:
        days, months = EVERY_SPAN[cleaned]
        return add_months(today, months) + timedelta(days=days)
    number = match.group(1) or "1"
    count = NUMBER_WORDS.get(number) or int(number)
    unit = match.group(2)
    if count == 0:
        raise DateError(text)
    if unit in {"quarter", "kwartaal"}:
        return add_months(today, 3 * count)
    if unit in _DAYS:
        return today + timedelta(days=count * _DAYS[unit])
    return add_months(today, count * _MONTHS[unit])


def _last(word: str, *, today: date, text: str, today_counts: bool) -> date:
    """The last weekday of that name up to today (or before it); "last week" is seven
    days ago, "last month" a month ago."""
    if word == "week":
        return today - timedelta(weeks=1)
    if word in {"month", "maand"}:
        return add_months(today, -1)
    if word not in WEEKDAYS:
        raise DateError(text)
    back = (today.weekday() - WEEKDAYS[word]) % 7
    return today - timedelta(days=back or (0 if today_counts else 7))


def parse_date(text: str, *, today: date, past: bool = False, month_first: bool = False) -> date:
    """Parse "2026-05-01", "01-05-2026", "1 May", "on May 1st", "the 1st of May", "de 1e mei",
    "mei 1 2026", "in 6 weeks", "in two weeks", "over een maand", "next friday",
    "volgende vrijdag", "next week", "volgende maand", "tomorrow", "overmorgen", "in half a
    year", "over een half jaar", "a week from Tuesday", "dinsdag over een week", "a week
    from tomorrow", "morgen over een week", "first
    Monday of January", "eerste maandag van januari", and a point in a month, quarter or
    year: "end of January", "eind van het kwartaal", "mid-February", "begin maart"
    (_point_in); "this friday", "deze vrijdag"; "by 1 May", "uiterlijk 1 mei" (that day),
    "before 1 May", "voor 1 mei" (the day before); a span from today: "monthly", "elke
    maand", "every 2 weeks", "om de week"; "today", "now", "yesterday", "gisteren", "last
    week", "vorige maand" (no review's date, which refuses them as past, but a report's).

    A day and month without a year mean the next such day from `today` on; with `past`
    ("since 1 March") the last such day up to `today`. A date with a year is that date.
    A weekday alone is the next one after today; with `past` ("since Monday") the last
    one up to today, so on a Monday "since Monday" means today. "last Monday" and
    "vorige maandag" are the last one before today.

    A date in numbers is read day first ("05/03/2027" is 5 March), unless `month_first`
    (the table's country writes the month first, rules.local_time.month_first_zone): then
    one that reads both ways raises AmbiguousDate, and one that reads one way only
    ("05/13/2027", "13/05/2027") is that day.
    """
    # "review on May 1." reads as "May 1"; "in" and "over" count from today.
    cleaned = _ON.sub("", " ".join(fold(text.strip()).split()).rstrip(".!;,"))
    cleaned = weekdays_in_full(cleaned)  # "di 8 dec", "next Fri"
    cleaned = ONCE_EVERY.sub("every ", cleaned)  # "once a month" is "every month"
    if FROM_NOW.search(cleaned):  # "2 weeks from now" is "in 2 weeks"
        cleaned = FROM_NOW.sub("", cleaned)
        cleaned = cleaned if _COUNTED_FROM.match(cleaned) else f"in {cleaned}"
    try:
        if match := _BY.match(cleaned):
            return parse_date(match.group(1), today=today, past=past, month_first=month_first)
        if match := _BEFORE.match(cleaned):
            before = parse_date(match.group(1), today=today, past=past, month_first=month_first)
            return before - timedelta(days=1)
        if match := _RELATIVE.match(cleaned):
            count, unit = NUMBER_WORDS.get(match.group(1)) or int(match.group(1)), match.group(2)
            if unit in _DAYS:
                return today + timedelta(days=count * _DAYS[unit])
            return add_months(today, count * _MONTHS[unit])
        if _HALF_YEAR.match(cleaned):
            return add_months(today, 6)
        if WEEK_AFTER_NEXT.match(cleaned):
            return today + timedelta(weeks=2)
        if match := _WEEK_POINT.match(cleaned):
            return _point_in_week(match, today=today)
        if match := _POINT.match(cleaned):
            return _point_in(match, today=today, text=text, past=past)
        if match := _WEEKDAY_OF_MONTH.match(cleaned):
            return _weekday_of_month(match, today=today, text=text, past=past)
        if match := _LAST.match(cleaned):
            return _last(match.group(1), today=today, text=text, today_counts=False)
        if cleaned in _DAYS_BACK:  # no review date, but a date: refused as past
            return today - timedelta(days=_DAYS_BACK[cleaned])
        if (match := _WEEKDAY_NEXT_WEEK.match(cleaned)) and (
            (weekday := match.group(1) or match.group(2)) in WEEKDAYS
        ):
            next_monday = today + timedelta(days=7 - today.weekday())
            return next_monday + timedelta(days=WEEKDAYS[weekday])
        if (match := _WEEKS_FROM_DAY.match(cleaned)) and (
            (day := match.group(2) or match.group(3) or match.group(4) or match.group(7))
            in WEEKDAYS | DAYS_AHEAD.keys()
        ):
            count = match.group(1) or match.group(5) or match.group(6) or "1"  # "Tuesday week"
            weeks = NUMBER_WORDS.get(count) or int(count)
            if day in DAYS_AHEAD:
                return today + timedelta(days=DAYS_AHEAD[day], weeks=weeks)
            return _next(day, today=today, text=text) + timedelta(weeks=weeks)
        if (match := _WEEKDAY_FIRST.match(cleaned)) and match.group(1) in WEEKDAYS:
            day = _day_month_year(
                match.group(2), today=today, past=past, text=text, month_first=month_first
            )
            if day.weekday() != WEEKDAYS[match.group(1)]:
                raise WrongWeekday(text, day)  # "Monday 8 December" on a Tuesday
            return day
        if cleaned in EVERY_SPAN or (match := _EVERY.match(cleaned)):
            return _every(cleaned, match, today=today, text=text)
        if (match := _THIS_WEEKDAY.match(cleaned)) and match.group(1) in WEEKDAYS:
            cleaned = match.group(1)
        if cleaned in DAYS_AHEAD:
            return today + timedelta(days=DAYS_AHEAD[cleaned])
        if past and cleaned in WEEKDAYS:
            return _last(cleaned, today=today, text=text, today_counts=True)
        if match := _NEXT.match(cleaned):
            day = _next(match.group(1), today=today, text=text)
            if cleaned.startswith("next ") and match.group(1) in WEEKDAYS and not past:
                # English speakers split on "next Friday" said early in a week: the coming
                # Friday, or next week's ("Friday next week")? Where the two are not one day,
                # the writer is asked (TwoWeekdays). Dutch "volgende vrijdag" is generally
                # the coming one (next week's is "volgende week vrijdag"), as "aanstaande
                # vrijdag" is, and is read so; "this Friday" and "coming Friday" too.
                later = today + timedelta(days=7 - today.weekday() + WEEKDAYS[match.group(1)])
                if later != day:
                    raise TwoWeekdays(text, day, later)
            return day
        if match := _DAY_OF_MONTH.match(cleaned):
            return _day_of_month(int(match.group(1)), today=today, past=past, text=text)
        return _day_month_year(cleaned, today=today, past=past, text=text, month_first=month_first)
    except (UnclearDate, NoSuchDay):
        raise  # with its readings, to ask which is meant, or what the month has
    except (ValueError, OverflowError) as error:  # 31 February, or past the year 9999
        raise DateError(text) from error


def _day_month_year(
    cleaned: str, *, today: date, past: bool, text: str, month_first: bool = False
) -> date:
    """A date written with its day and month: "2026-05-01", "01-05-2026", "1 May", "mei 1
    2026"; else DateError."""
    if match := _ISO.match(cleaned):
        year, month, day_number = (int(part) for part in match.groups())
        _on_the_calendar(day_number, month, year, text=text)
        return date(year, month, day_number)
    if match := _DMY.match(cleaned):
        first, second, year = (int(part) for part in match.groups())
        if not month_first:
            _on_the_calendar(first, second, year, text=text)
        return _numeric_date(first, second, year, written=match.group(0), month_first=month_first)
    day_text = month_text = year_text = None
    if match := _DAY_MONTH.match(cleaned):
        day_text, month_text, year_text = match.groups()
    elif match := _MONTH_DAY.match(cleaned):
        month_text, day_text, year_text = match.groups()
    if month_text in MONTHS and day_text:
        month, day_number = MONTHS[month_text], int(day_text)
        _on_the_calendar(day_number, month, int(year_text) if year_text else None, text=text)
        if year_text:
            return date(int(year_text), month, day_number)
        return _day_and_month(month, day_number, today=today, past=past)
    raise DateError(text)


def _on_the_calendar(day: int, month: int, year: int | None, *, text: str) -> None:
    """NoSuchDay for a day past its month's end ("31 April", "29 February 2027"): a day
    people write, and told why it is none, not that it could not be read."""
    if not (1 <= month <= 12 and 29 <= day <= 31):
        return
    days = 29 if month == 2 and year is None else monthrange(year or 2000, month)[1]
    if day > days:
        raise NoSuchDay(text, month, days)


def _numeric_date(first: int, second: int, year: int, *, written: str, month_first: bool) -> date:
    """ "05/03/2027": day first, or where the month may come first the one reading that
    makes a date, and neither when both do (AmbiguousDate)."""
    if not month_first:
        return date(year, second, first)
    readings = []
    for day, month in ((first, second), (second, first)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if not readings:
        # "31-04-2027", "04-31-2027": the 31st of April whichever way round, a day no
        # calendar has, said so as "31 April" is.
        for day, month in ((first, second), (second, first)):
            if 1 <= month <= 12:
                _on_the_calendar(day, month, year, text=written)
        raise DateError(written)
    if len(readings) == 2 and readings[0] != readings[1]:
        raise AmbiguousDate(written, *readings)
    return readings[0]


def _weekday_of_month(match: re.Match[str], *, today: date, text: str, past: bool) -> date:
    """ "first Monday of January": without a year the next such day from today on (with
    `past`, the last one up to today); "of next month", "van deze maand" in that month."""
    ordinal, weekday, which, month_text, year_text = match.groups()
    if weekday not in WEEKDAYS:
        raise DateError(text)

    def in_month(year: int, month: int) -> date:
        if ORDINAL_WEEKDAYS[ordinal] < 0:  # the last one
            last = date(year, month, monthrange(year, month)[1])
            return last - timedelta(days=(last.weekday() - WEEKDAYS[weekday]) % 7)
        first = date(year, month, 1)
        ahead = (WEEKDAYS[weekday] - first.weekday()) % 7
        return first + timedelta(days=ahead + 7 * (ORDINAL_WEEKDAYS[ordinal] - 1))

    if month_text in {"month", "maand"}:
        if year_text is not None or which is None:
            raise DateError(text)  # "the first Monday of the month": which month?
        month = add_months(today.replace(day=1), 0 if which in _THIS else 1)
        return in_month(month.year, month.month)
    if month_text not in MONTHS or which is not None:
        raise DateError(text)
    month = MONTHS[month_text]
    if year_text is not None:
        return in_month(int(year_text), month)
    this_year = in_month(today.year, month)
    if past:
        return this_year if this_year <= today else in_month(today.year - 1, month)
    return this_year if this_year >= today else in_month(today.year + 1, month)
