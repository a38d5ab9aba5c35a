"""Review dates a user walkthrough typed: read where they name a day ("in a fortnight",
"over 3 wkn", "eind volgende week", "the 15th"), asked about where they name two ("next
Friday" on a Thursday), refused kindly where they name none ("after the exams", "at the
next meeting") or a day no calendar has ("31 april"), never kept in the reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules.durations import DateError, NoSuchDay, UnclearDate, parse_date, parse_duration
from rules.grammar import Agree, ReviewAgreement, UsageError, find_command, parse_command
from rules.i18n import render

# A Thursday.
TODAY = date(2026, 12, 3)


def parse(name: str, args: str, *, today: date = TODAY):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=today, lang=lang)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in a fortnight", date(2026, 12, 17)),
        ("in two fortnights", date(2026, 12, 31)),
        ("a fortnight from now", date(2026, 12, 17)),
        ("over 3 wkn", date(2026, 12, 24)),
        ("over 3 wk", date(2026, 12, 24)),
        ("in 3 wks", date(2026, 12, 24)),
        ("in 3 wk", date(2026, 12, 24)),
        ("over twee weken", date(2026, 12, 17)),
        ("over een weekje", date(2026, 12, 10)),
        ("over twee weekjes", date(2026, 12, 17)),
        ("over veertien dagen", date(2026, 12, 17)),
        # "next week" is a week from today; the week after it two.
        ("the week after next", date(2026, 12, 17)),
        ("week after next", date(2026, 12, 17)),
        ("overvolgende week", date(2026, 12, 17)),
        # The end of a week is its Friday, its start its Monday, its middle its Wednesday.
        ("end of next week", date(2026, 12, 11)),
        ("eind volgende week", date(2026, 12, 11)),
        ("eind van volgende week", date(2026, 12, 11)),
        ("begin volgende week", date(2026, 12, 7)),
        ("start of next week", date(2026, 12, 7)),
        ("midden volgende week", date(2026, 12, 9)),
        ("end of this week", date(2026, 12, 4)),
        ("eind deze week", date(2026, 12, 4)),
        ("end of the week", date(2026, 12, 4)),
        ("eind van de week", date(2026, 12, 4)),
        # A day of the month alone: the next such day from today on.
        ("the 15th", date(2026, 12, 15)),
        ("on the 15th", date(2026, 12, 15)),
        ("15th", date(2026, 12, 15)),
        ("de 15e", date(2026, 12, 15)),
        ("op de 15de", date(2026, 12, 15)),
        ("the 1st", date(2027, 1, 1)),
        ("de 2e", date(2027, 1, 2)),
        ("the 3rd", date(2026, 12, 3)),  # today: a review refuses it as not in the future
        ("the 31st", date(2026, 12, 31)),
    ],
)
def test_dates_people_type_are_read(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_dates_the_31st_is_the_next_month_that_has_one():
    assert parse_date("the 31st", today=date(2027, 4, 1)) == date(2027, 5, 31)
    assert parse_date("the 30th", today=date(2027, 2, 1)) == date(2027, 3, 30)


@pytest.mark.parametrize("text", ["the 32nd", "the 0th", "de 45e"])
def test_dates_a_day_of_the_month_no_month_has_is_not_read(text):
    with pytest.raises(DateError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "month", "days"),
    [("31 april", 4, 30), ("31 June 2027", 6, 30), ("30 februari", 2, 29),
     ("29 February 2027", 2, 28), ("31-04-2027", 4, 30), ("2027-04-31", 4, 30)],
)  # fmt: skip
def test_dates_a_day_past_its_months_end_says_so(text, month, days):
    with pytest.raises(NoSuchDay) as refused:
        parse_date(text, today=TODAY)
    assert (refused.value.month, refused.value.days) == (month, days)


def test_durations_dutch_and_english_week_abbreviations_and_a_fortnight():
    assert parse_duration("3 wkn") == timedelta(weeks=3)
    assert parse_duration("3 wks") == timedelta(weeks=3)
    assert parse_duration("a fortnight") == timedelta(weeks=2)
    assert parse_duration("1 fortnight") == timedelta(weeks=2)


# "next Friday": English speakers split between the coming Friday and the one of next
# week. Asked when the two differ.
@pytest.mark.parametrize(
    ("today", "sooner", "later"),
    [
        (TODAY, date(2026, 12, 4), date(2026, 12, 11)),  # Thursday: tomorrow or in 8 days
        (date(2026, 11, 30), date(2026, 12, 4), date(2026, 12, 11)),  # Monday
    ],
)
def test_dates_next_friday_in_this_week_is_asked_about(today, sooner, later):
    with pytest.raises(UnclearDate) as asked:
        parse_date("next Friday", today=today)
    assert (asked.value.sooner, asked.value.later) == (sooner, later)
    with pytest.raises(UnclearDate):
        parse_date("next Fri", today=today)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # Both readings are one day: the coming Friday is next week's.
        ("next Friday", date(2026, 12, 5), date(2026, 12, 11)),  # Saturday
        ("next Friday", date(2026, 12, 4), date(2026, 12, 11)),  # Friday
        ("next Monday", TODAY, date(2026, 12, 7)),
        # The coming one, as said without "next".
        ("this Friday", TODAY, date(2026, 12, 4)),
        ("coming Friday", TODAY, date(2026, 12, 4)),
        ("Friday", TODAY, date(2026, 12, 4)),
        ("next week Friday", TODAY, date(2026, 12, 11)),
        # Dutch says "volgende vrijdag" for the coming one (next week's is "volgende week
        # vrijdag"), as it says "aanstaande vrijdag".
        ("volgende vrijdag", TODAY, date(2026, 12, 4)),
        ("volgende week vrijdag", TODAY, date(2026, 12, 11)),
    ],
)
def test_dates_a_weekday_that_reads_one_way_is_read(text, today, expected):
    assert parse_date(text, today=today) == expected


def test_dates_a_day_and_month_just_gone_is_past_not_next_year():
    # 1 December, typed on 3 December: more likely a slip than a year ahead.
    assert parse_date("1 december", today=TODAY) == date(2026, 12, 1)
    assert parse_date("November 20", today=TODAY) == date(2026, 11, 20)
    assert parse_date("28 december", today=date(2027, 1, 5)) == date(2026, 12, 28)
    # A month and more ago: next year's.
    assert parse_date("1 November", today=TODAY) == date(2027, 11, 1)
    assert parse_date("3 november", today=TODAY) == date(2026, 11, 3)  # 30 days ago
    assert parse_date("2 november", today=TODAY) == date(2027, 11, 2)
    # From today on, as before.
    assert parse_date("3 december", today=TODAY) == date(2026, 12, 3)
    assert parse_date("1 January", today=TODAY) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [
        ("agree", "x because y review in a fortnight", date(2026, 12, 17)),
        ("afspraak", "x omdat y herziening over 3 wkn", date(2026, 12, 24)),
        ("agree", "x because y review end of next week", date(2026, 12, 11)),
        ("afspraak", "x omdat y herziening eind volgende week", date(2026, 12, 11)),
        ("agree", "x because y review the 15th", date(2026, 12, 15)),
        ("afspraak", "x omdat y herziening de 15e", date(2026, 12, 15)),
        ("agree", "x because y review the week after next", date(2026, 12, 17)),
        ("agree", "review the week after next x because y", date(2026, 12, 17)),
        ("afspraak", "x omdat y herziening overvolgende week", date(2026, 12, 17)),
        ("afspraak", "x omdat y evaluatie over 2 weken", date(2026, 12, 17)),
        ("afspraak", "x omdat y, evaluatie over 2 weken", date(2026, 12, 17)),
        ("afspraak", "x omdat y herziening volgende vrijdag", date(2026, 12, 4)),
    ],
)
def test_grammar_review_dates_people_type_are_read(name, args, review_on):
    """Refused as unreadable, or kept in the reason with no review date."""
    result = parse(name, args)
    assert isinstance(result, Agree)
    assert (result.text, result.why, result.review_on) == ("x", "y", review_on)


@pytest.mark.parametrize(
    "why",
    ["de evaluatie was goed", "we had an evaluation in 2 weeks", "the evaluatie takes 2 weeks"],
)
def test_grammar_evaluation_in_the_reason_stays_there(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    "args",
    [
        "x because y review next Friday",
        "review next Friday x because y",
    ],
)
def test_grammar_next_friday_on_a_thursday_is_asked_about(args):
    result = parse("agree", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert render(result.reason, "en") == (
        "“next Friday” could be Friday 4 December 2026 or Friday 11 December 2026, and I "
        "would rather not guess. Write the date: “4 December” or “11 December”."
    )
    assert render(result.reason, "nl") == (
        "“next Friday” kan vrijdag 4 december 2026 zijn, maar ook vrijdag 11 december 2026, "
        "en ik gok liever niet. Schrijf de datum: “4 december” of “11 december”."
    )


def test_grammar_a_keep_at_review_asks_about_next_friday_too():
    result = parse("review", "keep 1 because it works review next Friday")
    assert isinstance(result, UsageError) and result.reason is not None
    assert "and I would rather not guess" in render(result.reason, "en")
    read = parse("review", "keep 1 because it works review next Friday", today=date(2026, 12, 5))
    assert isinstance(read, ReviewAgreement) and read.review_on == date(2026, 12, 11)


def test_grammar_a_day_and_month_just_gone_is_refused_as_past():
    result = parse("agree", "x because y review 1 december")
    assert isinstance(result, UsageError) and result.reason is not None
    assert render(result.reason, "en") == (
        "The review date “1 december” is 1 December 2026, which is not in the future. Choose "
        "a later day, like 1 March 2027 or “in 6 weeks”."
    )


@pytest.mark.parametrize(
    ("name", "args", "en", "nl"),
    [
        ("agree", "x because y review 31 april",
         "“31 april” is not on the calendar: April has 30 days. Which day do you mean?",
         "“31 april” staat niet op de kalender: april heeft 30 dagen. Welke dag bedoel je?"),
        ("afspraak", "x omdat y herziening 31 april", None, None),
        ("agree", "review 31 April x because y", None, None),
        ("agree", "x because y review 30 February",
         "“30 February” is not on the calendar: February has 29 days. Which day do you mean?",
         "“30 February” staat niet op de kalender: februari heeft 29 dagen. Welke dag bedoel "
         "je?"),
    ],
)  # fmt: skip
def test_grammar_a_day_past_its_months_end_is_refused_saying_so(name, args, en, nl):
    result = parse(name, args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "heeft" in render(result.reason, "nl") and "days" in render(result.reason, "en")
    if en is not None:
        assert render(result.reason, "en") == en
        assert render(result.reason, "nl") == nl


NAMES_NO_DAY = "A review date needs a day, and “{date}” names none: I would rather not guess which day you mean. Try {example} or “in 6 weeks”."  # noqa: E501


@pytest.mark.parametrize(
    "args",
    [
        "x because y review after the exams",
        "x because y review after exams",
        "x because y review before the exams",
        "x because y review after the finals",
    ],
)
def test_grammar_a_review_after_the_exams_is_refused_as_naming_no_day(args):
    result = parse("agree", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert result.reason.msgid == NAMES_NO_DAY


@pytest.mark.parametrize(
    "args", ["x omdat y herziening na de tentamens", "x omdat y herzien na de examens"]
)
def test_grammar_dutch_na_de_tentamens_is_refused_as_naming_no_day(args):
    result = parse("afspraak", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert result.reason.msgid == NAMES_NO_DAY


@pytest.mark.parametrize(
    "why", ["we review exams together", "y after the exams", "the exams were hard"]
)
def test_grammar_exams_in_the_reason_stay_there(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agree", "x because y review at the next meeting"),
        ("agree", "x because y review after the next meeting"),
        ("afspraak", "x omdat y herziening bij de volgende vergadering"),
        ("afspraak", "x omdat y herzien bij het volgende overleg"),
        ("afspraak", "x omdat y herziening op de volgende vergadering"),
    ],
)
def test_grammar_a_review_at_the_next_meeting_asks_for_its_date(name, args):
    """Meetings here have no dates ahead (/meeting start opens one): which day the next
    one is, only the table knows."""
    result = parse(name, args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert render(result.reason, "en") == (
        "I do not know when the next meeting is, so I cannot set the review on it. Give its "
        "date, like 1 March 2027, or “in 6 weeks”."
    )
    assert render(result.reason, "nl") == (
        "Ik weet niet wanneer de volgende vergadering is, dus ik kan de herziening daar niet "
        "op plannen. Geef de datum, zoals “1 maart 2027”, of “over 6 weken”."
    )


def test_grammar_the_next_meeting_in_the_reason_stays_there():
    why = "we decide at the next meeting"
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)
