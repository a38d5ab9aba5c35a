"""The last message of each conversation, kept in memory as context for the next.

Only the four text-alone scores of a message are kept (no text), for a bounded number
of conversations; after a restart, or in another process, a message is read as the
first of its conversation, as the first message of a thread always is. A message
without words (an image, a sticker, a file) is kept as no one's context: a "sure" after
it is read after the proposal before it (rules.conversation).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from rules.classifier import LABELS, Classification, Previous
from rules.classifier.normalise import has_own_words
from rules.conversation import Key, Line, leads, previous_lines
from rules.events import Event, MessagePosted
from rules.understanding import Message, Understood

LIMIT = 10_000  # conversations remembered (a few hundred bytes each)


class RecentMessages:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._latest: OrderedDict[Key, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def previous(self, events: Sequence[Event]) -> list[Previous]:
        """For each event, the message before it: the index of an earlier message of
        `events`, a remembered one, or None. Only posted messages have context: an
        edit is read on its own."""
        posted = [(i, e) for i, e in enumerate(events) if isinstance(e, MessagePosted)]
        found: list[Previous] = [None] * len(events)
        lines = [_line(event) for _, event in posted]
        with self._lock:
            befores = previous_lines(lines, self._latest)
        for (i, _), before in zip(posted, befores, strict=True):
            if isinstance(before, int):
                found[i] = posted[before][0]
            elif before is not None:
                found[i] = _as_previous(before)
        return found

    def remember(self, understood: Sequence[Understood]) -> None:
        """Keep each posted message as the latest of the conversations it leads."""
        with self._lock:
            for meaning in understood:
                if (
                    isinstance(meaning, Message)
                    and isinstance(meaning.event, MessagePosted)
                    and meaning.classification is not None
                    and has_own_words(meaning.event.text)
                ):
                    own = meaning.classification.own_scores
                    scores = tuple(float(own.get(label, 0.0)) for label in LABELS)
                    event = meaning.event
                    where = (event.workspace, event.channel, event.message_id, event.thread_id)
                    for key in leads(*where):
                        self._latest[key] = scores
                        self._latest.move_to_end(key)
            while len(self._latest) > self.limit:
                self._latest.popitem(last=False)

    def __len__(self) -> int:
        return len(self._latest)


def _as_previous(scores: tuple[float, ...]) -> Classification:
    """What the classifier reads of a remembered message: its text-alone scores."""
    return Classification.read_before(dict(zip(LABELS, scores, strict=True)))


def _line(event: MessagePosted) -> Line:
    return Line(
        event.workspace,
        event.channel,
        event.message_id,
        event.thread_id,
        event.reply_to,
        wordless=not has_own_words(event.text),
    )
