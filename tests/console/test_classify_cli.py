"""`groundrules classify`: the classification contract of DESIGN.md over JSON Lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.helpers import raw_controls

ROOT = Path(__file__).resolve().parents[2]
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
    assert len(out) == 4  # a blank line too gets its line


def test_classify_gives_every_input_line_its_output_line_and_says_what_is_wrong():
    lines = [
        '{"id": "a", "text": "the build is broken again"}',
        "",
        "not json",
        '{"id": "b"}',
        '{"text": "no id here"}',
        '{"id": 1, "text": "a number for an id"}',
        '{"id": "c", "text": "x", "lang": "fr"}',
        '{"id": "d", "text": "x", "lang": 42}',
        '{"id": "e", "text": "fine by me", "after": 1}',
        '{"id": "f", "text": "fine by me", "after": "a"}',
    ]
    result, out = classify(lines)
    assert result.exit_code == 1
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["a", None, None, "b", None, None, "c", "d", "e", "f"]
    errors = {o["line"]: o["error"] for o in out if "error" in o}
    assert errors == {
        2: "a blank line; expected an object with “id” and “text”",
        3: "not JSON: Expecting value at column 1",
        4: "“text” must be a string",
        5: "“id” must be a string, not empty",
        6: "“id” must be a string, not empty",
        7: "“lang” must be en or nl, or left out",
        8: "“lang” must be en or nl, or left out",
        9: "“after” must be the id of an earlier line",
    }
    assert "labels" in out[0] and "labels" in out[-1]


def test_classify_reports_a_line_that_is_not_utf8_and_classifies_the_rest():
    latin1 = '{"id": "a", "text": "café is kapot"}\n'.encode("latin-1")
    result = runner.invoke(app, ["classify", "--classifier", "rules"],
                           input=latin1 + b'{"id": "b", "text": "ok"}\n')  # fmt: skip
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert out[0] == {"line": 1, "error": "not UTF-8 (byte 0xe9); save the input as UTF-8"}
    assert out[1]["id"] == "b" and "labels" in out[1]


def test_classify_reads_half_an_emoji_as_the_bot_does():
    """An emoji cut in half (JSON "\\ud83d", valid JSON): read with it replaced."""
    result, out = classify(['{"id": "a\\ud83d", "text": "the build is broken \\ud83d"}'])
    assert result.exit_code == 0, result.stderr
    assert out[0]["id"] == "a\ufffd" and out[0]["labels"] == ["problem"]


def test_classify_with_stdin_closed_says_so():
    result = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m bot.cli classify <&-'],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "groundrules: classify reads JSON Lines from stdin, which is closed\n"


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


def test_classify_escapes_control_characters_in_the_ids_it_echoes():
    """An id is echoed: its C1 controls (0x9b opens a sequence as ESC [ does) were
    written raw to the terminal, where JSON's own escape reads back the same."""
    named = "m1\x1b]0;pwned\x07\x9b2J é 🙂"
    result, out = classify([json.dumps({"id": named, "text": "why is staging down again?"})])
    assert result.exit_code == 0, result.output
    assert out[0]["id"] == named and out[0]["labels"] == ["problem"]
    assert raw_controls(result.stdout) == [], repr(result.stdout)
    assert "é 🙂" in result.stdout
