"""Tell English from Dutch in short chat messages, cheaply and without a model.

Function words settle most messages, greetings and short replies the shortest; a few
Dutch spelling patterns settle the rest.
When nothing tips the balance the caller's fallback (the channel's language) wins.

German and French share words with Dutch ("die", "echt", "en"): read by Dutch and
English words alone, "Die Tür ist kaputt" was Dutch, and its writer was answered in
Dutch. Their own frequent words tell them apart: a message in neither language the bot
speaks gives no sign (the table's language answers, else English), and
`in_another_language` tells the engine not to act on what its classifier, taught on
English and Dutch only, would guess of it.
"""

from __future__ import annotations

import re

from rules.markup import without_markup

_DUTCH = frozenset(
    [
        "aan",
        "afspraak",
        "akkoord",
        "allemaal",
        "alles",
        "allez",
        "als",
        "altijd",
        "alweer",
        "amai",
        "bedankt",
        "bezig",
        "bij",
        "bijna",
        "correctie",
        "daar",
        "daarom",
        "dan",
        "dank",
        "dankjewel",
        "dankuwel",
        "dat",
        "de",
        "den",
        "denk",
        "deze",
        "die",
        "dit",
        "doei",
        "doen",
        "doet",
        "dus",
        "echt",
        "een",
        "eens",
        "efkes",
        "eigenlijk",
        "en",
        "er",
        "eraan",
        "eruit",
        "even",
        "ff",
        "fijn",
        "fout",
        "gaan",
        "gaat",
        "ge",
        "gedaan",
        "geen",
        "gefixt",
        "gelukt",
        "geweest",
        "gewoon",
        "gij",
        "gisteren",
        "goed",
        "goedemiddag",
        "goedemorgen",
        "goedenavond",
        "graag",
        "groetjes",
        "haar",
        "hallo",
        "hangt",
        "heb",
        "hebben",
        "hebt",
        "heeft",
        "heel",
        "helaas",
        "hem",
        "hen",
        "het",
        "hier",
        "hij",
        "hoe",
        "hoezo",
        "hoi",
        "hoor",
        "hun",
        "hè",
        "idd",
        "iedereen",
        "iemand",
        "iets",
        "ik",
        "inderdaad",
        "is",
        "ja",
        "je",
        "jij",
        "joh",
        "jou",
        "jouw",
        "jullie",
        "kan",
        "kapot",
        "kijk",
        "klaar",
        "klopt",
        "komt",
        "kun",
        "kunnen",
        "kunt",
        "laat",
        "laten",
        "lekker",
        "ligt",
        "maar",
        "mee",
        "meer",
        "met",
        "mij",
        "mijn",
        "misschien",
        "moet",
        "moeten",
        "mooi",
        "morgen",
        "mss",
        "naar",
        "nee",
        "netjes",
        "nie",
        "niemand",
        "niet",
        "niets",
        "niks",
        "nog",
        "nooit",
        "nou",
        "nu",
        "oke",
        "oké",
        "om",
        "omdat",
        "onder",
        "ons",
        "onze",
        "ook",
        "op",
        "opgelost",
        "plat",
        "precies",
        "prima",
        "probleem",
        "sinds",
        "soms",
        "staat",
        "stel",
        "straks",
        "stuk",
        "te",
        "tegen",
        "terug",
        "toch",
        "toen",
        "topper",
        "toppie",
        "tot",
        "traag",
        "u",
        "uit",
        "uw",
        "vaak",
        "van",
        "vanavond",
        "vandaag",
        "vanmiddag",
        "vannacht",
        "vanochtend",
        "veel",
        "vind",
        "voor",
        "voorstel",
        "waar",
        "waarom",
        "wacht",
        "wanneer",
        "want",
        "waren",
        "was",
        "wat",
        "we",
        "weer",
        "weet",
        "wel",
        "welterusten",
        "werkt",
        "wie",
        "wij",
        "wil",
        "willen",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zeker",
        "zij",
        "zijn",
        "zit",
        "zitten",
        "zo",
        "zometeen",
        "zorg",
        "zorgen",
        "zou",
        "zouden",
        "zullen",
    ]
)
_ENGLISH = frozenset(
    [
        "a",
        "about",
        "again",
        "agree",
        "agreed",
        "also",
        "an",
        "and",
        "any",
        "anyone",
        "are",
        "at",
        "be",
        "because",
        "been",
        "but",
        "by",
        "can",
        "concern",
        "concerns",
        "could",
        "did",
        "do",
        "does",
        "everything",
        "for",
        "from",
        "go",
        "goes",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "is",
        "issue",
        "it",
        "just",
        "let",
        "let's",
        "lets",
        "me",
        "must",
        "my",
        "no",
        "nobody",
        "not",
        "nothing",
        "now",
        "of",
        "on",
        "our",
        "please",
        "problem",
        "proposal",
        "propose",
        "really",
        "shall",
        "she",
        "should",
        "so",
        "someone",
        "something",
        "still",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "today",
        "tomorrow",
        "us",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "who",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "yesterday",
        "you",
        "your",
    ]
)
# German and French words of every other sentence that are neither English nor Dutch
# words (nor names): "ist", "nicht", "est", "avec". Spanish and Italian share a few.
_NEITHER = frozenset(
    [
        # German
        "aber", "auch", "auf", "beim", "bist", "bitte", "danke", "das", "dass", "diese",
        "dieser", "dieses", "doch", "ein", "eine", "einem", "einen", "einer", "euch",
        "funktioniert", "für", "gerade", "gestern", "gibt", "geht", "haben", "habe",
        "heute", "ich", "ihr", "ihre", "immer", "ist", "kann", "kaputt", "kein", "keine",
        "können", "leider", "mein", "meine", "mit", "muss", "müssen", "nein", "nicht",
        "nochmal", "nur", "oder", "schon", "sehr", "sich", "sie", "sind", "über", "und",
        "uns", "vielleicht", "vom", "warum", "weil", "wenn", "werden", "wieder", "wir",
        "wird", "wirklich", "zu", "zum", "zur",
        # French ("la", "les", "des", "pas", "ne" are Dutch or Flemish words too)
        "aussi", "au", "aux", "avec", "avons", "bonjour", "c'est", "ce", "cette", "chez",
        "ça", "dans", "depuis", "déjà", "du", "elle", "encore", "est", "et", "était",
        "faut", "il", "ils", "j'ai", "le", "leur", "mais", "n'est", "notre", "nous", "oui",
        "panne", "peut", "pour", "que", "qui", "rien", "sans", "sont", "suis", "sur",
        "toujours", "tous", "tout", "très", "une", "votre", "vous",
    ]
)  # fmt: skip
# Dutch as a whole reply or greeting ("Top!", "Dag!", "Merci"), though English uses the
# word inside a sentence ("top priority", "Airflow DAG failed"): Dutch only when it is
# all the message says, with no number ("Top 3"), not asked ("Dag?") and not in capitals
# (an acronym: "DAG").
_DUTCH_ALONE = frozenset(["top", "dag", "merci"])
# Dutch words that are English names too ("Hi Ben", "Cheers Al"): Dutch as written
# lowercase ("ik ben", "al gedaan"), or capitalised as the first word ("Ben je er?").
_DUTCH_UNLESS_A_NAME = frozenset(["ben", "al"])
_WORD = re.compile(r"[a-zà-ÿ']+", re.IGNORECASE)
_DUTCH_SPELLING = re.compile(r"ij|oe[^s]|aa|uu|sch|cht\b|tje\b|lijk")


