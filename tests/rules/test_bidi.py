"""Echoed names and words cannot turn the bot's own words around them (rules.bidi)."""

from __future__ import annotations

import pytest

from rules.bidi import FSI, PDI, closed, cut_between, isolated, open_isolates
from rules.i18n import render
from rules.say import Member, Members, Quote, Say

RLO = "\u202e"


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Bob", "Bob"),
        ("Zoë 🙂", "Zoë 🙂"),
        (f"{RLO}Bob", "Bob"),  # an override left open
        ("\u202bBob\u202c and \u202dBob", "Bob and Bob"),  # embeddings, their closer
        ("\u2067Bob", "Bob"),  # an isolate left open
        ("Bob\u2069\u2069", "Bob"),  # closers that would close the bot's own isolate
        ("שרה כהן", f"{FSI}שרה כהן{PDI}"),  # Hebrew, still right to left, in an isolate
        (f"{RLO}سارة", f"{FSI}سارة{PDI}"),  # Arabic
        ("order ١٢٣", f"{FSI}order ١٢٣{PDI}"),  # Arabic-Indic digits
        ("ok\u200f", f"{FSI}ok\u200f{PDI}"),  # a right-to-left mark
        ("we ship\nשבת שלום", f"we ship\n{FSI}שבת שלום{PDI}"),  # an isolate ends at a line
    ],
)
def test_bidi_echoed_text_loses_its_direction_controls_and_isolates_right_to_left(said, shown):
    assert isolated(said) == shown


def test_bidi_names_and_quotes_cannot_reverse_the_bot_s_words_after_them():
    names = {"U1": f"{RLO}Alice", "U2": "דנה"}
    owners = Say.of("Owner: {owner}. Consent: {users}.", owner=Member("U1"),
                    users=Members(("U1", "U2")))  # fmt: skip
    assert render(owners, "en", name_of=names.get) == (
        f"Owner: Alice. Consent: Alice and {FSI}דנה{PDI}."
    )
    concern = Say.of("Concern from {user}: {concern}", user=Member("U1"),
                     concern=Quote(f"{RLO}not before the freeze"))  # fmt: skip
    assert render(concern, "nl", name_of=names.get) == ("Zorg van Alice: not before the freeze")


def test_bidi_a_text_cut_in_two_closes_and_reopens_the_isolate_it_cuts():
    """A long line is cut where a platform's limit falls, also inside someone's
    right-to-left words: each side keeps them isolated, and a cut outside them adds
    nothing."""
    line = render(Say.of("Concern from {user}: {concern} (open)", user=Member("bob"),
                         concern=Quote("שבת שלום " * 3)), "en")  # fmt: skip
    cut = line.index("שלום")
    head, tail = cut_between(line[:cut], line[cut:])
    assert head.endswith(PDI) and tail.startswith(FSI) and tail.endswith(f"{PDI} (open)")
    assert open_isolates(head) == open_isolates(tail) == 0
    assert cut_between("Concern from bob: ", line[18:]) == ("Concern from bob: ", line[18:])
    assert closed(line[:cut] + "…") == line[:cut] + "…" + PDI
    assert closed("plain…") == "plain…"
