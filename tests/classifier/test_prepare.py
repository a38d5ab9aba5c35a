"""Splits are drawn by whole batch; contrast batches named train-only never move them."""

from __future__ import annotations

from dataclasses import replace

from training.config import Config
from training.dataset import Example
from training.prepare import assign_batches


def corpus(batches: list[str]) -> list[Example]:
    return [
        Example(
            f"{batch}-{n:04d}", f"line {n} of {batch}", batch[:2], (), batch.split("-")[1], batch
        )
        for batch in batches
        for n in range(1, 4)
    ]


def test_train_only_batches_go_to_train_and_leave_dev_and_test_as_drawn(tmp_path):
    drawn = [f"{lang}-care-{n:02d}" for lang in ("en", "nl") for n in range(1, 6)]
    config = replace(Config(), train_only=tmp_path / "train_only.txt")
    before = assign_batches(corpus(drawn), config)
    (tmp_path / "train_only.txt").write_text("# round 6\nen-care-21\nnl-care-14  # contrasts\n")
    after = assign_batches(corpus([*drawn, "en-care-21", "nl-care-14"]), config)
    assert after["dev"] == before["dev"] and after["test"] == before["test"]
    assert set(after["train"]) == set(before["train"]) | {"en-care-21", "nl-care-14"}
    # every batch lands in exactly one split
    assert sorted(b for split in after.values() for b in split) == sorted(
        [*drawn, "en-care-21", "nl-care-14"]
    )
