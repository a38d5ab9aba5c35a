"""Review dates as people write them: a weekday a week on, the first Monday of a month,
a time of year that names no day (refused, never guessed), and a date in numbers at a
table whose country may write the month first."""

from __future__ import annotations

from datetime import date

import pytest

from rules.date_order import month_first_zone
from rules.durations import AmbiguousDate, DateError, NoSuchDay, parse_date
from rules.grammar import Agree, Report, ReviewAgreement, UsageError, find_command, parse_command
from rules.i18n import render
from rules.say import Day, Quote

# A Wednesday.
TODAY = date(2026, 12, 2)


def parse(name: str, args: str, *, month_first: bool = False):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=TODAY, lang=lang, month_first=month_first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The next Tuesday is 8 December; a week from it is the 15th.
        ("a week from Tuesday", date(2026, 12, 15)),
        ("one week from tuesday", date(2026, 12, 15)),
        ("two weeks from Friday", date(2026, 12, 18)),
        ("a week on Tuesday", date(2026, 12, 15)),
        ("Tuesday week", date(2026, 12, 15)),
        ("Tue week", date(2026, 12, 15)),
        ("dinsdag over een week", date(2026, 12, 15)),
        ("vrijdag over twee weken", date(2026, 12, 18)),
        ("over een week dinsdag", date(2026, 12, 15)),
        ("over twee weken vrijdag", date(2026, 12, 18)),
        # Tomorrow is Thursday 3 December; a week from it is the 10th.
        ("a week from tomorrow", date(2026, 12, 10)),
        ("two weeks from tomorrow", date(2026, 12, 17)),
        ("tomorrow week", date(2026, 12, 10)),
        ("morgen over een week", date(2026, 12, 10)),
        ("over een week morgen", date(2026, 12, 10)),
        ("overmorgen over een week", date(2026, 12, 11)),
        ("first Monday of January", date(2027, 1, 4)),
        ("the first Monday in January", date(2027, 1, 4)),
        ("eerste maandag van januari", date(2027, 1, 4)),
        ("de eerste maandag van januari 2028", date(2028, 1, 3)),
        ("1st Mon of Jan", date(2027, 1, 4)),
        ("last Friday of March", date(2027, 3, 26)),
        ("laatste vrijdag van maart", date(2027, 3, 26)),
        ("second Tuesday of next month", date(2027, 1, 12)),
        ("derde woensdag van volgende maand", date(2027, 1, 20)),
        ("last Friday of this month", date(2026, 12, 25)),
        # The first Wednesday of December is today: from today on, as "2 December" is
        # (a review refuses it as not in the future).
        ("first Wednesday of December", date(2026, 12, 2)),
        ("second Wednesday of December", date(2026, 12, 9)),
    ],
)
def test_dates_a_weekday_a_week_on_and_a_weekday_of_a_month_are_read(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text", ["first Monday of the month", "fifth Monday of January", "first Moonday of May"]
)
def test_dates_a_weekday_of_no_month_in_particular_is_not_read(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [
        ("agree", "x because y review a week from Tuesday", date(2026, 12, 15)),
        ("agree", "x because y review first Monday of January", date(2027, 1, 4)),
        ("agree", "x because y review the first Monday of January", date(2027, 1, 4)),
        ("agree", "x because y review last Friday of March", date(2027, 3, 26)),
        ("afspraak", "x omdat y herziening eerste maandag van januari", date(2027, 1, 4)),
        ("afspraak", "x omdat y herziening dinsdag over een week", date(2026, 12, 15)),
        ("agree", "review a week from Tuesday x because y", date(2026, 12, 15)),
        ("agree", "x because y review a week from tomorrow", date(2026, 12, 10)),
        ("agree", "review a week from tomorrow x because y", date(2026, 12, 10)),
        ("afspraak", "x omdat y herziening over een week dinsdag", date(2026, 12, 15)),
        ("afspraak", "x omdat y herziening morgen over een week", date(2026, 12, 10)),
        ("afspraak", "herziening morgen over een week x omdat y", date(2026, 12, 10)),
        ("afspraak", "herziening eerste maandag van januari x omdat y", date(2027, 1, 4)),
    ],
)
def test_grammar_a_review_a_week_from_a_weekday_or_on_a_weekday_of_a_month_is_read(
    name, args, review_on
):
    """They were kept in the reason (or the agreement's text), or refused: the agreement
    got the default review date, or none."""
    result = parse(name, args)
    assert isinstance(result, Agree)
    assert (result.text, result.why, result.review_on) == ("x", "y", review_on)


