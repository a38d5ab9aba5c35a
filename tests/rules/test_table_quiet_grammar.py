"""/table quiet-hours (/tafel stille-uren): a table's own quiet hours, read in both
languages; what is not quiet hours gets its usage with an example."""

from __future__ import annotations

from datetime import date, time

import pytest

from rules.grammar import (
    SetQuietHours,
    ShowQuietHours,
    UsageError,
    command_language,
    find_command,
    parse_command,
)
from rules.i18n import render
from rules.quiet_hours import QuietHours
from rules.say import Say

TODAY = date(2026, 3, 2)
BAKERY = QuietHours(time(8, 0), time(16, 0))


def parse(name: str, args: str):
    spec, _ = find_command(name)
    return parse_command(spec, args, today=TODAY)


@pytest.mark.parametrize(
    ("name", "args", "parsed"),
    [
        ("table", "quiet-hours", ShowQuietHours()),
        ("tafel", "stille-uren", ShowQuietHours()),
        ("table", "quiet-hours 08:00-16:00", SetQuietHours(BAKERY)),
        ("tafel", "stille-uren 8:00 – 16:00", SetQuietHours(BAKERY)),
        ("tafel", "stille-uren 8u-16u", SetQuietHours(BAKERY)),
        ("tafel", "stille-uren 08.00-16.00", SetQuietHours(BAKERY)),
        ("table", "quiet-hours 8-16", SetQuietHours(BAKERY)),
        ("table", "Quiet-Hours 22:00-07:00", SetQuietHours(QuietHours(time(22), time(7)))),
        ("table", "quiet-hours off", SetQuietHours(None)),
        ("tafel", "stille-uren uit", SetQuietHours(None)),
        ("tafel", "stilleuren geen.", SetQuietHours(None)),
        ("table", "quiet-hours default", SetQuietHours(None, default=True)),
        ("tafel", "stille-uren standaard", SetQuietHours(None, default=True)),
        ("groundrules", "table quiet-hours off", SetQuietHours(None)),
        ("table", "quiet-hours 10pm-7am", SetQuietHours(QuietHours(time(22), time(7)))),
        ("tafel", "stille-uren van 22 tot 7", SetQuietHours(QuietHours(time(22), time(7)))),
        ("table", "stille-uren van 22u tot 7u", SetQuietHours(QuietHours(time(22), time(7)))),
        ("groundrules", "table quiet-hours from 8am to 4pm", SetQuietHours(BAKERY)),
    ],
)
def test_table_quiet_hours_are_read_in_both_languages(name, args, parsed):
    if name == "groundrules":
        name, _, args = args.partition(" ")
    assert parse(name, args) == parsed


@pytest.mark.parametrize(
    ("name", "args", "lang", "said"),
    [
        ("table", "quiet-hours at night", "en", "like /table quiet-hours 22:00-07:00"),
        ("table", "quiet-hours 22:00-22:00", "en", "like /table quiet-hours 22:00-07:00"),
        ("tafel", "stille-uren 25:00-07:00", "nl", "zoals /tafel stille-uren 22:00-07:00"),
        ("tafel", "stille-uren 's nachts", "nl", "zoals /tafel stille-uren 22:00-07:00"),
        ("table", "quiet-hours 10-7am", "en", "like /table quiet-hours 22:00-07:00"),
        ("tafel", "stille-uren van 22", "nl", "zoals /tafel stille-uren 22:00-07:00"),
    ],
)
def test_table_quiet_hours_not_read_get_their_usage_with_an_example(name, args, lang, said):
    parsed = parse(name, args)
    assert isinstance(parsed, UsageError) and parsed.reason is not None
    assert said in render(parsed.reason, lang)


def test_table_quiet_hours_keyword_is_dutch_under_the_english_name_too():
    assert command_language("table", "stille-uren 08:00-16:00") == "nl"
    assert command_language("table", "quiet-hours 08:00-16:00") is None


def test_table_quiet_hours_are_in_the_tables_usage():
    spec, _ = find_command("table")
    assert "quiet-hours" in spec.usage
    assert "stille-uren" in render(Say.of(spec.usage), "nl")
