"""Machine code a library ran once at import and never again, given back to the system.

blis (under thinc, under spaCy) sets up its kernels for every CPU family when it is
imported, and so reads about 12 MB of its 16 MB of code. The classifiers compute in
numpy and never call it again, yet those pages stayed in the bot's resident memory for
the life of the process (training/RESULTS.md, "blis's idle code given back"). `release`
tells the kernel this process no longer needs them (madvise, MADV_DONTNEED). Only
read-only executable mappings that hold no private copy of a page are touched, so
nothing written is lost: a page run again is read back from the page cache, as any
code is on its first use. Elsewhere than Linux it does nothing.
"""

from __future__ import annotations

import ctypes
import re
import sys
from pathlib import Path

MADV_DONTNEED = 4  # the same number on every Linux architecture
_HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$")


def code_ranges(smaps: str, path_part: str) -> list[tuple[int, int]]:
    """The (start, end) of each executable, never written mapping (r-xp, no anonymous
    pages) of a file whose path contains `path_part`, read from /proc/PID/smaps text."""
    found: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for line in smaps.splitlines():
        header = _HEADER.match(line)
        if header:
            start, end, permissions, path = header.groups()
            wanted = permissions == "r-xp" and path_part in path
            current = (int(start, 16), int(end, 16)) if wanted else None
        elif current is not None and line.startswith("Anonymous:"):
            if int(line.split()[1]) == 0:
                found.append(current)
            current = None
    return found


def release(path_part: str) -> int:
    """Give back the resident code of the libraries whose path contains `path_part`;
    returns the bytes of the mappings released (0 where this cannot be done)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        ranges = code_ranges(Path("/proc/self/smaps").read_text(), path_part)
        madvise = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    released = 0
    for start, end in ranges:
        if madvise(start, end - start, MADV_DONTNEED) == 0:
            released += end - start
    return released
