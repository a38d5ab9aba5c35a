"""Text to word pieces the way a SentencePiece unigram model cuts it, in plain Python.

A pretrained encoder reads piece ids, and the ids must be exactly the ones it was
trained on: one piece cut differently is a different input. The trial
(training/encoder.py) cuts text with HuggingFace `tokenizers` (a Unigram model
behind a Metaspace pre-tokenizer); the bot should not need that package to read a
chat line, so this module does the same in a few lines of Python, and tests check
that the two agree on the same vocabulary.

What `tokenizers` does, and so what this does:
- every space becomes the word-start mark "▁", and one is put before the text
  unless it already starts with one (a leading space is that mark);
- the pieces are chosen by Viterbi: the cut whose pieces' scores (log
  probabilities) sum highest, not the longest piece first; on a tie the path that
  reached a position first is kept, i.e. the one whose last piece starts earliest;
- a character that no one-character piece covers is an unknown piece scored ten
  below the vocabulary's lowest score, so any real piece across it is preferred;
- unknown pieces next to each other are read as one: "🧪🧪" is one unknown id, not
  two (the joined run is looked up again, and is never a piece).
The vocabulary may be a small part of the model's (only the pieces a corpus uses);
the rules above are what make a word outside it fall back to shorter pieces and
unknown characters just as `tokenizers` would with the same part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from rules.classifier.sorted_keys import MISSING, find_strings, sorted_by_hash

PIECE_MARK = "\u2581"  # "▁": a piece that starts a word
# `tokenizers` scores an unknown character this far below the lowest piece score.
UNKNOWN_PENALTY = 10.0

_SPACES = re.compile(" {2,}")
# Pads the text's end, so that every slice read is as long as asked; no piece holds it.
_PAD = "\x00"


class PieceTokenizer:
    """A unigram piece vocabulary (pieces and their scores, ids by position) that cuts
    cleaned text into piece ids as `tokenizers`' Unigram with Metaspace does."""

    def __init__(
        self,
        pieces: Sequence[str],
        scores: Sequence[float],
        *,
        unk: int,
        normalise: Mapping[int, str] | None = None,
    ) -> None:
        """`unk` is the id of the unknown piece; `normalise` maps code points to their
        replacements (the model's own table), applied before anything else."""
        if len(pieces) != len(scores):
            raise ValueError(f"{len(pieces)} pieces but {len(scores)} scores")
        if not 0 <= unk < len(pieces):
            raise ValueError(f"unknown piece id {unk} is not in a vocabulary of {len(pieces)}")
        self.unk = unk
        self.normalise = dict(normalise or {})
        # A repeated piece means its last id, as in `tokenizers`' own string -> id map.
        found: dict[str, int] = {}
        for number, piece in enumerate(pieces):
            found[piece] = number
        # The lowest of all scores, a repeated piece's overridden ones too (as there).
        self.unknown_score = min(map(float, scores)) - UNKNOWN_PENALTY
        # An empty piece can never be matched; a padded slice must never match one.
        kept = [piece for piece in found if piece and _PAD not in piece]
        # Pieces are found by hash (`sorted_keys.py`), not in a dict of strings: 20,000
        # pieces and their prefixes held 7 MB as a dict, 0.5 MB so.
        self._hashes, self._ids = sorted_by_hash(
            kept,
            len(kept),
            np.array([found[piece] for piece in kept], np.int32),
            what="pieces",
            name_of=kept.__getitem__,
        )
        self._scores = [float(score) for score in scores]
        self.longest = max(map(len, kept), default=0)

    def clean(self, text: str) -> str:
        """The text as the model is fed it: normalised, runs of spaces made one."""
        return _SPACES.sub(" ", text.translate(self.normalise))

    def encode(self, text: str) -> list[int]:
        """Piece ids of text (cleaned as above), no special tokens added."""
        text = self.clean(text).replace(" ", PIECE_MARK)
        if not text:
            return []  # nothing to mark either: `tokenizers` gives no pieces
        if not text.startswith(PIECE_MARK):
            text = PIECE_MARK + text
        size, unk, unknown_score, scores = len(text), self.unk, self.unknown_score, self._scores
        # Every piece starting at each position, all looked up at once: row `start`
        # holds, for each length, the id of the piece text[start:start + length], or
        # MISSING.
        starting = self._ids_of_slices(text)
        # Per end position: the best path's score, where its last piece starts
        # (-1: no path yet) and that piece's id.
        best = [0.0] * (size + 1)
        starts = [-1] * (size + 1)
        ids = [unk] * (size + 1)
        for start, row in enumerate(starting):
            reached = best[start]
            for length, number in enumerate(row, 1):
                if number == MISSING:
                    continue
                end = start + length
                total = scores[number] + reached
                # Strictly better only: on a tie the earlier start, found first, stays.
                if starts[end] < 0 or total > best[end]:
                    best[end], starts[end], ids[end] = total, start, number
            if row[0] == MISSING:  # no piece covers this character: it is unknown
                end = start + 1
                total = unknown_score + reached
                if starts[end] < 0 or total > best[end]:
                    best[end], starts[end], ids[end] = total, start, unk
        # Back from the end; a run of unknown pieces is read as its joined text, which
        # `tokenizers` looks up again (it is never a piece, so in effect one unk).
        found: list[int] = []
        end, unknown_end = size, -1
        while end > 0:
            start = starts[end]
            if ids[end] == unk:
                if unknown_end < 0:
                    unknown_end = end
            else:
                if unknown_end >= 0:
                    found.append(self._fused(text[end:unknown_end]))
                    unknown_end = -1
                found.append(ids[end])
            end = start
        if unknown_end >= 0:
            found.append(self._fused(text[:unknown_end]))
        found.reverse()
        return found

    def _ids_of_slices(self, text: str) -> list[list[int]]:
        longest = max(self.longest, 1)
        padded = text + _PAD * longest
        slices = [
            padded[start : start + n] for start in range(len(text)) for n in range(1, longest + 1)
        ]
        found = find_strings(self._hashes, self._ids, slices)
        return found.reshape(len(text), longest).tolist()

    def _fused(self, run: str) -> int:
        number = int(find_strings(self._hashes, self._ids, [run])[0])
        return self.unk if number == MISSING else number
