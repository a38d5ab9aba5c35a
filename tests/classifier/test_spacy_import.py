"""spaCy is imported without its command line and without torch, and nothing of spaCy
or torch is lost by it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Packages only spaCy's command line brings in; a running bot needs none of them.
COMMAND_LINE_ONLY = ("weasel", "rich", "requests", "httpx", "jinja2", "pygments")


def run_fresh(*lines: str, path: Path | None = None) -> str:
    """What a fresh interpreter prints running `lines` (this one has imported spaCy),
    with `path` first on its module search path."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    found = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return found.stdout.strip().splitlines()[-1]


def test_the_running_bot_never_imports_spacys_command_line():
    loaded = run_fresh(
        "import json, sys",
        "import bot.runtime, adapters.slack, adapters.discord, bot.bootstrap",
        "from bot.bootstrap import build_classifier",
        "classifier = build_classifier('trained')",
        "labels = sorted(classifier.classify('Zullen we de release verschuiven?').labels)",
        f"print(json.dumps([labels, [m for m in {COMMAND_LINE_ONLY!r} if m in sys.modules],",
        "                   'spacy.cli' in sys.modules]))",
    )
    labels, command_line, cli = json.loads(loaded)
    assert labels == ["proposal"]
    assert command_line == []
    assert cli is False


def test_spacy_info_and_the_command_line_still_work_once_asked_for():
    found = run_fresh(
        "import json, sys",
        "import rules.classifier, spacy",
        "described = spacy.info()",
        "from spacy.cli import info as command_line_info",
        "print(json.dumps([described['spacy_version'] == spacy.__version__,",
        "                  'spacy.cli.info' in sys.modules,",
        "                  command_line_info.__module__]))",
    )
    same_version, real_module_loaded, module = json.loads(found)
    assert same_version is True
    assert real_module_loaded is True
    assert module == "spacy.cli.info"


def test_spacy_imported_before_is_left_as_it_was():
    found = run_fresh(
        "import json, spacy",
        "from rules.classifier.spacy_import import import_spacy",
        "import sys",
        "print(json.dumps([import_spacy() is spacy, 'spacy.cli' in sys.modules]))",
    )
    assert json.loads(found) == [True, True]


@pytest.fixture
def stand_in_torch(tmp_path: Path) -> Path:
    """A folder holding a stand-in torch package (the real one is 230 MB of memory): what
    thinc would import if it could."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("__version__ = 'stand-in'\n")
    return tmp_path


def test_an_installed_torch_is_not_imported_by_spacy_but_still_importable(stand_in_torch: Path):
    found = run_fresh(
        "import json, sys",
        "import bot.runtime, adapters.slack, adapters.discord",
        "from bot.bootstrap import build_classifier",
        "classifier = build_classifier('trained')",
        "labels = sorted(classifier.classify('Zullen we de release verschuiven?').labels)",
        "import thinc.compat",
        "imported_with_spacy = 'torch' in sys.modules",
        "import torch",
        "print(json.dumps([labels, imported_with_spacy, thinc.compat.has_torch,",
        "                  torch.__version__]))",
        path=stand_in_torch,
    )
    labels, imported_with_spacy, thinc_has_torch, version = json.loads(found)
    assert labels == ["proposal"]
    assert imported_with_spacy is False
    assert thinc_has_torch is False
    assert version == "stand-in"  # asked for afterwards, the installed one is found


def test_torch_imported_before_spacy_is_left_to_thinc(stand_in_torch: Path):
    found = run_fresh(
        "import json, sys, torch",
        "from rules.classifier.spacy_import import import_spacy",
        "import_spacy()",
        "print(json.dumps(sys.modules['torch'] is torch))",
        path=stand_in_torch,
    )
    assert json.loads(found) is True


def test_blis_code_run_only_at_import_is_given_back_and_still_runs():
    """blis reads about 12 MB of its code while it imports; the classifiers never call it,
    so that code leaves the bot's resident memory. Called after all, it still computes."""
    resident = run_fresh(
        "import json, re",
        "from pathlib import Path",
        "from rules.classifier.spacy_import import import_spacy",
        "import_spacy()",
        "def blis_kb():",
        "    total, on = 0, False",
        "    for line in Path('/proc/self/smaps').read_text().splitlines():",
        "        if re.match(r'^[0-9a-f]+-[0-9a-f]+ ', line):",
        "            on = '/blis/' in line",
        "        elif on and line.startswith('Rss:'):",
        "            total += int(line.split()[1])",
        "    return total",
        "before = blis_kb()",
        "import numpy as np",
        "from blis.py import gemm",
        "a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)",
        "right = np.allclose(gemm(a, b), a @ b)",
        "print(json.dumps([before, right]))",
    )
    before_kb, right = json.loads(resident)
    assert before_kb < 4_000  # about 13,700 kB when left resident
    assert right


SMAPS = """\
7f0000000000-7f0000100000 r--p 00000000 08:01 1 /venv/blis/cy.so
Rss:                 512 kB
Anonymous:             0 kB
7f0000100000-7f0001000000 r-xp 00100000 08:01 1 /venv/blis/cy.so
Rss:               12608 kB
Anonymous:             0 kB
7f0001000000-7f0001010000 r-xp 00000000 08:01 2 /venv/blis/patched.so
Rss:                  64 kB
Anonymous:             4 kB
7f0001010000-7f0001020000 rw-p 00010000 08:01 1 /venv/blis/cy.so
Rss:                  64 kB
Anonymous:            64 kB
7f0002000000-7f0003000000 r-xp 00000000 08:01 3 /venv/numpy/_multiarray_umath.so
Rss:                6228 kB
Anonymous:             0 kB
"""


def test_only_code_never_written_is_given_back():
    from rules.classifier.idle_code import code_ranges

    # Not the read-only data, not a mapping with a private copy of a page, not data,
    # not another library.
    assert code_ranges(SMAPS, "/blis/") == [(0x7F0000100000, 0x7F0001000000)]
    assert code_ranges(SMAPS, "/nothing-here/") == []
