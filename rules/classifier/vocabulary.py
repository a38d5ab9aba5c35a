"""A bound on what spaCy's vocabulary keeps in a long-running bot.

spaCy keeps every word it meets for the first time (names, typos, ticket numbers) in
its vocabulary and string store for the life of the process: 200,000 messages of
unseen words cost the trained classifier 200 MB. Once the store has grown by its bound,
each call runs in a memory zone, and what it adds is dropped when the call ends.

Zones from the start would cost speed: spaCy does not fill the tokenizer's cache inside
one (batched reading 5,800 -> 3,500 msgs/s on the bench's chat). After 20,000 lines of
chat read outside zones, unseen text reads as fast with them as without.

A zone is the whole string store's, not a thread's: leaving one drops every string added
while it was open, another thread's too. So readings take turns; they hold the GIL
nearly throughout anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from spacy.language import Language

# New strings kept, with their lexemes and the tokenizer's cache: about 15 MB.
VOCABULARY_GROWTH = 20_000


class BoundedVocabulary:
    """`with bound.reading():` around every use of `nlp` whose docs do not outlive it."""

    def __init__(self, nlp: Language, growth: int = VOCABULARY_GROWTH) -> None:
        self.nlp = nlp
        self.kept = len(nlp.vocab.strings) + growth
        # Re-entrant: a reading nested in another of the same thread must not wait for itself.
        self._turn = threading.RLock()

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._turn:
            if len(self.nlp.vocab.strings) < self.kept:
                yield
            else:
                with self.nlp.memory_zone():
                    yield
