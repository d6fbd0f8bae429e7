"""Adding files to the corpus folder and taking them out, for callers that are not the user's
file manager (the web page, Python code). Indexing stays a separate step (`Assistant.index`).

Nothing is lost or silently replaced: a file is checked (type, size, readable text) before it
enters the folder; a name already taken gets a free variant unless replacing was asked for; a
file whose bytes are already in the index is not added twice; a removed file is moved to
`<corpus>/.removed/` (hidden, so never indexed), not deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .documents import (
    KINDS_READ,
    SNIFF_BYTES,
    bare_name,
    document_suffix,
    is_text_without_suffix,
)
from .errors import DocumentError
from .load import load_document, read_file

TRASH = ".removed"
_UNSAFE = re.compile(r"[^\w.\- ()]+")

Outcome = Literal["added", "renamed", "replaced", "duplicate", "rejected"]


@dataclass(frozen=True)
class AddedFile:
    """What became of one offered file. `source` is its name in the corpus folder, if any."""

    name: str  # the name it was offered under
    outcome: Outcome
    message: str
    source: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in ("added", "renamed", "replaced")


def safe_name(name: str) -> str:
    """A plain file name: no folders, no control or shell characters, no leading dot."""
    base = unicodedata.normalize("NFKC", Path(name.replace("\\", "/")).name)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    suffix = _UNSAFE.sub("", suffix).lower()
    return f"{stem[:100]}.{suffix}" if suffix else stem[:100]


def add_file(corpus_dir: Path, path: Path, *, name: str | None = None, replace: bool = False,
             max_bytes: int | None = None, known_sha256: dict[str, str] | None = None) -> AddedFile:
    """Copy `path` into `corpus_dir` under a safe version of `name` (default: its own name).

    `known_sha256` maps sources already indexed to the sha256 of their bytes, so a file that is
    already there under any name is reported as a duplicate instead of being indexed twice.
    """
    offered = name or path.name
    target = safe_name(offered)
    refused = AddedFile(offered, "rejected",
                        f"{offered}: only {KINDS_READ} (or any of them gzipped) can be added")
    named = bool(document_suffix(target))  # else only text with no suffix, known by its bytes
    if not named and not bare_name(target):
        return refused
    try:
        data = read_file(path, offered, max_bytes)
        if not named and not is_text_without_suffix(target, data[:SNIFF_BYTES]):
            return refused
        _check_readable(data, target, max_bytes)
    except DocumentError as exc:
        return AddedFile(offered, "rejected", f"{offered}: {exc.reason}")
    digest = hashlib.sha256(data).hexdigest()
    for source, known in sorted((known_sha256 or {}).items()):
        if known == digest and (corpus_dir / source).exists():
            return AddedFile(offered, "duplicate", f"{offered}: already in the index as {source}; "
                             "nothing added", source)
    try:
        dest, outcome = _place(corpus_dir, target, data, replace)
    except DocumentError as exc:
        return AddedFile(offered, "rejected", f"{offered}: {exc.reason}")
    except OSError as exc:
        return AddedFile(offered, "rejected", f"{offered}: could not be saved in the corpus "
                         f"folder ({exc.strerror or exc}); check its space and permissions")
    if outcome == "duplicate":
        return AddedFile(offered, "duplicate", f"{offered}: the corpus already holds this "
                         f"file as {target}", target)
    source = dest.name
    message = {
        "added": f"{offered}: added as {source}",
        "renamed": f"{offered}: a different {target} is already there, so it was added as "
                   f"{source} (tick 'replace' to overwrite it)",
        "replaced": f"{offered}: replaced {source}; the old version is in {TRASH}/",
    }[outcome]
    return AddedFile(offered, outcome, message, source)


def _place(corpus_dir: Path, target: str, data: bytes, replace: bool) -> tuple[Path, Outcome]:
    """Write `data` as `target`, or beside it, or over it (the old one to the trash)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    dest = corpus_dir / target
    outcome: Outcome = "added"
    if dest.exists():
        if dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
            return dest, "duplicate"
        if replace:
            _trash(corpus_dir, dest)
            outcome = "replaced"
        else:
            dest = _free_name(dest)
            outcome = "renamed"
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.write_bytes(data)
    tmp.replace(dest)  # atomic: an indexer never sees half a file
    return dest, outcome


def remove_file(corpus_dir: Path, source: str) -> Path:
    """Move a document out of the corpus into `<corpus>/.removed/`; returns where it went."""
    path = (corpus_dir / source).resolve()
    if corpus_dir.resolve() not in path.parents or TRASH in Path(source).parts:
        raise DocumentError(source, "is not a document of the corpus folder")
    if not path.is_file():
        raise DocumentError(source, "is not in the corpus folder (already removed?)")
    return _trash(corpus_dir, path)


def _check_readable(data: bytes, target: str, max_bytes: int | None) -> None:
    """Run the real loader on a private copy, so a file the indexer would refuse never lands."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / target
        probe.write_bytes(data)
        load_document(probe, Path(tmp), max_bytes=max_bytes)


def _free_name(dest: Path) -> Path:
    # "notes (2).md.gz", not "notes.md (2).gz", which names no kind of document
    packed = dest.name.lower().endswith(".gz")
    inner = Path(dest.name[:-3]) if packed else dest
    for n in range(2, 10_000):
        candidate = dest.with_name(f"{inner.stem} ({n}){inner.suffix}{'.gz' if packed else ''}")
        if not candidate.exists():
            return candidate
    raise DocumentError(dest.name, "has too many versions in the corpus folder; tidy it up")


def _trash(corpus_dir: Path, path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    rel = path.resolve().relative_to(corpus_dir.resolve())
    dest = corpus_dir / TRASH / stamp / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest = _free_name(dest)
    shutil.move(path, dest)
    return dest
