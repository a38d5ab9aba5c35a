"""The shared command grammar: every command parses or explains itself, never crashes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rules.durations import parse_date
from rules.grammar import (
    A_KEEP_KEEPS_THE_OWNER,
    AN_ANSWER_NOT_A_PROPOSAL,
    COMMANDS,
    FAR_REVIEW,
    FUTURE_REPORT,
    NAME_THE_OWNER,
    NEARLY_NONE,
    NO_WORDS,
    ONE_OWNER,
    PAST_REVIEW_DATE,
    RETIRED_HAS_NO_CLAUSES,
    TEXT_TOO_LONG,
    WHAT_WAS_AGREED,
    WHICH_PROPOSAL,
    Agree,
    AnswerRenewal,
    AnswerRound,
    EndMeeting,
    Evaluate,
    JoinTable,
    ListAgreements,
    NotAProblem,
    NudgeMode,
    ProblemWindow,
    Report,
    ReviewAgreement,
    SetMandate,
    StartMeeting,
    StartRound,
    UndoNotAProblem,
    UsageError,
    WithdrawRound,
    command_language,
    find_command,
    mistyped_command,
    nearly_none,
    parse_command,
    past_review,
    reached_command,
)
from rules.i18n import render
from rules.say import Day, Lines, Quote, Say

TODAY = date(2026, 3, 2)


def parse(name: str, args: str):
    spec, _ = find_command(name)
    return parse_command(spec, args, today=TODAY)


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("agree", "en"),
        ("afspraak", "nl"),
        ("/afspraken", "nl"),
        ("zorgen", "nl"),
        ("spelregels", "nl"),
        ("concerns", "en"),
        ("round", None),
        ("probleemvenster", "nl"),
        ("nudges", "en"),
        ("seintjes", "nl"),
    ],
)
def test_grammar_names_and_dutch_aliases(name, lang):
    found = find_command(name)
    assert found is not None and found[1] == lang


def test_grammar_unknown_name():
    assert find_command("frobnicate") is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            "stand-up at 9:30 because school run",
            Agree("stand-up at 9:30", "school run", None, None),
        ),
        ("x because y owner @anna", Agree("x", "y", "anna", None)),
        ("x because y review in 6 weeks", Agree("x", "y", None, TODAY + timedelta(weeks=6))),
        ("x because y review 2026-05-01 owner <@U1|anna>", Agree("x", "y", "U1", date(2026, 5, 1))),
        (
            "x omdat y eigenaar @gerrit herzien over 2 maanden",
            Agree("x", "y", "gerrit", date(2026, 5, 2)),
        ),
        ("x because the review found gaps", Agree("x", "the review found gaps", None, None)),
        ("x because the owner left", Agree("x", "the owner left", None, None)),
        ("x because y owner role night lead", Agree("x", "y", "role:night lead", None)),
    ],
)
def test_grammar_agree_clauses(args, expected):
    assert parse("agree", args) == expected


@pytest.mark.parametrize(
    "args",
    [
        "",
        "no reason given",
        " because only a reason",
        "x because y review in many weeks",
        "x because y review 2020-01-01",
        "x because",
    ],
)
def test_grammar_agree_malformed_gets_usage(args):
    result = parse("agree", args)
    assert isinstance(result, UsageError) and result.spec.name == "agree"


def test_grammar_concern_answers():
    assert parse("concern", "none") == AnswerRound(None)
    assert parse("zorg", "geen") == AnswerRound(None)
    assert parse("concern", "No concerns.") == AnswerRound(None)
    assert parse("concern", "cost is too high") == AnswerRound("cost is too high")
    assert isinstance(parse("concern", ""), UsageError)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concern", "<@U1> none"), ("concern", "none @anna"), ("concern", "<@U1|anna>: no concerns"),
     ("concern", ":+1: <@U1>"), ("concern", "<@!123456> sounds good"), ("concern", "none <!here>"),
     ("zorg", "<@U1> geen"), ("zorg", "geen @anna"), ("zorg", "@anna lijkt me goed :+1:"),
     ("zorg", "<@&123456> geen bezwaar")],
)  # fmt: skip
def test_grammar_a_none_said_to_someone_is_no_concern(name, args):
    """People @ the facilitator as they answer: whom it is said to is no part of it."""
    assert parse_as_typed(name, args) == AnswerRound(None)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concern", "@anna has a point"), ("concern", "none, but ask <@U1> first"),
     ("zorg", "<@U1> heeft gelijk"), ("zorg", "geen, maar vraag @anna eerst")],
)  # fmt: skip
def test_grammar_a_concern_beside_a_mention_is_noted_as_written(name, args):
    assert parse_as_typed(name, args) == AnswerRound(args)


@pytest.mark.parametrize(
    ("name", "args", "typed", "meant"),
    [("concern", "<@U1> non", "non", "none"), ("zorg", "gene @anna", "gene", "geen"),
     ("concern", "<@U1|anna>: non", "non", "none"), ("zorg", "@anna, geen zorgn", "geen zorgn",
     "geen zorgen")],
)  # fmt: skip
def test_grammar_a_near_typo_of_none_said_to_someone_asks_back(name, args, typed, meant):
    """Asked about as "non" alone is (rules.concerns asks once it knows a round is open),
    quoting the writer's own words: whom they said it to is no part of them."""
    assert parse_as_typed(name, args) == AnswerRound(typed, nearly=meant)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concern", "<@U1>"), ("concern", "@anna :thinking_face:"), ("concern", "<!here>"),
     ("zorg", "<@U1> <@U2> 🤔"), ("concern", "<#C1|general>")],
)  # fmt: skip
def test_grammar_an_answer_that_only_names_someone_is_asked_about(name, args):
    """Only mentions, maybe with emoji: nothing said yet, so nothing to note."""
    assert parse_as_typed(name, args) == AnswerRound(" ".join(args.split()), wordless=True)


@pytest.mark.parametrize(("name", "args"), [("concern", "👎"), ("concern", ":-1:"), ("zorg", "-1")])
def test_grammar_a_thumbs_down_alone_is_still_a_concern(name, args):
    """Nobody named: the writer's own clear sign, kept as it was."""
    assert parse_as_typed(name, args) == AnswerRound(args)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concern", ":thinking_face:"), ("concern", "🙂"), ("zorg", "..."), ("concern", "!!!")],
)
def test_grammar_an_answer_without_words_is_asked_about(name, args):
    """Only punctuation or emoji other than a thumbs-down: nothing to note as a concern,
    so it is asked about as an empty /concern is."""
    assert parse_as_typed(name, args) == UsageError(find_command(name)[0], Say.of(NO_WORDS))


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "@anna sounds good"), ("concerns", "<@U1> no concerns"),
     ("zorgen", "@anna lijkt me goed"), ("zorgen", "<@U1> geen zorgen")],
)  # fmt: skip
def test_grammar_an_answer_said_to_someone_starts_no_round(name, args):
    """It would ask the whole table, in public, about an answer: the answer is pointed to."""
    assert parse_as_typed(name, args) == UsageError(find_command(name)[0], AN_ANSWER_NOT_A_PROPOSAL)


def test_grammar_round_is_about_the_proposal_given_or_the_latest_here():
    assert parse("concerns", "  pin it ") == StartRound("pin it")
    assert parse("concerns", "") == StartRound(None)  # the latest proposal here


@pytest.mark.parametrize(
    ("name", "args", "parsed"),
    [("not-a-problem", "", NotAProblem()), ("geen-probleem", "", NotAProblem()),
     ("not-a-problem", "undo", UndoNotAProblem()), ("not-a-problem", "Undo!", UndoNotAProblem()),
     ("not-a-problem", "undo the last one please", UndoNotAProblem()),
     ("geen-probleem", "terugdraaien", UndoNotAProblem()),
     ("geen-probleem", "ongedaan maken", UndoNotAProblem()),
     ("geen-probleem", "maak het ongedaan aub", UndoNotAProblem()),
     ("geen-probleem", "terug", UndoNotAProblem()),
     # other words say "not a problem", as they always did
     ("not-a-problem", "it was a joke", NotAProblem()),
     ("geen-probleem", "het komt wel terug", NotAProblem())],
)  # fmt: skip
def test_grammar_not_a_problem_undo_takes_it_back(name, args, parsed):
    assert parse(name, args) == parsed


def test_grammar_not_a_problem_undo_is_reached_through_groundrules_and_a_mention():
    spec, lang, args = reached_command("groundrules", "not-a-problem undo")
    assert (spec.name, lang) == ("not-a-problem", "en")
    assert parse_command(spec, args, today=TODAY) == UndoNotAProblem()
    spec, lang, args = reached_command("groundrules", "geen-probleem terugdraaien")
    assert (spec.name, lang) == ("not-a-problem", "nl")
    assert parse_command(spec, args, today=TODAY) == UndoNotAProblem()


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "cancel"), ("concerns", " Cancel. "), ("concerns", "withdraw"),
     ("zorgen", "intrekken"), ("zorgen", "Intrekken!"), ("zorgen", "annuleren"),
     ("ronde", "cancel"),
     # with words that only say which round
     ("zorgen", "stop deze ronde"), ("zorgen", "annuleer ronde"), ("zorgen", "zorgenronde stoppen"),
     ("zorgen", "trek de ronde in"), ("concerns", "cancel the concern round"),
     ("concerns", "withdraw this round please"), ("concerns", "stop it 🙏")],
)  # fmt: skip
def test_grammar_the_word_alone_withdraws_the_open_round(name, args):
    assert parse(name, args) == WithdrawRound()


@pytest.mark.parametrize(
    "args",
    ["cancel the Friday standup?", "cancel Friday's standup", "withdraw from the pilot",
     "intrekken van de oude regel", "cancellation fees go to the team",
     "stop the Friday standup", "stop de vrijdagronde"],
)  # fmt: skip
def test_grammar_a_proposal_starting_with_the_word_asks_about_that_proposal(args):
    assert parse("concerns", args) == StartRound(args)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "cancel my concern"), ("zorgen", "trek mijn zorg in"),
     ("concerns", "withdraw my answer please"), ("zorgen", "mijn zorg intrekken")],
)  # fmt: skip
def test_grammar_taking_back_ones_own_concern_is_not_withdrawing_the_round(name, args):
    """Whoever asked for the round would withdraw it for everyone; the person means their
    own answer, which they change by answering again."""
    parsed = parse(name, args)
    assert isinstance(parsed, UsageError) and parsed.reason is not None
    assert "answer again: /concern none" in parsed.reason.msgid


@pytest.mark.parametrize(
    ("args", "window"),
    [
        ("15", timedelta(minutes=15)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(minutes=90)),
        ("2 uur", timedelta(hours=2)),
        ("", None),
    ],
)
def test_grammar_problem_window(args, window):
    assert parse("problem-window", args) == ProblemWindow(window)


@pytest.mark.parametrize("args", ["soon", "5s", "9d", "-3", "10 parsecs"])
def test_grammar_problem_window_out_of_range_or_unreadable(args):
    assert isinstance(parse("problem-window", args), UsageError)


@pytest.mark.parametrize(
    ("args", "mode"),
    [
        ("", None),
        ("fewer", "fewer"),
        ("Minder", "fewer"),
        ("weinig", "fewer"),
        ("normal", "normal"),
        ("normaal.", "normal"),
        ("off", "off"),
        ("uit!", "off"),
        # a word of courtesy around the one word
        ("please fewer", "fewer"),
        ("fewer please!", "fewer"),
        ("off, pls", "off"),
        ("minder graag", "fewer"),
        ("graag minder", "fewer"),
        ("uit alsjeblieft", "off"),
        ("normaal a.u.b.", "normal"),
        ("Minder aub 🙏", "fewer"),
        ("please", None),
    ],
)
def test_grammar_nudges(args, mode):
    assert parse("nudges", args) == NudgeMode(mode)


@pytest.mark.parametrize(
    "args",
    ["sometimes", "0.9", "fewer or off", "please fewer or off", "not off please", "less often"],
)
def test_grammar_nudges_unreadable(args):
    assert isinstance(parse("seintjes", args), UsageError)


def test_grammar_agreements_listing():
    assert parse("agreements", "") == ListAgreements(False)
    assert parse("afspraken", "alle") == ListAgreements(True)
    assert parse("afspraken", "alles") == ListAgreements(True)  # Dutch for all of them
    assert parse("afspraken", "allemaal") == ListAgreements(True)  # all of them, as said
    assert parse("afspraken", "Allemaal graag") == ListAgreements(True)
    assert parse("agreements", "everything please") == ListAgreements(True)
    assert isinstance(parse("agreements", "the old ones please"), UsageError)


def test_grammar_huge_and_odd_input_is_clipped_not_crashed():
    huge = "x" * 100_000
    result = parse("agree", f"{huge} because {huge}")
    # Refused saying how long it may be, not cut to 2,000 characters without a word.
    assert isinstance(result, UsageError) and result.again
    assert result.reason == Say.of(TEXT_TOO_LONG, limit=2000, count=100_000)
    odd = "\u202e\u0000🙂 ̸̢ because ‮zalgo"
    assert isinstance(parse("agree", odd), Agree)


