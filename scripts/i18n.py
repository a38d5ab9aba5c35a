"""Keep the gettext catalogues in step with the code (run by `make i18n`).

Extracts every msgid from rules/, bot/ and adapters/, adds new ones to
rules/i18n/locale/{en,nl}.po and marks vanished ones obsolete. English msgstrs equal
their msgids; new Dutch entries stay empty until translated (a test fails on them).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "rules" / "i18n" / "locale"
KEYWORDS = {"N_": None, "NP_": (1, 2), "gettext": None}


def template() -> Catalog:
    catalog = Catalog(project="groundrules", fuzzy=False)
    for package in ("rules", "bot", "adapters"):
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            catalog.add(message, locations=[(f"{package}/{filename}", lineno)], context=context)
    return catalog


def update(lang: str, pot: Catalog) -> Catalog:
    path = LOCALE / f"{lang}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="groundrules")
    catalog.update(
        pot, update_header_comment=False, no_fuzzy_matching=True, update_creation_date=False
    )
    if lang == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return catalog


def main() -> int:
    for lang in ("en", "nl"):
        pot = template()  # fresh: `update` shares message objects with its template
        catalog = update(lang, pot)
        missing = [m.id for m in catalog if m.id and not _translated(m)]
        print(f"{lang}: {len(pot)} messages, {len(missing)} untranslated")
        for msgid in missing:
            print(f"  - {msgid if isinstance(msgid, str) else msgid[0]}")
    return 0


def _translated(message) -> bool:
    # A fuzzy entry (a msgid that became a plural keeps its old string so) is not used.
    if message.fuzzy:
        return False
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


if __name__ == "__main__":
    sys.exit(main())
