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