def test_grammar_every_command_has_a_parser_and_usage():
    for spec in COMMANDS:
        parse_command(spec, "", today=TODAY)
        assert spec.usage.startswith("/" + spec.name)


# Hostile text for every command: huge and unicode numbers, emoji, NUL, very long
# text, impossible dates. Each must parse or explain itself, never raise.
_HOSTILE = (
    "99999999999999999999", "99999999999999999999999", "9" * 5000, "-1", "0", "1e400",
    "1.7976931348623157e308", "nan", "inf", "²", "①", "٣", "𝟗", "½", "² 3 3 3 3 3 3 3 3",
    "\x00", "a\x00b", "🙂", "👍🏽", "\u202e", "̸̢", "   ", "\t\n", "@", "<@", "#", "“", '"',
    "in 99999999 weeks", "in 99999 months", "in 3000000 days", "over 99999 maanden",
    "2028-02-29", "29 feb", "29 februari", "31 februari", "9999-12-31", "0001-01-01",
    "99999999999999999999 weeks", "1" + "0" * 400 + " s", "1" + "0" * 400,
)  # fmt: skip
_LEADS = (
    "", "since ", "sinds ", "keep ", "keep #", "retire ", "revise ", "revise 1 ",
    "revise 1 x because y learned ", "add ", "add x ", "assign x ", "about ", "join ",
    "language ", "x because y review ", "x omdat y herzien over ", "x because y owner ",
    "x because y owner role ", "x because ", "3 3 3 3 3 3 3 3 ", "start ", "renew ",
)  # fmt: skip
_DAYS = (TODAY, date(2028, 2, 28), date(2028, 2, 29), date(2026, 12, 31), date(9999, 12, 30))


@pytest.mark.parametrize("name", sorted({name for spec in COMMANDS for name in spec.names}))
def test_grammar_never_raises_on_hostile_text(name):
    spec, lang = find_command(name)
    for today in _DAYS:
        for lead in _LEADS:
            for hostile in _HOSTILE:
                for args in (lead + hostile, hostile + " " + lead):
                    parse_command(spec, args, today=today, lang=lang)
    parse_command(spec, "x" * 100_000 + " because " + "9" * 100_000, today=TODAY, lang=lang)


@pytest.mark.parametrize(
    ("name", "args"),
    [("concerns", "@ben"), ("concerns", "<@U123>"), ("zorgen", "<@123> <@456>"),
     ("concerns", "@everyone"), ("zorgen", "<!here>"), ("concerns", "<@&123>"),
     ("concerns", "🎉🎉"), ("zorgen", "*** !!"), ("concerns", ":tada: :rocket:"),
     # mentions with emoji, channels, Discord's own emoji and timestamps
     ("concerns", "@anna :tada:"), ("zorgen", "<@U04ABC123> <!here> :tada:"),
     ("concerns", "<!subteam^S0123ABCD|@ops> 🎉"), ("concerns", "<#C0123ABCD|general>"),
     ("zorgen", "<@&345678901234567890> <#456789012345678901>"),
     ("concerns", "<:partyparrot:567890123456789012>"), ("concerns", "<t:1767225600:F>")],
)  # fmt: skip
def test_grammar_a_round_about_only_a_mention_or_emoji_asks_which_proposal(name, args):
    """It would ask the whole table, in public, about nothing anyone proposed."""
    result = parse_as_typed(name, args)
    assert result == UsageError(find_command(name)[0], WHICH_PROPOSAL)


@pytest.mark.parametrize("args", ["pin @ben's base image", "9:30?", "🎉 party on Friday"])
def test_grammar_a_round_about_words_beside_a_mention_or_emoji_starts(args):
    assert isinstance(parse("concerns", args), StartRound)


def _quotes_and_counts(reason) -> tuple[list[str], list[int]]:
    """The people's words a refusal quotes, and the lengths it says they have."""
    quotes: list[str] = []
    counts: list[int] = []
    parts = [reason]
    while parts:
        part = parts.pop()
        if isinstance(part, Lines):
            parts.extend(part.parts)
        elif isinstance(part, Say):
            for key, value in part.params:
                if isinstance(value, Quote):
                    quotes.append(value.text)
                elif isinstance(value, Say | Lines):
                    parts.append(value)
                elif key == "count":
                    counts.append(value)
    return quotes, counts


_ODD = (
    "", "   ", "@ben", "<@U123>", "<@123>", "🎉🎉", "x" * 3000, "word " * 600,
    "*bold* `code` <https://x|y>", "@everyone", "@here <!channel> <!here>",
    "<@&123> <!subteam^S1|@eng>", "dit is Nederlands", "this is English",
)  # fmt: skip
_ODD_LEADS = (
    "", "join ", "about ", "over ", "renew ", "add ", "keep 1 ", "revise 1 ", "x because ",
)  # fmt: skip


@pytest.mark.parametrize("name", sorted({name for spec in COMMANDS for name in spec.names}))
def test_grammar_odd_words_are_answered_briefly_and_counted_as_typed(name):
    """A refusal quotes at most a short piece of what was typed (3,000 characters back
    are no answer), and the length it names is that of the words as sent, not of a part
    kept of them."""
    spec, lang = find_command(name)
    for lead in _ODD_LEADS:
        for odd in _ODD:
            args = lead + odd
            result = parse_command(spec, args, today=TODAY, lang=lang)
            if not isinstance(result, UsageError) or result.reason is None:
                continue
            quotes, counts = _quotes_and_counts(result.reason)
            assert all(len(quote) <= 600 for quote in quotes), (args[:40], quotes)
            for count in counts:
                assert count > 2000 or len(" ".join(args.split())) < 2000, (args[:40], count)


@pytest.mark.parametrize(
    ("name", "args", "today"),
    [
        ("agree", "X because Y review in 99999999 weeks", TODAY),
        ("agree", "X because Y review in 99999 months", TODAY),
        ("afspraak", "X omdat Y herzien over 3000000 dagen", TODAY),
        ("snooze", "99999999999999999999 weeks", TODAY),
        ("problem-window", "99999999999999999999", TODAY),
        ("evaluate", "² 3 3 3 3 3 3 3 3", TODAY),
        ("review", "keep ²", TODAY),
        ("herziening", "behouden ①", TODAY),
        ("review", "keep 99999999999999999999999", TODAY),
        ("review", "retire #2147483648", TODAY),
        ("report", "since 2028-02-29", TODAY),
        ("verslag", "sinds 31 februari", TODAY),
    ],
)
def test_grammar_overflowing_or_odd_numbers_get_usage(name, args, today):
    spec, _ = find_command(name)
    result = parse_command(spec, args, today=today)
    assert isinstance(result, UsageError) and result.spec is spec


@pytest.mark.parametrize(
    ("name", "args", "decision"),
    [
        ("herziening", "wijzigen 1 elke week omdat elke dag te veel is", "revise"),
        ("herziening", "wijzig #1 elke week want elke dag is te veel", "revise"),
        ("review", "change 1 weekly because daily is too much", "revise"),
        ("herziening", "schrappen 1 omdat niemand het nog doet", "retire"),
        ("herziening", "beëindigen 1", "retire"),
        ("review", "end 1 because nobody does it any more", "retire"),
        ("review", "drop 1 because nobody comes", "retire"),
        ("review", "Scrap 1", "retire"),
        ("review", "stop 1 because nobody comes", "retire"),
        ("herziening", "afschaffen 1 omdat niemand komt", "retire"),
        ("herziening", "opheffen 1", "retire"),
        ("review", "update 1 at 9:30 because trains are late", "revise"),
        ("review", "amend 1 at 9:30 because trains are late", "revise"),
        ("review", "continue 1 because it works", "keep"),
        ("herziening", "aanhouden 1 omdat het werkt", "keep"),
    ],
)
def test_grammar_review_verbs_people_reach_for(name, args, decision):
    parsed = parse(name, args)
    assert (parsed.number, parsed.decision) == (1, decision)


def test_grammar_review_numbers_are_ascii_and_storable():
    assert parse("review", "keep #2147483647").number == 2**31 - 1
    assert parse("review", "keep 12").number == 12


@pytest.mark.parametrize(
    ("args", "today", "since"),
    [
        ("since 2026-03-02", TODAY, date(2026, 3, 2)),
        ("since 1 March", TODAY, date(2026, 3, 1)),
        ("since 3 March", TODAY, date(2025, 3, 3)),  # no year: last year's
        ("sinds 29 feb", date(2028, 2, 28), date(2024, 2, 29)),
        ("since 2028-02-29", date(2028, 3, 1), date(2028, 2, 29)),
        ("since monday", TODAY, TODAY),  # TODAY is a Monday: since today
        ("sinds maandag", date(2026, 3, 5), TODAY),
        ("sinds vrijdag", TODAY, date(2026, 2, 27)),
        ("since last Monday", TODAY, date(2026, 2, 23)),
        ("sinds vorige dinsdag", date(2026, 3, 5), date(2026, 3, 3)),
        ("since yesterday", TODAY, date(2026, 3, 1)),
        ("sinds gisteren", TODAY, date(2026, 3, 1)),
        ("since today", TODAY, TODAY),
        ("since last week", TODAY, date(2026, 2, 23)),
        ("sinds vorige week", TODAY, date(2026, 2, 23)),
        ("sinds afgelopen maand", TODAY, date(2026, 2, 2)),
        ("", TODAY, None),
    ],
)
def test_grammar_report_since(args, today, since):
    spec, _ = find_command("report")
    assert parse_command(spec, args, today=today) == Report(since)


@pytest.mark.parametrize(
    ("args", "today", "since"),
    [("since the start of the month", date(2026, 3, 10), date(2026, 3, 1)),
     ("sinds begin van de maand", date(2026, 3, 10), date(2026, 3, 1)),
     ("since the start of the quarter", date(2026, 3, 10), date(2026, 1, 1)),
     ("sinds begin van het jaar", date(2026, 3, 10), date(2026, 1, 1)),
     ("since mid-February", TODAY, date(2026, 2, 15)),
     ("sinds eind januari", TODAY, date(2026, 1, 31)),
     ("since mid-March", TODAY, date(2025, 3, 15)),  # not yet this year: last year's
     ("since the end of last month", TODAY, date(2026, 2, 28)),
     ("sinds begin vorige maand", TODAY, date(2026, 2, 1)),
     ("since end of Q4", TODAY, date(2025, 12, 31))],
)  # fmt: skip
def test_grammar_report_since_a_point_in_a_period_looks_back(args, today, since):
    """They were read as the next such point, and refused: "A report looks back"."""
    spec, _ = find_command("report")
    assert parse_command(spec, args, today=today) == Report(since)


def test_grammar_review_at_the_end_of_last_month_has_passed():
    result = parse_on("agree", "x because y review end of last month", TODAY)
    assert isinstance(result, UsageError) and result.again
    assert result.reason == past_review(Quote("end of last month"), date(2026, 2, 28), TODAY)


@pytest.mark.parametrize("args", ["since 2026-03-03", "since 1 May 2026", "since in 2 weeks"])
def test_grammar_report_since_a_future_date_with_its_year_is_refused(args):
    assert parse("report", args) == UsageError(find_command("report")[0], FUTURE_REPORT)


@pytest.mark.parametrize(("name", "args"), [("report", "since someday"), ("verslag", "sinds ooit")])
def test_grammar_report_since_an_unreadable_date_says_which_forms_work(name, args):
    result = parse_as_typed(name, args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "could not read the date" in result.reason.msgid
    example = Day(date(2026, 3, 1))
    assert dict(result.reason.params) == {"date": Quote(args.split()[1]), "example": example}


def parse_as_typed(name: str, args: str):
    """As the engine parses a typed command: in the language its name shows."""
    spec, lang = find_command(name)
    return parse_command(spec, args, today=TODAY, lang=lang)


@pytest.mark.parametrize(
    ("name", "args", "text", "why"),
    [
        ("agree", "If you want to deploy on Friday, ask Ben first because Fridays are risky",
         "If you want to deploy on Friday, ask Ben first", "Fridays are risky"),
        ("agree", "We meet weekly since March because it works",
         "We meet weekly since March", "it works"),
        ("agree", "We deploy on Tuesdays since Fridays are risky",
         "We deploy on Tuesdays", "Fridays are risky"),
        ("afspraak", "Wie wil deployen, vraagt Ben want vrijdag is riskant",
         "Wie wil deployen, vraagt Ben", "want vrijdag is riskant"),
        ("afspraak", "We bellen op maandag want dat werkt omdat de brieven laat komen",
         "We bellen op maandag want dat werkt", "de brieven laat komen"),
    ],
)  # fmt: skip
def test_grammar_because_and_omdat_win_over_want_and_since(name, args, text, why):
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree) and (result.text, result.why) == (text, why)


