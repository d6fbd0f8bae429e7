"""`index/texts/`: each indexed document's extracted text, named by the sha256 of the file's
bytes, so that the viewer opens a citation without reading the file again (reading a 10-Q PDF
takes seconds; this, milliseconds). A cache: written after a run, pruned to the documents the
index holds, and never trusted for a file whose bytes changed since."""

from __future__ import annotations

import contextlib
import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from . import disk
from .fetch import sha256_of

DIR = "texts"
_NAME = re.compile(r"^[0-9a-f]{64}\.txt\.gz$")


def path(index_dir: Path, sha256: str) -> Path:
    return Path(index_dir) / DIR / f"{sha256}.txt.gz"


def file_sha256(file: Path) -> str | None:
    """Of the file's bytes as they are now (None: unreadable), to compare with the indexed."""
    try:
        return sha256_of(file)
    except OSError:
        return None


def load(index_dir: Path, sha256: str) -> str | None:
    """The text saved for a file of these bytes, or None."""
    try:
        return gzip.decompress(path(index_dir, sha256).read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):  # absent, cut short or damaged: read anew
        return None


def keep(index_dir: Path, fresh: Iterable[tuple[str, str]], indexed: set[str]) -> None:
    """Save the `(sha256, text)` pairs not saved yet and drop the texts of files no longer
    indexed. Best effort: without room, the viewer reads the files as before."""
    folder = Path(index_dir) / DIR
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        for sha256, text in fresh:
            target = path(index_dir, sha256)
            if sha256 in indexed and not target.exists():
                disk.write_whole(target, gzip.compress(text.encode("utf-8"), compresslevel=6))
        for old in folder.iterdir():
            if not _NAME.match(old.name) or old.name.split(".")[0] not in indexed:
                old.unlink()
