"""A line too long for one part of a message (a Slack section, a Discord message), cut
so that people's words in it never begin a part of their own, where they would read as
the bot's ("*Everyone has answered: no concerns.*" after a long quote)."""

from __future__ import annotations

from collections.abc import Callable

# What begins every piece after the first: the quote goes on as one, and the rest of
# any other line (a concern, the names a round waits for) reads as more of it.
GOES_ON = "> "


def cut_line(line: str, limit: int, cut_before: Callable[[str, int], int]) -> list[str]:
    """`line` in pieces of at most `limit` characters, each after the first quoted;
    `cut_before(rest, room)` says where the next piece ends (at most `room`), so that
    it cuts no markup in two."""
    pieces: list[str] = []
    begins = ""
    while len(begins) + len(line) > limit:
        room = limit - len(begins)
        end = min(max(cut_before(line, room), 1), room)
        pieces.append(begins + line[:end])
        line, begins = line[end:], GOES_ON
    return [*pieces, begins + line]
