"""Typed commands a hunt found read wrongly: a mistyped subcommand word acted in public,
past review dates and full names stayed in the reason, and common dates and snooze
spans in words were refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules.grammar import (
    DID_YOU_MEAN,
    NAME_THE_OWNER,
    PAST_REVIEW_DATE,
    Agree,
    AnswerRenewal,
    ResolveConcern,
    SetMandate,
    Snooze,
    StartRound,
    UsageError,
    WithdrawRound,
    find_command,
    parse_command,
)
from rules.i18n import render
from rules.say import Lines
from rules.typed_names import named_nobody, typed_name

TODAY = date(2026, 12, 1)  # a Tuesday


def parse(name: str, args: str, today: date = TODAY):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=today, lang=lang)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "withdrw"), ("zorgen", "intrekke"), ("concerns", "cancle"),
     ("round", "withdrw the round"), ("zorgen", "annuleeer please")],
)  # fmt: skip
def test_a_mistyped_withdraw_asks_did_you_mean_rather_than_starting_a_round(name, args):
    parsed = parse(name, args)
    assert isinstance(parsed, UsageError) and isinstance(parsed.reason, Lines)
    assert parsed.reason.parts[0].msgid == DID_YOU_MEAN
    assert render(parsed.reason, "en") == (
        f"Did you mean /concerns withdraw?\nDid you mean “{args}” as the proposal? Then give "
        f'it in quotes: /concerns "{args}"'
    )
    assert render(parsed.reason, "nl") == (
        f"Bedoelde je /zorgen intrekken?\nBedoelde je “{args}” als het voorstel? Zet het dan "
        f'tussen aanhalingstekens: /zorgen "{args}"'
    )
    assert parse(name, f'"{args}"') == StartRound(args)  # the way on the hint gives


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "Stoep"), ("concerns", "stopt"), ("concerns", "stops"),
     ("zorgen", "annulering"), ("concerns", "canceled"), ("concerns", "cancer"),
     ("zorgen", "Stoppel")],
)  # fmt: skip
def test_a_real_word_near_a_withdraw_word_is_a_proposal(name, args):
    assert parse(name, args) == StartRound(args)


def test_a_form_of_withdraw_itself_is_still_guessed():
    # One word alone that only says "withdrawn" is no proposal to consent to; the guess
    # is private and says how to ask about exactly that.
    parsed = parse("concerns", "withdrawn")
    assert isinstance(parsed, UsageError) and isinstance(parsed.reason, Lines)
    assert render(parsed.reason, "en").startswith("Did you mean /concerns withdraw?\n")


@pytest.mark.parametrize(
    "args",
    ["Rene", "Renw", "Stand", "renewal", "Bevestiging", "vernieuwing", "cheek", "chuck",
     "holes"],
)  # fmt: skip
def test_a_real_word_near_a_renewal_answer_is_a_mandate(args):
    assert parse("mandate", args) == SetMandate(args)
    assert parse("mandaat", args) == SetMandate(args)


@pytest.mark.parametrize("args", ["vragen", "nagaat", "verlegen"])
def test_a_dutch_word_near_a_renewal_answer_is_a_mandate(args):
    assert parse("mandaat", args) == SetMandate(args)


@pytest.mark.parametrize(
    ("name", "args"),
    [("zorg", "al opgelost?"), ("concern", "resolved?"), ("concern", "is my concern solved?"),
     ("bezwaar", "opgelost ?")],
)  # fmt: skip
def test_asking_whether_it_is_resolved_changes_nothing_and_says_how(name, args):
    # Recorded as a concern, the question would replace the concern its member raised.
    asked = parse(name, args)
    assert isinstance(asked, UsageError) and "without the question mark" in render(
        asked.reason, "en"
    )
    assert parse(name, args.replace("?", "")) == ResolveConcern()


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("concerns", "withdraw", WithdrawRound()), ("zorgen", "intrekken", WithdrawRound()),
     ("concerns", "standup", StartRound("standup")),
     ("concerns", "cancel the Friday standup?", StartRound("cancel the Friday standup?")),
     ("concerns", "withdrw the budget cut", StartRound("withdrw the budget cut"))],
)  # fmt: skip
def test_withdraw_words_and_proposals_read_as_before(name, args, expected):
    assert parse(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args", "command_en", "command_nl"),
    [("mandate", "renw", "/mandate renew", "/mandaat vernieuwen"),
     ("mandaat", "vernieuwn", "/mandate renew", "/mandaat vernieuwen"),
     ("mandate", "chek", "/mandate check", "/mandaat navragen"),
     ("mandaat", "ik moet nog navrage", "/mandate check", "/mandaat navragen"),
     ("mandate", "unchnaged", "/mandate renew", "/mandaat vernieuwen"),
     ("mandate", "I need to chek", "/mandate check", "/mandaat navragen"),
     ("mandate", "rewew", "/mandate renew", "/mandaat vernieuwen")],
)  # fmt: skip
def test_a_mistyped_renewal_answer_is_refused_with_the_quotes_hint(
    name, args, command_en, command_nl
):
    parsed = parse(name, args)
    assert isinstance(parsed, UsageError) and isinstance(parsed.reason, Lines)
    assert render(parsed.reason, "en") == (
        f"Did you mean {command_en}?\nDid you mean “{args}” as your new mandate? Then give it "
        f'in quotes: /mandate "{args}"'
    )
    assert render(parsed.reason, "nl").startswith(f"Bedoelde je {command_nl}?\n")


@pytest.mark.parametrize(
    ("args", "expected"),
    [('"renw"', SetMandate("renw", quoted=True)), ("budget", SetMandate("budget")),
     ("sign off up to 500 euro", SetMandate("sign off up to 500 euro")),
     ("renew", AnswerRenewal("renewed")), ("check", AnswerRenewal("check"))],
)  # fmt: skip
def test_mandates_and_exact_answers_read_as_before(args, expected):
    assert parse("mandate", args) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [("agree", "a because b review yesterday"), ("agree", "a because b review last week"),
     ("agree", "a because b review last Monday"), ("agree", "a because b review now"),
     ("afspraak", "k omdat l herziening gisteren"),
     ("afspraak", "k omdat l herziening vorige week"),
     ("afspraak", "k omdat l herziening afgelopen maandag"),
     ("afspraak", "k omdat l herziening eergisteren"), ("afspraak", "k omdat l herziening nu"),
     ("review", "keep 1 review yesterday"), ("review", "keep 1 because it works review now"),
     ("herziening", "behouden 1 omdat het werkt herziening gisteren")],
)  # fmt: skip
def test_a_past_review_date_is_refused_not_kept_in_the_reason(name, args):
    refused = parse(name, args)
    assert isinstance(refused, UsageError) and refused.spec == find_command(name)[0]
    assert refused.reason.msgid == PAST_REVIEW_DATE and refused.again


@pytest.mark.parametrize(
    ("name", "args", "why"),
    [("afspraak", "Standup om 9 omdat er geen review nu is", "er geen review nu is"),
     ("afspraak", "Standup om 9 omdat we geen herziening vorige maand hadden",
      "we geen herziening vorige maand hadden"),
     ("agree", "Standup at 9 because we skipped review yesterday", "we skipped review yesterday"),
     ("agree", "Standup at 9 because we had no review last quarter",
      "we had no review last quarter"),
     ("agree", "Standup at 9 because code review last", "code review last"),
     ("agree", "Standup at 9 because they missed review now", "they missed review now")],
)  # fmt: skip
def test_past_words_after_review_in_a_reason_stay_the_reason(name, args, why):
    parsed = parse(name, args)
    assert isinstance(parsed, Agree) and (parsed.why, parsed.review_on) == (why, None)


def test_past_words_before_an_agreement_stay_its_subject():
    parsed = parse("agree", "Review last week's incidents on Monday because we forget them")
    assert isinstance(parsed, Agree) and parsed.text.startswith("Review last week's")
    assert parse("report", "since yesterday").since == TODAY - timedelta(days=1)


@pytest.mark.parametrize(
    ("name", "args"),
    [("afspraak", "x omdat de schoonmaak begint eigenaar Jan van der Berg herziening 1 maart"),
     ("afspraak", "x omdat de schoonmaak begint eigenaar jan de vries"),
     ("afspraak", "x omdat y eigenaar Jan van 't Hek"),
     ("agree", "x because y owner Mary Ann Smith"), ("agree", "x because y, owner Jan."),
     ("agree", "x because y owner Jan review in 3 weeks"),
     ("review", "revise 1 x because y owner Ludwig von Mises")],
)  # fmt: skip
def test_a_full_name_without_at_is_refused_as_a_one_word_name_is(name, args):
    assert parse(name, args) == UsageError(find_command(name)[0], NAME_THE_OWNER)


@pytest.mark.parametrize(
    ("args", "owner", "review_on"),
    [("x omdat y eigenaar @jan de Vries", "jan de Vries", None),
     ("x omdat y eigenaar @Jan van der Berg herziening 1 maart", "Jan van der Berg",
      date(2027, 3, 1))],
)  # fmt: skip
def test_a_full_name_with_at_is_the_owner_to_look_up(args, owner, review_on):
    parsed = parse("afspraak", args)
    assert isinstance(parsed, Agree)
    assert (parsed.why, parsed.owner, parsed.review_on) == ("y", owner, review_on)
    typed = typed_name("afspraak", args, today=TODAY)
    assert typed is not None and typed.name == owner
    assert typed.mentioning(args, "U1").startswith("x omdat y eigenaar <@U1>")
    assert parse("afspraak", typed.mentioning(args, "U1")).owner == "U1"
    nobody = named_nobody(parsed)
    assert nobody is not None and render(nobody, "nl").startswith(
        f"Ik weet niet wie “@{owner}” hier is"
    )


@pytest.mark.parametrize(
    ("args", "why"),
    [("x because y owner Jan asked for it", "y owner Jan asked for it"),
     ("x because y owner @ben asked for it", "y owner @ben asked for it"),
     ("x omdat Ben eigenaar van de website is", "Ben eigenaar van de website is"),
     ("x because the owner Mary Ann Smith asked", "the owner Mary Ann Smith asked")],
)  # fmt: skip
def test_a_reason_that_goes_on_after_a_name_stays_the_reason(args, why):
    parsed = parse("agree", args)
    assert isinstance(parsed, Agree) and (parsed.why, parsed.owner) == (why, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("volgende week dinsdag", date(2026, 12, 8)), ("dinsdag volgende week", date(2026, 12, 8)),
     ("komende week vrijdag", date(2026, 12, 11)), ("next week Tuesday", date(2026, 12, 8)),
     ("Friday next week", date(2026, 12, 11)), ("dinsdag 8 december", date(2026, 12, 8)),
     ("dinsdag, 8 december", date(2026, 12, 8)), ("Tuesday 8 December", date(2026, 12, 8)),
     ("Tuesday, December 8", date(2026, 12, 8)), ("over veertien dagen", date(2026, 12, 15)),
     ("in fourteen days", date(2026, 12, 15)), ("over dertien weken", date(2027, 3, 2)),
     ("in twenty-one days", date(2026, 12, 22)), ("over tweeëntwintig dagen", date(2026, 12, 23)),
     ("over dertig dagen", date(2026, 12, 31)), ("in thirty days", date(2026, 12, 31))],
)  # fmt: skip
def test_common_review_dates_are_read(text, expected):
    parsed = parse("agree", f"x because y review {text}")
    assert isinstance(parsed, Agree) and (parsed.why, parsed.review_on) == ("y", expected)
    dutch = parse("afspraak", f"x omdat y herziening {text}")
    assert isinstance(dutch, Agree) and dutch.review_on == expected


def test_a_weekday_that_is_not_the_dates_is_refused():
    parsed = parse("afspraak", "x omdat y herziening maandag 8 december")
    assert isinstance(parsed, UsageError)
    assert parsed.reason is not None and "maandag 8 december" in render(parsed.reason, "nl")


@pytest.mark.parametrize(
    ("name", "args", "lang", "told"),
    [("afspraak", "x omdat y herziening maandag 8 december", "nl",
      "“maandag 8 december” klopt niet: 8 december 2026 is een dinsdag. Welke dag bedoel je? "
      "Schrijf bijvoorbeeld “dinsdag 8 december 2026” of alleen de datum."),
     ("agree", "x because y review Wed 8 Dec", "en",
      "“Wed 8 Dec” does not add up: 8 December 2026 is a Tuesday. Which day do you mean? "
      "Write, for example, “Tuesday, 8 December 2026”, or the date alone.")],
)  # fmt: skip
def test_a_weekday_that_is_not_the_dates_says_which_day_the_date_is(name, args, lang, told):
    """The date was read, so "I could not read" it would send its writer to type it the
    same way again: the answer says the weekday is not the date's, and which it is."""
    parsed = parse(name, args)
    assert isinstance(parsed, UsageError) and parsed.reason is not None
    assert render(parsed.reason, lang) == told


