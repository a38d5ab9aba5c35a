"""The second reader's numpy encoder: its 4-bit storage, its reading of a batch, its
files. A tiny random model stands in for the shipped one here; the shipped model's own
readings are tested in test_second_reading.py."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from rules.classifier import LABELS
from rules.classifier.encoder import (
    BARS_FILE,
    BLOCK,
    EncoderReader,
    Packed,
    Packed8,
    merged,
    pack_4bit,
    pack_8bit,
    unpack_4bit,
)

HIDDEN, HEADS, INNER, LAYERS = 64, 4, 128, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "\u2581", "\u2581the", "\u2581boiler", "\u2581is"]
PIECES += ["\u2581broken", "\u2581let", "\u2581us", "\u2581fix", "\u2581it", "s", "e", "t"]
SCORES = [0.0] * 4 + [-3.0, -4.0, -9.0, -5.0, -9.0, -6.0, -6.0, -8.0, -5.0, -7.0, -7.0, -7.0]


def tiny_model(folder: Path, seed: int = 3, labels=LABELS) -> Path:
    """A random two-layer encoder in the shipped layout."""
    rng = np.random.default_rng(seed)
    arrays: dict[str, np.ndarray] = {}

    def matrix(name: str, rows: int, columns: int) -> None:
        arrays[f"{name}.codes"], arrays[f"{name}.scale"] = pack_4bit(
            rng.normal(0, 0.2, (rows, columns))
        )

    def vector(name: str, size: int, centre: float = 0.0) -> None:
        arrays[name] = (centre + rng.normal(0, 0.1, size)).astype(np.float32)

    matrix("word", len(PIECES), HIDDEN)
    arrays["position"] = rng.normal(0, 0.1, (16, HIDDEN)).astype(np.float32)
    vector("segment", HIDDEN)
    vector("embed.norm.w", HIDDEN, 1.0)
    vector("embed.norm.b", HIDDEN)
    arrays["head.w"] = rng.normal(0, 0.5, (len(LABELS), HIDDEN)).astype(np.float32)
    vector("head.b", len(LABELS))
    for n in range(LAYERS):
        for part, rows, columns in (
            ("q", HIDDEN, HIDDEN),
            ("k", HIDDEN, HIDDEN),
            ("v", HIDDEN, HIDDEN),
            ("out", HIDDEN, HIDDEN),
            ("up", INNER, HIDDEN),
            ("down", HIDDEN, INNER),
        ):
            matrix(f"{n}.{part}", rows, columns)
            vector(f"{n}.{part}.b", rows)
        for norm in ("attn", "out"):
            vector(f"{n}.{norm}.norm.w", HIDDEN, 1.0)
            vector(f"{n}.{norm}.norm.b", HIDDEN)
    meta = {
        "labels": list(labels),
        "layers": LAYERS,
        "hidden": HIDDEN,
        "heads": HEADS,
        "eps": 1e-12,
        "max_pieces": 16,
        "special": {"bos": 0, "pad": 1, "eos": 2, "unk": 3},
        "normalise": {},
        "pieces": PIECES,
        "scores": SCORES,
    }
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / "weights.npz", **arrays)
    (folder / "pieces.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> EncoderReader:
    return EncoderReader.load(tiny_model(tmp_path_factory.mktemp("encoder")))


def test_4bit_blocks_keep_each_blocks_largest_number_and_round_the_rest_within_half_a_step():
    rng = np.random.default_rng(0)
    matrix = rng.normal(0, 1, (5, 4 * BLOCK)).astype(np.float32)
    matrix[2, :BLOCK] = 0.0  # an all-zero block stays zero
    codes, scale = pack_4bit(matrix)
    assert codes.dtype == np.uint8 and codes.shape == (5, 2 * BLOCK)
    assert scale.dtype == np.float16 and scale.shape == (5, 4)
    restored = unpack_4bit(codes, scale)
    blocks, back = matrix.reshape(5, 4, BLOCK), restored.reshape(5, 4, BLOCK)
    step = np.abs(scale.astype(np.float32))[..., None]
    assert np.all(np.abs(back - blocks) <= step / 2 + 1e-6)
    widest = np.abs(blocks).argmax(-1)[..., None]
    largest = np.take_along_axis(blocks, widest, -1)
    assert np.allclose(np.take_along_axis(back, widest, -1), largest, rtol=1e-3)
    assert np.all(restored[2, :BLOCK] == 0.0)
    # Rows read alone are the same rows.
    assert np.array_equal(unpack_4bit(codes[[3, 1]], scale[[3, 1]]), restored[[3, 1]])


def test_4bit_blocks_need_whole_blocks():
    with pytest.raises(ValueError, match="multiple of"):
        pack_4bit(np.ones((2, BLOCK + 1)))


def test_a_message_reads_the_same_alone_or_beside_longer_ones(tmp_path):
    folder = tiny_model(tmp_path / "model")
    texts = ["the boiler is broken", "let us fix it", "it", "the boiler is broken " * 9]
    together = EncoderReader.load(folder).scores(texts)
    assert together.shape == (len(texts), len(LABELS))
    assert np.all((together > 0) & (together < 1))
    for i, text in enumerate(texts):
        alone = EncoderReader.load(folder)  # remembers nothing yet
        assert alone.scores([text])[0] == pytest.approx(together[i], abs=1e-5)
    # Different words, different readings.
    assert not np.allclose(together[0], together[1])


def test_pieces_are_framed_cut_to_the_longest_and_unknown_characters_fused(reader):
    ids = reader.pieces("the boiler is broken")
    assert ids == [0, 5, 6, 7, 8, 2]
    long = reader.pieces("the boiler is broken " * 9)
    assert len(long) == 16 and long[0] == 0 and long[-1] == 2
    assert reader.pieces("the 🔥🔥") == [0, 5, 4, 3, 2]


def test_loading_names_what_is_missing_and_refuses_other_labels(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"training\.encoder export"):
        EncoderReader.load(tmp_path / "nowhere")
    other = tiny_model(tmp_path / "other", labels=("problem", "idea", "concern", "agreement"))
    with pytest.raises(ValueError, match="labels"):
        EncoderReader.load(other)


def test_bars_come_with_the_encoder_when_they_were_chosen(tmp_path):
    folder = tiny_model(tmp_path / "model")
    assert EncoderReader.load(folder).second is None
    (folder / BARS_FILE).write_text(
        json.dumps({"watch": 0.7, "answer": 0.5, "doubt": 0.45, "reaction": 0.6,
                    "surer": 0.9, "answer_from": 0.2}),
        encoding="utf-8",
    )  # fmt: skip
    second = EncoderReader.load(folder).second
    assert second is not None and second.answer_from == 0.2
    assert (second.bars.watch, second.bars.answer, second.bars.surer) == (0.7, 0.5, 0.9)
    assert second.weight == 0.5  # bars chosen before the weight was: a plain average
    (folder / BARS_FILE).write_text(
        json.dumps({"watch": 0.7, "answer": 0.5, "answer_from": 0.2, "weight": 0.8,
                    "read_from": 0.15}),
        encoding="utf-8",
    )  # fmt: skip
    second = EncoderReader.load(folder).second
    assert (second.weight, second.read_from) == (0.8, 0.15)


def test_a_text_read_lately_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr("rules.classifier.encoder.REMEMBERED", 2)
    reader = EncoderReader.load(tiny_model(tmp_path / "model"))
    read: list[str] = []
    passes = reader.read

    def counted(texts):
        read.extend(texts)
        return passes(texts)

    reader.read = counted
    first = reader.scores(["the boiler is broken", "let us fix it"])
    again = reader.scores(["let us fix it", "it", "the boiler is broken"])
    assert read == ["the boiler is broken", "let us fix it", "it"]
    np.testing.assert_array_equal(again[[0, 2]], first[[1, 0]])
    # Only the two used last are kept: "let us fix it", used longest ago, is read again.
    reader.scores(["it", "let us fix it", "the boiler is broken"])
    assert read[3:] == ["let us fix it"]


def test_a_long_text_read_lately_is_remembered_without_its_text(tmp_path):
    """A message may be 100 kB long: 10,000 remembered ones must not hold a gigabyte."""
    reader = EncoderReader.load(tiny_model(tmp_path / "model"))
    reader.scores(["the first reading's one-off costs (caches, buffers)"])
    tracemalloc.start()
    try:
        texts = [f"{n} " + "the boiler is broken " * 5_000 for n in range(10)]
        first = reader.scores(texts)
        del texts
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 100_000  # ten texts of 100 kB each: only their scores stay
    reader.read = None  # remembered: not read again
    again = [f"{n} " + "the boiler is broken " * 5_000 for n in range(10)]
    np.testing.assert_array_equal(reader.scores(again), first)


def test_8bit_packing_keeps_each_number_within_half_a_step():
    rng = np.random.default_rng(4)
    matrix = rng.normal(0, 0.05, (300, 4 * BLOCK)).astype(np.float32)
    matrix[0, :BLOCK] = 0.0  # an all-zero block
    codes, scale = pack_8bit(matrix)
    assert codes.dtype == np.int8 and codes.shape == matrix.shape
    dense = Packed8(codes, scale).dense()
    step = np.repeat(scale.astype(np.float32), BLOCK, axis=1)
    assert np.all(np.abs(dense - matrix) <= step / 2 + 1e-6)
    assert np.all(dense[0, :BLOCK] == 0.0)


def test_a_base_and_its_change_merge_into_their_sum():
    """The shipped encoder's matrices: pretrained 4-bit plus the fine-tuning's change,
    merged at load a few rows at a time (more rows than one merge step)."""
    rng = np.random.default_rng(6)
    base = Packed(*pack_4bit(rng.normal(0, 0.05, (600, 2 * BLOCK))))
    change = Packed(*pack_4bit(rng.normal(0, 0.002, (600, 2 * BLOCK))))
    other = Packed(*pack_4bit(rng.normal(0, 0.05, (40, BLOCK))))
    found = merged([((0, "q"), base, change), ((0, "up"), other, other)])
    total = base.dense() + change.dense()
    step = np.repeat(found[0, "q"].scale.astype(np.float32), BLOCK, axis=1)
    assert np.all(np.abs(found[0, "q"].dense() - total) <= step / 2 + 1e-6)
    assert np.abs(found[0, "q"].dense() - total).max() < 0.002
    np.testing.assert_allclose(found[0, "up"].dense(), 2 * other.dense(), atol=0.002)
