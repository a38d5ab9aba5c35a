"""A message's fingerprint: the same for the same words, whatever the numbers, links,
names, markup or case, so that a recurring message is known again ("speedtest on the
lab line: 40 down / 8 up" every morning, with other numbers each time).

A table that said one such message was not a problem is not nudged about the next
(rules/problems.py). Only the hash is compared, so the fingerprint still holds once the
message's writer deletes it and the correction's text is erased.
"""

from __future__ import annotations

import hashlib
import re

from rules.classifier.normalise import URL, USER, own_words

# Fewer words than this say too little to be known again: "printer broken" today and
# "printer broken" next month may well be two real problems. Someone named or a link
# is known by its place, but is no word of the writer's ("printer broken @anna").
MIN_WORDS = 3
_NO_WORDS = frozenset({USER, URL})
# A long message is known by its start: a nudge keeps only an excerpt of it.
MAX_WORDS = 40
_WORD = re.compile(r"\w+")
# Any number, however many digits ("8", "12", "1,100.50"), reads as one "0"; so does an
# ordinal, English or Dutch ("3rd", "4th", "1st of May"; "3e", "1ste", "2de").
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:(?:st|nd|rd|th|ste|de|e)(?!\w))?")


def message_fingerprint(text: str) -> str | None:
    """16 hex digits, or None for a message too short to be known again."""
    words = _WORD.findall(_NUMBER.sub("0", own_words(text).lower()))[:MAX_WORDS]
    if sum(1 for word in words if word not in _NO_WORDS) < MIN_WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()
