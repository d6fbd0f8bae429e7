"""Room on the disk that holds the index. An indexing run checks that what it will write fits
before it writes anything, and a disk that fills anyway (another program wrote meanwhile, or
the estimate was short) ends the run with one line that says how much room to make, never a
traceback and never "damaged": SQLite rolls back what it could not write, the manifest still
says `building`, and the next run resumes. Chroma needs a little room even to open a store, so
a reader on a full disk is told that plainly, with the index intact.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from . import tuned
from .errors import DiskFullError

LOW_BYTES = 2_000_000  # a write that fails with less room than this left failed for want of it
_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_full(problem: BaseException | str, where: Path | None = None) -> bool:
    """Whether an error (Chroma's, SQLite's, the OS's) or a child's reason means a full disk:
    it says so, or (`where` given) it came with almost no room left on the disk holding
    `where`, since Chroma's compaction fails with "Failed to apply logs to the metadata
    segment" and no word of the disk."""
    if isinstance(problem, OSError) and problem.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(problem).lower()
    if any(marker in text for marker in _FULL):
        return True
    return where is not None and free_bytes(where) < LOW_BYTES


def free_bytes(path: Path) -> int:
    """Free bytes on the file system that holds `path`, or would hold it once created."""
    for folder in (path, *path.resolve().parents):
        if folder.exists():
            return shutil.disk_usage(folder).free
    return shutil.disk_usage("/").free


def estimate(chunks: int, text_bytes: int, *, empty: bool) -> int:
    """Bytes an index grows by when `chunks` chunks of `text_bytes` bytes of text are added
    (`empty`: the index has no files yet). Over the three measured indexes by 5-40%."""
    base = tuned.INDEX_BYTES_EMPTY if empty else 0
    return (base + chunks * tuned.INDEX_BYTES_PER_CHUNK
            + text_bytes * tuned.INDEX_BYTES_PER_TEXT_BYTE)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def ensure_room(index_dir: Path, needed: int) -> None:
    """Raise before a run writes what would not fit."""
    free = free_bytes(index_dir)
    if free < needed:
        raise full(index_dir, needed, free)


def full(index_dir: Path, needed: int | None = None, free: int | None = None
         ) -> DiskFullError:
    """The one line for a full disk: how much is free, how much the run needs if known."""
    free = free_bytes(index_dir) if free is None else free
    need = f", about {_mb(needed)} needed" if needed else ""
    return DiskFullError(
        f"the disk holding {index_dir} is full: {_mb(free)} free{need}; free some space and run "
        "the command again — nothing was lost")


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a reader opening it at any moment finds the
    old file or the new one, and a full disk leaves the old one (and a `.part` to remove)."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
