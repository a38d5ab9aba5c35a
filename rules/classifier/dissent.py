"""Does a message state dissent or an objection in its writer's own voice?

The trained model reads "Ik ben het er niet mee eens" as agreement 0.94: its consent
words outweigh their negation, and more corpus did not cure it (training/RESULTS.md,
"Dissent read as consent, round 18"). A bot that counts "I disagree" as a yes betrays
the consent round, so this guard, explicit and deterministic, overrules the model: a
message it fires on carries no agreement and carries concern (data/ANNOTATION.md,
rule 67: dissent said of a plan in view is concern).

It reads token norms as the model does ("don't" -> "do not", "I'm" -> "i am"), in
one pass of one compiled pattern. What is not dissent, as carefully: a negated
objection ("geen bezwaar", "I don't disagree", "niet oneens", "not against"; the
concern cues' local negations in `cues.py`), a question ("any objections?", "ben je
het er niet mee eens?"), someone else's dissent reported ("Ahmed is het er niet mee
eens", "they disagree"), and objection as a procedure ("bezwaar en beroep", "the
objection period").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from rules.classifier.cues import CUES
from rules.classifier.negation import CLAUSE_ENDS, NEGATORS

# Words that may stand between "I" and the verb without changing the stance (shared
# with the consent guard, `consent.py`, as are the other fragments here).
ADVERB = (
    r"(?:really|strongly|totally|completely|fully|respectfully|just|still|very much|firmly"
    r"|honestly|actually|echt|helemaal|totaal|absoluut|dus|gewoon|zeker|fel|sterk|toch|wel)"
)
SELF = r"(?:i|we)"  # "I'm" reads "i am" or "i m"
AM = r"(?:am|m|are|re)"
IK_BEN = r"(?:ik ben|ben ik|we zijn|wij zijn|zijn we|zijn wij)"
HERE = r"(?:er|hier|daar)"
_ONE = r"(?:één|eén|een|0|one|an|a|my|mijn)"  # digits read as 0 (normalise)

# Each alternative is whole tokens joined by one space.
_DISSENT = "|".join(
    (
        # English
        rf"{SELF} (?:{ADVERB} )?disagree",
        rf"^(?:{ADVERB} )?disagree",
        # "I couldn't agree more" is the opposite
        rf"{SELF} (?:do|can|could) not (?:{ADVERB} )?agree(?! more| with you more)",
        rf"{SELF} (?:{ADVERB} )?object",
        rf"{SELF} (?:would|'d) (?:{ADVERB} )?(?:object|block|veto)",
        rf"{SELF} (?:{ADVERB} )?(?:veto|block) (?:this|that|it)",
        rf"{SELF} {AM} (?:{ADVERB} )?against",
        rf"{SELF} {AM} not (?:{ADVERB} )?(?:on board|in favou?r)",
        rf"{SELF} (?:have|have got|'ve got|raise) (?:{_ONE} )?(?:{ADVERB} )?objections?",
        rf"{SELF} (?:vote|am voting) (?:no|against)",
        r"(?:^|[.;:,] )(?:(?:one|an|my|0|a) )?objections? (?:from me|here)",
        rf"(?:^|[.;] )(?:{_ONE} )?objections? :",
        r"not on board",
        r"(?:hard|firm|big) no",
        r"(?:a )?no from me",
        rf"{SELF} (?:can|could) not (?:{ADVERB} )?(?:support|get behind|go along with)",
        # Dutch
        r"niet (?:helemaal |echt |zo )?mee eens",
        rf"{IK_BEN} het (?:{HERE} )?(?:{ADVERB} )?niet (?:{ADVERB} )?(?:mee )?eens",
        rf"^(?:{ADVERB} )?oneens",
        rf"{IK_BEN} het (?:{HERE} )?(?:{ADVERB} )?(?:mee )?oneens",
        r"(?:^|[.;:,] )niet akkoord",
        rf"ik ga (?:{HERE} )?(?:{ADVERB} )?niet (?:mee )?akkoord",
        rf"{IK_BEN} (?:{ADVERB} )?(?:ertegen|hiertegen|daartegen)",
        rf"{IK_BEN} (?:{ADVERB} )?(?:er )?tegen(?= (?:dit|dat|het|die|deze|om|[.,;:?]|$))",
        rf"ik (?:heb|maak) (?:{HERE} )?(?:{_ONE} )?(?:{ADVERB} )?(?:bezwaar|bezwaren)",
        rf"(?:^|[.;] )(?:{_ONE} )?(?:bezwaar|bezwaren) (?:van mij )?:",
        r"(?:^|[.;:,] )(?:(?:één|eén|een|0|mijn) )?bezwaar van mij",
        rf"(?:kan|kun) (?:ik )?(?:{HERE} )?niet (?:mee )?(?:instemmen|akkoord gaan)",
        rf"(?:kan|kun) (?:ik )?{HERE} niet mee leven",
        r"ik stem tegen",
        r"(?:dikke |harde )?nee van mij",
        r"van mij een (?:dikke |harde )?nee",
        # Either language: a thumbs down or a -1 opening the message (digits read as 0;
        # "-3 dinsdagnacht volgens het KMI" is the weather)
        r"^👎",
        r"^-0(?= (?:from|van|on|for|as|op|voor|until|tot|\(|[,.:;!])|$)",
    )
)
_DISSENT_PATTERN = re.compile(rf"(?<![^ ])(?:{_DISSENT})(?![^ ])")
# A message may state dissent only if it holds one of these words (each pattern above
# has one): most do not, and are passed over by a split of their text, without the
# cost of reading their tokens (a search for the words as one pattern cost four times
# as much: training/RESULTS.md, "Dissent, stated").
_WORDS = frozenset(
    {
        "disagree", "agree", "object", "objection", "objections", "block", "veto", "vote",
        "voting", "against", "support", "behind", "along", "eens", "oneens", "akkoord",
        "ertegen", "hiertegen", "daartegen", "tegen", "bezwaar", "bezwaren", "instemmen",
    }
)  # fmt: skip
# Patterns whose words are common alone ("no", "board", "leven"): looked for whole.
_PHRASES = (
    "hard no", "firm no", "big no", "no from", "nee van", "on board", "in favo", "mee leven",
)  # fmt: skip
_OPENINGS = ("-0", "👎")
_APART = (",", ".", ":", ";", "!", "?")
# Not dissent, where they overlap a match: the concern cues' own negations ("geen
# bezwaar", "no objection", "bezwaar en beroep"), a procedure and a double negation.
_NOT_DISSENT = re.compile(
    r"(?<![^ ])(?:"
    + "|".join(re.escape(phrase) for phrase in CUES["concern"]["negate_local"])
    + r"|objection period|bezwaartermijn|bezwaarperiode|niet oneens|not against)(?![^ ])"
)
# A negation this many words before a match, in its clause, takes it back ("not that
# I object", "niemand is ertegen").
_NEGATED_BEFORE = 3
_NEGATIONS = frozenset(NEGATORS) | {"no", "nobody", "niemand", "none", "geen"}
# Someone else's dissent, told: a third person, or a verb that reports, in the clause
# before the match ("Ahmed is het er niet mee eens", "she said she'd object").
_REPORTED = frozenset(
    {
        "he", "she", "they", "hij", "zij", "ze", "is", "was", "waren", "were", "said",
        "says", "zei", "zegt", "zeiden", "vindt", "vond", "vonden", "thinks", "thought",
        "felt", "if", "als", "whether", "wie", "who", "anyone", "iemand",
        "somebody", "someone", "everyone", "iedereen",
    }
)  # fmt: skip
_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "...", "…"})


def may_dissent(text: str) -> bool:
    """Whether `text` (a message as normalised for the model, digits read as 0) holds a
    word dissent is stated with; a cheap test before `dissent_in`."""
    if text.startswith(_OPENINGS):
        return True
    text = text.lower()
    if any(phrase in text for phrase in _PHRASES):
        return True
    return not _WORDS.isdisjoint(words_of(text))


def words_of(lowered: str) -> list[str]:
    """The words of a lowered text, punctuation set apart: what a guard's cheap test
    looks for its words in, without the cost of reading the text's tokens."""
    for mark in _APART:
        lowered = lowered.replace(mark, " ")
    return lowered.split()


