"""Splits are drawn by whole batch; contrast batches named train-only never move them."""

from __future__ import annotations

from dataclasses import replace

from training.config import Config
from training.dataset import Example
from training.prepare import assign_batches, deduplicate, near_duplicate_groups, normalise_text


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


def line(batch: str, n: int, text: str, labels: tuple[str, ...] = ()) -> Example:
    return Example(f"{batch}-{n:04d}", text, batch[:2], labels, batch.split("-")[1], batch)


def test_train_only_lines_never_change_what_the_drawn_lines_keep():
    drawn = [
        line("en-care-01", 1, "the hoist is broken again", ("problem",)),
        line("en-care-02", 1, "shall we book the engineer?", ("proposal",)),
    ]
    extra = [
        # Like a drawn line: it goes, whatever its labels.
        line("en-care-21", 1, "The hoist is broken again!", ()),
        # Like both drawn lines: it goes, and does not join them into one group.
        line("en-care-21", 2, "the hoist is broken again shall we book the engineer?"),
        line("en-care-22", 1, "fine by me", ("agreement",)),
        line("en-care-22", 2, "Fine by me!", ("agreement",)),
    ]
    kept, _ = deduplicate(drawn + extra, 0.6, {"en-care-21", "en-care-22"})
    assert [e.id for e in kept] == ["en-care-01-0001", "en-care-02-0001", "en-care-22-0001"]
    alone, _ = deduplicate(drawn, 0.6)
    assert kept[:2] == alone


def test_line_breaks_survive_preparation():
    text = "On Tue, Anna wrote:\n>   the export   is broken\n\nI can rerun it tonight  "
    assert (
        normalise_text(text)
        == "On Tue, Anna wrote:\n> the export is broken\n\nI can rerun it tonight"
    )


def test_near_duplicates_are_the_same_whatever_the_block_of_rows_compared_at_once():
    texts = [
        "the hoist is broken again",
        "shall we book the engineer?",
        "The hoist is broken again!",
        "fine by me",
        "Fine by me!!",
        "the lift on C is out since yesterday",
        "the lift on C is out since yesterday :(",
    ]
    lines = [line("en-care-01", n, text) for n, text in enumerate(texts, start=1)]
    whole = near_duplicate_groups(lines, 0.9, block=len(lines))
    assert sorted(whole) == [[0, 2], [3, 4], [5, 6]]
    for block in (1, 2, 3):
        assert sorted(near_duplicate_groups(lines, 0.9, block=block)) == sorted(whole)
