"""People's words as the command line prints them: control characters shown, not obeyed.

A transcript, a chat or a stored agreement may hold ESC sequences and other control
characters. Printed as they are, they retitle the operator's terminal, clear it, move
the cursor and rewrite lines, so that what is read is not what was said (and some
terminals act on worse). In text for people (`groundrules replay`, the console, the
Markdown register) each is shown as Python writes it, "\\x1b"; JSON escapes them itself.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls (0x9b opens a sequence as ESC [ does); tabs are
# harmless, and a line break is kept where text is printed as lines.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable_line(text: str) -> str:
    """`text` on one line, its control characters (line breaks too) shown as \\x.."""
    return _CONTROLS.sub(_shown, text)


def printable(text: str) -> str:
    """`text` with its control characters shown as \\x.., line breaks kept."""
    return _CONTROLS_BUT_LINE_BREAKS.sub(_shown, text)


def _shown(control: re.Match[str]) -> str:
    return f"\\x{ord(control.group()):02x}"
