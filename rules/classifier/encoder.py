"""A second reading: a pretrained multilingual encoder, fine-tuned on the corpus, run
in numpy alone.

The linear model (`trained.py`) reads every message in a fraction of a millisecond;
this encoder (multilingual-e5-small, 12 layers, MIT licence) reads a message in
40 ms or so, and reads it better: it knows words the corpus never held and
sees a sentence whole (training/RESULTS.md, "A fine-tuned pretrained encoder"). So it
reads only the few messages a nudge hangs on, beside the engine, never in the path
of every message.

It ships as arrays (`weights.npz`) and a piece vocabulary (`pieces.json`), built by
`python -m training.encoder export`: no torch, no pickle, no download. The
matrices are stored 4-bit (blocks of 32 numbers sharing one scale, as the pretrained
weights came: the pretrained ones plus the fine-tuning's change), merged at load into
8-bit ones, and widened one at a time as a batch passes through.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rules.classifier import LABELS, e5_base
from rules.classifier.normalise import own_words
from rules.classifier.pieces import PieceTokenizer
from rules.understanding import BAR_NAMES, SecondReading, Thresholds

ENCODER_DIR = Path(__file__).resolve().parent / "encoder"
BARS_FILE = "bars.json"
BLOCK = 32  # numbers sharing one 4-bit scale
REMEMBERED = 10_000  # texts whose scores are kept, by digest (about 2 MB)
BATCH = 32  # messages per pass: long enough to share the widening of each matrix
_MATRICES = ("q", "k", "v", "out", "up", "down")


def pack_4bit(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `matrix` in blocks of BLOCK numbers, each block a float16 scale and its
    numbers as signed 4-bit steps of it (-8..7; the block's largest magnitude is -8
    steps, so its sign is kept exactly). Codes: two steps a byte, a block's first half
    in the low nibbles, its second half in the high ones."""
    rows, columns = matrix.shape
    if columns % BLOCK:
        raise ValueError(f"columns ({columns}) must be a multiple of {BLOCK}")
    blocks = matrix.astype(np.float32).reshape(rows, columns // BLOCK, BLOCK)
    widest = np.take_along_axis(blocks, np.abs(blocks).argmax(-1)[..., None], -1)[..., 0]
    scale = (widest / -8).astype(np.float16)
    inverse = np.divide(1.0, scale.astype(np.float32), where=scale != 0, out=np.zeros_like(widest))
    steps = np.clip(np.round(blocks * inverse[..., None]), -8, 7).astype(np.int16) + 8
    codes = (steps[..., : BLOCK // 2] | (steps[..., BLOCK // 2 :] << 4)).astype(np.uint8)
    return codes.reshape(rows, -1), scale


def unpack_4bit(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The float32 matrix `pack_4bit` packed (rows: codes and scales of those rows)."""
    blocks = codes.reshape(*codes.shape[:-1], -1, BLOCK // 2)
    steps = np.concatenate([blocks & 0x0F, blocks >> 4], -1).astype(np.float32) - 8
    return (steps * scale.astype(np.float32)[..., None]).reshape(*codes.shape[:-1], -1)


@dataclass(frozen=True, slots=True)
class Packed:
    """A 4-bit matrix (`pack_4bit`)."""

    codes: np.ndarray
    scale: np.ndarray

    def dense(self) -> np.ndarray:
        return unpack_4bit(self.codes, self.scale)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        return unpack_4bit(self.codes[ids], self.scale[ids])


def pack_8bit(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `matrix` in blocks of BLOCK numbers, each block a float16 scale and its
    numbers as signed 8-bit steps of it (-127..127)."""
    rows, columns = matrix.shape
    if columns % BLOCK:
        raise ValueError(f"columns ({columns}) must be a multiple of {BLOCK}")
    blocks = matrix.astype(np.float32).reshape(rows, columns // BLOCK, BLOCK)
    scale = (np.abs(blocks).max(-1) / 127).astype(np.float16)
    inverse = np.divide(
        1.0, scale.astype(np.float32), where=scale != 0, out=np.zeros(scale.shape, np.float32)
    )
    steps = np.clip(np.round(blocks * inverse[..., None]), -127, 127).astype(np.int8)
    return steps.reshape(rows, columns), scale


@dataclass(frozen=True, slots=True)
class Packed8:
    """An 8-bit matrix (`pack_8bit`)."""

    codes: np.ndarray
    scale: np.ndarray

    def dense(self) -> np.ndarray:
        rows, columns = self.codes.shape
        blocks = self.codes.reshape(rows, columns // BLOCK, BLOCK).astype(np.float32)
        blocks *= self.scale.astype(np.float32)[..., None]
        return blocks.reshape(rows, columns)


MERGED_ROWS = 256  # rows merged at a time: small temporaries


def merged(
    triples: Iterable[tuple[tuple[int, str], Packed, Packed]],
) -> dict[tuple[int, str], Packed8]:
    """Each pretrained 4-bit matrix and the fine-tuning's change to it, also 4-bit, as
    one 8-bit matrix: unpacking two 4-bit matrices at every reading took three times
    as long. `triples` (key, base, change) are read and merged one at a time, a few
    rows at a time."""
    found = {}
    for key, base, change in triples:
        rows, columns = base.codes.shape[0], base.codes.shape[1] * 2
        matrix = Packed8(
            np.empty((rows, columns), np.int8), np.empty((rows, columns // BLOCK), np.float16)
        )
        for start in range(0, rows, MERGED_ROWS):
            part = slice(start, start + MERGED_ROWS)
            widened = unpack_4bit(base.codes[part], base.scale[part])
            widened += unpack_4bit(change.codes[part], change.scale[part])
            matrix.codes[part], matrix.scale[part] = pack_8bit(widened)
        found[key] = matrix
    return found


# The pretrained file's name of each layer matrix (e5_base), by the name used here.
BASE_NAMES = {"q": "q", "k": "k", "v": "v", "out": "ao", "up": "fi", "down": "fo"}


@dataclass(frozen=True, slots=True)
class Shape:
    hidden: int
    heads: int
    eps: float
    max_pieces: int
    bos: int
    eos: int
    pad: int


class EncoderReader:
    """Texts to label probabilities (LABELS order), from the fine-tuned encoder."""

    def __init__(
        self,
        shape: Shape,
        tokenizer: PieceTokenizer,
        arrays: Mapping[str, np.ndarray],
        layers: int,
        second: SecondReading | None = None,
        base: e5_base.BaseFile | None = None,
    ) -> None:
        """`arrays` may be read lazily (an open `np.load`); `base`: the pretrained file
        whose matrices the stored ones are changes to (`merged`)."""
        # How the engine uses this reading beside the linear model's: the bars chosen
        # for the averaged scores (None: not tuned yet; the encoder only scores).
        self.second = second
        self._read: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.shape = shape
        self.tokenizer = tokenizer
        self.layers = layers
        self._word = Packed(arrays["word.codes"], arrays["word.scale"])
        # Read one at a time: each change is merged into its base and let go at once.
        stored = (
            ((n, part), Packed(arrays[f"{n}.{part}.codes"], arrays[f"{n}.{part}.scale"]))
            for n in range(layers)
            for part in _MATRICES
        )
        self._matrices: dict[tuple[int, str], Packed | Packed8] = (
            dict(stored)
            if base is None
            else merged((key, _base_of(base, key, change), change) for key, change in stored)
        )
        self._vectors = {
            name: arrays[name].astype(np.float32)
            for name in arrays
            if not name.endswith((".codes", ".scale"))
        }

    @classmethod
    def load(cls, directory: str | Path | None = None) -> EncoderReader:
        folder = Path(directory) if directory is not None else ENCODER_DIR
        try:
            meta = json.loads((folder / "pieces.json").read_text(encoding="utf-8"))
            arrays = np.load(folder / "weights.npz", allow_pickle=False)
        except FileNotFoundError as missing:
            raise FileNotFoundError(
                f"no encoder in {folder} (build it: python -m training.encoder export)"
            ) from missing
        if tuple(meta["labels"]) != LABELS:
            raise ValueError(f"{folder}: labels {meta['labels']} are not {list(LABELS)}")
        special = meta["special"]
        tokenizer = PieceTokenizer(
            meta["pieces"],
            meta["scores"],
            unk=special["unk"],
            normalise={int(code): text for code, text in meta["normalise"].items()},
        )
        shape = Shape(
            hidden=meta["hidden"],
            heads=meta["heads"],
            eps=meta["eps"],
            max_pieces=meta["max_pieces"],
            bos=special["bos"],
            eos=special["eos"],
            pad=special["pad"],
        )
        base = None if meta.get("base") is None else e5_base.BaseFile(e5_base.base_file())
        with arrays:
            return cls(shape, tokenizer, arrays, meta["layers"], read_bars(folder), base)

    def pieces(self, text: str) -> list[int]:
        """The piece ids the encoder reads of a message: <s>, its own words, </s>."""
        found = self.tokenizer.encode(own_words(text))[: self.shape.max_pieces - 2]
        return [self.shape.bos, *found, self.shape.eos]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's probability of each label, shape (len(texts), len(LABELS)).
        Texts read lately are not read again (an edit that changed nothing, a replay
        of the same conversation)."""
        found = np.zeros((len(texts), len(LABELS)), np.float32)
        # Kept by digest, not by text: a message may be 100 kB long.
        keys = [_digest(text) for text in texts]
        with self._lock:
            known = {i: self._read.get(key) for i, key in enumerate(keys)}
        missing = [i for i, row in known.items() if row is None]
        fresh = self.read([texts[i] for i in missing]) if missing else found[:0]
        with self._lock:
            for i, row in known.items():
                if row is not None:
                    found[i] = row
                    self._read.move_to_end(keys[i])
            for i, row in zip(missing, fresh, strict=True):
                found[i] = self._read[keys[i]] = row
            while len(self._read) > REMEMBERED:
                self._read.popitem(last=False)
        return found

    def read(self, texts: Sequence[str]) -> np.ndarray:
        """`scores`, every text read afresh and nothing remembered."""
        sequences = [self.pieces(text) for text in texts]
        found = np.zeros((len(texts), len(LABELS)), np.float32)
        # Similar lengths together: less padding to read.
        order = sorted(range(len(texts)), key=lambda i: len(sequences[i]))
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            longest = max(len(sequences[i]) for i in chosen)
            ids = np.full((len(chosen), longest), self.shape.pad, dtype=np.int64)
            for row, i in enumerate(chosen):
                ids[row, : len(sequences[i])] = sequences[i]
            found[chosen] = self._forward(ids)
        return found

    def _forward(self, ids: np.ndarray) -> np.ndarray:
        """A BERT encoder (post-norm), mean-pooled over the real pieces, one sigmoid
        per label."""
        v, shape = self._vectors, self.shape
        batch, length = ids.shape
        hidden, heads = shape.hidden, shape.heads
        size = hidden // heads
        keep = ids != shape.pad
        x = self._word.rows(ids) + v["position"][:length] + v["segment"]
        x = self._norm(x, v["embed.norm.w"], v["embed.norm.b"])
        hide = np.where(keep, 0.0, -1e9).astype(np.float32)[:, None, None, :]

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

        for n in range(self.layers):

            def linear(t: np.ndarray, part: str, n: int = n) -> np.ndarray:
                return t @ self._matrices[n, part].dense().T + v[f"{n}.{part}.b"]

            q, k, w = (split(linear(x, part)) for part in ("q", "k", "v"))
            attention = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + hide
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ w).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            x = self._norm(x + linear(context, "out"), v[f"{n}.attn.norm.w"], v[f"{n}.attn.norm.b"])
            inner = linear(_gelu(linear(x, "up")), "down")
            x = self._norm(x + inner, v[f"{n}.out.norm.w"], v[f"{n}.out.norm.b"])
        pooled = (x * keep[..., None]).sum(1) / keep.sum(1, keepdims=True)
        return 1 / (1 + np.exp(-(pooled @ v["head.w"].T + v["head.b"])))

    def _norm(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        spread = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(spread + np.float32(self.shape.eps)) * weight + bias


def _base_of(base: e5_base.BaseFile, key: tuple[int, str], change: Packed) -> Packed:
    """The pretrained matrix that `change` changes."""
    n, part = key
    rows, packed = change.codes.shape
    return Packed(*base.matrix(f"l{n}.{BASE_NAMES[part]}.w", rows, packed * 2))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def read_bars(folder: Path = ENCODER_DIR) -> SecondReading | None:
    """The bars `training.second_reading` chose for the averaged scores (None: none
    chosen, or no encoder)."""
    path = folder / BARS_FILE
    if not path.is_file():
        return None
    found = json.loads(path.read_text(encoding="utf-8"))
    bars = Thresholds(**{name: found.get(name) for name in BAR_NAMES})
    return SecondReading(
        bars=bars,
        answer_from=found["answer_from"],
        weight=found.get("weight", 0.5),
        read_from=found.get("read_from"),
        checks_answers=found.get("checks_answers", False),
    )


def _gelu(x: np.ndarray) -> np.ndarray:
    # The tanh form: within 0.004 of torch's exact GELU on the corpus's scores. The cube
    # multiplied out: numpy's float32 power took 2 ms for a message's 30,000 numbers,
    # half of a whole reading, where two products take 8 microseconds.
    return (
        0.5 * x * (1 + np.tanh(np.float32(0.7978845608) * (x + np.float32(0.044715) * (x * x * x))))
    )
