"""Fill Dutch msgstrs from a Python file holding `NL = {msgid: msgstr}` (a translator's aid).

Usage: python scripts/translate.py FILE.py — only empty entries are filled.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "rules" / "i18n" / "locale" / "nl.po"


def main(source: str) -> int:
    table = runpy.run_path(source)["NL"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    filled = 0
    for message in catalog:
        if not message.id or message.id not in table:
            continue
        current = message.string
        empty = not all(current) if isinstance(current, tuple | list) else not current
        if empty:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    print(f"filled {filled} Dutch entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
