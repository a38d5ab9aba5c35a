"""The Makefile says what each of its targets does: `make help`, also bare `make`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make here")


def _make(*arguments: str) -> str:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", *arguments],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip


def test_make_help_describes_every_target():
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert phony is not None
    described = set(re.findall(r"^([a-z0-9-]+): ", _make("help"), re.M))
    assert set(phony.group(1).split()) - {"help"} <= described


def test_bare_make_shows_the_help_and_installs_nothing():
    """Before, bare `make` quietly made the virtual environment (its first rule). Only
    what each would run is compared (-n): nothing is installed here, whatever it is."""
    assert _make("-n") == _make("-n", "help")


def test_make_clean_removes_every_cache_the_tools_leave(tmp_path):
    """Run where a clone would be, its caches made first: Hypothesis's too."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    caches = [".venv", ".pytest_cache", ".ruff_cache", ".hypothesis", "groundrules.egg-info"]
    for cache in caches:
        (tmp_path / cache).mkdir()
        (tmp_path / cache / "kept").write_text("x")
    subprocess.run(
        ["make", "--no-print-directory", "-s", "clean"],
        cwd=tmp_path, capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert [cache for cache in caches if (tmp_path / cache).exists()] == []
    assert (tmp_path / "Makefile").exists()
