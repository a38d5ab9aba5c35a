"""An answer to a concern round with no words of its own (punctuation, only emoji, or
only mentions) says no concern anyone can read: noted, it would hold the round up for
words nobody wrote. It is asked about, as an empty /concern is, with both ways to answer,
and nothing is noted. A clear thumbs-down stays a concern."""

from __future__ import annotations

import pytest

from rules.actions import PostRoundSummary, Reply, UpdateRoundProgress
from tests.bot.test_concern_rounds import start
from tests.helpers import Chat

NO_WORDS = "Your answer has no words, so nothing was recorded."
ONLY_NAMES = "Your answer names someone but says nothing yet, so nothing was recorded."


@pytest.mark.parametrize(
    ("line", "lead"),
    [
        ("/concern ...", NO_WORDS),
        ("/concern !!!", NO_WORDS),
        ("/concern :tada:", NO_WORDS),
        ("/concern :thinking_face: :eyes:", NO_WORDS),
        ("/concern 🎉", NO_WORDS),
        ("/zorg … :tada:", "Je antwoord bevat geen woorden, dus er is niets genoteerd."),
        ("/concern @ben", ONLY_NAMES),
        ("/concern <@ben> :thinking_face:", ONLY_NAMES),
        ("/concern @everyone", ONLY_NAMES),
        ("/zorg <@ben> 🤔", "Je antwoord noemt iemand, maar zegt nog niets, dus er is niets"),
    ],
)
def test_an_answer_without_words_is_asked_about_not_noted(app, line, lead):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    [reply] = chat.command("anna", line, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    text = chat.texts()[-1]
    assert text.startswith(lead), text
    assert "/concern none" in text or "/zorg geen" in text, text
    assert "ben" not in text, text  # a mention is not quoted back
    assert not chat.of_type(UpdateRoundProgress)  # nothing recorded: still waited for
    chat.command("anna", line.split()[0] + " none", "09:06")
    chat.answer("chris", round_id, None, "09:07")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.concerns == ()


@pytest.mark.parametrize(
    "answer", ["👎", "👎🏽", ":-1:", ":thumbsdown:", "-1", ":-1::skin-tone-3:"]
)
def test_a_thumbs_down_stays_a_concern(app, answer):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    chat.command("anna", f"/concern {answer}", "09:05")
    assert chat.of_type(UpdateRoundProgress)  # noted
    assert not any(t.startswith("Your answer has no words") for t in chat.texts())


@pytest.mark.parametrize("answer", ["...", ":tada:", "🎉 !"])
def test_a_form_answer_without_words_is_asked_about_in_the_form(app, answer):
    """The round's form asks what a typed /concern asks: nothing noted."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    [reply] = chat.answer("anna", round_id, answer, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert chat.texts()[-1] == (
        "Your answer has no words yet. No concerns? Then answer “No concerns” instead. A "
        "concern? Then say in a few words what it is."
    )
    assert not chat.of_type(UpdateRoundProgress)
    chat.answer("anna", round_id, "👎", "09:06")  # a thumbs-down is a concern
    assert chat.of_type(UpdateRoundProgress)
