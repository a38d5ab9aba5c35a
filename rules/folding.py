"""Words people type, folded to be compared with the words and names the bot knows.

`str.lower()` is not enough for that: it turns the capital dotted İ of Turkish into
"i" and a combining dot above, so "Europe/İstanbul" never met "europe/istanbul", and
a Turkish keyboard's caps lock ("/TABLE TİMEZONE") missed "timezone"; and the capital
of the dotless ı is I, so "ÇAĞRI" is "Çağrı". It leaves "Straße" apart from "STRASSE"
and a full-width "ＵＴＣ" apart from "utc". What the bot shows and stores stays as it
was typed: only comparisons fold.
"""

from __future__ import annotations

import unicodedata

_DOTTED_I = "i\u0307"  # what casefold makes of "İ": i and a combining dot above
_DOTLESS_I = "ı"


def fold(text: str) -> str:
    """`text` as it is compared: compatibility forms and case folded away, Turkish
    İ and ı read as i (for ASCII text: `text.lower()`)."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace(_DOTTED_I, "i").replace(_DOTLESS_I, "i")
