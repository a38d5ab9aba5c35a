"""People's words are kept whole or refused, never cut short without a word: a text
longer than the bot keeps is refused up front, saying the limit and how long it is, and
a past review date is refused as past, never left inside the reason."""

from __future__ import annotations

from datetime import date

import pytest

from rules.grammar import (
    AddRole,
    Agree,
    AssignRole,
    Evaluate,
    JoinTable,
    SetCharter,
    SetMandate,
    SetRoleTasks,
    UsageError,
    find_command,
    parse_command,
)
from rules.i18n import render

TODAY = date(2026, 12, 2)  # a Wednesday


def parse(name: str, args: str):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=TODAY, lang=lang)


def told(parsed, lang: str = "en") -> str:
    assert isinstance(parsed, UsageError) and parsed.reason is not None, parsed
    return render(parsed.reason, lang)


@pytest.mark.parametrize(
    ("name", "args", "lang", "said"),
    [("agree", "Tea at 3 because it helps, then review yesterday", "en",
      "The review date “yesterday” is 1 December 2026, which is not in the future. Choose a "
      "later day, like 1 March 2027 or “in 6 weeks”."),
     ("agree", "Tea at 3 because it helps then review 1 jan 2020", "en",
      "The review date “1 jan 2020” is 1 January 2020, which is not in the future. Choose a "
      "later day, like 1 March 2027 or “in 6 weeks”."),
     ("agree", "Tea at 3 because it helps review today", "en",
      "The review date “today” is 2 December 2026, which is not in the future. Choose a "
      "later day, like 1 March 2027 or “in 6 weeks”."),
     ("afspraak", "Thee om 3 uur omdat het helpt, dan evalueren gisteren", "nl",
      "De herzieningsdatum “gisteren” is 1 december 2026, en die ligt niet in de toekomst. "
      "Kies een latere dag, zoals 1 maart 2027 of “over 6 weken”."),
     ("afspraak", "Thee om 3 uur omdat het helpt evalueren gisteren", "nl",
      "De herzieningsdatum “gisteren” is 1 december 2026, en die ligt niet in de toekomst. "
      "Kies een latere dag, zoals 1 maart 2027 of “over 6 weken”.")],
)  # fmt: skip
def test_a_past_review_date_after_then_is_refused_as_past_not_kept_in_the_reason(
    name, args, lang, said
):
    """ "then review yesterday" was kept in the reason ("it helps, then review
    yesterday") and the agreement recorded without its review date."""
    assert told(parse(name, args), lang) == said


@pytest.mark.parametrize(
    ("name", "args", "why", "review_on"),
    [("agree", "Tea at 3 because it helps, then review in 6 weeks", "it helps",
      date(2027, 1, 13)),
     ("agree", "Tea at 3 because it helps and then review on 1 May 2027", "it helps",
      date(2027, 5, 1)),
     ("afspraak", "Thee om 3 uur omdat het helpt, dan evalueren over 6 weken", "het helpt",
      date(2027, 1, 13)),
     # "then" after its subject: the reason's own verb, as before.
     ("agree", "Tea at 3 because we then review yesterday's numbers",
      "we then review yesterday's numbers", None)],
)  # fmt: skip
def test_then_before_a_review_date_opens_the_clause(name, args, why, review_on):
    parsed = parse(name, args)
    assert isinstance(parsed, Agree) and (parsed.why, parsed.review_on) == (why, review_on)


LONG_NAME = "coordinator of the weekly planning and the monthly budget review"  # 64


@pytest.mark.parametrize(
    ("name", "args", "said"),
    [("role", f'add "{LONG_NAME}" keeps the planning',
      "A role's name is at most 60 characters; this one has 64. Shorten it and send it "
      "again."),
     ("role", f'tasks "{LONG_NAME}" keeps the planning',
      "A role's name is at most 60 characters; this one has 64. Shorten it and send it "
      "again."),
     ("role", f"assign {LONG_NAME} <@U2>",
      "A role's name is at most 60 characters; this one has 64. Shorten it and send it "
      "again."),
     ("role", "add chair " + "x" * 501,
      "A role's tasks are at most 500 characters; these have 501. Shorten them and send "
      "them again."),
     ("mandate", "sign " + "y" * 496,
      "A mandate is at most 500 characters; this one has 501. Shorten it and send it again."),
     ("table", "join " + "z" * 121,
      "An organisation's name is at most 120 characters; this one has 121. Shorten it and "
      "send it again."),
     ("table", "about " + "a" * 501,
      "This text is at most 500 characters; yours has 501. Shorten it and send it again."),
     ("concerns", "we move " + "p" * 1993,
      "This text is at most 2000 characters; yours has 2001. Shorten it and send it again."),
     ("concerns", '"we move ' + "p" * 1993 + '"',
      "This text is at most 2000 characters; yours has 2001. Shorten it and send it again."),
     ("concern", "who pays " + "c" * 1992,
      "This text is at most 2000 characters; yours has 2001. Shorten it and send it again."),
     ("review", "keep 1 because " + "w" * 2001,
      "This text is at most 2000 characters; yours has 2001. Shorten it and send it again."),
     ("review", "keep 1 because it works, learned " + "l" * 1001,
      "This text is at most 1000 characters; yours has 1001. Shorten it and send it again."),
     ("evaluate", "1 2 3 4 5 1 2 3 4 " + "b" * 1001,
      "A comment is at most 1000 characters; yours has 1001. Shorten it and send it "
      "again.")],
)  # fmt: skip
def test_words_longer_than_kept_are_refused_saying_the_limit(name, args, said):
    """They were cut to the limit and stored without a word."""
    assert told(parse(name, args)).startswith(said)


def test_a_long_mandate_is_refused_in_dutch_too():
    parsed = parse("mandaat", "tekenen " + "y" * 493)
    assert told(parsed, "nl").startswith(
        "Een mandaat is hoogstens 500 tekens lang; dit heeft er 501. Maak het korter en stuur "
        "het opnieuw."
    )


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("role", "add " + "n" * 60 + " keeps the planning", AddRole("n" * 60, "keeps the planning")),
     ("role", "tasks chair " + "t" * 500, SetRoleTasks("chair", "t" * 500)),
     ("role", "assign " + "n" * 60 + " <@U2>", AssignRole("n" * 60, "U2", handover=False)),
     ("mandate", "m" * 500, SetMandate("m" * 500)),
     ("table", "join " + "o" * 120, JoinTable("o" * 120)),
     ("table", "about " + "a" * 500, SetCharter("about", "a" * 500)),
     ("evaluate", "1 2 3 4 5 1 2 3 4 " + "c" * 1000,
      Evaluate((1, 2, 3, 4, 5, 1, 2, 3, 4), "c" * 1000))],
)  # fmt: skip
def test_words_at_the_limit_are_kept_whole(name, args, expected):
    assert parse(name, args) == expected