@pytest.mark.parametrize(
    ("name", "args", "text", "why"),
    [
        ("agree", "Pizza on Friday :tada: because fun", "Pizza on Friday :tada:", "fun"),
        ("agree", "Pizza on Friday :tada: since it is fun", "Pizza on Friday :tada:",
         "it is fun"),
        ("agree", "Pizza :pizza: so that everyone eats", "Pizza :pizza:", "so that everyone eats"),
        ("afspraak", "Pizza op vrijdag :tada: omdat het leuk is", "Pizza op vrijdag :tada:",
         "het leuk is"),
        ("afspraak", "Pizza op vrijdag :tada: want het is leuk", "Pizza op vrijdag :tada:",
         "want het is leuk"),
        ("afspraak", "Pizza op vrijdag :tada: vanwege de sfeer", "Pizza op vrijdag :tada:",
         "vanwege de sfeer"),
        # a colon of the sentence's own still goes with the word
        ("agree", "Pizza on Friday: because fun", "Pizza on Friday", "fun"),
        ("afspraak", "We lunchen om 12:30: omdat de keuken dan vrij is", "We lunchen om 12:30",
         "de keuken dan vrij is"),
    ],
)  # fmt: skip
def test_grammar_an_emoji_code_before_the_reason_stays_whole(name, args, text, why):
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree) and (result.text, result.why) == (text, why)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("agree", "Pizza because it is fun :tada:", Agree("Pizza", "it is fun :tada:", None, None)),
        ("agree", "Pizza because fun :tada: owner @ben", Agree("Pizza", "fun :tada:", "ben", None)),
        ("agree", "Pizza :pizza: owner @ben because fun",
         Agree("Pizza :pizza:", "fun", "ben", None)),
        ("afspraak", "Pizza omdat het leuk is :tada:",
         Agree("Pizza", "het leuk is :tada:", None, None)),
        ("afspraak", "Pizza omdat het leuk is :tada: herzien over 2 weken",
         Agree("Pizza", "het leuk is :tada:", None, TODAY + timedelta(weeks=2))),
        ("review", "keep 1 because fun :tada:, learned: ask first :bulb:",
         ReviewAgreement(1, "keep", why="fun :tada:", lesson="ask first :bulb:")),
        ("review", "revise 1 Pizza :pizza: because fun :tada: learned: ask first",
         ReviewAgreement(1, "revise", "Pizza :pizza:", "fun :tada:", "ask first")),
        ("review", "retire 1 omdat saai :zzz:", ReviewAgreement(1, "retire", why="saai :zzz:")),
        # a colon of the sentence's own still goes
        ("agree", "Pizza because it is fun:", Agree("Pizza", "it is fun", None, None)),
        ("review", "keep 1 because it works:", ReviewAgreement(1, "keep", why="it works")),
    ],
)  # fmt: skip
def test_grammar_an_emoji_code_ending_a_reason_stays_whole(name, args, expected):
    assert parse_as_typed(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agree", "If you want to deploy on Friday, ask Ben first"),  # "want" is a wish
        ("agree", "We meet weekly since March"),  # "since" gives a time, not a reason
        ("agree", "We meet weekly since last year"),
        ("afspraak", "We vergaderen wekelijks sinds maart"),
    ],
)
def test_grammar_want_and_since_without_a_reason_get_usage(name, args):
    assert isinstance(parse_as_typed(name, args), UsageError)


@pytest.mark.parametrize(
    ("name", "args", "text", "why"),
    [
        # short reasons: one word after the reason's word is enough
        ("afspraak", "we starten om 9u omdat file", "we starten om 9u", "file"),
        ("afspraak", "we starten om 9u want file", "we starten om 9u", "want file"),
        ("afspraak", "stand-up om 9:30 vanwege file", "stand-up om 9:30", "vanwege file"),
        ("afspraak", "stand-up om 9:30 vanwege de file", "stand-up om 9:30", "vanwege de file"),
        ("afspraak", "stand-up om 9:30, zodat iedereen er is", "stand-up om 9:30",
         "zodat iedereen er is"),
        # Dutch words no English sentence has: whatever the command's name
        ("agree", "we starten om 9u vanwege file", "we starten om 9u", "vanwege file"),
        ("agree", "stand-up 9:30 so that everyone can come", "stand-up 9:30",
         "so that everyone can come"),
        ("agree", "stand-up at 9:30 since traffic", "stand-up at 9:30", "traffic"),
        # "because" still wins over them
        ("afspraak", "we schuiven zodat Ben kan omdat file", "we schuiven zodat Ben kan", "file"),
        ("agree", "we move it so that Ben can join because traffic",
         "we move it so that Ben can join", "traffic"),
    ],
)  # fmt: skip
def test_grammar_short_reasons_and_their_words(name, args, text, why):
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree) and (result.text, result.why) == (text, why)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        # "as" and "so" alone are too often no reason: "as agreed", "so far"
        ("agree", "stand-up at 9:30 as agreed"),
        ("agree", "stand-up at 9:30 so far"),
        ("agree", "stand-up at 9:30 so everyone can come"),
    ],
)
def test_grammar_as_and_so_alone_give_no_reason(name, args):
    assert isinstance(parse_as_typed(name, args), UsageError)


def test_grammar_reason_word_without_the_commands_language_follows_the_text():
    assert parse("agree", "We bellen op maandag want de brieven komen te laat") == Agree(
        "We bellen op maandag", "want de brieven komen te laat", None, None
    )
    assert isinstance(parse("agree", "Ask Ben first if you want to deploy on Friday"), UsageError)


def test_grammar_the_texts_own_language_decides_over_the_typed_name():
    # A Discord client's locale picks the command's name, not the words typed after it.
    assert parse_as_typed("agree", "Elke vrijdag taart want het is feest") == Agree(
        "Elke vrijdag taart", "want het is feest", None, None
    )
    assert isinstance(
        parse_as_typed("afspraak", "If you want to deploy on Friday, ask Ben first"), UsageError
    )


def test_grammar_revision_reads_its_reason_like_an_agreement():
    assert parse_as_typed("review", "revise 3 If you want to deploy, ask Ben because risk") == (
        ReviewAgreement(3, "revise", "If you want to deploy, ask Ben", "risk")
    )
    assert parse_as_typed("herziening", "herzien 3 Vraag Ben want risico") == ReviewAgreement(
        3, "revise", "Vraag Ben", "want risico"
    )


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("review", "keep 2", ReviewAgreement(2, "keep")),
        ("review", "keep 2 because all come", ReviewAgreement(2, "keep", why="all come")),
        ("review", "keep 2 it works fine", ReviewAgreement(2, "keep", why="it works fine")),
        ("review", "retire 1 because the caretakers stopped coming, learned a fixed day does not "
         "suit residents", ReviewAgreement(1, "retire", why="the caretakers stopped coming",
                                           lesson="a fixed day does not suit residents")),
        ("review", "retire 1 learned: ask first", ReviewAgreement(1, "retire", lesson="ask first")),
        ("review", "retire 1 because we learned nobody comes",
         ReviewAgreement(1, "retire", why="we learned nobody comes")),
        ("herziening", "intrekken 1 omdat niemand kwam", ReviewAgreement(1, "retire",
                                                                         why="niemand kwam")),
        ("herziening", "behouden 1 want iedereen komt geleerd vaste dag werkt",
         ReviewAgreement(1, "keep", why="want iedereen komt", lesson="vaste dag werkt")),
    ],
)  # fmt: skip
def test_grammar_keep_and_retire_read_a_reason_and_a_lesson(name, args, expected):
    assert parse_as_typed(name, args) == expected


@pytest.mark.parametrize(
    ("args", "why", "owner"),
    [
        ("Ben picks the vendor because the owner @ben asked for it",
         "the owner @ben asked for it", None),
        ("x because the owner @ben", "the owner @ben", None),
        ("x because @ben is the owner", "@ben is the owner", None),
        ("x because y owner @ben", "y", "ben"),
        ("x because y owner: @ben.", "y", "ben"),
        ("x because y, owner <@U1|ben> review in 2 weeks", "y", "U1"),
        ("x because y - owner @ben", "y", "ben"),  # a dash between, as a comma
        ("x because y – owner @ben", "y", "ben"),
        ("x because y owner role night lead", "y", "role:night lead"),
        ("x because y owner role “night lead”", "y", "role:night lead"),
        ("x because y owner @ben asked for it", "y owner @ben asked for it", None),
    ],
)  # fmt: skip
def test_grammar_owner_clause_is_just_a_mention_at_the_end(args, why, owner):
    result = parse("agree", args)
    assert isinstance(result, Agree) and (result.why, result.owner) == (why, owner)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        # an owner and nothing agreed: in each surface's mention form
        ("agree", "owner @ben because x"),
        ("agree", "owner <@U123> because x"),
        ("agree", "owner <@123> because x"),
        ("agree", "owner: <@U123|ben> because x"),
        ("afspraak", "eigenaar @ben omdat x"),
        ("afspraak", "eigenaar <@123> omdat x"),
        ("agree", "owner @ben review in 2 weeks because x"),
        ("afspraak", "herzien over 2 weken eigenaar @ben omdat x"),
        # only a mention, or only mentions, where the agreement goes
        ("agree", "@ben because x"),
        ("agree", "<@U123> because x"),
        ("afspraak", "<@123> <@456> omdat x"),
        ("agree", "@everyone because x"),
        ("agree", "<!here> because x"),
        ("agree", "<@&123> because x"),
        ("agree", ":tada: @ben because x"),
        ("afspraak", "<#C0123ABCD|general> omdat x"),
        ("agree", "<:partyparrot:567890123456789012> <@123> because x"),
    ],
)
def test_grammar_an_agreement_of_only_an_owner_asks_what_was_agreed(name, args):
    """An "owner @ben" is not what was agreed: nothing is recorded, the words come back."""
    spec, _ = find_command(name)
    assert parse_as_typed(name, args) == UsageError(spec, WHAT_WAS_AGREED, again=True)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("agree", "we meet at 9 owner @ben because x", Agree("we meet at 9", "x", "ben", None)),
        ("agree", "we meet at 9 owner <@U123> because x", Agree("we meet at 9", "x", "U123", None)),
        ("agree", "we meet at 9, owner <@123>, because x", Agree("we meet at 9", "x", "123", None)),
        ("agree", "we meet at 9 owner role night lead because x",
         Agree("we meet at 9", "x", "role:night lead", None)),
        ("afspraak", "we starten om 9u eigenaar @jan omdat file",
         Agree("we starten om 9u", "file", "jan", None)),
        ("afspraak", "we starten om 9u eigenaar <@123> omdat file",
         Agree("we starten om 9u", "file", "123", None)),
        ("agree", "we meet at 9 owner <@U123> review in 2 weeks because x",
         Agree("we meet at 9", "x", "U123", TODAY + timedelta(weeks=2))),
        ("agree", "we meet at 9 review in 2 weeks owner <@123> because x",
         Agree("we meet at 9", "x", "123", TODAY + timedelta(weeks=2))),
        ("afspraak", "we starten om 9u eigenaar @jan herzien over 2 weken omdat file",
         Agree("we starten om 9u", "file", "jan", TODAY + timedelta(weeks=2))),
        # the same words where they are the agreement's own stay there
        ("agree", "the owner @ben picks the vendor because x",
         Agree("the owner @ben picks the vendor", "x", None, None)),
        ("agree", "Team review on Monday because x",
         Agree("Team review on Monday", "x", None, None)),
        ("agree", "Owner rotates weekly because x", Agree("Owner rotates weekly", "x", None, None)),
        ("agree", "we thank the owner @ben because x",
         Agree("we thank the owner @ben", "x", None, None)),
    ],
)  # fmt: skip
def test_grammar_an_owner_between_the_agreement_and_its_why_is_read(name, args, expected):
    assert parse_as_typed(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args", "refusal"),
    [
        ("agree", "we meet at 9 owner ben because x", NAME_THE_OWNER),
        ("agree", "we meet at 9 owner @ben because x owner @chris", ONE_OWNER),
        ("agree", "owner @ben we meet at 9 owner @chris because x", ONE_OWNER),
        ("afspraak", "we starten om 9u eigenaar @a en @b omdat file", ONE_OWNER),
    ],
)
def test_grammar_an_owner_between_is_refused_as_one_at_the_end_is(name, args, refusal):
    spec, _ = find_command(name)
    assert parse_as_typed(name, args) == UsageError(spec, refusal)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agree", "Coffee machine weekly because it smells owner ben"),
        ("agree", "x because y owner Ben. review in 2 weeks"),
        ("afspraak", "Kaas wekelijks omdat het stinkt eigenaar ben"),
    ],
)
def test_grammar_an_owner_without_at_is_refused_not_read_as_the_reason(name, args):
    spec, _ = find_command(name)
    assert parse_as_typed(name, args) == UsageError(spec, NAME_THE_OWNER)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("agree", "nobody is owner yet"),
        ("agree", "the owner asked"),
        ("agree", "we have no owner"),
        ("afspraak", "Ben eigenaar is"),
        ("afspraak", "de eigenaar vroeg"),
    ],
)
def test_grammar_the_word_owner_inside_a_reason_stays_there(name, why):
    assert parse_as_typed(name, f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    "args",
    ["x because y owner @chris and @ben", "x omdat y eigenaar @a, @b",
     # a space between them, as people type a list of mentions: not kept in the reason
     "x because y owner @chris @ben", "x omdat y eigenaar <@U1> <@U2>"],
)  # fmt: skip
def test_grammar_several_owners_get_usage(args):
    assert parse("agree", args) == UsageError(find_command("agree")[0], ONE_OWNER)


