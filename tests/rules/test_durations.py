"""Durations and dates as people type them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules.durations import DateError, DurationError, format_duration, parse_date, parse_duration

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", 90), ("10m", 600), ("10", 600), ("1h30m", 5400), ("2 uur", 7200),
     ("1,5 uur", 5400), ("1 hour and 5 minutes", 3900), ("2d", 172800), ("1 week", 604800)],
)  # fmt: skip
def test_durations_parse(text, expected):
    assert parse_duration(text) == timedelta(seconds=expected)


@pytest.mark.parametrize("text", ["", "soon", "10 parsecs", "m10", "1h x"])
def test_durations_reject(text):
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["30", "1h30", "2,5"])
def test_durations_without_a_bare_unit_want_every_number_to_have_one(text):
    with pytest.raises(DurationError):
        parse_duration(text, bare_unit=None)
    assert parse_duration("1h30m", bare_unit=None) == timedelta(minutes=90)


def test_durations_format_round_trips():
    for seconds in (1, 59, 90, 600, 5400, 90061):
        span = timedelta(seconds=seconds)
        assert parse_duration(format_duration(span)) == span


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-05-01", date(2026, 5, 1)), ("01-05-2026", date(2026, 5, 1)),
     ("1 mei 2026", date(2026, 5, 1)), ("May 1, 2026", date(2026, 5, 1)),
     ("1 May", date(2026, 5, 1)), ("1 januari", date(2027, 1, 1)),
     ("in 6 weeks", TODAY + timedelta(weeks=6)), ("over 10 dagen", TODAY + timedelta(days=10)),
     ("in 1 month", date(2026, 4, 2)), ("over 12 maanden", date(2027, 3, 2)),
     ("tomorrow", date(2026, 3, 3)), ("morgen", date(2026, 3, 3)),
     ("overmorgen", date(2026, 3, 4)), ("the day after tomorrow", date(2026, 3, 4)),
     ("next week", date(2026, 3, 9)), ("volgende maand", date(2026, 4, 2))],
)  # fmt: skip
def test_dates_parse(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["someday", "31 februari 2026", "2026-13-01", "in weeks"])
def test_dates_reject(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "past", "expected"),
    [("29 feb", False, date(2028, 2, 29)), ("29 feb", True, date(2024, 2, 29)),
     ("3 March", True, date(2025, 3, 3)), ("2 March", True, TODAY),
     ("2026-03-03", True, date(2026, 3, 3))],
)  # fmt: skip
def test_dates_day_and_month_look_ahead_or_back(text, past, expected):
    assert parse_date(text, today=TODAY, past=past) == expected


@pytest.mark.parametrize("text", ["in 99999999 weeks", "in 99999 months", "in 3000000 days"])
def test_dates_beyond_the_calendar_are_rejected(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


def test_durations_beyond_timedelta_are_rejected():
    with pytest.raises(DurationError):
        parse_duration("99999999999999999999 weeks")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("on May 1", date(2026, 5, 1)), ("op 1 mei.", date(2026, 5, 1)), ("1st May", date(2026, 5, 1)),
     ("in two weeks", date(2026, 3, 16)), ("over een maand", date(2026, 4, 2)),
     ("in 1 year", date(2027, 3, 2)), ("next monday", date(2026, 3, 9)),
     ("volgende maandag", date(2026, 3, 9)), ("monday", date(2026, 3, 9)),
     ("volgende week", date(2026, 3, 9)), ("next month", date(2026, 4, 2))],
)  # fmt: skip
def test_dates_as_people_write_them(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 febr", date(2027, 2, 1)), ("1 febr.", date(2027, 2, 1)),
     ("eind febr. 2027", date(2027, 2, 28)), ("di 2 febr", date(2027, 2, 2))],
)  # fmt: skip
def test_dates_february_as_dutch_shortens_it(text, expected):
    assert parse_date(text, today=date(2026, 11, 30)) == expected


@pytest.mark.parametrize("text", ["next time", "in many weeks", "over veel weken", "next fryday"])
def test_dates_unknown_words_are_rejected(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    "text", ["the 1st of May", "1st of May", "on the 1st of May", "de 1e mei", "op de 1e van mei"]
)
def test_dates_the_first_of_may(text):
    assert parse_date(text, today=TODAY) == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [("end of February", TODAY, date(2027, 2, 28)),
     ("eind februari 2028", TODAY, date(2028, 2, 29)),
     ("end of March", TODAY, date(2026, 3, 31)), ("begin maart", TODAY, date(2027, 3, 1)),
     ("mid-March", TODAY, date(2026, 3, 15)), ("medio 2027", TODAY, date(2027, 7, 1)),
     ("end of the quarter", TODAY, date(2026, 3, 31)),
     ("eind dit kwartaal", TODAY, date(2026, 3, 31)),
     ("begin van het kwartaal", TODAY, date(2026, 4, 1)), ("mid Q3", TODAY, date(2026, 8, 15)),
     ("end of next month", TODAY, date(2026, 4, 30)),
     ("begin deze maand", TODAY, date(2026, 3, 1)),
     ("eind 2027", TODAY, date(2027, 12, 31)),
     ("in half a year", date(2026, 8, 31), date(2027, 2, 28)),
     ("end of the year", date(2026, 12, 31), date(2026, 12, 31))],
)  # fmt: skip
def test_dates_a_point_in_a_month_quarter_or_year(text, today, expected):
    """The start of a period is its first day, its middle the 15th (of a year: 1 July),
    its end its last day; without a year or "this", the next such day from today on."""
    assert parse_date(text, today=today) == expected


@pytest.mark.parametrize("text", ["after the summer", "end of Q5", "eind volgende januari", "late"])
def test_dates_a_point_in_no_period_is_rejected(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("this Friday", date(2026, 3, 6)), ("deze vrijdag", date(2026, 3, 6)),
     ("coming friday", date(2026, 3, 6)), ("aanstaande vrijdag", date(2026, 3, 6)),
     ("this monday", date(2026, 3, 9)),  # on a Monday: the next one, as "monday" is
     ("by 1 April", date(2026, 4, 1)), ("uiterlijk 1 april", date(2026, 4, 1)),
     ("before 1 April", date(2026, 3, 31)), ("voor 1 april", date(2026, 3, 31)),
     ("before the end of April", date(2026, 4, 29)), ("today", TODAY), ("vandaag", TODAY)],
)  # fmt: skip
def test_dates_this_weekday_a_deadline_and_today(text, expected):
    """ "today" is a date, which a review refuses as not in the future."""
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("monthly", date(2026, 4, 2)), ("maandelijks", date(2026, 4, 2)),
     ("every month", date(2026, 4, 2)), ("elke maand", date(2026, 4, 2)),
     ("weekly", date(2026, 3, 9)), ("om de week", date(2026, 3, 9)),
     ("every 2 weeks", date(2026, 3, 16)), ("om de twee weken", date(2026, 3, 16)),
     ("quarterly", date(2026, 6, 2)), ("per kwartaal", date(2026, 6, 2)),
     ("elk kwartaal", date(2026, 6, 2)), ("next quarter", date(2026, 6, 2)),
     ("jaarlijks", date(2027, 3, 2)),
     ("once a month", date(2026, 4, 2)), ("once every 2 weeks", date(2026, 3, 16)),
     ("een keer per maand", date(2026, 4, 2)), ("eens per kwartaal", date(2026, 6, 2)),
     ("1x per week", date(2026, 3, 9))],
)  # fmt: skip
def test_dates_a_review_every_so_often_is_first_due_one_span_ahead(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text", ["soon", "binnenkort", "this week", "deze maand", "every 0 weeks", "every PR"]
)
def test_dates_vague_times_and_spans_of_nothing_are_rejected(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)
