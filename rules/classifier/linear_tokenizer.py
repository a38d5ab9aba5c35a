"""spaCy's tokenizer, made to read any word in time linear in its length.

Two of the searches spaCy's English tokenizer runs on a word are quadratic in it, and
a message that is one long "word" held the engine's single worker for a second or
more (2,000 characters fit one Discord message):

- It takes punctuation off a word's ends one piece at a time, and for each piece it
  searched the rest of the word with its suffix pattern (12,000 characters of
  alternatives, anchored at the end) from every position: "!!!!…", "?!?!…",
  "'s's's…", "😡😡😡…". A suffix is a few characters long, so the search now begins a
  little before the end (`EndSearch`) and finds the same one.
- It asks whether the rest is a link, with a pattern whose "user:password@" part tries
  every colon against every later character when no "@" ends it: ":):):…", "a:a:…".
  That part matches any run of non-spaces ending in "@" either way, and written so it
  costs one pass (`UrlMatch`).

Either way the tokenizer cuts every text exactly as before.
"""

from __future__ import annotations

import re

from spacy.language import Language

# Longer than any suffix of spaCy's rules but a run of dots (units after a number, the
# longest, have five characters).
WORD_END = 8
# spaCy's link pattern (spacy/lang/tokenizer_exceptions.py, URL_PATTERN): the part for
# "user:password@", and the same part without its trap.
_USER_PART = r"(?:\S+(?::\S*)?@)?"
_USER_PART_IN_ONE_PASS = r"(?:\S+@)?"


class EndSearch:
    """A compiled suffix pattern's `search`, begun near the end of the text.

    The one suffix of any length in spaCy's rules is a run of dots ("…....."): the search
    begins before the run. Should a match begin right where the search began, a longer
    one may begin before it, and the whole text is searched as spaCy does.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # spaCy saves a tokenizer's searches as `search.__self__.pattern`.
        self.__self__ = pattern

    def __call__(self, text: str) -> re.Match[str] | None:
        begin = max(0, min(len(text) - WORD_END, len(text.rstrip(".")) - 1))
        found = self.pattern.search(text, begin)
        if begin and found is not None and found.start() == begin:
            return self.pattern.search(text)
        return found


class UrlMatch:
    """spaCy's link pattern's `match`, with its "user:password@" part in one pass."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.__self__ = pattern  # saved as spaCy's own
        faster = pattern.pattern.replace(_USER_PART, _USER_PART_IN_ONE_PASS, 1)
        self.pattern = re.compile(faster, pattern.flags)

    def __call__(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text)


def linearise(nlp: Language) -> None:
    """Make `nlp`'s tokenizer read any word in linear time, cutting it as before."""
    tokenizer = nlp.tokenizer
    suffix, url = tokenizer.suffix_search, tokenizer.url_match
    if suffix is not None and not isinstance(suffix, EndSearch):
        tokenizer.suffix_search = EndSearch(suffix.__self__)
    if url is not None and not isinstance(url, UrlMatch):
        tokenizer.url_match = UrlMatch(url.__self__)