@pytest.mark.parametrize(
    ("args", "review_on"),
    [
        ("x because y review on 2026-05-01", date(2026, 5, 1)),
        ("x because y review on May 1", date(2026, 5, 1)),
        ("x because y review May 1st", date(2026, 5, 1)),
        ("x because y review in 6 weeks.", date(2026, 4, 13)),
        ("x because y review in two weeks", date(2026, 3, 16)),
        ("x because y review in a month", date(2026, 4, 2)),
        ("x because y review next monday", date(2026, 3, 9)),  # TODAY is a Monday
        ("x because y, next review in 1 year", date(2027, 3, 2)),
        ("x omdat y herzien op 1 mei", date(2026, 5, 1)),
        ("x omdat y herzien over een maand", date(2026, 4, 2)),
        ("x omdat y herzien over twaalf weken", date(2026, 5, 25)),
        ("x omdat y herzien volgende vrijdag", date(2026, 3, 6)),
        ("x omdat y herzien per 1 mei.", date(2026, 5, 1)),
    ],
)
def test_grammar_review_dates_as_people_write_them(args, review_on):
    result = parse("agree", args)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", review_on)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [
        ("afspraak", "x omdat het goedkoper is herzien morgen", date(2026, 3, 3)),
        ("agree", "x because it is cheaper review tomorrow", date(2026, 3, 3)),
        ("afspraak", "x omdat het goedkoper is herzien overmorgen", date(2026, 3, 4)),
        ("agree", "x because it is cheaper review the day after tomorrow", date(2026, 3, 4)),
        ("afspraak", "x omdat het goedkoper is herzien volgende week", date(2026, 3, 9)),
        ("agree", "x because it is cheaper review next week", date(2026, 3, 9)),
        ("afspraak", "x omdat het goedkoper is herzien volgende maand", date(2026, 4, 2)),
        ("agree", "x because it is cheaper review next month", date(2026, 4, 2)),
    ],
)
def test_grammar_review_tomorrow_or_next_week_is_a_date_not_part_of_the_reason(
    name, args, review_on
):
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree)
    assert result.why in ("het goedkoper is", "it is cheaper")
    assert result.review_on == review_on


def test_grammar_tomorrow_before_the_agreement_or_inside_the_reason():
    assert parse_as_typed("afspraak", "herzien morgen kaas omdat het goedkoper is") == Agree(
        "kaas", "het goedkoper is", None, date(2026, 3, 3)
    )
    assert parse_as_typed("afspraak", "kaas omdat het elke morgen misgaat") == Agree(
        "kaas", "het elke morgen misgaat", None, None
    )


@pytest.mark.parametrize(
    "why",
    [
        "the review in January showed people arrive late",
        "we review in person",
        "the review in March found gaps",
        "of the review in March",
        "we review in 2 weeks anyway",
        "we zullen het herzien over een maand",
        "de eigenaar @ben vroeg erom",
        "bugs slip through, review every PR",  # "every" opens a date only before a span
        "we lose track, review weekly reports",  # "weekly" is a date alone
        "y review by two people",
    ],
)
def test_grammar_review_and_owner_words_inside_the_reason_stay_there(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    "agreement",
    ["Review daily standups", "Review every PR within a day", "Review today's numbers first",
     "Herzien elke maand de begroting", "Review once a month the budget"],
)  # fmt: skip
def test_grammar_a_span_before_the_agreement_is_its_subject_not_a_review_date(agreement):
    assert parse("agree", f"{agreement} because y") == Agree(agreement, "y", None, None)


@pytest.mark.parametrize(
    ("name", "args", "why", "owner", "review_on"),
    [("agree", "x because y (review in 2 weeks)", "y", None, date(2026, 3, 16)),
     ("agree", "x because y [review in 2 weeks].", "y", None, date(2026, 3, 16)),
     ("agree", "x because y (owner @ben, review in 2 weeks)", "y", "ben", date(2026, 3, 16)),
     ("afspraak", "x omdat y (herziening over 2 weken)", "y", None, date(2026, 3, 16)),
     ("afspraak", "x omdat y (eigenaar @ben)", "y", "ben", None)],
)  # fmt: skip
def test_grammar_clauses_in_brackets_at_the_end_are_read_as_clauses(
    name, args, why, owner, review_on
):
    """People put the review date aside in brackets: it is still the review date, not
    words of the reason (which the default date would then contradict)."""
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree), result
    assert (result.why, result.owner, result.review_on) == (why, owner, review_on)


@pytest.mark.parametrize(
    ("args", "why"),
    [("x because y (the review in March went well)", "y (the review in March went well)"),
     ("x because y (see the owner's notes)", "y (see the owner's notes)"),
     ("x because the costs (review them monthly) rise", "the costs (review them monthly) rise")],
)  # fmt: skip
def test_grammar_brackets_that_hold_no_clause_stay_in_the_reason(args, why):
    assert parse_as_typed("agree", args) == Agree("x", why, None, None)


def test_grammar_an_unreadable_review_date_in_brackets_is_refused_not_kept():
    result = parse_as_typed("agree", "x because y (review when it hurts)")
    assert isinstance(result, UsageError) and result.reason is not None, result
    assert "review date" in result.reason.msgid


@pytest.mark.parametrize(
    "args",
    [
        "x because y review in 6 weaks",
        "x because y review next fryday 2",
        "x because y review 1/5",
        "x because y review in January",
        "x omdat y herzien over veel weken",
        "x because y review in 0 weeks",
        "x because y review soon",
        "x because y review today",
        "x because y. Review: when it hurts",
        "x omdat y herziening binnenkort",
        "x omdat y herziening deze week",
    ],
)
def test_grammar_unreadable_review_date_is_an_error_not_ignored(args):
    result = parse("agree", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "review date" in result.reason.msgid


@pytest.mark.parametrize(
    ("name", "answer", "meant"),
    [
        ("concern", "non", "none"), ("concern", "noen", "none"), ("concern", "Nnoe!", "none"),
        ("concern", "nee.", None), ("concern", "nod", "no"),
        ("concern", "no concerms", "no concerns"), ("concern", "no concrens", "no concerns"),
        ("zorg", "gene", "geen"), ("zorg", "geeen", "geen"), ("zorg", "Geen zorgn", "geen zorgen"),
        ("zorg", "gen zorgen", "geen zorgen"), ("zorg", "ene", "nee"), ("zorg", "neee", "nee"),
    ],
)  # fmt: skip
def test_grammar_a_near_typo_of_none_asks_back_rather_than_notes_a_concern(name, answer, meant):
    """ "non" is no concern anyone meant to raise, nor certainly none: the answer is asked
    about, with both ways to say it, and nothing is recorded (rules.concerns)."""
    result = parse(name, answer)
    if meant is None:  # a no-concern answer as it is: no question
        assert result == AnswerRound(None)
        return
    assert result == AnswerRound(answer, nearly=meant)
    question = nearly_none(answer, meant)
    assert question.msgid == NEARLY_NONE
    assert dict(question.params) == {"meant": Quote(meant), "typed": Quote(answer)}


@pytest.mark.parametrize(
    ("name", "answer", "concern"),
    [
        # a word of its own, more than a typo away, or more words: the concern as written
        ("concern", "cost", "cost"), ("concern", "nonsense", "nonsense"),
        ("concern", "noise", "noise"), ("concern", "non-standard port", "non-standard port"),
        ("zorg", "geld", "geld"), ("zorg", "gene zorg maar wel geld", "gene zorg maar wel geld"),
        # in quotes: as written, whatever it resembles
        ("concern", '"non"', "non"), ("zorg", "“gene”", "gene"),
    ],
)  # fmt: skip
def test_grammar_a_concern_that_is_no_typo_of_none_is_noted(name, answer, concern):
    assert parse(name, answer) == AnswerRound(concern)


@pytest.mark.parametrize(
    "answer",
    [
        "no concern", "No concerns.", "nope", "none, looks good", "none here. thanks!",
        "no concerns from me, looks good 👍", "👍", "👍🏽", ":+1::skin-tone-3:", "geen zorg",
        "geen bezwaren", "Geen zorgen hoor", "geen, prima", "Geen bezwaar, ga je gang", "nee hoor",
        "geen, mee eens", "geen, ga ervoor", "niks, dank je wel", "helemaal geen zorgen",
        "geen zorgen van mijn kant", "geen, super", "geen, is goed",
        # not applicable, as n/a is: Dutch writes it n.v.t.
        "n/a", "nvt", "n.v.t.", "N.v.t.", "n.v.t", "nvt hoor", "niet van toepassing",
        "not applicable",
    ],
)  # fmt: skip
def test_grammar_everyday_no_concern_answers(answer):
    assert parse("concern", answer) == AnswerRound(None)


@pytest.mark.parametrize(
    "answer",
    [
        # plain consent, alone: "any concerns?" answered with "agreed"
        "fine", "Fine.", "sounds good", "fine by me", "fine with me", "agreed", "good", "all fine",
        "works for me", "that works", "looks fine to me", "I'm fine with it", "i’m ok with this",
        "happy with that", "I agree", "fully agree", "makes sense", "sounds like a plan",
        "go for it", "let's do it", "I can live with that", "count me in", "in favour",
        "lgtm, ship it", "agreed :+1:", "+1 from me", "👍👍", "✅", "fine 🙂", "ok go ahead",
        "yes, fine", "sure, go ahead", "Sounds good, thanks!", "agreed 100%",
        "lijkt me goed", "lijkt me prima", "mee eens", "helemaal mee eens", "ik ben het ermee eens",
        "is goed", "goed", "top", "prima voor mij", "voor mij akkoord", "wat mij betreft akkoord",
        "ik ga akkoord", "klinkt goed", "ziet er goed uit", "goed plan",
        "dat lijkt me een goed plan",
        "vind ik prima", "ik kan ermee leven", "daar kan ik mee leven", "ik sta erachter",
        "ja, prima", "Prima, doen!", "oké", "niks mis mee",
        # no concern, in so many words
        "no problem", "no problem at all", "no worries", "no objection from me", "no issues here",
        "no further comments", "nothing to add", "none that I can see", "not really", "Nope!",
        "I don't have any concerns", "I have no concerns", "I'm not worried", "not from me",
        "all good here", "no concerns and happy to go ahead",
        "geen opmerkingen", "geen verdere opmerkingen", "geen bezwaar", "geen probleem",
        "nee hoor", "nee, helemaal niet", "niet echt", "geen bezwaar tegen",
        "ik maak me geen zorgen",
        "daar heb ik geen bezwaar tegen", "ik heb er geen moeite mee", "niets op aan te merken",
        "niet dat ik weet", "geen opmerkingen mijnerzijds",
    ],
)  # fmt: skip
def test_grammar_plain_consent_answers_a_round_with_no_concern(answer):
    """A round asks "do you have concerns?"; "fine", "agreed", "mee eens" say no, as "none",
    "prima" and "akkoord" do."""
    assert parse("concern", answer) == AnswerRound(None)


@pytest.mark.parametrize(
    "answer",
    [
        "da's goed", "Da’s prima", "das goed", "'t is goed", "’t is oké voor mij", "tis goed",
        "'t is in orde", "voor mij is het oké", "wat mij betreft is het goed",
        "voor mij is dat prima", "van mij mag het", "'k vind het goed", "is goed voor mij",
        "prima voor mij", "geen bezwaar van mijn kant", "geen bezwaar van mijnentwege",
        "allee, goed", "'t is goed hoor", "da's goed 👍",
    ],
)  # fmt: skip
def test_grammar_flemish_and_spoken_dutch_consent_is_no_concern(answer):
    """A Flemish or casual table consents as it speaks: "da's goed", "'t is goed", "voor
    mij is het oké"; read as concerns, a unanimous round ended "Er staan nog zorgen open"."""
    assert parse("zorg", answer) == AnswerRound(None)


@pytest.mark.parametrize(
    "answer",
    [
        "da's goed, maar de kosten", "'t is goed?", "voor mij is het niet goed",
        "'k weet het niet", "da's nie goed", "voor mij is het goed voorlopig", "nie akkoord",
        "is het goed", "'t is goed als we het evalueren", "van mij mag het niet",
    ],
)  # fmt: skip
def test_grammar_spoken_dutch_with_a_reservation_stays_a_concern(answer):
    """ "is het goed" alone asks; a "maar", a hedge or a "nie(t)" keeps a concern."""
    assert parse("zorg", answer) == AnswerRound(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "none of this works for nights", "no concern about cost but the timing is bad",
        "no concerns, but nights are hard", "nothing works at night", "no, the timing is bad",
        "ok but the cost", "none?", "none 👎", "geen idee of dit werkt", "nee, te duur",
        "geen zorgen, maar de tijd is krap", "helemaal geen idee of dit werkt",
    ],
)  # fmt: skip
def test_grammar_a_concern_that_starts_like_none_stays_a_concern(answer):
    assert parse("zorg", answer) == AnswerRound(answer)


