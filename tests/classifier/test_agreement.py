"""The agreement report: Cohen's kappa, the F1 between two passes, and later second
passes kept in folders of their own, read alone or pooled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.agreement import cohen_kappa, main
from training.dataset import read_jsonl

ROOT = Path(__file__).resolve().parents[2]


def test_kappa_is_one_for_identical_judgements_and_zero_at_chance():
    assert cohen_kappa([True, False, True, False], [True, False, True, False]).kappa == 1.0
    # Each rater says yes half the time, independently of the other: chance agreement.
    assert cohen_kappa([True, True, False, False], [True, False, True, False]).kappa == 0.0


def test_kappa_of_a_textbook_table():
    # 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: observed 0.70, chance 0.50, kappa 0.40.
    first = [True] * 25 + [False] * 25
    second = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    result = cohen_kappa(first, second)
    assert result.observed == pytest.approx(0.70)
    assert result.kappa == pytest.approx(0.40)
    # 20 said yes by both, 25 by the first, 30 by the second: F1 40 / 55.
    assert result.f1 == pytest.approx(40 / 55)


def test_f1_between_passes_is_the_same_either_way_round():
    first = [True, True, True, False, False, True]
    second = [True, False, True, True, False, False]
    assert cohen_kappa(first, second).f1 == cohen_kappa(second, first).f1 == pytest.approx(4 / 7)


def test_f1_is_undefined_when_neither_pass_gives_the_label():
    assert cohen_kappa([False, False], [False, False]).f1 is None


def _write_pass(folder: Path, records: list[dict], labels=lambda record: record["labels"]):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "sample.jsonl").open("w", encoding="utf-8") as sample:
        for record in records:
            sample.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
    with (folder / "second_pass.jsonl").open("w", encoding="utf-8") as second:
        for record in records:
            second.write(json.dumps({"id": record["id"], "labels": labels(record)}) + "\n")


def test_a_folder_holds_its_own_sample_and_second_pass(tmp_path: Path, capsys):
    # The writers' own labels: full agreement.
    _write_pass(tmp_path, list(read_jsonl(ROOT / "data" / "corpus" / "en-care-01.jsonl"))[:6])
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "second pass: 6 of 6 sample messages labelled" in out
    assert "same label set: 1.00" in out


def test_passes_given_together_are_pooled(tmp_path: Path, capsys):
    records = list(read_jsonl(ROOT / "data" / "corpus" / "en-care-01.jsonl"))
    problems = [r for r in records if "problem" in r["labels"]][:4]
    others = [r for r in records if not r["labels"]][:4]
    # The first pass agrees on its problems; the second calls its plain lines problems.
    _write_pass(tmp_path / "a", problems)
    _write_pass(tmp_path / "b", others, labels=lambda record: ["problem"])
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "second pass: 8 of 8 sample messages labelled" in out
    pooled = next(
        line for line in out.splitlines()[::-1] if line.startswith("| all | problem | 8 |")
    )
    # 4 said by both, 4 by the corpus, 8 by the second pass: F1 8 / 12.
    assert "| 0.67 |" in pooled


def test_a_message_in_two_samples_is_refused(tmp_path: Path, capsys):
    records = list(read_jsonl(ROOT / "data" / "corpus" / "en-care-01.jsonl"))[:3]
    _write_pass(tmp_path / "a", records)
    _write_pass(tmp_path / "b", records[1:])
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1
    assert "2 messages already in another sample" in capsys.readouterr().err


def test_a_missing_second_pass_is_reported(tmp_path: Path, capsys):
    assert main([str(tmp_path / "nothing.jsonl")]) == 1
    assert "no second pass yet" in capsys.readouterr().err
