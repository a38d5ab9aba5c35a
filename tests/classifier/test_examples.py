"""The written conversations (held-out, tuning and larger-table sets) stay well-formed, and each
sidecar's hand-written nudges are what the answering rule gives for its labels."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "examples" / "check_expected.py"


@pytest.mark.parametrize("chosen", ["conversations", "tuning", "larger-tables"])
def test_every_written_conversation_passes_its_checker(chosen: str):
    run = subprocess.run(
        [sys.executable, str(CHECKER), "--set", chosen],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert run.stdout.rstrip().endswith("PASS")


def test_the_checker_rejects_a_sidecar_whose_nudges_do_not_follow_the_rule(tmp_path: Path):
    # A copy of the checker beside a broken copy of one conversation: the nudge list is
    # emptied, so the rule's nudges no longer match what the sidecar says.
    shutil.copy(CHECKER, tmp_path / CHECKER.name)
    folder = tmp_path / "conversations"
    folder.mkdir()
    source = ROOT / "examples" / "conversations"
    shutil.copy(source / "en-01.jsonl", folder / "en-01.jsonl")
    sidecar = json.loads((source / "en-01.expected.json").read_text("utf-8"))
    assert sidecar["nudges"], "en-01 must expect at least one nudge for this test"
    sidecar["nudges"] = []
    (folder / "en-01.expected.json").write_text(json.dumps(sidecar), "utf-8")
    run = subprocess.run(
        [sys.executable, str(tmp_path / CHECKER.name), "--set", "conversations"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "FAILED" in run.stdout
