"""A line too long for one part of a message (a Slack section, a Discord message), cut
so that people's words in it never begin a part of their own, where they would read as
the bot's ("*Everyone has answered: no concerns.*" after a long quote); and the heading
of each later page of a text too long for one message.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rules.bidi import closed, cut_between, open_isolates
from rules.say import N_

# What begins every piece after the first: the quote goes on as one, and the rest of
# any other line (a concern, the names a round waits for) reads as more of it.
GOES_ON = "> "


def cut_line(
    line: str,
    limit: int,
    cut_before: Callable[[str, int], int],
    goes_on: Callable[[str], str] = lambda rest: rest,
) -> list[str]:
    """`line` in pieces of at most `limit` characters, each after the first quoted;
    `cut_before(rest, room)` says where the next piece ends (at most `room`), so that
    it cuts no markup in two. `goes_on(rest)`: the rest as it may open a line (words
    that now stand at a line's start, where a platform reads some as markup)."""
    pieces: list[str] = []
    begins = ""
    while len(begins) + len(line) > limit:
        room = limit - len(begins)
        end = min(max(cut_before(line, room), 1), room)
        if end + open_isolates(line[:end]) > room:  # room to close an isolate it cuts
            room -= open_isolates(line[:end])
            end = min(max(cut_before(line, room), 1), room)
        # Someone's right-to-left words cut here stay isolated on both sides (rules.bidi).
        piece, rest = cut_between(line[:end], goes_on(line[end:]))
        pieces.append(begins + piece)
        line, begins = rest, GOES_ON
    return [*pieces, begins + line]


# Above a form filled in with the start of a text too long for its field (the end it
# shows as "…"), so that no one records it cut short without knowing.
END_MISSING = N_(
    "This text was too long to carry over in full: its end is missing. Complete it before you save."
)

# Every page after the first of a long text opens with this: in a thread or a list of
# notifications it reads as part of what it continues, not as words from nowhere.
CONTINUED = N_("(continued) {title}")
CONTINUED_UNTITLED = N_("(continued)")
TITLE_LIMIT = 100  # characters of the first page's opening line a heading repeats
_QUOTED = "> "  # a line of people's words (rendered quote markup), never a title
_ENDS_IN_EMOJI = re.compile(r":[a-z0-9_+\-]+:$")


def title_of(text: str, cut_before: Callable[[str, int], int]) -> str | None:
    """The opening line of a rendered text, for the heading of its later pages: the bot's
    own first line (a quote of someone's words would read as the bot's), without the
    colon that introduced what followed, cut between words (`cut_before`, so that it cuts
    no markup in two) with "…". None: no line of the bot's own to repeat."""
    lines = (line.strip() for line in text.split("\n"))
    line = next((line for line in lines if line and not line.startswith(_QUOTED.strip())), "")
    if line.endswith(":") and not _ENDS_IN_EMOJI.search(line):
        line = line[:-1].rstrip()
    if len(line) > TITLE_LIMIT:
        room = TITLE_LIMIT - 1
        line = closed(line[: min(max(cut_before(line, room), 1), room)].rstrip() + "…")
    return line or None
