"""What the runtime keeps while the database does not answer (bot.runtime), written to
disk as well as kept in memory, so that a process restarted meanwhile (an orchestrator,
a deploy, a crash) hands it in once the database answers instead of losing it.

One file per running process in GROUNDRULES_SPOOL_DIR, `kept-<platforms>-<pid>-<random>.jsonl`:
JSON lines (one per thing kept), readable by its owner only (message text is in it), and
locked (flock) for as long as its process runs, so that processes sharing the folder
(shards, replicas) never share a file. A process starting takes over the files left by
gone processes that served its platforms, or some of them (those no process holds
locked): what they kept comes before anything it hears itself.

Each line goes to the operating system as it is kept (one unbuffered write), without an
fsync: a process that is killed or crashes loses none of it (the kernel has it), a machine
that loses power may lose the last seconds' worth. An fsync per event would cost a busy
outage more than that risk is worth. A line cut short (a crash mid-write) is skipped with
a warning. Once all of it is stored the file is removed: nothing of it stays on disk.

A file left for a platform no process here serves waits for one that does: a starting
process names such files in the log with their counts, /healthz shows them, and
`groundrules spool` (bot.cli) lists them, hands them in or deletes them. Counting a
file's lines locks it for a moment: a process taking it over waits that out.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.database import is_memory_sqlite, is_sqlite
from bot.settings import Settings

log = logging.getLogger(__name__)

# Another process counting a file's lines holds it locked for a moment (left_spools):
# how often, and how long, a process taking it over waits for that.
LOOKS_WAITED = 5
LOOK_S = 0.02

Record = dict[str, object]
# A line that is no thing kept, {"dropped": n}: how many things its process dropped past
# the bound before (bot.runtime), for the process that hands the rest in to say.
DROPPED = "dropped"
_NOTE = b'{"' + DROPPED.encode() + b'":'


def spool_folder(settings: Settings) -> Path:
    """GROUNDRULES_SPOOL_DIR; unset: `spool` beside a SQLite file, else in the working
    directory."""
    if settings.spool_dir is not None:
        return settings.spool_dir
    url = settings.database_url
    if is_sqlite(url) and not is_memory_sqlite(url) and not make_url(url).query.get("uri"):
        return Path(make_url(url).database or ".").parent / "spool"
    return Path("spool")


@dataclass(frozen=True, slots=True)
class LeftSpool:
    """A spool file no running process holds: what a gone process kept. `lines`: the
    things it kept (a line cut short by a crash counts too; a note of how many it
    dropped does not)."""

    path: Path
    platforms: frozenset[str]
    lines: int

    @property
    def platform_names(self) -> str:
        return "+".join(sorted(self.platforms))


def platforms_of(path: Path) -> frozenset[str]:
    """The platforms the process that wrote the spool file `path` served."""
    return frozenset(path.name.removeprefix("kept-").rsplit("-", 2)[0].split("+"))


def spool_files(folder: Path) -> list[Path]:
    """Every spool file in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found: list[tuple[float, str, Path]] = []
    for path in folder.glob("kept-*.jsonl"):
        try:
            found.append((path.stat().st_mtime, path.name, path))
        except OSError:  # gone meanwhile: another process took it over
            continue
    return [path for _, _, path in sorted(found)]


def left_spools(folder: Path, *, besides: Path | None = None) -> list[LeftSpool]:
    """The spool files in `folder` that no running process holds (`besides`: this
    process's own), oldest first, with how many lines each holds."""
    left: list[LeftSpool] = []
    for path in spool_files(folder):
        if path == besides:
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _locked(fd):  # its process runs
                continue
            with os.fdopen(os.dup(fd), "rb") as file:
                lines = sum(1 for line in file if line.strip() and not line.startswith(_NOTE))
        finally:
            os.close(fd)
        left.append(LeftSpool(path, platforms_of(path), lines))
    return left


def waiting_by_platforms(left: Iterable[LeftSpool]) -> dict[str, int]:
    """How many things kept wait in `left`, by the platforms that kept them."""
    waiting: dict[str, int] = {}
    for spool in left:
        waiting[spool.platform_names] = waiting.get(spool.platform_names, 0) + spool.lines
    return waiting


