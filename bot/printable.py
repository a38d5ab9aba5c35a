"""People's words as the command line prints them: control characters shown, not obeyed.

A transcript, a chat or a stored agreement may hold ESC sequences and other control
characters. Printed as they are, they retitle the operator's terminal, clear it, move
the cursor and rewrite lines, so that what is read is not what was said (and some
terminals act on worse). In text for people (`groundrules replay`, the console, the
Markdown register) each is shown as Python writes it, "\\x1b". JSON for people and
programs alike (`--json`, classify, the register, feedback export) escapes them as JSON
does, "\\u009b": `json.dumps` escapes C0 itself but writes DEL and C1 raw.
"""

from __future__ import annotations

import json
import re

# C0 controls, DEL and C1 controls (0x9b opens a sequence as ESC [ does); tabs are
# harmless, and a line break is kept where text is printed as lines.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What json.dumps(ensure_ascii=False) leaves raw; only ever inside a string there.
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def printable_line(text: str) -> str:
    """`text` on one line, its control characters (line breaks too) shown as \\x.."""
    return _CONTROLS.sub(_shown, text)


def printable(text: str) -> str:
    """`text` with its control characters shown as \\x.., line breaks kept."""
    return _CONTROLS_BUT_LINE_BREAKS.sub(_shown, text)


def _shown(control: re.Match[str]) -> str:
    return f"\\x{ord(control.group()):02x}"


def printable_json(value: object, *, indent: int | None = None) -> str:
    """`value` as JSON with no raw control character: C0, DEL and C1 as \\u escapes
    (lossless), other characters (é, emoji) as they are, readable."""
    return _RAW_IN_JSON.sub(_escaped, json.dumps(value, ensure_ascii=False, indent=indent))


def _escaped(control: re.Match[str]) -> str:
    return f"\\u{ord(control.group()):04x}"
