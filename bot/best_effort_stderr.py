"""sys.stderr as a command of the bot sees it: what it says there is said if it can
be, and a stderr closed (`2>&-`) or whose reader went away (a supervisor's log pipe, a
`2>&1 | head`) never changes what the command does. Python printed what was meant for
a closed stderr onto stdout, in the middle of `classify`'s JSON Lines; and a broken one
ended `classify` and `replay` at their first warning, the rest of their output lost.
Logging (bot.logs) writes here too, so a bot run by a supervisor carries on as well."""

from __future__ import annotations

import io
from typing import TextIO


class BestEffortStderr(io.TextIOBase):
    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "errors", None) or "backslashreplace"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click asks whether a stream takes bytes so
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._stream is not None:
            try:
                self._stream.write(text)
                self._stream.flush()  # now, while the command can carry on without it
            except (OSError, ValueError):  # ValueError: closed by someone else
                self._stream = None  # gone for good: a pipe's reader does not come back
        return len(text)

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise io.UnsupportedOperation("stderr is closed")
        return self._stream.fileno()
