"""Read transcripts (JSON Lines, see DESIGN.md) into neutral events, line by line.

A bad line is reported with its number and skipped; the rest still replays.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from rules.events import CommandInvoked, MessagePosted
from rules.surrogates import undecoded_byte

_COMMAND = re.compile(r"^/([a-zA-Z][\w-]*)(?:\s+(.*))?$", re.DOTALL)
# A transcript's clock stays within these years: timers and windows are added to it,
# and a date near year 9999 would overflow there instead of being reported here.
FIRST_YEAR, LAST_YEAR = 1970, 9000


class NotUtf8(Exception):
    """A transcript line with bytes that are not UTF-8 (an export saved as Latin-1, say):
    every accented word of it would be garbled, so the replay stops before it starts."""

    def __init__(self, line: int, byte: int, *, utf16: bool = False) -> None:
        not_utf8 = f"line {line} is not UTF-8 (byte 0x{byte:02x})"
        super().__init__("it is UTF-16, not UTF-8" if utf16 else not_utf8)
        self.line, self.byte, self.utf16 = line, byte, utf16


def utf8_lines(stream: Iterable[str]) -> Iterator[str]:
    """A transcript's lines, from a stream opened with errors="surrogateescape"; raises
    `NotUtf8` at the first line that is not UTF-8."""
    for number, raw in enumerate(stream, start=1):
        if (byte := undecoded_byte(raw)) is not None:
            # Its byte-order mark (PowerShell's ">" writes UTF-16): the file is all UTF-16.
            utf16 = number == 1 and raw.startswith(("\udcff\udcfe", "\udcfe\udcff"))
            raise NotUtf8(number, byte, utf16=utf16)
        yield raw


@dataclass(frozen=True, slots=True)
class TranscriptError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    line: int
    ts: str
    at: datetime
    channel: str
    user: str
    text: str
    thread: str | None
    raw_hash: str


def parse_ts(value: object) -> datetime:
    """ISO 8601 ("2026-03-02T09:14:05Z") or Slack's epoch ts ("1700000000.000100"),
    from FIRST_YEAR to LAST_YEAR."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("ts must be a string or a number")
    if isinstance(value, int | float) or _is_number(value):
        parsed = datetime.fromtimestamp(float(value), tz=UTC)
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise ValueError(f"ts must be between {FIRST_YEAR} and {LAST_YEAR}")
    return parsed


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _field(record: dict, name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"“{name}” must be a non-empty string")
    return value


def read_transcript(lines: Iterable[str]) -> Iterator[TranscriptLine | TranscriptError]:
    return read_numbered(enumerate(lines, start=1))


def read_numbered(
    lines: Iterable[tuple[int, str]],
) -> Iterator[TranscriptLine | TranscriptError]:
    """Each line with its number in the file, in any order (`TimeOrder`)."""
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            yield TranscriptError(number, f"not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            yield TranscriptError(number, "expected a JSON object")
            continue
        try:
            ts = record.get("ts")
            at = parse_ts(ts)
            text = record.get("text")
            if not isinstance(text, str):
                raise ValueError("“text” must be a string" if "text" in record else "no “text”")
            thread = record.get("thread")
            if thread is not None and not isinstance(thread, str | int | float):
                raise ValueError("“thread” must be null or the ts of the thread's first message")
            yield TranscriptLine(
                line=number,
                ts=str(ts),
                at=at,
                channel=_field(record, "channel"),
                user=_field(record, "user"),
                text=text,
                thread=None if thread is None else str(thread),
                raw_hash=hashlib.sha1(raw.encode()).hexdigest()[:12],
            )
        except (ValueError, TypeError, OverflowError, OSError) as error:
            yield TranscriptError(number, str(error))


def to_event(line: TranscriptLine, *, workspace: str) -> MessagePosted | CommandInvoked:
    """A line whose text starts with /name is that user's slash command."""
    event_id = f"transcript:{line.line}:{line.raw_hash}"
    command = _COMMAND.match(line.text.strip())
    if command:
        return CommandInvoked(
            workspace=workspace,
            channel=line.channel,
            at=line.at,
            event_id=event_id,
            user=line.user,
            name=command.group(1),
            args=command.group(2) or "",
            thread_id=line.thread,
        )
    return MessagePosted(
        workspace=workspace,
        channel=line.channel,
        at=line.at,
        event_id=event_id,
        user=line.user,
        message_id=line.ts,
        text=line.text,
        thread_id=line.thread,
    )
