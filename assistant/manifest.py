"""`index/manifest.json`: what built the index, whether the last run finished, and what it holds.

Read and written here only. The file is JSON with the keys below, as earlier versions wrote
it, so an index built before this module existed is still read:

    schema_version, embedding_model, dimension, splitter   the identity (all must match)
    state          "complete", or "building" while a run writes
    generation     new with every write: readers reopen Chroma when it changes
    built_at, chunks, documents {source: {title, sha256, chunks, indexed_at}}
    pending        while "building": the files the run adds, changes or removes
    collection     on a Chroma server only: the collection holding the chunks (see `remote`)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from . import disk

SCHEMA_VERSION = 1

State = Literal["complete", "building", "unreadable"]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Identity:
    """What must match between the index on disk and the running settings."""

    embedding_model: str
    dimension: int
    splitter: dict[str, Any]
    schema_version: int = SCHEMA_VERSION

    def differs(self, other: Identity) -> str | None:
        """Why an index of identity `other` cannot be used with this one, or None."""
        for key, want in asdict(self).items():
            have = getattr(other, key)
            if have != want:
                return f"it was built with {key} {have!r}, the settings now give {want!r}"
        return None


@dataclass(frozen=True)
class DocumentRecord:
    title: str = ""
    sha256: str = ""  # of the file's bytes when indexed
    chunks: int = 0
    indexed_at: str = ""  # when its text last changed in the index


@dataclass(frozen=True)
class Manifest:
    identity: Identity | None
    state: State = "complete"
    generation: str = ""
    built_at: str = ""
    chunks: int = 0
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    pending: tuple[str, ...] = ()  # files whose answers may be out of date while building
    collection: str = ""  # on a Chroma server: where the chunks are (a rebuild writes anew)

    @property
    def complete(self) -> bool:
        return self.state == "complete"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, as the file holds it."""
        out: dict[str, Any] = asdict(self.identity) if self.identity else {}
        out.update(state=self.state, built_at=self.built_at, chunks=self.chunks,
                   documents={s: asdict(d) for s, d in self.documents.items()})
        if self.generation:
            out["generation"] = self.generation
        if self.pending:
            out["pending"] = list(self.pending)
        if self.collection:
            out["collection"] = self.collection
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> Manifest:
        if not isinstance(raw, dict):
            return UNREADABLE
        try:
            identity = Identity(raw["embedding_model"], raw["dimension"], raw["splitter"],
                                raw["schema_version"])
        except KeyError:
            identity = None
        try:
            documents = {str(s): DocumentRecord(**d) for s, d in
                         (raw.get("documents") or {}).items()}
            state = raw.get("state", "complete")
            return cls(identity, state if state in ("complete", "building") else "unreadable",
                       # built_at told one state from the next before generations existed
                       str(raw.get("generation") or raw.get("built_at") or ""),
                       str(raw.get("built_at", "")), int(raw.get("chunks", 0)), documents,
                       tuple(str(p) for p in raw.get("pending") or ()),
                       str(raw.get("collection") or ""))
        except (TypeError, ValueError, AttributeError):
            return UNREADABLE


UNREADABLE = Manifest(None, "unreadable")
FILE = "manifest.json"  # in the index folder


def read(path: Path) -> Manifest | None:
    """The manifest, None when there is none, `UNREADABLE` when the file cannot be parsed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return UNREADABLE
    return Manifest.from_dict(raw)


def write(path: Path, manifest: Manifest) -> Manifest:
    """Write it atomically under a new generation; returns what was written."""
    manifest = replace(manifest, generation=uuid.uuid4().hex)
    disk.write_whole(path, json.dumps(manifest.to_dict(), indent=2,
                                      ensure_ascii=False).encode("utf-8"))
    return manifest
