"""spaCy imported without what a running bot never uses: its command line, and torch.

- spaCy 3.8's `__init__` imports `spacy.cli.info` for one function, `spacy.info`, and
  with it the whole command line: rich, weasel, requests, httpx, jinja2, pygments and
  more. That is 28 MB a running bot holds and never uses (make bench: 165 MB of
  imports against 137). spaCy has made this import lazy on its v4 branch
  (explosion/spaCy#12962); until then, `spacy.cli.info` is stood in for while spaCy
  imports, and `spacy.info` reads the real one when called. Everything of spaCy's
  command line still works: `spacy.cli` is imported the usual way when asked for.
- thinc, under spaCy, imports torch and cupy whenever they are installed, to offer
  them as backends. Building the encoder installs torch beside the bot
  (`pip install -e '.[encoder]'`), and the bot then held 230 MB more and loaded in
  7 s instead of 1 (make bench: 459 MB against 226). While spaCy imports they are
  reported missing, so thinc takes its numpy backend as it does without them; an
  `import torch` afterwards gets the real one.
- blis, under thinc, reads about 12 MB of its code while it imports and is never
  called again: that code is given back (rules/classifier/idle_code.py).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from rules.classifier import idle_code

_STAND_IN = "spacy.cli.info"
# Backends thinc imports if it can; the classifiers use none of them.
_UNUSED_BACKENDS = ("torch", "cupy")


def info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`, imported when first called."""
    from spacy.cli.info import info as real_info

    return real_info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """spaCy, imported now unless it already is (then as it was imported)."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_in = types.ModuleType(_STAND_IN, info.__doc__)
    stand_in.info = info  # type: ignore[attr-defined]
    sys.modules[_STAND_IN] = stand_in
    # None in sys.modules makes `import torch` raise ImportError; a backend already
    # imported is left as it is (thinc then uses it, at no extra cost).
    hidden = [name for name in _UNUSED_BACKENDS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        # Gone before anyone else asks: `import spacy.cli` then finds the real one, and
        # `import torch` the real torch.
        if sys.modules.get(_STAND_IN) is stand_in:
            del sys.modules[_STAND_IN]
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    idle_code.release("/blis/")
    return spacy