@pytest.mark.parametrize(
    "answer",
    [
        # consent with a "but", a condition or a hedge
        "fine, but who pays?", "agreed, although the budget worries me", "fine for now",
        "ok if we review it in a month", "fine by me as long as nights are covered",
        "agreed in principle", "mostly fine", "ok I guess", "good idea but expensive",
        "looks good on paper", "fine for me, not for nights", "sounds good?", "fine?",
        "geen bezwaar, maar wel een vraag over de kosten", "prima als we het evalueren",
        "prima, mits we het na een maand evalueren", "voorlopig prima",
        "akkoord, tenzij het regent",
        # a "no" that says more
        "no good", "not good", "not ok", "no idea", "geen goed plan", "geen goed idee",
        "geen akkoord", "niet akkoord", "niet mee eens", "ik ben het er niet mee eens",
        "I don't agree", "I cannot live with it", "ik kan er niet mee leven", "not really good",
        "niet echt goed", "none looks good", "nope, nothing works", "no concerns about the cost",
        # a bare yes answers "do you have concerns?" with yes; "same" may be someone's concern
        "yes", "ja", "sure", "yes, the cost", "same", "same here", "ik ook", "thanks",
        "good luck with that",
    ],
)  # fmt: skip
def test_grammar_consent_with_a_reservation_stays_a_concern(answer):
    assert parse("concern", answer) == AnswerRound(answer)


@pytest.mark.parametrize(
    "args", ["x because y review 9999-12-31", "x omdat y herzien over 99999 weken"]
)
def test_grammar_review_date_beyond_ten_years_gets_usage(args):
    assert parse("agree", args) == UsageError(find_command("agree")[0], FAR_REVIEW)
    assert parse("agree", "x because y review in 9 years").review_on == date(2035, 3, 2)


@pytest.mark.parametrize(
    "why",
    [
        "the code review takes 2 weeks",  # "takes 2 weeks" is no date
        "we said we'd review in March",  # a contraction or auxiliary makes it a verb
        "we'll review in two weeks",
        "we won't review in March",
        "we agreed to review on May 1",
        "we should review in 6 weeks",
        "auditors review on May 1",  # a plural noun opening the sentence is its subject
        "managers review in two weeks",
        "our managers review in two weeks",
        "y. Auditors review on May 1",
        "we zullen herzien over twee weken",
        "we gaan herzien over 2 maanden",
    ],
)
def test_grammar_review_as_the_reasons_own_verb_keeps_the_reason_whole(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    ("args", "why", "review_on"),
    [
        ("x because of outages review in 6 weeks", "of outages", date(2026, 4, 13)),
        ("x because people complained about delays review in 6 weeks",
         "people complained about delays", date(2026, 4, 13)),
        ("x because things change, review in 2 weeks", "things change", date(2026, 3, 16)),
    ],
)  # fmt: skip
def test_grammar_a_plural_noun_not_opening_its_sentence_leaves_the_review_clause(
    args, why, review_on
):
    result = parse("agree", args)
    assert isinstance(result, Agree) and (result.why, result.review_on) == (why, review_on)


@pytest.mark.parametrize(
    ("name", "args", "why", "review_on"),
    [("agree", "x because it works review in 6 weeks", "it works", date(2026, 4, 13)),
     ("agree", "x because it helps review next month", "it helps", date(2026, 4, 2)),
     ("agree", "x because everyone needs it review in 6 weeks", "everyone needs it",
      date(2026, 4, 13)),
     ("agree", "x because everyone can make it review in 6 weeks", "everyone can make it",
      date(2026, 4, 13)),
     ("afspraak", "x want dan weet iedereen het herziening over 6 weken",
      "want dan weet iedereen het", date(2026, 4, 13))],
)  # fmt: skip
def test_grammar_a_review_date_after_a_reason_ending_in_it_is_the_review(
    name, args, why, review_on
):
    """The date was swallowed into the reason and the agreement got the default review."""
    result = parse(name, args)
    assert isinstance(result, Agree) and (result.why, result.review_on) == (why, review_on)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agree", "x because y review the 1st of May"),
        ("agree", "x because y review 1st of May"),
        ("agree", "x because y review on the 1st of May"),
        ("afspraak", "x omdat y herzien de 1e mei"),
        ("afspraak", "x omdat y herzien op de 1e mei"),
    ],
)
def test_grammar_review_on_the_first_of_may(name, args):
    result = parse_as_typed(name, args)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", date(2026, 5, 1))


