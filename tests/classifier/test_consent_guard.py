"""The consent guard: a message whose whole stance is a negated objection in its
writer's own voice, in English or Dutch, and, as carefully, the look-alikes that are
not (a reservation, a question, someone else's stance, a procedure, dissent)."""

from __future__ import annotations

import pytest
import spacy

from rules.classifier.consent import consent_in, may_consent
from rules.classifier.dissent import dissent_in, may_dissent
from rules.classifier.normalise import normalise

_TOKENIZER = spacy.blank("en").tokenizer


def _norms(text: str) -> list[str]:
    return [token.norm_ for token in _TOKENIZER(normalise(text)) if not token.is_space]


def consent(text: str) -> str | None:
    """What the guard reads of `text`, as the trained classifier hands it over."""
    normalised = normalise(text)
    return consent_in(_norms(text)) if may_consent(normalised) else None


def dissent(text: str) -> str | None:
    return dissent_in(_norms(text)) if may_dissent(normalise(text)) else None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # English
        ("I don't disagree", "i do not disagree"),
        ("I don't disagree.", "i do not disagree"),
        ("I'm not against it", "i am not against it"),
        ("I’m not against it :)", "i am not against it"),
        ("Not against it, go for it", "not against it"),
        ("Not opposed at all 🙂", "not opposed"),
        ("No objection from me", "no objection"),
        ("no objections here 👍", "no objections"),
        ("+1, no objection", "no objection"),
        ("I have no objections.", "i have no objections"),
        ("I've got no objection to that", "i have got no objection to that"),
        ("Honestly, I have nothing against it.", "i have nothing against it"),
        ("I can live with that", "i can live with that"),
        ("I won't block it", "i will not block it"),
        ("I won't stand in the way", "i will not stand in the way"),
        ("I wouldn't object", "i would not object"),
        ("I don't mind, go for it", "i do not mind"),
        ("Can't disagree with that", "can not disagree with that"),
        ("Not a bad idea, sounds good", "not a bad idea"),
        # Dutch
        ("Niet oneens hoor", "niet oneens"),
        ("ik ben er niet tegen", "ik ben er niet tegen"),
        ("Ik ben er niet op tegen.", "ik ben er niet op tegen"),
        ("daar zeg ik geen nee tegen", "daar zeg ik geen nee tegen"),
        ("geen bezwaar van mijn kant", "geen bezwaar"),
        ("Prima, geen bezwaar", "geen bezwaar"),
        ("Van mij geen bezwaar, doe maar", "geen bezwaar"),
        ("Wat mij betreft geen bezwaren 👍", "geen bezwaren"),
        ("Ik heb er geen bezwaar tegen", "ik heb er geen bezwaar tegen"),
        ("kan ermee leven", "kan ermee leven"),
        ("Ik kan er prima mee leven", "ik kan er prima mee leven"),
        ("Daar kan ik mee leven.", "daar kan ik mee leven"),
        ("Niks op tegen", "niks op tegen"),
        ("Ik ben het er niet mee oneens.", "ik ben het er niet mee oneens"),
        ("Ik zal het niet blokkeren", "ik zal het niet blokkeren"),
        ("Ik heb er geen probleem mee", "ik heb er geen probleem mee"),
        ("I have no problem with that", "i have no problem with that"),
        # company spelt by other company ("same" "here"), read so
        ("No objections, same here", "no objections"),
        ("Geen bezwaar, helemaal mee eens", "geen bezwaar"),
    ],
)
def test_a_negated_objection_as_the_whole_stance_is_consent(text, words):
    assert consent(text) == words
    assert dissent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # a reservation follows: agreement + concern (rules 8, 15), the model's to read
        "I'm not against it, but the budget is tight",
        "geen bezwaar, maar het budget moet rond zijn",
        "no objection as long as legal signs off",
        "Geen bezwaar, mits de ouders worden ingelicht",
        "I don't disagree, though I'd wait a week",
        "Niet oneens, wel zorgen over de planning",
        "No objection from me. The budget is tight this quarter.",
        "Ik kan ermee leven als het een proef is",
        "I can live with that for now",
        "Not against it in principle",
        # questions
        "no objections?",
        "niemand bezwaar?",
        "you don't disagree, right?",
        "Geen bezwaar?",
        "Zijn jullie er niet tegen?",
        # someone else's stance, told
        "Anna has no objection",
        "zij is er niet tegen",
        "Ahmed zegt: geen bezwaar",
        "They don't disagree",
        "Legal has no objections",
        # procedure
        "the no objection period ends Friday",
        "geen bezwaar en beroep meer bij ons",
        # dissent: the opposite, or it outweighs
        "I couldn't disagree more",
        "I can't live with that",
        "Ik kan er niet mee leven",
        "Not that I have no objections",
        # look-alikes that consent to nothing
        "no problem",
        "Geen probleem",
        "geen zorgen",
        "I'm up against the deadline",
        "ik ben tegen vijven thuis",
        "no concerns about the server, it's back up",
        "No concerns",  # a status as often as a yes ("any concerns about Mr Smith?")
        "No problems with it",  # how a thing works
        "Ik heb er geen problemen mee",
        "No objection to the minutes",  # a record, not a course of action (rule 13)
        "Hearing no objection, the minutes are approved",
    ],
)
def test_what_is_not_a_negated_objection_as_the_whole_stance_is_not_found(text):
    assert consent(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I don't disagree with the goal, but I object to the timing", "i object"),
        ("Niet oneens, maar ik ben ertegen om het nu te doen", "ik ben ertegen"),
        ("I'm not against it. Hard no on Friday though.", "hard no"),
    ],
)
def test_dissent_beside_a_negated_objection_is_dissent_alone(text, words):
    """Dissent outweighs: the consent guard passes such a message over, the dissent
    guard finds it (TrainedClassifier asks the consent guard only where it did not)."""
    assert consent(text) is None
    assert dissent(text) == words


def test_a_message_of_company_read_many_ways_is_answered_and_found_wanting():
    """Eleven "same here" (each company whole, or as "same" and "here") and a word that
    is not: read one way only, not 2,048 (it took 25-40 ms)."""
    assert consent_in(("same here " * 11 + "problem").split()) is None
    assert consent_in(("same here " * 11 + "no objection").split()) == "no objection"


def test_a_long_message_is_passed_over_before_its_words_are_read():
    long = "No objection from me, " + "go for it, " * 12
    assert consent_in(_norms(long)) == "no objection"
    assert not may_consent(normalise(long))
