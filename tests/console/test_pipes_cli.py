"""A command whose reader goes away early (`groundrules classify … | head -1`) ends
quietly, as coreutils and git do: of SIGPIPE, so that a shell sees 141 and no
traceback. A stderr closed (`2>&-`) or whose reader went away (a supervisor's log pipe)
changes nothing a command does: what it would say there goes unsaid, never onto stdout,
and it does not stop the command half way. Run as the installed command runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPLAY = ["replay", "--classifier", "rules", "--one-reading"]
CLASSIFY = ["classify", "--classifier", "rules"]


def groundrules(command: list[str], *, stdin: str = "", stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, shell_redirect: str = ""):  # fmt: skip
    """`shell_redirect`: as a shell runs it with that redirection (`2>&-`)."""
    script = "import sys\nfrom bot.cli import app\nsys.argv[0] = 'groundrules'\napp()\n"
    argv = [sys.executable, "-c", script, *command]
    if shell_redirect:
        argv = ["sh", "-c", f'"$@" {shell_redirect}', "sh", *argv]
    return subprocess.run(
        argv, input=stdin, stdout=stdout, stderr=stderr, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def read_end_gone():
    """A pipe whose reader has gone: the write end, for a child to write to."""
    read, write = os.pipe()
    os.close(read)
    return write


def messages(count: int) -> str:
    return "".join(f'{{"id": "m{n}", "text": "the build is broken again"}}\n' for n in range(count))


def transcript(tmp_path: Path, count: int, bad_line: bool = False) -> str:
    lines = [
        f'{{"ts": "2026-03-02T09:{n // 60:02d}:{n % 60:02d}Z", "channel": "C-ops",'
        f' "user": "U-{n}", "text": "the build is broken again", "thread": null}}\n'
        for n in range(count)
    ]
    if bad_line:
        lines.insert(1, "not json\n")
    path = tmp_path / "transcript.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["help", "classify", "replay", "replay --json"])
def test_pipes_a_reader_gone_ends_the_command_quietly_of_sigpipe(tmp_path, command):
    argv = {
        "help": ["--help"],
        "classify": CLASSIFY,
        "replay": [*REPLAY, transcript(tmp_path, 50)],
        "replay --json": [*REPLAY, "--json", transcript(tmp_path, 50)],
    }[command]
    stdout = read_end_gone()
    try:
        result = groundrules(argv, stdin=messages(50), stdout=stdout)
    finally:
        os.close(stdout)
    assert result.stderr == ""
    assert result.returncode == -signal.SIGPIPE


def test_pipes_head_sees_the_first_line_and_the_shell_141(tmp_path):
    path = tmp_path / "messages.jsonl"
    path.write_text(messages(3000), encoding="utf-8")
    script = "'import sys; from bot.cli import app; sys.argv[0] = \"groundrules\"; app()'"
    inner = " ".join([sys.executable, "-c", script, *CLASSIFY])
    result = subprocess.run(
        ["bash", "-c", f"{inner} < {path} | head -1; echo ${{PIPESTATUS[0]}}"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    first, status = result.stdout.splitlines()
    assert first.startswith('{"id": "m0"')
    assert status == "141"
    assert result.stderr == ""


BAD_INPUT = '{"id": "a", "text": "fine"}\nnot json\n{"id": "b", "text": "the build is broken"}\n'


def test_pipes_classify_with_stderr_closed_keeps_stdout_json_lines():
    """Python wrote what was meant for a closed stderr onto stdout."""
    result = groundrules(CLASSIFY, stdin=BAD_INPUT, stderr=None, shell_redirect="2>&-")
    assert [line[:12] for line in result.stdout.splitlines()] == [
        '{"id": "a", ', '{"line": 2, ', '{"id": "b", ',
    ]  # fmt: skip
    assert result.returncode == 1  # for the bad line


def test_pipes_classify_with_stderr_gone_classifies_every_line():
    """It stopped at the bad line, whose warning could not be written."""
    stderr = read_end_gone()
    try:
        result = groundrules(CLASSIFY, stdin=BAD_INPUT, stderr=stderr)
    finally:
        os.close(stderr)
    assert [line[:12] for line in result.stdout.splitlines()] == [
        '{"id": "a", ', '{"line": 2, ', '{"id": "b", ',
    ]  # fmt: skip
    assert result.returncode == 1  # for the bad line


def test_pipes_replay_with_stderr_gone_replays_every_line(tmp_path):
    path = transcript(tmp_path, 3, bad_line=True)
    whole = groundrules([*REPLAY, path])
    assert whole.returncode == 1 and "(skipped)" in whole.stderr
    stderr = read_end_gone()
    try:
        result = groundrules([*REPLAY, path], stderr=stderr)
    finally:
        os.close(stderr)
    assert result.stdout == whole.stdout
    assert result.returncode == 1


def test_pipes_replay_with_stderr_closed_says_nothing_on_stdout(tmp_path):
    path = transcript(tmp_path, 3, bad_line=True)
    whole = groundrules([*REPLAY, path])
    result = groundrules([*REPLAY, path], stderr=None, shell_redirect="2>&-")
    assert result.stdout == whole.stdout
    assert result.returncode == 1