def drop(spool: LeftSpool) -> bool:
    """Delete a left spool file, unless a process took it over meanwhile (it holds it
    locked, or removed it): whether it was deleted here."""
    try:
        fd = os.open(spool.path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if not _locked_unless_held(fd) or os.fstat(fd).st_nlink == 0:
            return False
        spool.path.unlink()
        return True
    finally:
        os.close(fd)


def _locked_unless_held(fd: int) -> bool:
    """`_locked`, allowing for another process looking at the file for a moment (its
    /healthz, `groundrules spool list`): held longer, its process runs."""
    for _ in range(LOOKS_WAITED):
        if _locked(fd):
            return True
        time.sleep(LOOK_S)
    return _locked(fd)


def _locked(fd: int) -> bool:
    """Whether this process now holds `fd`'s file locked (False: another one does)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _ours(fd: int) -> bool:
    """Whether an open spool file is one a process of this user made (they make them
    for their user alone): what it holds is handed in as Slack's and Discord's word."""
    status = os.fstat(fd)
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Spool:
    """This process's spool file in `folder`, made at the first line; `platforms` names
    the platforms it serves (whose gone processes' files it takes over)."""

    def __init__(self, folder: Path, platforms: str) -> None:
        self.folder = folder
        self.platforms = platforms
        self.path: Path | None = None
        self.lines = 0
        self._fd: int | None = None
        self._taken: list[tuple[Path, int]] = []
        self._failing = False

    # --- a process starting -----------------------------------------------------------

    def take_over(self, files: Sequence[Path] | None = None) -> list[Record]:
        """The lines left by gone processes that served these platforms (or some of them:
        one was added since), oldest file first, in the order they were kept; `files`:
        those, whichever platforms they were for. Their files stay (locked) until
        `settle_taken`, once what they hold is in this process's own."""
        records: list[Record] = []
        for path in self._left_for_us() if files is None else files:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            except FileNotFoundError:  # gone meanwhile: another process took it over
                continue
            except OSError as error:  # a link, say: not one a process of ours made
                log.warning("the spool %s was not handed in: %s", path, error)
                continue
            if not _ours(fd):
                log.warning("the spool %s was not handed in: it is another user's, or others "
                            "may write in it: its events may be anyone's words",
                            path)  # fmt: skip
                os.close(fd)
                continue
            # Locked: its process runs. Unlinked once locked: another one took it over.
            if not _locked_unless_held(fd) or os.fstat(fd).st_nlink == 0:
                os.close(fd)
                continue
            self._taken.append((path, fd))
            with os.fdopen(os.dup(fd), "rb") as file:
                records.extend(_records(path, file.read()))
        return records

    def _left_for_us(self) -> list[Path]:
        """The spool files of other processes serving none but this one's platforms,
        oldest first."""
        ours = set(self.platforms.split("+"))
        return [path for path in spool_files(self.folder)
                if path != self.path and platforms_of(path) <= ours]  # fmt: skip

    def waiting_elsewhere(self) -> list[LeftSpool]:
        """Left spool files of platforms this process does not serve: they wait for one
        that does, or for `groundrules spool`."""
        ours = set(self.platforms.split("+"))
        return [left for left in left_spools(self.folder, besides=self.path)
                if not left.platforms <= ours]  # fmt: skip

    def settle_taken(self) -> None:
        """What the files taken over held is in this process's own file: they go."""
        for path, fd in self._taken:
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                log.warning("could not remove the spool %s: %s", path, error)
            os.close(fd)
        self._taken = []

    # --- keeping ----------------------------------------------------------------------

    def add(self, record: Record) -> None:
        """One more line, in this process's file (made now if it is the first)."""
        self._writing(lambda: self._add(record))

    def _add(self, record: Record) -> None:
        if self._fd is None:
            self._fd, self.path = self._new_file()
            self.lines = 0
        _write(self._fd, _line(record))
        self.lines += 1

    def rewrite(self, records: Iterable[Record]) -> None:
        """This process's file holds `records` and nothing else (what is still kept, once
        some of it was stored or dropped); none: it is removed."""
        records = list(records)
        if not records:
            self.remove()
            return
        self._writing(lambda: self._rewrite(records))

    def _rewrite(self, records: list[Record]) -> None:
        fd, path = self._new_file(self.path)
        _write(fd, b"".join(_line(record) for record in records))
        os.fsync(fd)  # rare (bounded by the cap): the file replaced holds everything
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self.path, self.lines = fd, path, len(records)

    def remove(self) -> None:
        """Everything kept is stored: this process's file goes."""
        if self._fd is None:
            return
        assert self.path is not None
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove the spool %s: %s", self.path, error)
        os.close(self._fd)
        self._fd, self.path, self.lines = None, None, 0

    def close(self) -> None:
        """The process ends: its file (if any) stays for the next one to take over."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        for _, fd in self._taken:
            os.close(fd)
        self._taken = []

    def _new_file(self, replacing: Path | None = None) -> tuple[int, Path]:
        """A new file, locked before it carries a name another process looks for."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = replacing or self.folder / (
            f"kept-{self.platforms}-{os.getpid()}-{secrets.token_hex(4)}.jsonl"
        )
        hidden = path.with_name(f".{path.name}.new")
        fd = os.open(hidden, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.replace(hidden, path)
        except BaseException:
            os.close(fd)
            raise
        return fd, path

    def _writing(self, write) -> None:
        """Write; a failure is logged (once until a write works again) and leaves what is
        kept in memory only: the events are not lost while the process runs."""
        try:
            write()
        except OSError as error:
            if not self._failing:
                log.warning("could not write the spool in %s: %s; what is kept meanwhile "
                            "is in memory only, and a restart before the database answers "
                            "loses it", self.folder, error)  # fmt: skip
            self._failing = True
        else:
            self._failing = False


def _line(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def read_records(path: Path) -> list[Record]:
    """The lines of the spool file `path` (a line that cannot be read is skipped)."""
    return _records(path, path.read_bytes())


def _records(path: Path, data: bytes) -> list[Record]:
    """The lines of a spool file; one that cannot be read (cut short by a crash
    mid-write) is skipped with a warning."""
    records: list[Record] = []
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict):
            records.append(record)
        elif line.strip():
            log.warning("line %d of the spool %s could not be read (cut short by a crash?); "
                        "skipped", number, path)  # fmt: skip
    return records
