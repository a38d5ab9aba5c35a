"""A short message's clauses, for the second reading to weigh one by one.

A chat message often names a fault and what to do about it in one sentence: "the
rigger is cracked, please don't take it out until it's welded". Read whole, the fault
outweighs the instruction and the writer is nudged for a proposal they made. Read clause
by clause, the instruction stands alone (training/RESULTS.md, "Clauses read one by
one"). Long posts are left whole: their set-up and steps read as proposals out of place
(the same file, "A long post that proposes in one of its sentences").
"""

from __future__ import annotations

import re

from rules.classifier.normalise import own_words

# Own words longer than this are a post, not a chat line: read whole only.
LONGEST = 300
# A clause of fewer words says too little to be read alone ("ok", "Tom,").
FEWEST_WORDS = 2
# No more clauses than this are read again: each costs the encoder a pass.
MOST = 6

# Where a clause ends: a comma, semicolon or colon, or a sentence's end, before a space
# (not "8:30", "1,100", "v2.1"); a dash between spaces.
_BOUNDARY = re.compile(r"(?:[,;:.!?…]+(?=\s)|\s[-–—](?=\s))+\s*")


def clauses(text: str) -> list[str]:
    """The clauses of a short message's own words, each of at least two words; empty
    when it has fewer than two such (nothing to read apart) or is a long post."""
    words = own_words(text)
    if len(words) > LONGEST:
        return []
    found = [part.strip() for part in _BOUNDARY.split(words) if len(part.split()) >= FEWEST_WORDS]
    return found[:MOST] if len(found) >= 2 else []
