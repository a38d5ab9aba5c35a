"""A bound on what spaCy's vocabulary keeps in a long-running bot.

spaCy keeps every word it meets for the first time (names, typos, ticket numbers) in
its vocabulary and string store for the life of the process: 200,000 messages of
unseen words cost the trained classifier 200 MB. Once the store has grown by its bound,
each call runs in a memory zone, and what it adds is dropped when the call ends.

Zones from the start would cost speed: spaCy does not fill the tokenizer's cache inside
one (batched reading 5,800 -> 3,500 msgs/s on the bench's chat). After 20,000 lines of
chat read outside zones, unseen text reads as fast with them as without.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from spacy.language import Language

# New strings kept, with their lexemes and the tokenizer's cache: about 15 MB.
VOCABULARY_GROWTH = 20_000


class BoundedVocabulary:
    """`with bound.reading():` around every use of `nlp` whose docs do not outlive it."""

    def __init__(self, nlp: Language, growth: int = VOCABULARY_GROWTH) -> None:
        self.nlp = nlp
        self.kept = len(nlp.vocab.strings) + growth

    def reading(self) -> AbstractContextManager:
        if len(self.nlp.vocab.strings) < self.kept:
            return nullcontext()
        return self.nlp.memory_zone()
