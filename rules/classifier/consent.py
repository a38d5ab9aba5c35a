"""Does a message consent by a negated objection, and say nothing else?

The counterpart of the dissent guard (`dissent.py`). After a proposal the trained
model reads "I don't disagree" and "I'm not against it" as concern (0.98, 0.99) and
"Niet oneens hoor" as nothing: the objection word outweighs its negation. The guide
reads them as consent (data/ANNOTATION.md, rules 20 and 67: "No objection", "I can
live with it", "ik kan ermee leven", "I don't disagree", "ik zal het niet blokkeren"
are agreement), so a consent round that holds them back asks people who said yes.

It fires only where the negated objection is the message's whole stance: the
message, read as the model's token norms ("don't" -> "do not"), is nothing but
negated objections in the writer's own voice and words that keep company with a yes
("prima", "go for it", "from me", "van mijn kant", "hoor", "👍", punctuation). So
anything else leaves the message to the model, and the guard has no list of what
is not consent to keep: a reservation ("..., but the budget", "geen bezwaar, maar",
"no objection as long as legal signs off": rules 8 and 15 make a condition agreement
+ concern, a stance the model reads), a question ("no objections?", "niemand
bezwaar?"), someone else's stance told ("Anna has no objection", "zij is er niet
tegen"), a procedure ("the no objection period", "bezwaar en beroep") and a negation
that takes it back ("not that I have no objection") all hold a word that is neither.
Dissent outweighs it: `TrainedClassifier` asks this guard only about messages the
dissent guard passed over (and no dissent can be spelt with these words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules.classifier.cues import CONSENT_MESSAGES, CUES
from rules.classifier.dissent import ADVERB, AM, HERE, IK_BEN, SELF, words_of

# What a negated objection may be about: said of the plan in view.
_OBJECT = (
    r"(?: (?:to |with |against |of )?(?:it|this|that|the idea|the plan|the proposal"
    r"|the change|het|dit|dat|het idee|het plan|het voorstel))?"
)
_HEB = r"(?:ik heb|heb ik|we hebben|wij hebben|hebben we|hebben wij)"
_KAN = r"(?:(?:ik |we |wij )?(?:kan|kun|kunnen)(?: ik| we| wij)?)"

# Each alternative is whole tokens joined by one space.
_CONSENT = "|".join(
    (
        # English ("I couldn't disagree more" is the opposite)
        rf"(?:{SELF} )?(?:do|did|can|could) not (?:{ADVERB} )?disagree(?! more){_OBJECT}",
        rf"(?:{SELF} {AM} )?not (?:{ADVERB} )?(?:against|opposed){_OBJECT}",
        rf"{SELF} (?:do|would|will|'d|did) not (?:{ADVERB} )?object{_OBJECT}",
        rf"(?:{SELF} (?:have|have got|had) )?no (?:objections?|reservations?){_OBJECT}",
        rf"{SELF} do not have (?:any )?(?:objections?|reservations?){_OBJECT}",
        rf"(?:{SELF} (?:have|have got) )?nothing against{_OBJECT}",
        rf"{SELF} (?:will|would|'d) not (?:{ADVERB} )?(?:block|veto|stand in the way)(?: of)?"
        + _OBJECT,
        rf"(?:{SELF} )?(?:can|could) (?:{ADVERB} )?live with (?:it|this|that)",
        rf"{SELF} (?:do|would) not mind",
        # singular: "no problems with it" tells how a thing works
        rf"(?:{SELF} (?:have|have got) )?no (?:problem|issue) with (?:this|that)",
        r"(?:(?:that is|it is|is) )?not a bad idea",
        rf"(?:{SELF} )?can not fault{_OBJECT}",
        # Dutch
        rf"(?:{IK_BEN} het (?:{HERE} )?(?:{ADVERB} )?)?niet (?:mee )?oneens",
        rf"(?:{IK_BEN} )?(?:{HERE} )?(?:{ADVERB} )?niet (?:op )?tegen",
        rf"(?:{IK_BEN} )?(?:{ADVERB} )?niet (?:ertegen|hiertegen|daartegen)",
        rf"(?:{HERE} )?(?:{_HEB} )?(?:{HERE} )?(?:{ADVERB} )?(?:niks|niets) (?:op )?tegen",
        rf"(?:{HERE} )?(?:{_HEB} )?(?:{HERE} )?(?:{ADVERB} )?geen (?:bezwaar|bezwaren|bedenkingen)"
        r"(?: tegen)?",
        rf"(?:{HERE} )?(?:{_HEB} )?(?:{HERE} )?(?:{ADVERB} )?geen (?:probleem|moeite)"
        r" mee",
        rf"(?:{HERE} )?(?:zeg ik|ik zeg) (?:{HERE} )?geen nee tegen",
        rf"(?:{HERE} )?{_KAN} (?:{HERE} )?(?:(?:{ADVERB}|prima|goed|best) )?mee leven",
        rf"{_KAN} (?:(?:{ADVERB}|prima|goed|best) )?(?:ermee|daarmee|hiermee) leven",
        rf"ik (?:zal|ga) (?:het|dit|dat) (?:{ADVERB} )?niet (?:blokkeren|tegenhouden)",
        r"ik blokkeer (?:het|dit|dat) niet",
        r"(?:(?:dat is|is) )?geen slecht idee",
    )
)


def _norms(phrase: str) -> str:
    """A cue phrase as the norms the model reads: digits as 0 ("+1" -> "+0")."""
    return re.sub(r"\d", "0", phrase)


# The guide's consent words (`cues.py`), but those that open a record ("decision :")
# or that only a tally says ("consensus"), and those spelt with an apostrophe, whose
# norms differ ("let's" -> "let us": written out below where they matter).
_CONSENT_WORDS = sorted(
    {
        _norms(phrase)
        for phrase in (*CUES["agreement"]["strong"], *CUES["agreement"]["weak"], *CONSENT_MESSAGES)
        if not phrase.endswith(":") and "'" not in phrase and phrase != "consensus"
    }
)
# Words that keep a yes company and add no stance of their own: whose it is, how
# firmly, go-aheads and thanks. Neither "but"/"maar", "if"/"als", "only", "now", "?"
# nor anyone's name: those are the writer's reservation, question or report.
_COMPANY = (
    *_CONSENT_WORDS,
    # whose stance: the writer's
    "from me", "from my side", "from my end", "from our side", "from our end", "from us",
    "on my side", "on my end", "on my part", "for my part", "for me", "for us", "here",
    "personally", "as far as i am concerned", "van mij", "van mijn kant", "van onze kant",
    "van ons", "vanuit mij", "wat mij betreft", "wat ons betreft", "voor mij", "voor ons",
    "mijnerzijds", "hier", "ook", "also", "too", "either",
    # how firmly
    "at all", "whatsoever", "really", "honestly", "actually", "then", "so", "indeed",
    "totally", "absolutely", "certainly", "definitely", "of course", "hoor", "echt",
    "helemaal", "absoluut", "zeker", "eigenlijk", "gewoon", "verder", "dus", "dan",
    "natuurlijk", "uiteraard",
    # go ahead, and thanks
    "go for it", "go ahead", "let us do it", "let us do that", "let us go", "doe maar",
    "ga je gang", "ga ervoor", "fine", "good", "great", "cool", "nice", "happy", "thanks",
    "thank you", "cheers", "bedankt", "dank je", "dank je wel", "dankjewel", "dank",
    "succes", "good luck", "xxuser",
)  # fmt: skip
# Emoji of a yes or a smile, and punctuation but the question mark, as spaCy's tokens
# ("!", "...", ":)", ":-)").
_MARKS = r"[.,!:;…()\-]+|:-?\)|[👍👌✅✔🙂😊😀😄🙌💯👏🎉☺🤝✌💪❤]"
_CONSENT_PATTERN = re.compile(_CONSENT)


def _spelt_otherwise(phrase: str, others: frozenset[str]) -> bool:
    """Whether `phrase` is a negated objection, or words of `others` one after another
    ("same here": "same", "here"): the whole message reads the same without it."""
    if _CONSENT_PATTERN.fullmatch(phrase):
        return True
    words = phrase.split(" ")
    ends = {0}  # how many of its words `others` can spell
    for end in range(1, len(words) + 1):
        if any(" ".join(words[start:end]) in others for start in ends):
            ends.add(end)
    return len(words) in ends


# Company spelt by other company ("same here") or as a negated objection ("geen
# bezwaar") is left out of the pattern: a message reads the same without it, in fewer
# ways (trying both ways of eleven "same here" in a message that fails cost 25-40 ms).
_PIECES = frozenset(_COMPANY)
_COMPANY_PATTERN = "|".join(
    [
        *(
            re.escape(phrase)
            for phrase in sorted(_PIECES, key=len, reverse=True)
            if not _spelt_otherwise(phrase, _PIECES - {phrase})
        ),
        _MARKS,
    ]
)
# The whole message: company, a negated objection, then negated objections and company.
_WHOLE_STANCE = re.compile(
    rf"(?:(?:{_COMPANY_PATTERN}) )*(?P<consent>{_CONSENT})(?: (?:{_CONSENT}|{_COMPANY_PATTERN}))*"
)
# A message may consent so only if it holds one of these words or phrases (each
# pattern above has one), and is short: a whole stance said in more than this many
# characters would be the first. Most messages are passed over by these tests.
_WORDS = frozenset(
    {
        "disagree", "against", "opposed", "object", "objection", "objections",
        "reservation", "reservations", "block", "veto", "way", "live", "mind", "bad",
        "fault", "oneens", "tegen", "ertegen", "hiertegen", "daartegen", "bezwaar",
        "bezwaren", "bedenkingen", "moeite", "leven", "blokkeren", "blokkeer",
        "tegenhouden", "slecht",
    }
)  # fmt: skip
# Words common alone (one in fifteen of the bench's short messages holds "problem", "issue"
# or "probleem"), looked for in their phrase.
_PHRASES = ("problem with", "issue with", "probleem mee")
MOST_CHARACTERS = 120


def may_consent(text: str) -> bool:
    """Whether `text` (a message as normalised for the model) is short and holds a word
    a negated objection is stated with; a cheap test before `consent_in`."""
    if len(text) > MOST_CHARACTERS:
        return False
    text = text.lower()
    return any(phrase in text for phrase in _PHRASES) or not _WORDS.isdisjoint(words_of(text))


def consent_in(norms: Sequence[str]) -> str | None:
    """The negated objection a message consents by ("geen bezwaar"), as token norms,
    where it and words that keep a yes company are all the message says; else None."""
    found = _WHOLE_STANCE.fullmatch(" ".join(norms))
    return None if found is None else found.group("consent")
