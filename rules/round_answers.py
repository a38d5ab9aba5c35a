"""How a typed answer to a concern round is read: "no concern", or a concern to note.

People answer "any concerns?" the way they answer any yes-or-no question about a plan:
"none", "nope", "nee hoor", "geen bezwaar", or with plain consent ("fine by me",
"sounds good", "mee eens", "lijkt me goed", "ik kan ermee leven", "👍"), often with a
few friendly words around it ("none from me, thanks!"). Such an answer is no concern.
Anything else is a concern, kept as written: a hedge ("fine for now"), a condition
("ok if we review it"), a "but", a question mark, any words this reader does not know.
A concern read as none is worse than the reverse, so only whole answers made of known
phrases count as none.

An answer is cut at punctuation, dashes, "and"/"en" and emoji into parts. Every part
must be a run of known phrases, and at least one phrase must say "no concern" or
consent; the others may only be friendly words ("thanks", "hoor", "from me", "🙂").
A bare "yes" ("ja", "sure") answers the round's question, "do you have concerns?",
with yes, so on its own it stays a concern; "yes, fine" is consent.
Whom an answer is said to is no part of it: "<@U1> none", "geen @anna" (people @ the
facilitator); its emoji are ("none :-1:" stays a concern).
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache

from rules.folding import fold
from rules.markup import without_mentions
from rules.typo_fixes import a_typo_away, words


class _Kind(Enum):
    CONSENT = "consent"  # says "no concern" or "agreed"
    GO_AHEAD = "go ahead"  # consent as an order, "ship it", "doen": may be a proposal too
    BARE_NO = "bare no"  # "no", "geen", "not really": nothing that says more may follow it
    FRIENDLY = "friendly"  # adds nothing: "thanks", "from me", "hoor", "yes"


def _one_of(words: str) -> str:
    """A regex for one of the "|"-separated phrases in `words` (line breaks ignored)."""
    return "(?:" + "|".join(w.strip() for w in words.split("|")) + ")"


# What "no"/"geen" negate: "no real objections", "geen verdere opmerkingen".
_EN_CONCERN = _one_of("""concern | concerns | objection | objections | worry | worries | problem |
    problems | issue | issues | reservation | reservations | comment | comments | remark |
    remarks | question | questions | complaint | complaints | blocker | blockers | doubt |
    doubts | qualms | red flag | red flags | notes | pushback | feedback""")
_EN_MORE = _one_of("""real | big | major | particular | specific | further | other | more |
    additional | serious | new | special | strong""")
_NL_CONCERN = _one_of("""zorg | zorgen | zorgpunten | bezwaar | bezwaren | bezwaartje |
    bezwaartjes | probleem | problemen | probleempje | probleempjes | opmerking | opmerkingen |
    vraag | vragen | vraagje | vraagjes | bedenking | bedenkingen | punt | punten | twijfel |
    twijfels | klacht | klachten | aanmerking | aanmerkingen | kanttekening | kanttekeningen |
    issue | issues | moeite""")
_NL_MORE = _one_of("""echte | grote | verdere | andere | bijzondere | specifieke | nieuwe |
    ernstige | extra | overige""")
_EN_GOOD = _one_of("""fine | good | great | ok | perfect | excellent | reasonable | sensible |
    grand | cool | nice | solid | alright | all right | lovely | brilliant | awesome | super |
    fantastic | wonderful | spot on""")
_NL_GOOD = _one_of("""goed | prima | top | mooi | super | fijn | perfect | ok | akkoord |
    uitstekend | prachtig | in orde | geweldig""")
_VERY = _one_of("""really | very | totally | perfectly | absolutely | completely | all | heel |
    erg | zeer | helemaal | echt | prima""")
_IT = "(?:it|this|that)"
_NL_PLAN = "(?:een )?(?:goed|prima|mooi|top|sterk) (?:plan|idee|voorstel)"

_PHRASES: dict[_Kind, tuple[str, ...]] = {
    _Kind.CONSENT: (
        # English: no concern, in so many words
        f"(?:(?:i|we) (?:have|see|got|have got|foresee) )?(?:no|zero|not (?:a|any|one|a single))"
        f" (?:{_EN_MORE} )?{_EN_CONCERN}",
        f"(?:i|we) (?:do not|cannot|did not) (?:have|see|foresee) (?:a|any) (?:{_EN_MORE} )?"
        f"{_EN_CONCERN}",
        f"there (?:is|are) no (?:{_EN_MORE} )?{_EN_CONCERN}",
        "(?:(?:i am|we are) )?not (?:worried|concerned|bothered|opposed)",
        "not (?:a|an) (?:concern|issue|problem|worry)",
        "(?:none|nothing) at all|nothing (?:to add|to raise|to report|to mention|further|else)",
        "np|n/a|-|not applicable|nvt|niet van toepassing",  # Dutch writes n/a "n.v.t."
        # English: consent
        f"(?:(?:that|this|it|all) )?(?:sounds|looks|seems) (?:{_VERY} )?(?:{_EN_GOOD}|right)",
        f"(?:(?:that|this|it) (?:is|would be) |(?:i am|we are) |all |am )?(?:{_VERY} )?"
        f"(?:{_EN_GOOD}|happy|on board|good to go)",
        f"(?:(?:i am|we are) )?happy to (?:go ahead|proceed|go with {_IT}|support {_IT})",
        f"(?:{_IT} )?sounds like a (?:good |great )?plan|(?:{_IT} )?makes sense",
        f"(?:i |we )?(?:(?:fully|totally|completely|absolutely|wholeheartedly) )?"
        f"(?:agree|agreed|concur|consent|approve|approved|support {_IT}|second {_IT}|seconded)",
        f"(?:i |we )?can live with {_IT}|(?:{_IT} )?works(?: for (?:me|us))?",
        f"deal|fair enough|(?:i )?(?:love|like) (?:{_IT}|the idea|this idea|that idea)",
        "(?:(?:that|this|it) is a )?(?:good|great|nice) (?:idea|plan|call)",
        "count me in|(?:i am|we are) in|in favou?r|lgtm|sgtm|\\+1|[👍👌✅✔☑🙌💯🆗👏🤝]",
        # Dutch: no concern, in so many words
        f"(?:(?:ik|wij|we) (?:heb|hebben|zie|zien)(?: er| hier| daar)? |(?:daar|hier|er)"
        f" (?:heb|zie) ik |(?:heb|zie) ik (?:er |hier |daar )?)?(?:geen(?: enkele| enkel)?"
        f"|helemaal geen|nul)"
        f" (?:{_NL_MORE} )?{_NL_CONCERN}",
        "(?:ik maak (?:me|mij)|maak ik (?:me|mij))(?: er| daar| hier)? geen zorgen",
        "(?:ik ben )?niet (?:bezorgd|ongerust)",
        "(?:(?:ik heb|heb ik)(?: er| daar| hier)? )?(?:niets|niks) (?:op aan te merken"
        "|aan te merken|aan toe te voegen|toe te voegen|in te brengen|te melden|op tegen|tegen)",
        "(?:(?:daar|hier|er) is )?(?:niets|niks) mis (?:mee|aan)",
        # Dutch: consent
        f"(?:(?:dat|het|dit) )?(?:lijkt (?:me|mij)|klinkt|ziet er) (?:{_VERY} )?"
        f"(?:{_NL_GOOD}|logisch|redelijk|verstandig|zinnig|{_NL_PLAN})(?: uit)?",
        f"(?:(?:dat|het|dit) (?:is|lijkt me|vind ik) |is |(?:ik ben|ben ik|ik vind het|vind ik"
        f"|ik vind dat) )?(?:{_VERY} )?{_NL_GOOD}",
        f"(?:(?:dat|het|dit) is |ik vind het |vind ik )?{_NL_PLAN}",
        "(?:(?:ik ben|ben ik|we zijn|wij zijn|ben) )?(?:het )?(?:(?:helemaal|volledig|roerend) )?"
        "(?:(?:er ?)?(?:helemaal |volledig )?mee )?eens",  # "ik ben het ermee eens", "mee eens"
        "(?:ik |wij |we )?(?:ga|gaan) (?:er ?mee |hiermee |daarmee |mee )?akkoord",
        "(?:ik kan|kan ik|we kunnen|wij kunnen)(?: (?:er|daar|hier))?(?: (?:prima|goed|best|wel))?"
        " ?mee leven|(?:daar|hier) kan ik (?:(?:prima|goed|best|wel) )?mee leven",
        "(?:(?:dat|het|dit) )?werkt(?: voor (?:mij|ons))?",
        f"(?:voor )?mij (?:best|prima|goed)|{_NL_GOOD} voor mij",
        # Fronted "for me" turns the word order round: "voor mij is het oké", "wat mij
        # betreft is dat prima", "van mij mag het". Never "is het goed" alone: a question.
        f"(?:voor mij|wat mij betreft|van mij|van mijn kant) is (?:het|dat|dit) (?:{_VERY} )?"
        f"{_NL_GOOD}",
        "(?:van mij|wat mij betreft|voor mij) mag (?:het|dat)(?: doorgaan)?",
        "(?:ik )?steun (?:ik|het|dit|dat)|(?:ik )?sta (?:er ?)?achter|(?:ik ben )?(?:er )?voor",
    ),
    _Kind.GO_AHEAD: (
        f"go ahead|go for it|(?:let us )?(?:do|try) {_IT}|let us go(?: for it)?|ship it",
        "zo doen we (?:het|dat)|doen we (?:het )?zo|zo doen|gaan we doen|proberen we (?:het|dat)?",
        "ga je gang|ga (?:er ?)?voor|ga door|doen|doe maar|laten we (?:het )?doen|mag door"
        "|kan door",
    ),
    _Kind.BARE_NO: (
        _one_of("""no | nope | nah | none | nothing | not really | not at all | not from me |
            not here | not for me | not on my side | not that i can see | not that i know of |
            not that i can think of"""),
        _one_of("""nee | neen | geen | niets | niks | niet echt | helemaal niet | welnee |
            niet dat ik weet | niet dat ik zie"""),
    ),
    _Kind.FRIENDLY: (
        _one_of("""yes | yeah | yep | yup | ya | sure | absolutely | definitely | of course |
            certainly | also | then | from me | from my side | from my end | on my side |
            on my end | here | at all | whatsoever | either | really | so far | for me | by me |
            with me | to me | for us | personally | to add | to raise | to report | to mention |
            thanks | thank you | thx | ty | cheers | good luck"""),
        f"(?:that )?i (?:can see|know of|can think of)"
        f"|(?:with|about|on|regarding) (?:{_IT}|the proposal|the plan)",
        _one_of("""ja | jazeker | jawel | jep | jup | zeker | natuurlijk |
            uiteraard | ook | dan | hoor | met mij | van mij | van mijn kant | vanuit mij |
            van mij uit | voor mij | wat mij betreft | bij mij | hier | mijnerzijds | helemaal |
            verder | eigenlijk | mee | tegen | aan | over | op | hierover | daarover | ermee |
            hiermee | daarmee | ertegen | hiertegen | daartegen | zo | dank | dank je |
            dank je wel | dankjewel | dank u wel | dankuwel | bedankt | succes | veel succes |
            van mijnentwege | allee | allez"""),
        "(?:die|dat) ik (?:kan bedenken|zie|weet)|(?:over|met|tegen|op|bij) (?:dit|het)"
        " (?:voorstel|plan)",
        "[🙂😊😀😃😄😁🙏🎉☺🚀💪❤🥳]",
    ),
}

# Slack writes emoji as names.
_EMOJI_NAMES = {
    "+1": "👍", "thumbsup": "👍", "ok_hand": "👌", "white_check_mark": "✅",
    "heavy_check_mark": "✔", "ballot_box_with_check": "☑", "raised_hands": "🙌", "100": "💯",
    "ok": "🆗", "clap": "👏", "handshake": "🤝", "slightly_smiling_face": "🙂", "smile": "😄",
    "blush": "😊", "pray": "🙏", "tada": "🎉", "rocket": "🚀", "muscle": "💪", "heart": "❤",
}  # fmt: skip
_EMOJI_NAME = re.compile(r":([a-z0-9_+-]+):")
# Skin tones, emoji presentation and Slack's tone suffix do not change what an emoji says.
_EMOJI_VARIANT = re.compile(r"[\ufe0f\u200d\U0001f3fb-\U0001f3ff]|:skin-tone-\d:")
_CONTRACTIONS = {
    "i'm": "i am", "im": "i am", "i've": "i have", "we're": "we are", "we've": "we have",
    "don't": "do not", "dont": "do not", "can't": "cannot", "cant": "cannot",
    "didn't": "did not", "didnt": "did not", "that's": "that is", "thats": "that is",
    "it's": "it is", "let's": "let us", "lets": "let us", "there's": "there is",
    "oké": "ok", "oke": "ok", "okee": "ok", "okay": "ok", "okey": "ok", "okido": "ok",
    "oki": "ok", "k": "ok", "kk": "ok",
    # Dutch and Flemish as spoken: "da's goed", "'t is goed", "'k vind het goed", "tis oké".
    "da's": "dat is", "das": "dat is", "'t": "het", "t": "het", "'tis": "het is",
    "tis": "het is", "'k": "ik", "'n": "een", "'m": "hem", "m'n": "mijn", "z'n": "zijn",
    "nie": "niet",
}  # fmt: skip
# "n.v.t.", "n. v. t.": Dutch for n/a, niet van toepassing.
_NVT = re.compile(r"(?<!\w)n\.\s?v\.\s?t(?:\.|\b)")
_SMILEY = re.compile(r"(?<!\S)[:;]-?[)D](?!\S)")
# Where an answer's parts meet: punctuation, a dash between words, "and", "en", "&" (and
# a line break, made a comma first).
_BETWEEN_PARTS = re.compile(r"[,.;:!]+|\s[-–—]+\s|\s(?:and|en|&)\s")
# Symbols and emoji stand apart, each a part of its own; "+1", "n/a" and "-" stay whole.
_SYMBOL = re.compile(r"([^\w\s'+/-])")


def means_no_concern(answer: str) -> bool:
    """Whether a typed answer to a concern round says "no concern" (see the module)."""
    return _says_none(answer, _SAY_NONE)


def answers_rather_than_proposes(text: str) -> bool:
    """Whether the text given to /concerns is an answer to a round ("geen zorgen", "sounds
    good") rather than a proposal to ask about. A go-ahead alone ("ship it", "doen") may
    be the proposal itself, so it is not taken for an answer here."""
    return _says_none(text, _SAY_NONE - {_Kind.GO_AHEAD})


_SAY_NONE = frozenset({_Kind.CONSENT, _Kind.GO_AHEAD, _Kind.BARE_NO})


# The shortest ways to say "no concern": one or two words, where a typo ("non", "gene",
# "geen zorgn") leaves an answer nobody meant as a concern, nor surely as none.
_SHORT_NONES = (
    "none", "no", "nope", "nee", "geen", "niets", "niks", "nothing",
    "no concerns", "no concern", "geen zorgen", "geen zorg", "geen bezwaar",
)  # fmt: skip


def nearly_no_concern(answer: str) -> str | None:
    """The short no-concern answer a typed answer is a typo away from ("non": "none",
    "gene": "geen", "geen zorgn": "geen zorgen"), to ask which was meant; None when it
    says no concern already, or is words of its own ("cost", "noise", a sentence)."""
    typed = words(without_mentions(answer))
    if not 1 <= len(typed) <= 2 or means_no_concern(answer):
        return None
    if " ".join(typed) in _SHORT_NONES:
        return None  # "none?", "none 👎": the word itself, and the concern it makes it
    for meant in _SHORT_NONES:
        said = meant.split()
        pairs = list(zip(typed, said, strict=False))
        if (
            len(said) == len(typed)
            and any(a_typo_away(word, one) for word, one in pairs)
            and all(word == one or a_typo_away(word, one) for word, one in pairs)
        ):
            return meant
    return None


def _says_none(answer: str, saying: frozenset[_Kind]) -> bool:
    says_none = False
    # Whom it is said to is no part of it: people @ the facilitator ("<@U1> none").
    for part in _BETWEEN_PARTS.split(_normalised(without_mentions(answer))):
        if words := tuple(part.split()):
            reading = _reading(words, saying)
            if reading is None:
                return False
            says_none = says_none or reading
    return says_none


def _normalised(answer: str) -> str:
    text = _EMOJI_NAME.sub(lambda m: _EMOJI_NAMES.get(m.group(1), m.group(0)), fold(answer))
    text = _NVT.sub("nvt", text)  # before its full stops cut it into parts
    text = text.replace("\n", ", ")
    text = _EMOJI_VARIANT.sub("", text).replace("’", "'").replace("‘", "'")
    text = _SMILEY.sub("🙂", text).replace("100%", "💯")
    text = _SYMBOL.sub(r" \1 ", text)
    return " ".join(_CONTRACTIONS.get(word, word) for word in text.split())


def _reading(words: tuple[str, ...], saying: frozenset[_Kind]) -> bool | None:
    """True when a part says no concern (a phrase of a kind in `saying`), False when it
    only has friendly words, None when it says anything else, or says "no" and then more
    ("geen goed plan", "no good")."""
    if len(words) > _LONGEST_PART:
        return None

    @cache
    def read(at: int, after_a_bare_no: bool) -> bool | None:
        if at == len(words):
            return False
        best: bool | None = None
        for end in range(at + 1, min(len(words), at + _LONGEST_PHRASE) + 1):
            phrase = " ".join(words[at:end])
            for kind in _kinds_of(phrase):
                if after_a_bare_no and kind in (_Kind.CONSENT, _Kind.GO_AHEAD):
                    continue
                rest = read(end, after_a_bare_no or kind is _Kind.BARE_NO)
                if rest is None:
                    continue
                if kind in saying or rest:
                    return True
                best = False
        return best

    return read(0, False)


def _kinds_of(phrase: str) -> list[_Kind]:
    return [kind for kind, pattern in _PATTERNS if pattern.fullmatch(phrase)]


_LONGEST_PHRASE = 8  # words: "ik heb er niets op aan te merken"
_LONGEST_PART = 24  # words: more is never friendly words around a "no"
_PATTERNS = tuple(
    (kind, re.compile("|".join(f"(?:{pattern})" for pattern in patterns)))
    for kind, patterns in _PHRASES.items()
)