@pytest.mark.parametrize(
    ("name", "args", "text", "why"),
    [("afspraak", "Thee om de beurt, omdat dat eerlijk is", "Thee om de beurt", "dat eerlijk is"),
     ("agree", "Standup at 10:15, because traffic", "Standup at 10:15", "traffic"),
     ("agree", "Standup at 10:30 because: traffic", "Standup at 10:30", "traffic"),
     ("afspraak", "Koffie om de beurt omdat: dat eerlijk is", "Koffie om de beurt",
      "dat eerlijk is"),
     ("agree", "Standup at 10:45; because the bus is late", "Standup at 10:45",
      "the bus is late")],
)  # fmt: skip
def test_the_comma_or_colon_around_because_is_punctuation_not_words(name, args, text, why):
    """ "X, because Y" is written as a sentence is: the comma does not end the agreement's
    text, and "because: Y" gives the reason (not "say why, after because")."""
    parsed = parse(name, args)
    assert isinstance(parsed, Agree) and (parsed.text, parsed.why) == (text, why)


def test_a_revision_keeps_no_comma_before_because():
    parsed = parse("review", "revise 2 Homework club on Tuesdays, because demand doubled")
    assert (parsed.new_text, parsed.why) == ("Homework club on Tuesdays", "demand doubled")


