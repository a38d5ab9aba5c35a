"""Half a character (a lone UTF-16 surrogate) in text entering the engine."""

from __future__ import annotations

import json

from rules.events import CommandInvoked, MessagePosted
from rules.surrogates import without_lone_surrogates
from tests.helpers import at


def test_a_lone_half_is_replaced_and_a_pair_written_in_halves_is_one_character_again():
    cut = json.loads('"broken again \\ud83d"')  # an emoji cut in half: valid JSON
    assert without_lone_surrogates(cut) == "broken again \ufffd"
    assert without_lone_surrogates("\ud83d\ude00 ok") == "😀 ok"
    assert without_lone_surrogates("caf\udce9") == "caf\ufffd"  # an undecoded byte
    plain = "café 😀"
    assert without_lone_surrogates(plain) is plain


def test_every_text_of_an_event_is_taken_without_lone_halves():
    posted = MessagePosted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="e1", user="U\udc80",
        message_id="m1", text="the deploy is broken \ud83d",
    )  # fmt: skip
    assert (posted.text, posted.user) == ("the deploy is broken \ufffd", "U\ufffd")
    posted.text.encode("utf-8")  # a database and the classifier take it
    command = CommandInvoked(
        workspace="W1", channel="C1", at=at("09:00"), event_id="e2", user="U1",
        name="agree", args="stand-up at 9 \ud83d because why not",
    )  # fmt: skip
    assert command.args == "stand-up at 9 \ufffd because why not"
