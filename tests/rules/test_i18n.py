"""Every string the bot says exists in English and Dutch, with the same fields."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rules.i18n import catalog_path, format_span, render
from rules.say import Day, Lines, Member, Members, Quote, Say, Span
from scripts.i18n import template

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog(lang: str):
    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def test_i18n_every_msgid_in_the_code_is_translated_in_both_languages():
    wanted = {m.id for m in template() if m.id}
    for lang in ("en", "nl"):
        catalog = _catalog(lang)
        missing = []
        for msgid in wanted:
            message = catalog.get(msgid)
            strings = message.string if message else None
            ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
            if not ok or (message and message.fuzzy):
                missing.append(msgid)
        assert not missing, f"{lang}.po lacks: {missing[:10]} (run make i18n)"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_i18n_translations_keep_the_same_fields(lang):
    """A field missing from a translation loses what fills it; one the code does not fill
    fails at rendering. Each plural form keeps the fields of its own English form."""
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, translated in enumerate(strings):
            english = ids[min(form, len(ids) - 1)]
            assert _fields(translated) == _fields(english), (lang, message.id, form)


def test_i18n_render_fills_typed_parameters():
    from datetime import date, timedelta

    text = Lines(
        (
            Say.of("Agreement #{number}: {text}", number=3, text=Quote("<b>")),
            Say.of("No concerns: {users}.", users=Members(("anna", "ben", "chris"))),
            Say.of("A temporary workable agreement: we review it on {date}.",
                   date=Day(date(2026, 5, 1))),
            Say.of("Hi {user}, you named a problem a little while ago:", user=Member("U1")),
            Say.of("Snoozed until {at}. I will remind you again in {span}.", at="15:00",
                   span=Span(timedelta(hours=1))),
        )
    )  # fmt: skip
    names = {"U1": "Anna", "anna": "Anna", "ben": "Ben", "chris": "Chris"}
    dutch = render(text, "nl", name_of=names.get, quote=lambda t: t.replace("<", "&lt;"))
    assert dutch.splitlines() == [
        "Afspraak #3: &lt;b>",
        "Geen zorgen: Anna, Ben en Chris.",
        "Een tijdelijk werkbare overeenstemming (TWO): op 1 mei 2026 kijken we of die nog werkt.",
        "Hoi Anna, je noemde eerder een probleem:",
        "Ik laat het sluimeren tot 15:00: over 1 uur herinner ik je er weer aan.",
    ]


def test_i18n_english_dates_and_lists_are_british_as_its_words_are():
    from datetime import date

    said = Lines(
        (
            Say.of("A temporary workable agreement: we review it on {date}.",
                   date=Day(date(2026, 3, 16))),
            Say.of("No concerns: {users}.", users=Members(("anna", "chris", "dana"))),
        )
    )  # fmt: skip
    assert render(said, "en").splitlines() == [
        "A temporary workable agreement: we review it on 16 March 2026.",
        "No concerns: anna, chris and dana.",
    ]
    assert render(said, "nl").splitlines()[1] == "Geen zorgen: anna, chris en dana."


def test_i18n_spans_are_exact():
    from datetime import timedelta

    assert format_span(timedelta(minutes=90), "en") == "1 hour and 30 minutes"
    assert format_span(timedelta(seconds=61), "nl") == "1 minuut en 1 seconde"


def test_i18n_unknown_language_falls_back_to_english():
    assert render(Say.of("Our ground rules:"), "fr") == "Our ground rules:"


def test_i18n_every_line_of_quoted_words_stays_in_the_quote():
    proposal = "move the retro to Monday\n*Everyone has answered (3 of 3). No concerns.*"
    shown = render(Say.of("> {proposal}", proposal=Quote(proposal)), "en")
    assert shown == "> move the retro to Monday\n> *Everyone has answered (3 of 3). No concerns.*"
    # Lines of the bot's own stay its own.
    lines = Lines((Say.of("> {p}", p=Quote("a\nb")), Say.of("Thanks, {p}", p=Quote("c\nd"))))
    assert render(lines, "en") == "> a\n> b\nThanks, c d"


def test_i18n_quoted_words_inside_a_sentence_keep_to_its_line():
    concern = "ok\n\n*Everyone has answered: no open concerns.*"
    said = Say.of("Concern from {user}: {concern}", user=Member("U1"), concern=Quote(concern))
    shown = render(said, "en")
    assert shown == "Concern from U1: ok *Everyone has answered: no open concerns.*"
    # The bot's own lines, around the quote, stay lines.
    lines = Lines((Say.of("{a}", a=Quote("x\ny")), Say.of("Next line")))
    assert render(lines, "en") == "x y\nNext line"


def test_i18n_dutch_calls_a_thread_a_thread_as_slack_and_discord_do():
    """Slack's and Discord's Dutch say "thread", and so does the bot everywhere else: a
    lone "draad" reads as something other than the thread the team sees."""
    said = [
        (message.id, text)
        for message in _catalog("nl")
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if "draad" in text.lower()
    ]
    assert said == []


def test_i18n_dutch_says_privebericht_for_a_direct_message_everywhere():
    """One word for one thing: Discord's Dutch says "privéberichten", and so does the bot,
    not "per DM" in one message and "privéberichten" in the next."""
    said = [
        (message.id, text)
        for message in _catalog("nl")
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if re.search(r"\bDMs?\b|directe? bericht", text)
    ]
    assert said == []