@pytest.mark.parametrize(
    ("name", "args", "minutes"),
    [("sluimer", "een uur", 60), ("sluimer", "een kwartier", 15), ("sluimer", "een half uur", 30),
     ("sluimer", "een half uurtje", 30), ("sluimer", "anderhalf uurtje", 90),
     ("sluimer", "anderhalf uur", 90), ("sluimer", "drie kwartier", 45),
     ("snooze", "an hour", 60), ("snooze", "a quarter of an hour", 15),
     ("snooze", "half an hour", 30), ("snooze", "an hour and a half", 90),
     ("snooze", "two hours", 120)],
)  # fmt: skip
def test_snooze_spans_in_words(name, args, minutes):
    assert parse(name, args) == Snooze(timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("name", "args", "minutes"),
    [("sluimer", "een uurtje", 60), ("sluimer", "2 uurtjes", 120),
     ("sluimer", "5 minuutjes", 5), ("sluimer", "een dagje", 1440),
     ("sluimer", "1 uur.", 60), ("snooze", "15 min.", 15), ("snooze", "1 hr.", 60)],
)  # fmt: skip
def test_snooze_spans_as_dutch_says_a_short_while_or_a_sentence_ends(name, args, minutes):
    """They got the usage: "een uurtje" is how Dutch says an hour, and a full stop ends
    what people type."""
    assert parse(name, args) == Snooze(timedelta(minutes=minutes))
