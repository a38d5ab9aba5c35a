"""Large freed blocks handed back to the system at once, in the long-running bot.

glibc serves an allocation of 128 KiB or more with a mapping of its own and unmaps it
when it is freed, but each time such a block is freed it raises that bar to the block's
size (up to 32 MiB). After the first large numpy arrays of a reading are freed, later
ones come from the heap of the thread that makes them, and stay resident there once
freed. Fixing the bar at glibc's own default turns the raising off: live, over
300,000 messages, the bot peaked 4-5 MiB lower (229-230 MiB against 234), at the same
speed (training/RESULTS.md, "large freed blocks handed back").

A MALLOC_MMAP_THRESHOLD_ in the environment is the operator's choice and wins. Where
the C library is not glibc, nothing is changed.
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections.abc import Mapping

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
LARGE_BLOCK = 128 * 1024  # glibc's default bar, fixed
ENVIRONMENT_KEY = "MALLOC_MMAP_THRESHOLD_"


def return_large_blocks(environ: Mapping[str, str] = os.environ) -> bool:
    """Fix glibc's bar for blocks of their own at LARGE_BLOCK; True if it was fixed."""
    if ENVIRONMENT_KEY in environ or not runs_on_glibc():
        return False
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    fixed = mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK) == 1
    log.debug("large blocks unmapped when freed: %s", fixed)
    return fixed


def runs_on_glibc() -> bool:
    """Whether the C library this process runs on is glibc (asked of it, not guessed
    from the executable's bytes as `platform.libc_ver` does)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):  # a C library that does not know the name
        return False