@pytest.mark.parametrize(
    ("args", "date_text"),
    [
        ("x because people complain. owner @ben review when needed", "when needed"),
        ("x because y owner @ben review someday", "someday"),
        ("x because y, review when needed owner @ben", "when needed"),
        ("x omdat y eigenaar @ben herzien af en toe", "af en toe"),
    ],
)
def test_grammar_unreadable_review_next_to_an_owner_is_an_error_not_dropped(args, date_text):
    result = parse("agree", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "review date" in result.reason.msgid and dict(result.reason.params) == {
        "date": Quote(date_text),
        "example": Day(date(2026, 6, 1)),
    }


@pytest.mark.parametrize(
    ("today", "example"), [(TODAY, date(2026, 6, 1)), (date(2026, 11, 30), date(2027, 2, 1))]
)
def test_grammar_an_unreadable_review_date_gets_an_example_still_ahead(today, example):
    spec, _ = find_command("agree")
    result = parse_command(spec, "x because y review 31-13-2027", today=today)
    assert isinstance(result, UsageError) and result.reason is not None
    assert result.reason.params == (("date", Quote("31-13-2027")), ("example", Day(example)))


@pytest.mark.parametrize(("lang", "shown"), [("nl", "“1 juni 2026”"), ("en", "Try 1 June 2026")])
def test_grammar_an_unreadable_review_dates_example_is_written_as_its_reader_writes_dates(
    lang, shown
):
    """Not 2026-06-01, which no Dutch writer types: the example is a date as the message's
    language writes one, and it reads back as that date."""
    result = parse("agree", "x because y review someday")
    said = render(result.reason, lang)
    assert shown in said
    example = said.split("“")[2].split("”")[0] if lang == "nl" else "1 June 2026"
    assert parse_date(example, today=TODAY) == date(2026, 6, 1)


def test_grammar_owner_and_review_after_a_full_stop_are_read():
    assert parse("agree", "x because people complain. owner @ben review in 2 weeks") == Agree(
        "x", "people complain.", "ben", date(2026, 3, 16)
    )


@pytest.mark.parametrize(
    ("args", "why", "owner", "review_on"),
    [
        ("x omdat het anders rommelig is herzien over 2 weken", "het anders rommelig is", None,
         date(2026, 3, 16)),
        ("x omdat dat moet herzien op 1 mei", "dat moet", None, date(2026, 5, 1)),
        ("x omdat we dat zo willen herzien volgende maand", "we dat zo willen", None,
         date(2026, 4, 2)),
        ("x omdat het kan herzien over een maand", "het kan", None, date(2026, 4, 2)),
        ("x omdat de brieven te laat zijn eigenaar @bram herzien over 2 weken",
         "de brieven te laat zijn", "bram", date(2026, 3, 16)),
        ("x omdat y herziening: 1 mei", "y", None, date(2026, 5, 1)),
        ("x omdat y herziening op 1 mei", "y", None, date(2026, 5, 1)),
        ("x omdat het rommelig is, volgende herziening over 2 weken", "het rommelig is", None,
         date(2026, 3, 16)),
        # The same words as the reason's own: after a subject, an article or a preposition.
        ("x omdat we zullen herzien over twee weken", "we zullen herzien over twee weken",
         None, None),
        ("x omdat de herziening in mei tegenviel", "de herziening in mei tegenviel", None,
         None),
        ("x omdat het de taak is van zijn eigenaar @bram",
         "het de taak is van zijn eigenaar @bram", None, None),
    ],
)  # fmt: skip
def test_grammar_a_dutch_reason_ends_in_its_verb_before_a_clause(args, why, owner, review_on):
    result = parse_as_typed("afspraak", args)
    assert isinstance(result, Agree)
    assert (result.why, result.owner, result.review_on) == (why, owner, review_on)


@pytest.mark.parametrize(
    ("args", "why", "owner", "review_on"),
    [
        # The English app's usage shows "[review <date>]": a Dutch reason ends in its verb.
        ("Inloop op dinsdag omdat vrijwilligers dan vrij zijn review 15 April",
         "vrijwilligers dan vrij zijn", None, date(2026, 4, 15)),
        ("Inloop op dinsdag omdat vrijwilligers dan kunnen review in 2 weeks",
         "vrijwilligers dan kunnen", None, date(2026, 3, 16)),
        ("Inloop op dinsdag omdat dat voor iedereen beter is review 15 april",
         "dat voor iedereen beter is", None, date(2026, 4, 15)),
        ("x omdat de brieven te laat zijn owner @bram review in 2 weeks",
         "de brieven te laat zijn", "bram", date(2026, 3, 16)),
        ("x omdat vrijwilligers dan vrij zijn owner @sarah", "vrijwilligers dan vrij zijn",
         "sarah", None),
        # After a Dutch subject the verb is an auxiliary; in English "is" and "had" are not
        # Dutch, and "can" makes "review" the reason's verb as before.
        ("x omdat we zullen review in twee weken", "we zullen review in twee weken", None,
         None),
        ("x because it is review in 2 weeks", "it is review in 2 weeks", None, None),
        ("x because we had review in 2 weeks", "we had review in 2 weeks", None, None),
        ("x because volunteers can review in 2 weeks", "volunteers can review in 2 weeks",
         None, None),
        ("x omdat het de taak is van zijn owner @bram", "het de taak is van zijn owner @bram",
         None, None),
    ],
)  # fmt: skip
def test_grammar_english_clause_words_end_a_dutch_reason_after_its_verb(
    args, why, owner, review_on
):
    result = parse_as_typed("agree", args)
    assert isinstance(result, Agree)
    assert (result.why, result.owner, result.review_on) == (why, owner, review_on)


@pytest.mark.parametrize(
    ("args", "why", "lesson"),
    [
        ("herzien 1 x omdat 10 uur te vroeg is geleerd niemand is er om 10 uur",
         "10 uur te vroeg is", "niemand is er om 10 uur"),
        ("herzien 1 x omdat het team veel heeft geleerd van mei",
         "het team veel heeft geleerd van mei", None),
    ],
)  # fmt: skip
def test_grammar_a_dutch_reason_ends_in_its_verb_before_a_lesson(args, why, lesson):
    result = parse_as_typed("herziening", args)
    assert isinstance(result, ReviewAgreement) and (result.why, result.lesson) == (why, lesson)


@pytest.mark.parametrize(
    ("name", "args", "why", "lesson"),
    [
        ("review", "revise 3 We rotate weekly because we learned that daily is too much",
         "we learned that daily is too much", None),
        ("review", "revise 3 We rotate weekly because we've learned that daily is too much",
         "we've learned that daily is too much", None),
        ("review", "revise 3 We rotate weekly because the lesson from May holds",
         "the lesson from May holds", None),
        ("herziening", "herzien 3 We rouleren wekelijks omdat we geleerd hebben dat dagelijks "
         "te veel is", "we geleerd hebben dat dagelijks te veel is", None),
        ("herziening", "herzien 3 We rouleren wekelijks omdat we hebben geleerd dat het werkt",
         "we hebben geleerd dat het werkt", None),
        ("review", "revise 3 We rotate weekly because daily is too much learned: ask first",
         "daily is too much", "ask first"),
        ("review", "revise 3 We rotate weekly because daily is too much, learned that we "
         "learned nothing", "daily is too much", "that we learned nothing"),
        ("review", "revise 3 Share lessons learned weekly because it helps lesson: keep it short",
         "it helps", "keep it short"),
        ("review", "revise 3 We rotate weekly since nights are long learned that people leave "
         "because of it", "nights are long", "that people leave because of it"),
        ("herziening", "herzien 3 We rouleren wekelijks omdat nachten lang zijn geleerd: vraag "
         "eerst", "nachten lang zijn", "vraag eerst"),
    ],
)  # fmt: skip
def test_grammar_a_revisions_lesson_is_a_trailing_clause(name, args, why, lesson):
    result = parse_as_typed(name, args)
    assert isinstance(result, ReviewAgreement) and (result.why, result.lesson) == (why, lesson)


@pytest.mark.parametrize(
    ("args", "scores"),
    [
        ("4,5 4 4 4 4 4 4 4 4 fijn", None),  # a Dutch decimal: refused, not read as 4 and 5
        ("3.5 4 4 4 4 4 4 4 4", None),
        ("4,4,4,4,4,4,4,4,5 fijn", (4, 4, 4, 4, 4, 4, 4, 4, 5)),  # a list written with commas
        ("4, 4, 4, 4, 4, 4, 4, 4, 5", (4, 4, 4, 4, 4, 4, 4, 4, 5)),
    ],
)
def test_grammar_evaluation_scores_are_whole(args, scores):
    spec, _ = find_command("evaluatie")
    parsed = parse_command(spec, args, today=date(2026, 3, 2))
    assert (parsed.scores if scores else parsed.__class__.__name__) == (scores or "UsageError")


@pytest.mark.parametrize("name", ["concerns", "zorgen"])
@pytest.mark.parametrize("args", ["geen zorgen", "geen", "none", "no concerns, looks good"])
def test_grammar_a_round_about_no_concern_is_refused(name, args):
    assert parse(name, args) == UsageError(find_command(name)[0], AN_ANSWER_NOT_A_PROPOSAL)


@pytest.mark.parametrize(
    "word", ["renew", "renewed", "renewing", "extend", "vernieuwen", "Verlengen.", "verlengd"]
)
def test_grammar_mandate_renewal_words(word):
    assert parse("mandaat", word) == AnswerRenewal("renewed")
    assert parse("mandate", "the release calendar") == SetMandate("the release calendar")


@pytest.mark.parametrize(
    ("name", "args", "outcome"),
    [("mandate", "renew please", "renewed"), ("mandate", "renewed ✅", "renewed"),
     ("mandaat", "vernieuwd 👍", "renewed"), ("mandaat", "vernieuwen aub", "renewed"),
     ("mandate", "check, please?", "check"), ("mandaat", "navragen graag 🙏", "check")],
)  # fmt: skip
def test_grammar_mandate_keyword_with_courtesy_or_emoji_still_answers(name, args, outcome):
    # Read as a mandate, these words would overwrite the person's real mandate.
    assert parse(name, args) == AnswerRenewal(outcome)


@pytest.mark.parametrize(
    ("name", "args", "outcome"),
    [("mandaat", "akkoord", "renewed"), ("mandaat", "ongewijzigd", "renewed"),
     ("mandate", "unchanged", "renewed"), ("mandate", "same as before", "renewed"),
     ("mandate", "renew, unchanged", "renewed"), ("mandate", "my mandate is unchanged", "renewed"),
     ("mandate", "no change", "renewed"), ("mandaat", "vernieuwen zoals het was", "renewed"),
     ("mandaat", "mijn mandaat blijft hetzelfde", "renewed"), ("mandaat", "zelfde", "renewed"),
     ("mandate", "I need to check", "check"), ("mandate", "I'll check", "check"),
     ("mandate", "still checking", "check"), ("mandaat", "moet ik navragen", "check"),
     ("mandaat", "ik moet het even navragen", "check"), ("mandaat", "ruggespraak", "check")],
)  # fmt: skip
def test_grammar_mandate_answered_in_a_few_words_of_ones_own(name, args, outcome):
    """Renewing or checking said in words: read as a mandate, they would replace the real
    one and fill in every agreement where that member's mandate was still pending."""
    assert parse(name, args) == AnswerRenewal(outcome)


@pytest.mark.parametrize("name", ["mandate", "mandaat"])
@pytest.mark.parametrize(
    ("args", "outcome"),
    [("it's unchanged", "renewed"), ("it’s unchanged", "renewed"), ("fine", "renewed"),
     ("all good", "renewed"), ("still valid", "renewed"), ("nothing has changed", "renewed"),
     ("oké", "renewed"), ("prima", "renewed"), ("prima zo", "renewed"),
     ("blijft zo", "renewed"), ("nog steeds hetzelfde", "renewed"), ("klopt nog", "renewed"),
     ("geldt nog", "renewed"), ("niets gewijzigd", "renewed"), ("tbc", "check"),
     ("ik vraag het na", "check"), ("ik vraag het even na", "check"),
     ("moet ik terugkoppelen", "check")],
)  # fmt: skip
def test_grammar_mandate_everyday_answers_in_either_language(name, args, outcome):
    """Read as mandates, these replaced the real one in public ("… with this mandate: oké")."""
    assert parse(name, args) == AnswerRenewal(outcome)


@pytest.mark.parametrize(
    ("name", "args"),
    [("mandaat", "ik moet het voorleggen aan mijn directeur"),
     ("mandate", "I'll ask my manager"), ("mandate", "need to ask my board"),
     ("mandate", "I have to run this by my director")],
)  # fmt: skip
def test_grammar_mandate_checking_with_someone_named_is_checking(name, args):
    assert parse(name, args) == AnswerRenewal("check", words=args)


@pytest.mark.parametrize(
    ("name", "args", "outcome"),
    [("mandate", "check with my organisation first", "check"),
     ("mandaat", "navragen bij mijn directeur", "check"),
     ("mandate", "I need to check with the board, it costs us staff hours", "check"),
     ("mandate", "renew the lease, please", "renewed"),
     ("mandate", "ok to spend up to 500 euro", "renewed")],
)  # fmt: skip
def test_grammar_mandate_answer_with_more_words_keeps_them_to_confirm_back(name, args, outcome):
    assert parse(name, args) == AnswerRenewal(outcome, words=args)


@pytest.mark.parametrize(
    ("args", "text"),
    [("the release calendar", "the release calendar"), ("I may agree on budgets",
      "I may agree on budgets"), ("budgets up to 5000 euro", "budgets up to 5000 euro"),
     ('"renew the lease"', "renew the lease"), ("“check invoices up to 500 euro”",
      "check invoices up to 500 euro"), ("'ok to sign for 2 hours'", "ok to sign for 2 hours"),
     ("'s avonds de roosters", "'s avonds de roosters")],
)  # fmt: skip
def test_grammar_mandate_text_and_in_quotes_as_written(args, text):
    parsed = parse("mandate", args)
    assert isinstance(parsed, SetMandate)
    assert (parsed.text, parsed.quoted) == (text, text != args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [("end.", EndMeeting()), ("start!", StartMeeting()), ("Einde 👋", EndMeeting()),
     ("starten graag", StartMeeting())],
)  # fmt: skip
def test_grammar_meeting_keyword_with_punctuation(args, expected):
    assert parse("meeting", args) == expected


def test_grammar_evaluation_comment_keeps_its_commas():
    assert parse("evaluatie", "4 4 4 4 4 4 4 4 4 goed, maar 1,5 uur was te lang") == Evaluate(
        (4,) * 9, "goed, maar 1,5 uur was te lang"
    )
    assert parse("evaluate", "4,4,4,4,4,4,4,4,5, fine") == Evaluate((4,) * 8 + (5,), "fine")


@pytest.mark.parametrize(
    ("name", "args", "reached", "lang", "text"),
    [
        ("groundrules", "afspraak x omdat y", "agree", "nl", "x omdat y"),
        ("groundrules", "hulp", "groundrules", "nl", "hulp"),
        ("groundrules", "spelregels", "groundrules", "nl", "spelregels"),
        # /groundrules is a name in both languages (and a mention's): it shows none
        ("groundrules", "help", "groundrules", None, "help"),
        ("groundrules", "wat zijn onze afspraken?", "groundrules", "nl",
         "wat zijn onze afspraken?"),
        ("groundrules", "what are our rules?", "groundrules", "en", "what are our rules?"),
        ("groundrules", "", "groundrules", None, ""),
        ("spelregels", "hulp", "groundrules", "nl", "hulp"),
        # punctuation after the word does not hide it
        ("groundrules", "roles?", "roles", "en", ""),
        ("groundrules", "agree: x because y", "agree", "en", "x because y"),
        ("groundrules", "hulp?", "groundrules", "nl", "hulp?"),
        ("groundrules", "regel?", "groundrules", "nl", "regel?"),
        ("groundrules", "rules!", "groundrules", "en", "rules!"),
        ("groundrules", "ground rules please?", "groundrules", "en", "ground rules please?"),
        # a bare question about a command that would act reaches the help
        ("groundrules", "zorgen?", "groundrules", "nl", "zorgen?"),
        # another form of a command's name, alone, reaches it in the word's language
        ("groundrules", "mandates?", "mandate", "en", ""),
        ("groundrules", "mandaten?", "mandate", "nl", ""),
        ("groundrules", "rapport aub 🙏", "report", "nl", ""),
        ("groundrules", "verslagen", "report", "nl", ""),
        ("groundrules", "reports please", "report", "en", ""),
        ("groundrules", "mandaten van iedereen", "groundrules", "nl", "mandaten van iedereen"),
        # a short question that can mean one listing only reaches it
        ("groundrules", "wie heeft welk mandaat?", "mandate", "nl", ""),
        ("groundrules", "Who has which mandate?", "mandate", "en", ""),
        ("groundrules", "welke rollen zijn er?", "roles", "nl", ""),
        ("groundrules", "who holds which role?", "roles", "en", ""),
        ("groundrules", "show the mandates please", "mandate", "en", ""),
        ("groundrules", "toon de afspraken", "agreements", "nl", ""),
        # stopping the round, in words that name it
        ("groundrules", "zorgenronde stoppen", "concerns", "nl", "zorgenronde stoppen"),
        ("groundrules", "stop the concern round", "concerns", "en", "stop the concern round"),
        ("groundrules", "trek de ronde in aub", "concerns", "nl", "trek de ronde in aub"),
        # anything less sure stays with the help
        ("groundrules", "welke afspraken hebben we?", "groundrules", "nl",
         "welke afspraken hebben we?"),  # the ground rules are "afspraken" too
        ("groundrules", "what is a mandate?", "groundrules", "en", "what is a mandate?"),
        ("groundrules", "hoe geef ik mijn mandaat op?", "groundrules", "nl",
         "hoe geef ik mijn mandaat op?"),
        ("groundrules", "who has which mandate and role?", "groundrules", "en",
         "who has which mandate and role?"),
        ("groundrules", "stop", "groundrules", None, "stop"),
        ("groundrules", "withdraw my concern", "groundrules", "en", "withdraw my concern"),
        ("groundrules", "cancel the friday standup round", "groundrules", "en",
         "cancel the friday standup round"),
        ("groundrules", "can you stop the round for me", "groundrules", "en",
         "can you stop the round for me"),
    ],
)  # fmt: skip
def test_grammar_the_command_groundrules_reaches_and_its_language(name, args, reached, lang, text):
    spec, found_lang, found_text = reached_command(name, args)
    assert (spec.name, found_lang, found_text) == (reached, lang, text)


@pytest.mark.parametrize(
    ("args", "word", "meant"),
    [
        ("afsprak iets omdat", "afsprak", "agree"),
        ("agre we merge", "agre", "agree"),
        ("rollne", "rollne", "roles"),
        ("herzeining?", "herzeining", "review"),
        ("ground rules please", None, None),
        ("agreed!", None, None),
        ("concerned about this", None, None),
        ("rule", None, None),
        ("rules?", None, None),
        ("rolls are in the oven", None, None),
        ("roles?", None, None),
        ("mandaten van iedereen", None, None),
        ("rapporten", None, None),
    ],
)  # fmt: skip
def test_grammar_a_mistyped_command_is_told_from_a_word_of_its_own(args, word, meant):
    found = mistyped_command(args)
    if meant is None:
        assert found is None
    else:
        assert (found[0], found[1][0].name) == (word, meant)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("agree", "owner @ben Tea machine weekly because it smells",
         Agree("Tea machine weekly", "it smells", "ben", None)),
        ("agree", "owner: <@U1|ben> review in 2 weeks Tea weekly because it smells",
         Agree("Tea weekly", "it smells", "U1", date(2026, 3, 16))),
        ("agree", "review on May 1 Tea weekly because it smells owner @ben",
         Agree("Tea weekly", "it smells", "ben", date(2026, 5, 1))),
        ("afspraak", "eigenaar @ben Thee wekelijks omdat het stinkt",
         Agree("Thee wekelijks", "het stinkt", "ben", None)),
        ("afspraak", "herzien over 2 weken Thee wekelijks omdat het stinkt",
         Agree("Thee wekelijks", "het stinkt", None, date(2026, 3, 16))),
        # Agreements that only start with the word stay whole.
        ("agree", "Owner rotates weekly because nobody wants it forever",
         Agree("Owner rotates weekly", "nobody wants it forever", None, None)),
        ("agree", "Review PRs within a day because waiting hurts",
         Agree("Review PRs within a day", "waiting hurts", None, None)),
        ("afspraak", "Herzien doen we samen omdat dat eerlijk is",
         Agree("Herzien doen we samen", "dat eerlijk is", None, None)),
    ],
)  # fmt: skip
def test_grammar_owner_and_review_put_first_are_read_as_clauses(name, args, expected):
    assert parse_as_typed(name, args) == expected


