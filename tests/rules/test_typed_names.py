"""Which member a command names by a typed "@name", and the text with their mention."""

from __future__ import annotations

from datetime import date

import pytest

from rules.typed_names import called, typed_name

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("command", "text", "name", "mentioned"),
    [
        ("agree", "Tea at 3 because breaks owner @bob", "bob",
         "Tea at 3 because breaks owner <@U1>"),
        ("agree", "Tea at 3 because the owner @bob asked owner: @Bob. review in 2 weeks", "Bob",
         "Tea at 3 because the owner @bob asked owner: <@U1>. review in 2 weeks"),
        ("afspraak", "eigenaar @ben Taart omdat leuk", "ben", "eigenaar <@U1> Taart omdat leuk"),
        ("role", "assign night lead @sam", "sam", "assign night lead <@U1>"),
        ("groundrules", "afspraak Taart omdat leuk eigenaar @ben", "ben",
         "afspraak Taart omdat leuk eigenaar <@U1>"),
        ("agree", "Tea at 3 because breaks owner <@U2>", None, None),
        ("agree", "Tea at 3 because breaks owner role night lead", None, None),
        ("agree", "Tea at 3 because @bob likes it", None, None),
        ("agree", "Tea at 3 because breaks owner bob", None, None),  # refused by the engine
        ("role", "assign night lead <@U2>", None, None),
        ("review", "keep 1 because @bob says so", None, None),
        ("review", "revise 1 Tea at 4 because 3 is early owner @bob", "bob",
         "revise 1 Tea at 4 because 3 is early owner <@U1>"),
        ("herziening", "herzien 1 Thee om 4 omdat 3 vroeg is eigenaar: @Ben", "Ben",
         "herzien 1 Thee om 4 omdat 3 vroeg is eigenaar: <@U1>"),
        ("groundrules", "review revise 1 Tea at 4 because early owner @bob", "bob",
         "review revise 1 Tea at 4 because early owner <@U1>"),
        ("review", "keep 1 because it works owner @bob", None, None),  # refused: keeps the owner
        # A review date the UTC day refuses may be fine on the table's day (a day either
        # side): the owner is read as the engine will read it there.
        ("agree", "Tea at 3 because breaks owner @bob review 2026-11-30", "bob",
         "Tea at 3 because breaks owner <@U1> review 2026-11-30"),
        ("review", "revise 1 Tea at 4 because early owner @bob review 2036-12-01", "bob",
         "revise 1 Tea at 4 because early owner <@U1> review 2036-12-01"),
    ],
)  # fmt: skip
def test_typed_names_finds_the_member_typed_by_name(command, text, name, mentioned):
    typed = typed_name(command, text, today=TODAY)
    assert (typed and typed.name) == name
    if typed is not None:
        assert typed.mentioning(text, "U1") == mentioned


def test_typed_names_not_found_says_whom_it_looked_for():
    typed = typed_name("agree", "Tea because breaks owner @dave", today=TODAY)
    assert typed is not None
    assert dict(typed.not_found(0).params)["name"].text == "@dave"
    assert typed.not_found(0).msgid.startswith("I do not know who")
    assert typed.not_found(2).msgid.startswith("Several people here are called")


def test_typed_names_called_is_any_of_their_names_in_any_case():
    assert called("BOB", {"bob", None, "Bob Builder"})
    assert not called("bo", {"bob"})