@pytest.mark.parametrize(
    "why", ["we review first drafts together", "y review first drafts", "of review from Monday on"]
)
def test_grammar_ordinals_and_from_without_a_weekday_after_review_stay_in_the_reason(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


VAGUE = "A review date needs a day, and “{date}” names none: I would rather not guess which day you mean. Try {example} or “in 6 weeks”."  # noqa: E501


@pytest.mark.parametrize(
    ("name", "args", "date_text", "en", "nl"),
    [
        ("agree", "x because y review after New Year", "after New Year",
         "A review date needs a day, and “after New Year” names none: I would rather not "
         "guess which day you mean. Try 1 March 2027 or “in 6 weeks”.",
         "Voor een herzieningsdatum heb ik een dag nodig, en in “after New Year” staat geen "
         "dag: ik gok liever niet welke je bedoelt. Probeer bijvoorbeeld “1 maart 2027” of "
         "“over 6 weken”."),
        ("agree", "x because y review after New Year's", "after New Year's", None, None),
        ("agree", "x because y review after the summer", "after the summer", None, None),
        ("agree", "x because y review after the holidays", "after the holidays", None, None),
        ("afspraak", "x omdat y herziening na de vakantie", "na de vakantie", None, None),
        ("afspraak", "x omdat y herziening na de jaarwisseling", "na de jaarwisseling", None,
         None),
        ("afspraak", "x omdat y herziening na het nieuwe jaar", "na het nieuwe jaar", None, None),
        ("afspraak", "x omdat y herziening na de feestdagen", "na de feestdagen", None, None),
    ],
)  # fmt: skip
def test_grammar_a_time_of_year_as_review_date_is_refused_kindly_with_an_example(
    name, args, date_text, en, nl
):
    """ "after New Year" was kept in the reason, and the agreement got the default review
    date without a word; the others were refused as any unreadable date is, as though
    the bot had not understood them, not that it will not guess which day they mean."""
    result = parse(name, args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert result.reason.msgid == VAGUE
    params = dict(result.reason.params)
    assert (params["date"], params["example"]) == (Quote(date_text), Day(date(2027, 3, 1)))
    if en is not None:
        assert render(result.reason, "en") == en
        assert render(result.reason, "nl") == nl


def test_grammar_a_date_that_cannot_be_read_is_still_refused_as_unreadable():
    result = parse("agree", "x because y review soon")
    assert isinstance(result, UsageError) and result.reason is not None
    assert result.reason.msgid.startswith("I could not read the review date")


def test_grammar_a_time_of_year_in_the_reason_stays_there():
    assert parse("agree", "x because the new year starts") == Agree(
        "x", "the new year starts", None, None
    )


@pytest.mark.parametrize(
    ("zone", "month_first"),
    [
        ("America/New_York", True), ("America/Chicago", True), ("America/Denver", True),
        ("America/Los_Angeles", True), ("America/Phoenix", True), ("Pacific/Honolulu", True),
        ("US/Eastern", True), ("America/Indiana/Indianapolis", True), ("Asia/Manila", True),
        ("America/Toronto", True),
        ("Europe/Amsterdam", False), ("Europe/London", False), ("UTC", False),
        ("America/Mexico_City", False), ("America/Sao_Paulo", False), ("Australia/Sydney", False),
    ],
)  # fmt: skip
def test_dates_the_tables_zone_says_whether_it_may_write_the_month_first(zone, month_first):
    assert month_first_zone(zone) is month_first


def test_dates_in_numbers_are_read_day_first_unless_the_month_may_come_first():
    assert parse_date("05/03/2027", today=TODAY) == date(2027, 3, 5)
    with pytest.raises(AmbiguousDate) as asked:
        parse_date("05/03/2027", today=TODAY, month_first=True)
    assert (asked.value.day_first, asked.value.month_first) == (date(2027, 3, 5), date(2027, 5, 3))
    # One way only: that day, wherever the month may come first.
    assert parse_date("05/13/2027", today=TODAY, month_first=True) == date(2027, 5, 13)
    assert parse_date("13.05.2027", today=TODAY, month_first=True) == date(2027, 5, 13)
    assert parse_date("5-5-2027", today=TODAY, month_first=True) == date(2027, 5, 5)
    # Day first elsewhere: the 13th month is none.
    with pytest.raises(DateError):
        parse_date("05/13/2027", today=TODAY)
    with pytest.raises(DateError):
        parse_date("31/02/2027", today=TODAY, month_first=True)


@pytest.mark.parametrize("written", ["31-04-2027", "04-31-2027", "31/04/2027", "04.31.2027"])
def test_dates_a_day_past_its_months_end_either_way_round_is_no_such_day(written):
    """Where the month may come first, 31 April in numbers, whichever way round, is the
    day the calendar lacks (NoSuchDay), not words that could not be read."""
    with pytest.raises(NoSuchDay) as refused:
        parse_date(written, today=TODAY, month_first=True)
    assert (refused.value.written, refused.value.month, refused.value.days) == (written, 4, 30)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agree", "x because y review 05/03/2027"),
        ("agree", "review 05/03/2027 x because y"),
        ("agree", "x because y review by 05/03/2027"),
        ("review", "keep 1 because it works review 05/03/2027"),
        ("review", "revise 1 x because y review 05/03/2027"),
    ],
)
def test_grammar_a_date_in_numbers_that_reads_both_ways_is_asked_about_where_the_month_may_come_first(  # noqa: E501
    name, args
):
    result = parse(name, args, month_first=True)
    assert isinstance(result, UsageError) and result.reason is not None
    assert render(result.reason, "en") == (
        "“05/03/2027” could be 5 March 2027 or 3 May 2027, and I would rather not guess. Write "
        "the month as a word, like 3 May 2027, or the date as year-month-day, like 2027-05-03."
    )
    assert render(result.reason, "nl") == (
        "“05/03/2027” kan 5 maart 2027 zijn, maar ook 3 mei 2027, en ik gok liever niet. "
        "Schrijf de maand voluit, zoals 3 mei 2027, of de datum als jaar-maand-dag, zoals "
        "2027-05-03."
    )
    # Day first elsewhere, as before.
    read = parse(name, args)
    assert isinstance(read, Agree | ReviewAgreement) and read.review_on == date(2027, 3, 5)


def test_grammar_a_report_since_a_date_that_reads_both_ways_is_asked_about_too():
    result = parse("report", "since 05/03/2026", month_first=True)
    assert isinstance(result, UsageError) and result.reason is not None
    assert dict(result.reason.params)["date"] == Quote("05/03/2026")
    assert parse("report", "since 05/03/2026") == Report(date(2026, 3, 5))
    assert parse("report", "since 11/13/2026", month_first=True) == Report(date(2026, 11, 13))
