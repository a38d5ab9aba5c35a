"""`groundrules classify`: the classification contract of DESIGN.md over JSON Lines."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def classify(lines: list[str], *args: str):
    result = runner.invoke(app, ["classify", "--classifier", "rules", *args],
                           input="\n".join(lines) + "\n")  # fmt: skip
    return result, [json.loads(x) for x in result.stdout.splitlines()]


def test_classify_follows_the_contract():
    result, out = classify(
        [
            json.dumps({"id": "m1", "text": "why is staging down again?", "lang": "en"}),
            json.dumps({"id": "m2", "text": "zullen we legal erbij vragen?"}),
            json.dumps({"id": "m3", "text": "geen probleem", "extra": "ignored"}),
        ]
    )
    assert result.exit_code == 0
    assert [o["id"] for o in out] == ["m1", "m2", "m3"]
    assert out[0]["labels"] == ["problem"] and out[1]["labels"] == ["proposal"]
    assert out[2]["labels"] == []
    for o in out:
        assert set(o["scores"]) == {"problem", "proposal", "concern", "agreement"}
        assert all(0.0 <= s <= 1.0 for s in o["scores"].values())


def test_classify_bad_lines_are_numbered_and_keep_outputs_aligned():
    result, out = classify(['{"id": "a", "text": "+1"}', "not json", '{"id": "b"}', ""])
    assert result.exit_code == 1
    assert out[0]["labels"] == ["agreement"]
    assert out[1] == {"line": 2, "error": out[1]["error"]} and "line 2" in result.stderr
    assert out[2]["line"] == 3


def test_a_line_can_name_the_line_it_follows_as_context():
    lines = [
        json.dumps({"id": "p", "text": "shall we move the stand-up to 9:30?"}),
        json.dumps({"id": "r", "text": "fine", "after": "p"}),
        json.dumps({"id": "alone", "text": "fine"}),
        json.dumps({"id": "x", "text": "fine", "after": "nobody"}),
    ]
    result, out = classify(lines, "--classifier", "trained")
    assert result.exit_code == 1
    assert out[1]["scores"] != out[2]["scores"]  # the trained model reads the context
    assert "no earlier line" in out[3]["error"] and out[3]["line"] == 4
    # the rule classifier reads each line alone, context or not
    _, rules = classify(lines[:3])
    assert rules[1]["scores"] == rules[2]["scores"]
