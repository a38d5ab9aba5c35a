"""The bot fixes glibc's bar for large blocks, so that freed arrays leave its memory.

Each case runs in a fresh process: the bar is process-wide and cannot be put back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from bot.allocator import return_large_blocks, runs_on_glibc

glibc_only = pytest.mark.skipif(not runs_on_glibc(), reason="glibc's malloc")

# Frees a 4 MiB block (glibc then raises its bar to 4 MiB), allocates 1 MiB, and says
# whether that block came from the main thread's heap.
PROBE = textwrap.dedent(
    """
    import ctypes, sys
    from bot.allocator import return_large_blocks
    fixed = return_large_blocks({}) if sys.argv[1] == "fixed" else False
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.free(libc.malloc(4 << 20))
    block = libc.malloc(1 << 20)
    heaps = [line.split()[0].split("-") for line in open("/proc/self/maps")
             if line.rstrip().endswith("[heap]")]
    in_heap = any(int(a, 16) <= block < int(b, 16) for a, b in heaps)
    print(fixed, in_heap)
    """
)


def _probe(mode: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@glibc_only
def test_a_freed_large_block_no_longer_raises_the_bar():
    assert _probe("default") == "False True"  # glibc's own way: 1 MiB kept in the heap
    assert _probe("fixed") == "True False"  # fixed: a mapping of its own, unmapped on free


def test_the_operators_setting_wins():
    assert return_large_blocks({"MALLOC_MMAP_THRESHOLD_": "65536"}) is False