def dissent_in(norms: Sequence[str]) -> str | None:
    """The words stating dissent in the writer's own voice, as token norms ("niet mee
    eens"), or None: no such words, or only negated, asked, reported ones."""
    joined = " ".join(norms)
    if _DISSENT_PATTERN.search(joined) is None:
        return None
    starts = _token_starts(norms)
    excluded = [match.span() for match in _NOT_DISSENT.finditer(joined)]
    for match in _DISSENT_PATTERN.finditer(joined):
        span = match.span()
        if any(_overlap(span, other) for other in excluded):
            continue
        first, last = _token_at(starts, span[0]), _token_at(starts, span[1] - 1)
        if _taken_back(norms, first) or _asked(norms, last):
            continue
        return match.group(0).strip(" .;:,")
    return None


def _token_starts(norms: Sequence[str]) -> list[int]:
    starts, position = [], 0
    for norm in norms:
        starts.append(position)
        position += len(norm) + 1
    return starts


def _token_at(starts: list[int], offset: int) -> int:
    """The token that holds character `offset` of the joined norms."""
    return bisect_right(starts, offset) - 1


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _taken_back(norms: Sequence[str], first: int) -> bool:
    """A negation shortly before, or someone else as the subject, in the same clause."""
    if norms[first] in CLAUSE_ENDS or norms[first] in _SENTENCE_ENDS:
        return False  # the match opens with the end of the clause before it
    for distance, position in enumerate(range(first - 1, -1, -1)):
        norm = norms[position]
        if norm in CLAUSE_ENDS or norm in _SENTENCE_ENDS:
            return False
        if norm in _REPORTED or (distance < _NEGATED_BEFORE and norm in _NEGATIONS):
            return True
    return False


def _asked(norms: Sequence[str], last: int) -> bool:
    """Whether the sentence the match ends in is a question."""
    for norm in norms[last + 1 :]:
        if norm in _SENTENCE_ENDS:
            return norm == "?"
    return False
