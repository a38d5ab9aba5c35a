"""Edits and deletions heard out of order. A platform may deliver an edit after a newer
one, or a post or an edit after the message's deletion (a retry, a slow queue): such an
event changes nothing. Deletions and each message's last edit time are kept for a while
(NoteDeleted, NoteEdited) to tell."""

from __future__ import annotations

from rules.actions import NoteEdited
from rules.events import MessageEdited, MessagePosted
from rules.state import TableState


def heard_too_late(event: MessagePosted | MessageEdited, state: TableState) -> bool:
    """A post or edit of a message already deleted, or an edit older than the last one
    applied (read: Reads.deleted_ids, Reads.edited_ids)."""
    if event.message_id in state.deleted:
        return True
    if not isinstance(event, MessageEdited):
        return False
    last = state.edited.get(event.message_id)
    # One of the same time (Slack gives an edit's time in whole seconds) is taken as the
    # later: it was heard later.
    return last is not None and event.at < last


def note_edit(event: MessageEdited, state: TableState) -> list[NoteEdited]:
    """The edit's time, kept against older edits heard late; nothing for one heard too
    late. The first change of an edit's decision: another process deciding on another
    edit of the same message at once waits there until this one commits, so that the
    words it writes after are checked against this edit's time (bot.statements)."""
    if heard_too_late(event, state):
        return []
    return [
        NoteEdited(
            workspace=event.workspace,
            channel=event.channel,
            message_id=event.message_id,
            at=event.at,
        )
    ]
