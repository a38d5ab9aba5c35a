"""Whether an edit of a proposal only fixed typos, so that what the table said to its
earlier words still holds ("once a weak" -> "once a week", "vergadring" ->
"vergadering", a comma, an emoji), or changed what it proposes, so that it does not.

A typo fix is the same words in the same order, whatever their case, punctuation,
emoji or spacing, with a few letters put right: at most MAX_LETTERS in all, one a word
(two in a long word), never in a word of one or two letters ("in" -> "on"). A number
changed ("7am" -> "8am", a mention's id), a negation added or taken away ("can" ->
"can't", "een" -> "geen", "now" -> "not"), one day, month or number word for another
("Tuesday" -> "Thursday", "jun" -> "jul"), or a word added, dropped or moved is a
change of substance. Where in doubt it is one: a yes asked again costs a message, a
yes kept for other words is consent nobody gave.
"""

from __future__ import annotations

import re
import unicodedata

# Letters put right in the whole message, at most: "a few characters".
MAX_LETTERS = 3
# A word this long may have two letters put right ("definately" -> "definitely").
LONG_WORD = 8
# Shorter words changed are other words, not typos: "in"/"on", "we"/"me", "am"/"pm".
SHORTEST_FIXED = 3

# A word (letters and digits, an apostrophe inside it: "can't", "zo'n"); punctuation,
# emoji, markup (*bold*, _italic_) and spacing are not words.
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Emoji written as names: Slack's :tada: and :+1::skin-tone-2:, Discord's <:name:id>.
_EMOJI_NAME = re.compile(r"<a?:\w+:\d+>|:[a-z0-9_+'-]+:")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})

NEGATIONS = frozenset(
    {
        # English, with the apostrophe forgotten too ("dont")
        "not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor",
        "cannot", "cant", "dont", "doesnt", "didnt", "wont", "wouldnt", "couldnt",
        "shouldnt", "isnt", "arent", "wasnt", "werent", "hasnt", "havent", "hadnt",
        "mustnt", "neednt", "shant", "aint",
        # Dutch
        "niet", "geen", "nooit", "niets", "niks", "niemand", "nergens", "noch", "nee",
    }
)  # fmt: skip
# Words of one kind where one for another changes what is proposed, however alike they
# are written: days, months and numbers, English and Dutch.
_KINDS = (
    frozenset(
        {
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
            "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
        }
    ),
    frozenset(
        {
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "januari", "februari", "maart",
            "mei", "juni", "juli", "augustus", "oktober", "jan", "feb", "mar", "mrt", "apr",
            "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec",
        }
    ),
    frozenset(
        {
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "twenty", "thirty", "hundred", "thousand", "million",
            "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
            "elf", "twaalf", "twintig", "dertig", "honderd", "duizend", "miljoen",
        }
    ),
)  # fmt: skip


def only_typos_fixed(before: str, after: str) -> bool:
    """Whether `after` says what `before` said, a few typos put right."""
    old, new = words(before), words(after)
    if old == new:
        return True  # case, punctuation or emoji only
    if "".join(old) == "".join(new) and _numbers(old) == _numbers(new):
        return True  # spacing only ("every day" -> "everyday"), its numbers as they were
    if len(old) != len(new):
        return False
    fixed = 0
    for was, now in zip(old, new, strict=True):
        if was != now:
            letters = _letters_fixed(was, now)
            if letters is None:
                return False
            fixed += letters
    return fixed <= MAX_LETTERS


def words(text: str) -> list[str]:
    """The words of a text, case folded: what an edit is compared by."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return _WORD.findall(_EMOJI_NAME.sub(" ", folded))


def a_typo_away(typed: str, meant: str) -> bool:
    """Whether the word `typed` could be `meant` mistyped: a letter put in, left out,
    changed or swapped with its neighbour (two in a long word), digits never. Unlike a
    typo fix of an edit, short words count ("non" for "no"), and negations and kinds are
    not told apart: it only says what to ask about, never what to decide."""
    if typed == meant:
        return False
    if any(c.isdigit() for c in typed + meant):
        return False
    most = 2 if min(len(typed), len(meant)) >= LONG_WORD else 1
    return _distance(typed, meant, most) <= most


def _letters_fixed(was: str, now: str) -> int | None:
    """How many letters turned `was` into `now`, if that is a typo fixed; else None."""
    if min(len(was), len(now)) < SHORTEST_FIXED:
        return None
    if any(c.isdigit() for c in was + now):
        return None
    if _negative(was) != _negative(now):
        return None
    if any(was in kind and now in kind for kind in _KINDS):
        return None
    most = 2 if min(len(was), len(now)) >= LONG_WORD else 1
    letters = _distance(was, now, most)
    return letters if letters <= most else None


def _numbers(words: list[str]) -> list[str]:
    return [w for w in words if any(c.isdigit() for c in w)]


def _negative(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't")


def _distance(a: str, b: str, most: int) -> int:
    """Letters inserted, dropped, replaced or swapped with their neighbour ("teh" ->
    "the" is one) to turn `a` into `b` (optimal string alignment distance), or
    most + 1 when it is more than `most`.

    Only cells within `most` of the diagonal are worked out: a path through any
    other costs more than `most` already, so a long word takes time in its length,
    not its length squared."""
    beyond = most + 1
    if abs(len(a) - len(b)) > most:
        return beyond
    # Rows hold only their cells near the diagonal (column: distance); any other is
    # more than `most`.
    earlier: dict[int, int] = {}
    before: dict[int, int] = {}
    row = {j: j for j in range(min(len(b), most) + 1)}
    for i, x in enumerate(a, 1):
        earlier, before, row = before, row, {}
        if i <= most:
            row[0] = i
        for j in range(max(1, i - most), min(len(b), i + most) + 1):
            y = b[j - 1]
            cell = min(
                before.get(j, beyond) + 1,
                row.get(j - 1, beyond) + 1,
                before.get(j - 1, beyond) + (x != y),
            )
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cell = min(cell, earlier.get(j - 2, beyond) + 1)
            row[j] = min(cell, beyond)
        if min(row.values()) > most:
            return beyond
    return row.get(len(b), beyond)
