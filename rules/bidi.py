"""Echoed names and words that cannot turn the bot's own words around them.

A right-to-left override (U+202E) in a display name, left open, shows the rest of the
bot's line reversed ("waiting for .loraC dna boB"). Explicit direction controls are
dropped from what people wrote, and a line of it that holds right-to-left letters is
isolated (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE): Arabic and Hebrew still read
right to left inside it, and the bot's words around it keep their order.
"""

from __future__ import annotations

import unicodedata

FSI, PDI = "\u2068", "\u2069"
# Embeddings, overrides, isolates and their closers (U+202A-U+202E, U+2066-U+2069): in
# someone's words they could open a direction that outlives their words, or close ours.
_CONTROLS = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})
# Right-to-left letters and marks (RLM, ALM), and Arabic-Indic digits, which all reorder
# what stands beside them.
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def isolated(text: str) -> str:
    """`text` without direction controls, each line holding right-to-left letters in
    an isolate of its own (a line break ends any isolate)."""
    if text.isascii():
        return text
    lines = []
    for line in text.split("\n"):
        line = "".join(c for c in line if unicodedata.bidirectional(c) not in _CONTROLS)
        if any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in line):
            line = f"{FSI}{line}{PDI}"
        lines.append(line)
    return "\n".join(lines)


def open_isolates(text: str) -> int:
    """How many isolates `text` opens and leaves open: where a long text is cut, each
    piece closes what it opened and the next opens it again (`cut_between`)."""
    depth = 0
    for c in text:
        if c == FSI:
            depth += 1
        elif c == PDI and depth:
            depth -= 1
    return depth


def closed(text: str) -> str:
    """`text` with the isolates it leaves open closed where it ends (a line cut short
    with "…"), so that none runs on over the bot's words after it."""
    return text + PDI * open_isolates(text)


def cut_between(head: str, tail: str) -> tuple[str, str]:
    """A text cut in two (messages, sections): an isolate open at the cut is closed at
    the end of `head` and opened again at the start of `tail`, so that neither leaves
    someone's right-to-left words bare beside the bot's."""
    still_open = open_isolates(head)
    return head + PDI * still_open, FSI * still_open + tail
