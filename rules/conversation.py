"""Which message came before: the context a message is read in.

A message continues its thread (a reply) or its channel (at the top level). The
first reply of a thread follows the message that started it, so "fine by me" under
a proposal reads that proposal. A reply that names the message it answers (Discord's
Reply) follows that message, where it is known. A message without words of its own
(an image, a sticker) is nobody's context: the next line follows the one before it.
Pure: callers keep the messages themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple, TypeVar

Key = tuple[str, str, str | None]  # workspace, channel, thread (None: the top level)
Kept = TypeVar("Kept")


class Line(NamedTuple):
    """A message, as far as its place in a conversation goes."""

    workspace: str
    channel: str
    message_id: str
    thread_id: str | None = None
    # The message it answers, where the platform names one (a Discord reply).
    reply_to: str | None = None
    # Says nothing in words (rules.classifier.normalise.has_own_words).
    wordless: bool = False


# A plain (workspace, channel, message_id, thread_id) is a line with words.
Given = Line | tuple[str, str, str, str | None]


def continues(workspace: str, channel: str, message_id: str, thread_id: str | None) -> Key:
    """The conversation a message is the next line of."""
    return (workspace, channel, None if thread_id in (None, message_id) else thread_id)


def leads(workspace: str, channel: str, message_id: str, thread_id: str | None) -> tuple[Key, ...]:
    """The conversations whose next line follows this message: its own, and for a
    top-level message also the thread it may start."""
    own = continues(workspace, channel, message_id, thread_id)
    return (own, (workspace, channel, message_id)) if own[2] is None else (own,)


def follows(line: Line) -> tuple[Key, ...]:
    """Where the message a line is read after is found, first found first: the message
    it replies to (a top-level message leads the conversation of its replies), else the
    line before it where it was posted."""
    own = continues(*line[:4])
    if line.reply_to is None or line.reply_to == line.message_id:
        return (own,)
    return ((line.workspace, line.channel, line.reply_to), own)


def previous_lines(
    lines: Iterable[Given],
    remembered: Mapping[Key, Kept] | None = None,
) -> list[int | Kept | None]:
    """For each line in order, the message it is read after: the index of an earlier
    line, else what `remembered` keeps for that conversation (lines before these), else
    None (`follows`). A wordless line follows, but no line follows it."""
    remembered = remembered or {}
    latest: dict[Key, int] = {}
    found: list[int | Kept | None] = []
    for given in lines:
        line = Line(*given)
        before: int | Kept | None = None
        for key in follows(line):
            if key in latest:
                before = latest[key]
                break
            if key in remembered:
                before = remembered[key]
                break
        found.append(before)
        if not line.wordless:
            for key in leads(*line[:4]):
                latest[key] = len(found) - 1
    return found


def previous_indexes(messages: Iterable[Given]) -> list[int | None]:
    """For each (workspace, channel, message_id, thread_id) in order, the index of the
    message before it in its conversation (None: the first one seen)."""
    return previous_lines(messages)  # type: ignore[return-value]
