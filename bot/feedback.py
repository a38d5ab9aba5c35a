"""Corrections people made ("this was not a problem") out of the database, for training.

The engine stores each correction with the message text (table `correction`); a
message its writer deletes leaves its corrections blank, and those are not exported.
`export_corrections` writes them as JSON Lines that `make train` folds into its
training data (drop the file in data/feedback/):

    {"text": "...", "label": "problem", "applies": false, "lang": "en"}

Oldest first, so that when people disagree about a text the latest word wins. The
language is the message's, as the bot knew it when it was corrected (its words', else
its table's: `StoreCorrection.lang`). For a correction stored without one (before
migration 0013, or where nothing told) it is detected from the text; when the text gives
no sign, the channel's configured language decides (/table language), else every
table's (GROUNDRULES_LANGUAGE, as the export runs), else English. "It has a proposal"
on a problem comes as two lines: problem and proposal both apply.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.database import make_engine
from bot.models import CorrectionRow, TableConfig
from bot.printable import printable_json
from rules.language import detect_language


def export_corrections(database: Engine | str, out: TextIO, *, language: str | None = None) -> int:
    """Write every stored correction to `out`; returns how many were written. An engine
    given stays open; one made from a URL here is closed again. `language`: every
    table's (Settings.language), for a text that gives no sign at a table that chose
    none."""
    engine = make_engine(database) if isinstance(database, str) else database
    count = 0
    try:
        with Session(engine) as session:
            channel_language = {
                (config.workspace, config.channel): config.language
                for config in session.exec(select(TableConfig))
                if config.language
            }
            # A blank text: its writer deleted the message, and its words with it.
            rows = session.exec(
                select(CorrectionRow)
                .where(CorrectionRow.text != "")
                .order_by(col(CorrectionRow.created_at), col(CorrectionRow.id))
            )
            for row in rows:
                record = {
                    "text": row.text,
                    "label": row.label,
                    "applies": row.applies,
                    "lang": row.lang
                    or detect_language(
                        row.text,
                        fallback=channel_language.get((row.workspace, row.channel))
                        or language
                        or "en",
                    ),
                }
                out.write(printable_json(record) + "\n")
                count += 1
    finally:
        if engine is not database:
            engine.dispose()
    out.flush()
    return count