def detect_language(text: str, *, fallback: str = "en") -> str:
    """ "nl" or "en" for a message; `fallback` when the text gives no sign (a message in
    another language gives none)."""
    text, written, dutch, english = _tally(text)
    if not written:
        return fallback
    if len(written) == 1 and written[0].lower() in _DUTCH_ALONE:
        said_alone = not written[0].isupper() and not any(c.isdigit() or c == "?" for c in text)
        return "nl" if said_alone else fallback
    if _neither(written) > max(dutch, english):
        return fallback
    if dutch == english:
        dutch += len(_DUTCH_SPELLING.findall(" ".join(written).lower())) > 0
    if dutch > english:
        return "nl"
    if english > dutch:
        return "en"
    return fallback


# A command's words are often names ("join Gemeente Utrecht", "assign minutes ben"): only
# this many more of one language's words than of the other's show it clearly.
_CLEAR_LEAD = 2
# A member named as typed ("@ben"): a name, not a word.
_TYPED_MEMBER = re.compile(r"@[\w.\-]+")


def clear_language(text: str) -> str | None:
    """ "nl" or "en" when a text's words clearly show which, else None: the language of a
    command's words, which hold names and numbers as well as sentences."""
    *_, dutch, english = _tally(_TYPED_MEMBER.sub(" ", text))
    if dutch >= english + _CLEAR_LEAD:
        return "nl"
    if english >= dutch + _CLEAR_LEAD:
        return "en"
    return None


def in_another_language(text: str) -> bool:
    """Whether a message is written in neither English nor Dutch: two words of German
    or French at least, more than of either, and a fifth of its words ("Die Tür ist
    kaputt", "le serveur est en panne"). An English or Dutch message that quotes a
    German or French phrase is not."""
    written = _WORD.findall(without_markup(text))
    neither = _neither(written)
    if neither < 2 or neither * 5 < len(written):  # most messages: the rest is not counted
        return False
    *_, dutch, english = _tally(text)
    return neither > max(dutch, english)


def _tally(text: str) -> tuple[str, list[str], int, int]:
    """A text without platform markup, its words, and how many of them are Dutch and
    English function words."""
    text = without_markup(text)
    written = _WORD.findall(text)
    # Each word lowered once and looked up in C: this runs for every message classified.
    lowered = list(map(str.lower, written))
    if _DUTCH_UNLESS_A_NAME.isdisjoint(lowered):
        dutch = sum(map(_DUTCH.__contains__, lowered))
    else:
        dutch = sum(1 for i, w in enumerate(written) if _counts_as_dutch(w, first=i == 0))
    english = sum(map(_ENGLISH.__contains__, lowered))
    return text, written, dutch, english


def _neither(written: list[str]) -> int:
    """How many of the words are German or French (not in capitals: "DAS", "EST" and
    "MIT" are names)."""
    if _NEITHER.isdisjoint(map(str.lower, written)):  # most messages
        return 0
    return sum(1 for w in written if w.lower() in _NEITHER and not (len(w) > 1 and w.isupper()))


def _counts_as_dutch(word: str, *, first: bool) -> bool:
    key = word.lower()
    if key in _DUTCH_UNLESS_A_NAME:
        return word.islower() or (first and word.istitle())
    return key in _DUTCH
