"""The dissent guard: a message that states dissent or an objection in its writer's own
voice, in English or Dutch, and, as carefully, the look-alikes that do not."""

from __future__ import annotations

import pytest
import spacy

from rules.classifier.dissent import dissent_in, may_dissent
from rules.classifier.normalise import normalise

_TOKENIZER = spacy.blank("en").tokenizer


def dissent(text: str) -> str | None:
    """What the guard reads of `text`, as the trained classifier hands it over."""
    normalised = normalise(text)
    if not may_dissent(normalised):
        return None
    return dissent_in([token.norm_ for token in _TOKENIZER(normalised) if not token.is_space])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # English
        ("I disagree.", "i disagree"),
        ("Strongly disagree with moving it", "strongly disagree"),
        ("I don't agree with moving it to Friday", "i do not agree"),
        ("I object, the budget isn't there.", "i object"),
        ("Objection from me: the volunteers haven't been asked.", "objection from me"),
        ("One objection: legal hasn't seen this yet.", "one objection"),
        ("I’m against this, it's too early.", "i am against"),
        ("Hard no from me until security signs off.", "hard no"),
        ("-1 from me", "-0"),
        ("-1 (binding). The LICENSE file lacks the notice", "-0"),
        ("-1 on xfail, it'll hide real regressions", "-0"),
        ("👎 too soon", "👎"),
        (":-1: not before the audit", "👎"),
        ("I can't support this", "i can not support"),
        ("We're not on board yet", "we are not on board"),
        ("I'd block that until we have the numbers", "i 'd block"),
        # Dutch
        ("Ik ben het er niet mee eens.", "ik ben het er niet mee eens"),
        ("Niet mee eens, het budget is nooit besproken.", "niet mee eens"),
        ("Oneens. Eerst de teamleiders spreken.", "oneens"),
        ("Ik ben het er helemaal mee oneens", "ik ben het er helemaal mee oneens"),
        ("Niet akkoord, eerst de OR.", "niet akkoord"),
        ("Ik ga hier niet mee akkoord", "ik ga hier niet mee akkoord"),
        ("Eén bezwaar: de ouders zijn niet ingelicht.", "eén bezwaar"),
        ("Bezwaar: de ouders zijn niet ingelicht.", "bezwaar"),
        ("1 bezwaar van mij: te duur", "0 bezwaar van mij"),
        ("ik heb bezwaar tegen maandag", "ik heb bezwaar"),
        ("Ik maak bezwaar", "ik maak bezwaar"),
        ("Ik ben ertegen, dit is te snel.", "ik ben ertegen"),
        ("Ik ben tegen dit voorstel", "ik ben tegen"),
        ("Ik kan hier niet mee instemmen", "kan hier niet mee instemmen"),
        ("Dikke nee van mij", "dikke nee van mij"),
    ],
)
def test_dissent_in_the_writers_own_voice_is_found(text, words):
    assert dissent(text) == words


@pytest.mark.parametrize(
    "text",
    [
        # a negated objection is consent
        "geen bezwaar",
        "Geen bezwaar van mij",
        "no objections",
        "No objection from me",
        "I don't disagree",
        "ik ben het er niet mee oneens",
        "not against it",
        "I'm not against it",
        "Niemand is ertegen",
        "I couldn't agree more",
        "Helemaal mee eens",
        # objection as a procedure
        "bezwaar en beroep loopt nog",
        "the objection period ends Friday",
        # someone else's dissent, told
        "Ahmed disagreed yesterday",
        "Ahmed is het er niet mee eens",
        "they disagree",
        "She said she'd object",
        "Als je het er niet mee eens bent, zeg het",
        "If you disagree, say so",
        # questions
        "any objections?",
        "iemand bezwaar?",
        "ben je het er niet mee eens?",
        "Do you disagree?",
        # look-alikes
        "no concerns",
        "Ik heb het niet eens gelezen",
        "Het is niet eens af",
        "ik ben tegen vijven thuis",
        "I'm up against the deadline",
        "-3 dinsdagnacht volgens het KMI",
    ],
)
def test_what_is_no_dissent_of_ones_own_is_not_found(text):
    assert dissent(text) is None