def test_grammar_an_owner_first_and_last_is_one_too_many():
    assert parse("agree", "owner @ben x because y owner @chris") == UsageError(
        find_command("agree")[0], ONE_OWNER
    )


@pytest.mark.parametrize(
    ("args", "organisation"),
    [("join <@&123456789012345678>", "<@&123456789012345678>"),
     ("join <!subteam^S0614TZR7|@gemeente-utrecht>", "@gemeente-utrecht"),
     ("aanschuiven <!subteam^S0614TZR7>", "<!subteam^S0614TZR7>"),
     ("join Gemeente Utrecht", "Gemeente Utrecht")],
)  # fmt: skip
def test_grammar_an_organisation_named_by_its_role_or_user_group(args, organisation):
    """Discord shows a role mention by the role's name; Slack would show its user-group
    markup as typed, so that is kept as the @name it carries."""
    assert parse("table", args) == JoinTable(organisation)


@pytest.mark.parametrize(
    "args",
    ["join <@U0614TZR7>", "join <@U0614TZR7|ben>", "aanschuiven <@!123456789012345678>",
     "join <@123456789012345678> :tada:", "join <!here>", "join <#C0614TZR7|general>"],
)  # fmt: skip
def test_grammar_a_person_or_channel_is_no_organisation(args):
    """/table join @ben does not bring ben to the table, nor is ben an organisation: the
    member is asked for their own organisation, and nothing is announced."""
    result = parse("table", args)
    assert isinstance(result, UsageError) and result.reason is not None, result
    assert result.reason.msgid.startswith("Name the organisation you represent here, not ")


@pytest.mark.parametrize(
    ("args", "reached", "lang", "text"),
    [
        # a round named after "concern" or "zorg" is the round, never a concern
        ("concern round: stop it", "concerns", "en", "concern round: stop it"),
        ("concern round cancel", "concerns", "en", "concern round cancel"),
        ("zorg ronde stoppen", "concerns", "nl", "zorg ronde stoppen"),
        ("concern round?", "groundrules", "en", "concern round?"),
        ("zorg ronde", "groundrules", "nl", "zorg ronde"),
        # a question about someone's mandate lists the mandates, never sets one
        ("mandaat van anna?", "mandate", "nl", ""),
        ("mandate of anna?", "mandate", "en", ""),
        ("mandaat van anna", "mandate", "nl", ""),
        ("mandate: of anna? 🙏", "mandate", "en", ""),
        # a question never writes on the asker's behalf: the help answers
        ("agree on what?", "groundrules", "en", "agree on what?"),
        ("concern what about weekends?", "groundrules", "en", "concern what about weekends?"),
        ("concerns about the deploy?", "groundrules", "en", "concerns about the deploy?"),
        ("zorgen over de deploy?", "groundrules", "nl", "zorgen over de deploy?"),
        ("table about ops?", "groundrules", "en", "table about ops?"),
        ("snooze 1h?", "groundrules", "en", "snooze 1h?"),
        ("meeting end?", "groundrules", "en", "meeting end?"),
        ("review keep 1?", "groundrules", "en", "review keep 1?"),
        # a command's word that opens an ordinary sentence: the help, not the command
        ("zorg dat de deploy werkt", "groundrules", "nl", "zorg dat de deploy werkt"),
        ("zorgen van de buren", "groundrules", "nl", "zorgen van de buren"),
        ("round of applause for anna", "groundrules", "en", "round of applause for anna"),
        ("agree with anna because she is right", "groundrules", "en",
         "agree with anna because she is right"),
        ("afspraak met de tandarts omdat kies", "groundrules", "nl",
         "afspraak met de tandarts omdat kies"),
        ("zorg: dat is te krap", "concern", "nl", "dat is te krap"),
        ("zorg de planning is krap", "concern", "nl", "de planning is krap"),
        ("ronde: we pinnen het image", "concerns", "nl", "we pinnen het image"),
        ("zorgen", "concerns", "nl", ""),
        # what only shows may be asked; a command written out still acts
        ("report since monday?", "report", "en", "since monday?"),
        ("table?", "table", "en", ""),
        ("concern: the nightly breaks", "concern", "en", "the nightly breaks"),
        ("zorg geen", "concern", "nl", "geen"),
        ("mandate renew", "mandate", "en", "renew"),
        # "all" is kept when the agreements are asked for in words
        ("show all agreements", "agreements", "en", "all"),
        ("toon alle afspraken", "agreements", "nl", "all"),
        ("show the agreements", "agreements", "en", ""),
    ],
)  # fmt: skip
def test_grammar_a_sentence_starting_with_a_command_word_never_writes_by_mistake(
    args, reached, lang, text
):
    spec, found_lang, found_text = reached_command("groundrules", args)
    assert (spec.name, found_lang, found_text) == (reached, lang, text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [("concern round: stop it", WithdrawRound()), ("zorg ronde stoppen", WithdrawRound()),
     ("all?", ListAgreements(True)), ("alle", ListAgreements(True))],
)  # fmt: skip
def test_grammar_the_words_reached_parse_as_meant(args, expected):
    name = "agreements" if "round" not in args and "ronde" not in args else "concerns"
    assert parse(name, args) == expected


# The hunter's day: the last day of November, of a month and of a quarter's second month.
LAST_OF_NOVEMBER = date(2026, 11, 30)


def parse_on(name: str, args: str, today: date):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=today, lang=lang)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [("agree", "x because y review end of January", date(2027, 1, 31)),
     ("afspraak", "x omdat y herziening eind januari", date(2027, 1, 31)),
     ("afspraak", "x omdat y herzien eind-januari", date(2027, 1, 31)),
     ("agree", "x because y review end of quarter", date(2026, 12, 31)),
     ("afspraak", "x omdat y herziening eind van het kwartaal", date(2026, 12, 31)),
     ("agree", "x because y review end of the year", date(2026, 12, 31)),
     ("afspraak", "x omdat y herziening einde van het jaar", date(2026, 12, 31)),
     ("afspraak", "x omdat y herziening begin maart", date(2027, 3, 1)),
     ("agree", "x because y review early March", date(2027, 3, 1)),
     ("agree", "x because y review mid-February", date(2027, 2, 15)),
     ("afspraak", "x omdat y herziening half februari", date(2027, 2, 15)),
     ("afspraak", "x omdat y herzien over een half jaar", date(2027, 5, 30)),
     ("agree", "x because y review in half a year", date(2027, 5, 30)),
     ("agree", "x because y review by the end of March", date(2027, 3, 31)),
     ("agree", "x because y review at the end of next quarter", date(2027, 3, 31)),
     ("afspraak", "x omdat y herziening begin volgende maand", date(2026, 12, 1)),
     ("agree", "x because y review end of Q1", date(2027, 3, 31)),
     ("afspraak", "x omdat y herziening eind februari 2028", date(2028, 2, 29))],
)  # fmt: skip
def test_grammar_review_dates_people_say_in_words_are_read(name, args, review_on):
    """They stayed in the reason, and the agreement got the default review date. A
    month's end is its last day, its start the first, its middle the 15th; a quarter's end
    the last day of its last month; half a year six months."""
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", review_on)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [("agree", "x because y review Tue 8 Dec", date(2026, 12, 8)),
     ("agree", "x because y review Tue., Dec 8", date(2026, 12, 8)),
     ("agree", "x because y review Wed 9th Dec", date(2026, 12, 9)),
     ("agree", "x because y review next Mon", date(2026, 12, 7)),
     ("agree", "x because y review Fri", date(2026, 12, 4)),
     ("afspraak", "x omdat y herziening di 8 dec", date(2026, 12, 8)),
     ("afspraak", "x omdat y herziening wo. 9 december", date(2026, 12, 9)),
     ("afspraak", "x omdat y herziening volgende week di", date(2026, 12, 8)),
     ("afspraak", "x omdat y herziening do volgende week", date(2026, 12, 10)),
     ("afspraak", "x omdat y herziening vr", date(2026, 12, 4))],
)  # fmt: skip
def test_grammar_a_weekday_said_short_is_read_as_the_weekday(name, args, review_on):
    """ "Tue 8 Dec" as a calendar writes it: the review date stayed in the reason, and the
    agreement got the default review date."""
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", review_on)


@pytest.mark.parametrize(
    "why",
    ["we review sun exposure", "managers review do lists", "we review zo vaak", "y review do"],
)
def test_grammar_a_weekdays_abbreviation_that_is_a_word_stays_in_the_reason(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    ("name", "args", "text"),
    [("afspraak", "herzien zo de planning omdat het moet", "herzien zo de planning"),
     ("agree", "Review sat scores weekly because they drift", "Review sat scores weekly"),
     ("agree", "Review tue the notes because x", "Review tue the notes")],
)  # fmt: skip
def test_grammar_an_agreement_opening_with_review_and_a_weekdays_abbreviation_is_its_text(
    name, args, text
):
    """Alone, an abbreviation names no review day before the agreement: "zo" is "so"."""
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, Agree) and (result.text, result.review_on) == (text, None)


def test_grammar_a_weekday_said_short_that_is_not_the_dates_is_refused():
    result = parse_on("agree", "x because y review Mon 8 Dec", LAST_OF_NOVEMBER)
    assert isinstance(result, UsageError) and "does not add up" in result.reason.msgid


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [("agree", "x because y review 2 weeks from now", date(2026, 12, 14)),
     ("agree", "x because y review two weeks from today", date(2026, 12, 14)),
     ("agree", "x because y review in two months' time", date(2027, 1, 30)),
     ("agree", "x because y review in two weeks time", date(2026, 12, 14)),
     ("agree", "x because y review in a month's time", date(2026, 12, 30)),
     # once so often: its first review one span on, as "review monthly" (it was the reason's)
     ("agree", "x because y review once a month", date(2026, 12, 30)),
     ("afspraak", "x omdat y herziening een keer per maand", date(2026, 12, 30)),
     ("agree", "x because y review within 3 weeks", date(2026, 12, 21)),
     ("afspraak", "x omdat y herziening binnen 2 weken", date(2026, 12, 14)),
     ("afspraak", "x omdat y herziening 14 dagen vanaf nu", date(2026, 12, 14)),
     ("agree", "x because y review 2 weeks from now.", date(2026, 12, 14))],
)  # fmt: skip
def test_grammar_review_in_a_span_from_now_is_read(name, args, review_on):
    """They stayed in the reason, and the agreement got the default review date."""
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", review_on)


@pytest.mark.parametrize(
    ("name", "args", "date_text"),
    [("agree", "x because y review in a few weeks", "in a few weeks"),
     ("agree", "x because y review in a couple of months", "in a couple of months"),
     ("afspraak", "x omdat y herziening over een paar weken", "over een paar weken")],
)  # fmt: skip
def test_grammar_review_in_a_few_weeks_is_refused_not_kept_in_the_reason(name, args, date_text):
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "review date" in result.reason.msgid
    assert dict(result.reason.params)["date"] == Quote(date_text)


@pytest.mark.parametrize(
    ("name", "args", "review_on"),
    [("afspraak", "x omdat y herziening half jaar", date(2027, 5, 30)),
     ("afspraak", "x omdat y herziening een half jaar", date(2027, 5, 30)),
     ("agree", "x because y review half a year", date(2027, 5, 30)),
     # The middle of a year named is still its middle.
     ("afspraak", "x omdat y herziening half 2027", date(2027, 7, 1)),
     ("afspraak", "x omdat y herziening medio volgend jaar", date(2027, 7, 1))],
)  # fmt: skip
def test_grammar_review_in_half_a_year_said_without_in_is_six_months_on(name, args, review_on):
    """ "herziening half jaar" was read as the middle of next year (1 July 2027, seven
    months on), and "een half jaar" was refused."""
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, Agree) and (result.why, result.review_on) == ("y", review_on)


