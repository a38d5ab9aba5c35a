"""An output the command line cannot write (a folder, a path under a file, a full disk,
a full stdout) is one line and exit code 1, not a traceback; the last good file at the
path stays as it was, and no partial file is left beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.console.test_database_cli import corrected, one_line

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
full_device = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")

# Each command that writes a file, with the option naming it.
WRITING = [["export", "--output"], ["feedback", "export", "--out"]]


@pytest.fixture
def url(tmp_path, rule_classifier) -> str:
    """A database with one correction, so that each export has something to write."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier)
    return url


def listing(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text("utf-8") if p.is_file() else "folder"
        for p in folder.rglob("*")
        if not p.name.startswith("groundrules.db")  # its -wal and -shm too
    }


@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_to_a_folder_is_one_line_and_leaves_it_as_it_was(tmp_path, url, command):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "register.md").write_text("kept\n", encoding="utf-8")
    before = listing(tmp_path)
    result = runner.invoke(app, [*command, str(folder), "--database", url])
    assert one_line(result) == f"groundrules: cannot write {folder}: Is a directory"
    assert listing(tmp_path) == before


@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_under_a_file_is_one_line(tmp_path, url, command):
    (tmp_path / "notes.txt").write_text("kept\n", encoding="utf-8")
    before = listing(tmp_path)
    out = tmp_path / "notes.txt" / "register.md"
    result = runner.invoke(app, [*command, str(out), "--database", url])
    assert one_line(result) == f"groundrules: cannot write {out}: Not a directory"
    assert listing(tmp_path) == before


@full_device
@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_to_a_full_device_is_one_line(url, command):
    result = runner.invoke(app, [*command, "/dev/full", "--database", url])
    assert one_line(result) == "groundrules: cannot write /dev/full: No space left on device"


def groundrules(
    command: list[str],
    *,
    stdout=subprocess.PIPE,
    before: str = "",
    stdout_closed: bool = False,
    stdin: str | None = None,
):
    """The command as the installed one runs (typer's own handling of what escapes a
    command included), after `before`; `stdout_closed`: as a shell's `>&-` runs it."""
    script = f"import sys\nfrom bot.cli import app\n{before}sys.argv[0] = 'groundrules'\napp()\n"
    argv = [sys.executable, "-c", script, *command]
    if stdout_closed:
        argv = ["sh", "-c", '"$@" >&-', "sh", *argv]
    return subprocess.run(
        argv, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, input=stdin,
    )  # fmt: skip


# A file may grow to 40 kB at most (SQLite's shared memory file takes 32 kB): past that a
# write fails with EFBIG ("File too large"), as one on a full disk fails with ENOSPC.
AT_MOST_40_KB = (
    "import resource, signal\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, resource.RLIM_INFINITY))\n"
)


def test_an_export_failing_half_way_keeps_the_last_one(tmp_path, rule_classifier):
    url = f"sqlite:///{tmp_path}/groundrules.db"
    corrected(url, rule_classifier, text="the build is slow again " * 4_000)  # 96 kB
    out = tmp_path / "team.jsonl"
    out.write_text("the last good export\n", encoding="utf-8")
    before = listing(tmp_path)
    command = ["feedback", "export", "--out", str(out), "--database", url]
    result = groundrules(command, before=AT_MOST_40_KB)
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"groundrules: cannot write {out}: File too large\n"
    assert listing(tmp_path) == before


@full_device
@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_to_a_full_stdout_by_its_path_is_one_line(url, command):
    with open("/dev/full", "w") as full:
        result = groundrules([*command, "/dev/stdout", "--database", url], stdout=full)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "groundrules: cannot write /dev/stdout: No space left on device\n"


@full_device
@pytest.mark.parametrize(
    "command",
    [["export"], ["export", "--format", "json"], ["feedback", "export"], ["workspace", "list"]],
    ids=" ".join,
)
def test_a_full_stdout_is_one_line(url, command):
    with open("/dev/full", "w") as full:
        result = groundrules([*command, "--database", url], stdout=full)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "groundrules: cannot write stdout: No space left on device\n"


REPLAY = ["replay", str(ROOT / "examples" / "demo.jsonl"), "--classifier", "rules", "--one-reading"]


@full_device
@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        [*REPLAY],
        [*REPLAY, "--json"],
    ],
    ids=["help", "replay", "replay --json"],
)
def test_a_full_stdout_is_one_line_whatever_the_command_writes(command):
    with open("/dev/full", "w") as full:
        result = groundrules(command, stdout=full)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "groundrules: cannot write stdout: No space left on device\n"


CLOSED = "groundrules: cannot write stdout: it is closed\n"


@pytest.mark.parametrize(
    "command",
    [["export"], ["export", "--format", "json"], ["feedback", "export"], ["workspace", "list"],
     ["migrate"]],
    ids=" ".join,
)  # fmt: skip
def test_a_closed_stdout_is_one_line(url, command):
    """`>&-`: Python starts with no sys.stdout. The exports ended in an AttributeError
    traceback, the others wrote nothing and exited 0."""
    result = groundrules([*command, "--database", url], stdout_closed=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr == CLOSED


@pytest.mark.parametrize(
    "command",
    [["--help"], [*REPLAY], [*REPLAY, "--json"], ["classify", "--classifier", "rules"]],
    ids=["help", "replay", "replay --json", "classify"],
)
def test_a_closed_stdout_is_one_line_whatever_the_command_writes(command):
    stdin = '{"id": "m1", "text": "the build is broken again"}\n'
    result = groundrules(command, stdout_closed=True, stdin=stdin)
    assert result.returncode == 1, result.stderr
    assert result.stderr == CLOSED


@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_to_a_file_needs_no_stdout(tmp_path, url, command):
    out = tmp_path / "export.txt"
    result = groundrules([*command, str(out), "--database", url], stdout_closed=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text("utf-8")


@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_an_export_to_dash_goes_to_stdout(tmp_path, url, command, monkeypatch):
    """`-` is stdout, as `replay -` reads stdin: it wrote a file named `-`."""
    monkeypatch.chdir(tmp_path)
    to_stdout = runner.invoke(app, [*command[:-1], "--database", url])
    result = runner.invoke(app, [*command, "-", "--database", url])
    assert result.exit_code == 0, result.output
    assert result.stdout == to_stdout.stdout
    assert result.stdout.strip()
    assert not (tmp_path / "-").exists()
