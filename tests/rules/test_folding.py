"""Typed words meet the names the bot knows however their case is written: the Turkish
capital dotted İ (which `str.lower()` turns into "i" and a combining dot), German ß,
full-width letters."""

from __future__ import annotations

from datetime import date

import pytest

from rules.folding import fold
from rules.grammar import SetTimezone, find_command, parse_command
from rules.local_time import zone_named
from rules.typed_names import called


@pytest.mark.parametrize(
    ("typed", "known"),
    [("İstanbul", "istanbul"), ("İK", "ik"), ("STRASSE", "Straße"), ("ＵＴＣ", "utc"),
     ("Europe/Amsterdam", "europe/amsterdam"), ("Çağrı", "ÇAĞRI")],
)  # fmt: skip
def test_folding_a_typed_word_meets_the_name_it_means(typed, known):
    assert fold(typed) == fold(known)


def test_folding_ascii_is_lower_case():
    assert fold("Night LEAD /Table") == "night lead /table"


@pytest.mark.parametrize(
    "typed", ["Europe/İstanbul", "EUROPE/İSTANBUL", "europe/istanbul", " Europe/Istanbul "]
)
def test_folding_a_zone_typed_in_turkish_spelling_is_found(typed):
    assert zone_named(typed) == "Europe/Istanbul"


@pytest.mark.parametrize(
    ("typed", "name"),
    [("/REVİEW", "review"), ("/HERZİENİNG", "review"), ("/Table", "table")],
)  # fmt: skip
def test_folding_a_command_typed_with_turkish_caps_lock_is_found(typed, name):
    found = find_command(typed)
    assert found is not None and found[0].name == name


def test_folding_a_keyword_typed_with_turkish_caps_lock_is_read():
    [spec, _] = find_command("table")
    parsed = parse_command(spec, "TİMEZONE Europe/İstanbul", today=date(2026, 3, 2))
    assert parsed == SetTimezone("Europe/Istanbul")


def test_folding_a_typed_name_meets_the_member_it_names():
    assert called("İlkay", {"ilkay", None})
    assert called("ILKAY", {"Ilkay"})
    assert not called("Ilkay", {"Ilka"})