def test_grammar_review_at_a_months_end_named_on_that_day_is_not_in_the_future():
    result = parse_on("agree", "x because y review end of the month", LAST_OF_NOVEMBER)
    assert isinstance(result, UsageError) and result.reason.msgid == PAST_REVIEW_DATE
    result = parse_on("agree", "x because y review end of the month", TODAY)
    assert isinstance(result, Agree) and result.review_on == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("name", "args", "date_text"),
    [("agree", "x because y review after the summer", "after the summer"),
     ("afspraak", "x omdat y herzien na de zomer", "na de zomer"),
     ("afspraak", "x omdat y herziening voor de zomervakantie", "voor de zomervakantie"),
     ("afspraak", "x omdat y herzien over anderhalf jaar", "over anderhalf jaar"),
     ("agree", "x because y review in spring 2027", "in spring 2027"),
     # school holidays and terms, as a school's table writes them
     ("afspraak", "x omdat y herziening na de herfstvakantie", "na de herfstvakantie"),
     ("afspraak", "x omdat y herziening na de meivakantie", "na de meivakantie"),
     ("afspraak", "x omdat y herzien na de voorjaarsvakantie", "na de voorjaarsvakantie"),
     ("afspraak", "x omdat y herziening na de krokusvakantie", "na de krokusvakantie"),
     ("agree", "x because y review after half term", "after half term"),
     ("agree", "x because y review after half-term", "after half-term"),
     ("agree", "x because y review at the end of term", "at the end of term")],
)  # fmt: skip
def test_grammar_review_dates_that_name_no_day_are_refused_not_kept_in_the_reason(
    name, args, date_text
):
    result = parse_on(name, args, LAST_OF_NOVEMBER)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "review date" in result.reason.msgid
    assert dict(result.reason.params)["date"] == Quote(date_text)


@pytest.mark.parametrize(
    "why",
    ["code review early catches bugs", "of review by two people", "we always review late",
     "we review after the summer", "the review at the end of March found gaps"],
)  # fmt: skip
def test_grammar_words_about_time_after_review_in_a_reason_stay_there(why):
    assert parse("agree", f"x because {why}") == Agree("x", why, None, None)


@pytest.mark.parametrize(
    ("args", "group", "review_on"),
    [("We share the minutes because everyone should know owner <!subteam^S0ENG|@eng> review "
      "in 6 weeks", "<!subteam^S0ENG|@eng>", date(2026, 4, 13)),
     ("x because y owner <@&123456789012345678>.", "<@&123456789012345678>", None),
     ("owner <!subteam^S0ENG> x because y", "<!subteam^S0ENG>", None)],
)  # fmt: skip
def test_grammar_a_group_named_as_owner_is_kept_apart_not_read_as_the_reason(
    args, group, review_on
):
    """The clause fell into the reason and the recorder became the owner; the group goes
    to the engine, which refuses it (one owner), pointing at a table role of its name."""
    result = parse("agree", args)
    assert isinstance(result, Agree) and result.why in ("everyone should know", "y")
    assert (result.owner, result.owner_group, result.review_on) == (None, group, review_on)


def test_grammar_a_member_and_a_group_as_owners_are_one_too_many():
    assert parse("agree", "x because y owner @anna and <@&123456789012345678>") == UsageError(
        find_command("agree")[0], ONE_OWNER
    )


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("review", "revise 1 pin to digest because tags moved owner @chris review over 2 maanden",
      ReviewAgreement(1, "revise", "pin to digest", "tags moved", owner="chris",
                      review_on=date(2026, 5, 2))),
     ("review", "revise 1 pin to digest because tags moved, learned pin digests owner role ops",
      ReviewAgreement(1, "revise", "pin to digest", "tags moved", "pin digests",
                      owner="role:ops")),
     ("herziening", "herzien 2 kaas op vrijdag omdat lekker eigenaar @ben herziening eind maart",
      ReviewAgreement(2, "revise", "kaas op vrijdag", "lekker", owner="ben",
                      review_on=date(2026, 3, 31))),
     ("review", "revise 1 pin because tags moved owner <@&123456789012345678>",
      ReviewAgreement(1, "revise", "pin", "tags moved", owner_group="<@&123456789012345678>")),
     ("review", "keep 1 because it works review in 3 months",
      ReviewAgreement(1, "keep", why="it works", review_on=date(2026, 6, 2))),
     ("review", "keep 1 review end of the year",
      ReviewAgreement(1, "keep", review_on=date(2026, 12, 31))),
     ("herziening", "behouden 1 omdat het werkt herziening over een half jaar",
      ReviewAgreement(1, "keep", why="het werkt", review_on=date(2026, 9, 2))),
     ("review", "keep 1 because we review in person",
      ReviewAgreement(1, "keep", why="we review in person"))],
)  # fmt: skip
def test_grammar_a_review_reads_owner_and_review_clauses(name, args, expected):
    """They were swallowed into the reason: the table was told one thing and another was
    recorded."""
    assert parse_as_typed(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("review", "revise 1 we meet at 10 owner @ben because x",
      ReviewAgreement(1, "revise", "we meet at 10", "x", owner="ben")),
     ("review", "revise 1 we meet at 10 owner <@U123> review in 2 weeks because x",
      ReviewAgreement(1, "revise", "we meet at 10", "x", owner="U123",
                      review_on=TODAY + timedelta(weeks=2))),
     ("herziening", "herzien 1 we starten om 10u eigenaar <@123> omdat file",
      ReviewAgreement(1, "revise", "we starten om 10u", "file", owner="123")),
     ("review", "revise 1 the owner @ben picks because x",
      ReviewAgreement(1, "revise", "the owner @ben picks", "x"))],
)  # fmt: skip
def test_grammar_a_revision_reads_an_owner_before_its_why(name, args, expected):
    assert parse_as_typed(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [("review", "revise 1 owner @ben because x"), ("review", "revise 1 <@U1> because x"),
     ("herziening", "herzien 1 eigenaar <@123> omdat x")],
)  # fmt: skip
def test_grammar_a_revision_of_only_an_owner_asks_for_the_new_text(name, args):
    result = parse_as_typed(name, args)
    assert isinstance(result, UsageError) and result.reason.msgid.startswith(
        "A revision needs the new text and why"
    )


@pytest.mark.parametrize(
    ("name", "args"),
    [("review", "revise 1 x owner @ben because y owner @chris"),
     ("herziening", "herzien 1 x eigenaar @a en @b omdat y")],
)  # fmt: skip
def test_grammar_a_revision_with_two_owners_is_refused(name, args):
    assert parse_as_typed(name, args) == UsageError(find_command(name)[0], ONE_OWNER)


@pytest.mark.parametrize(
    ("name", "args", "msgid"),
    [("review", "keep 1 because it works owner @chris", A_KEEP_KEEPS_THE_OWNER),
     ("herziening", "behouden 1 eigenaar @chris", A_KEEP_KEEPS_THE_OWNER),
     ("review", "retire 1 because nobody comes review in 3 months", RETIRED_HAS_NO_CLAUSES),
     ("herziening", "intrekken 1 omdat niemand komt eigenaar @ben", RETIRED_HAS_NO_CLAUSES)],
)  # fmt: skip
def test_grammar_a_keep_with_an_owner_or_a_retirement_with_clauses_is_refused(name, args, msgid):
    result = parse_as_typed(name, args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert (result.reason.msgid, dict(result.reason.params)) == (msgid, {"number": 1})


@pytest.mark.parametrize(
    "args", ["keep 1 because it works review after the summer", "revise 1 b because c review 15/1"]
)
def test_grammar_a_reviews_unreadable_review_date_is_refused(args):
    result = parse("review", args)
    assert isinstance(result, UsageError) and result.reason is not None
    assert "review date" in result.reason.msgid


def test_grammar_an_agreement_starting_with_review_and_a_point_in_time_is_its_text():
    assert parse("agree", "Review end of year bonuses in December because fairness") == Agree(
        "Review end of year bonuses in December", "fairness", None, None
    )


@pytest.mark.parametrize(
    "proposal",
    [
        "go ahead with the migration on Friday", "fine-tune the alerts",
        "agreed hours for on-call",
        "doen we de retro op vrijdag?", "prima koffie voor iedereen",
        "geen vergaderingen op vrijdag",
        "no meetings on Fridays",
        # a go-ahead is consent as an answer, and may be the proposal itself
        "ship it", "go ahead", "let's do it", "doen", "ga door",
    ],
)  # fmt: skip
def test_grammar_a_proposal_that_opens_like_consent_starts_a_round(proposal):
    assert parse("concerns", proposal) == StartRound(proposal)


@pytest.mark.parametrize(
    ("name", "args", "lang"),
    [("agree", "We starten de vergadering om 9 uur omdat iedereen er dan is", "nl"),
     ("afspraak", "Lunch at 12 because we get hungry", "en"),  # the words before the name
     ("afspraak", "", "nl"), ("afspraken", "", "nl"), ("groundrules", "afspraak", "nl"),
     ("groundrules", "agree", "en"),  # typed after /groundrules: written, not given
     # An English name is everyone's on Slack's English app and an English Discord client.
     ("agree", "", None), ("agreements", "", None), ("table", "join Gemeente Utrecht", None),
     ("groundrules", "", None), ("nosuchcommand", "we try it out", None),
     # A keyword only Dutch has is the member's Dutch, under an English name too.
     ("nudges", "minder", "nl"), ("report", "sinds vorige week", "nl"),
     ("agreements", "alle!", "nl"), ("mandate", "vernieuwen", "nl"), ("meeting", "einde", "nl"),
     ("concerns", "intrekken", "nl"), ("concern", "geen", "nl"), ("snooze", "1u", "nl"),
     ("problem-window", "2 uur", "nl"), ("table", "niet-over personeelszaken", "nl"),
     ("review", "behouden 3", "nl"), ("role", "toewijzen notulist @ben", "nl"),
     ("groundrules", "nudges minder", "nl"),
     # English keywords are everyday Dutch too: they show nothing; a keyword counts only
     # as the command reads it ("/mandate 'akkoord …'" in quotes is a mandate's text).
     ("nudges", "fewer", None), ("agreements", "all", None), ("snooze", "1h", None),
     ("mandate", "check", None), ("mandate", "'akkoord tot 500 euro'", None),
     ("concerns", "trek", None)],
)  # fmt: skip
def test_grammar_command_language_is_what_was_written(name, args, lang):
    assert command_language(name, args) == lang


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("vergadering", word, StartMeeting())
     for word in ("beginnen", "openen", "starten", "begin", "open", "start")]
    + [("vergadering", word, EndMeeting())
       for word in ("afronden", "beëindigen", "beeindigen", "afsluiten", "sluiten", "stoppen",
                    "einde", "rond af", "sluit af")]
    + [("meeting", word, StartMeeting()) for word in ("begin", "open", "start")]
    + [("meeting", word, EndMeeting())
       for word in ("end", "close", "finish", "wrap up", "Wrap-up!", "stop")],
)  # fmt: skip
def test_grammar_everyday_words_start_and_end_a_meeting(name, args, expected):
    assert parse(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [("meeting", "end the meeting", EndMeeting()), ("meeting", "start the meeting", StartMeeting()),
     ("meeting", "finish up", EndMeeting()), ("meeting", "close this meeting now", EndMeeting()),
     ("vergadering", "sluit de vergadering af", EndMeeting()),
     ("vergadering", "de vergadering starten", StartMeeting()),
     ("vergadering", "beëindig het overleg", EndMeeting())],
)  # fmt: skip
def test_grammar_the_meeting_named_beside_the_verb_is_understood(name, args, expected):
    assert parse(name, args) == expected


@pytest.mark.parametrize("args", ["the meeting", "de vergadering", "end the party"])
def test_grammar_the_meeting_without_a_verb_is_still_refused(args):
    assert isinstance(parse("meeting", args), UsageError)


@pytest.mark.parametrize("word", ["beginnen", "openen", "afronden", "beëindigen", "stoppen"])
def test_grammar_a_dutch_meeting_word_shows_the_members_dutch(word):
    assert command_language("meeting", word) == "nl"


@pytest.mark.parametrize(
    ("args", "count", "read"),
    [("5 5 5 5 5 5 5 5 5 5", 10, "5 5 5 5 5 5 5 5 5 5"),
     ("4,4,4,4,4,4,4,4,4,3 fine", 10, "4 4 4 4 4 4 4 4 4 3"),
     ("4 4 4 4 4 4 4 4 4 4 4 too long", 11, "4 4 4 4 4 4 4 4 4 4 4"),
     ("4 4 4 4 4 4 4 4 good", 8, "4 4 4 4 4 4 4 4"),
     ("4 great meeting", 1, "4")],
)  # fmt: skip
def test_grammar_a_miscounted_evaluation_is_refused_saying_what_was_read(args, count, read):
    refused = parse("evaluate", args)
    assert isinstance(refused, UsageError)
    scores = "score" if count == 1 else "scores"  # "1 score", in either language
    assert render(refused.reason, "en") == (
        f"I read {count} {scores} ({read}); give nine, from 1 to 5, one for each value in "
        "order. A comment that starts with a number goes in quotes."
    )
    assert render(refused.reason, "nl").startswith(f"Ik lees {count} {scores} ({read}); geef er")


def test_grammar_an_evaluation_comment_in_quotes_may_start_with_a_number():
    assert parse("evaluate", '4 4 4 4 4 4 4 4 4 "2 hours was too long"') == Evaluate(
        (4,) * 9, '"2 hours was too long"'
    )
