"""Which message came before: the context a message is read in.

A message continues its thread (a reply) or its channel (at the top level). The
first reply of a thread follows the message that started it, so "fine by me" under
a proposal reads that proposal. Pure: callers keep the messages themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

Key = tuple[str, str, str | None]  # workspace, channel, thread (None: the top level)


def continues(workspace: str, channel: str, message_id: str, thread_id: str | None) -> Key:
    """The conversation a message is the next line of."""
    return (workspace, channel, None if thread_id in (None, message_id) else thread_id)


def leads(workspace: str, channel: str, message_id: str, thread_id: str | None) -> tuple[Key, ...]:
    """The conversations whose next line follows this message: its own, and for a
    top-level message also the thread it may start."""
    own = continues(workspace, channel, message_id, thread_id)
    return (own, (workspace, channel, message_id)) if own[2] is None else (own,)


def previous_indexes(messages: Iterable[tuple[str, str, str, str | None]]) -> list[int | None]:
    """For each (workspace, channel, message_id, thread_id) in order, the index of the
    message before it in its conversation (None: the first one seen)."""
    latest: dict[Key, int] = {}
    found: list[int | None] = []
    for i, message in enumerate(messages):
        found.append(latest.get(continues(*message)))
        for key in leads(*message):
            latest[key] = i
    return found
