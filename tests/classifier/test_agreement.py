"""The agreement report: Cohen's kappa, and a later second pass kept in its own folder."""

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


def test_a_folder_holds_its_own_sample_and_second_pass(tmp_path: Path, capsys):
    corpus = list(read_jsonl(ROOT / "data" / "corpus" / "en-care-01.jsonl"))[:6]
    with (tmp_path / "sample.jsonl").open("w", encoding="utf-8") as sample:
        for record in corpus:
            sample.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
    with (tmp_path / "second_pass.jsonl").open("w", encoding="utf-8") as second:
        for record in corpus:  # the writers' own labels: full agreement
            second.write(json.dumps({"id": record["id"], "labels": record["labels"]}) + "\n")
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "second pass: 6 of 6 sample messages labelled" in out
    assert "same label set: 1.00" in out


def test_a_missing_second_pass_is_reported(tmp_path: Path, capsys):
    assert main([str(tmp_path / "nothing.jsonl")]) == 1
    assert "no second pass yet" in capsys.readouterr().err
