"""Everything under `index/`: Chroma, LangChain's record manager, the keyword index, the manifest
and the write lock. The folder is a rebuildable cache of the corpus; the manifest says what
built it, so an index made by another model or splitter is never silently mixed with new chunks.

    index/
      chroma/            Chroma's persistent store (vectors, chunk text, metadata)
      records.sqlite     SQLRecordManager: which chunk hashes are in Chroma, per source
      keyword/           BM25 over the same chunks, rebuilt after every run
      manifest.json      model, dimension, splitter, schema version, state, documents
      .lock              held by the one process allowed to write
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from .embeddings import Embedder
from .errors import IndexLockedError, IndexMismatchError, IndexNotBuiltError
from .keyword import KeywordIndex
from .split import SplitSettings

SCHEMA_VERSION = 1
COLLECTION = "chunks"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, index_dir: Path, embedder: Embedder, split: SplitSettings) -> None:
        self.dir = index_dir
        self.embedder = embedder
        self.split = split
        self._vectorstore: Any = None
        self._keyword: KeywordIndex | None = None
        self._keyword_stamp: str | None = None

    # --- paths and manifest ---------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.dir / "manifest.json"

    def identity(self) -> dict[str, Any]:
        """What must match between the index on disk and the running settings."""
        return {"schema_version": SCHEMA_VERSION, "embedding_model": self.embedder.name,
                "dimension": self.embedder.dimension, "splitter": self.split.describe()}

    def manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"state": "unreadable"}

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.manifest_path)

    def mismatch(self, manifest: dict[str, Any] | None = None) -> str | None:
        """Why the index on disk cannot be used with the current settings, or None."""
        manifest = manifest if manifest is not None else self.manifest()
        if manifest is None:
            return None
        if manifest.get("state") == "unreadable":
            return "its manifest.json is unreadable"
        for key, want in self.identity().items():
            have = manifest.get(key)
            if have != want:
                return f"it was built with {key} {have!r}, the settings now give {want!r}"
        return None

    def check_ready(self) -> dict[str, Any]:
        """The manifest of a usable index, or an error that says how to get one."""
        manifest = self.manifest()
        if manifest is None:
            raise IndexNotBuiltError(
                f"no index in {self.dir}; build it with `assistant index` (or Assistant.index())"
            )
        reason = self.mismatch(manifest)
        if reason:
            raise IndexMismatchError(
                f"the index in {self.dir} cannot be used: {reason}; run `assistant index` to "
                "rebuild it"
            )
        return manifest

    # --- Chroma and the record manager ----------------------------------------------------

    def vectorstore(self) -> Any:
        """The LangChain Chroma store. We always pass our embedder, so Chroma never fetches
        its own default model; telemetry is off."""
        if self._vectorstore is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings
            from langchain_chroma import Chroma

            self.dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(self.dir / "chroma"),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
            self._vectorstore = Chroma(
                collection_name=COLLECTION, embedding_function=self.embedder, client=client,
                collection_metadata={"hnsw:space": "cosine"},
            )
        return self._vectorstore

    def record_manager(self) -> Any:
        from langchain_classic.indexes import SQLRecordManager

        self.dir.mkdir(parents=True, exist_ok=True)
        rm = SQLRecordManager(f"chroma/{COLLECTION}",
                              db_url=f"sqlite:///{self.dir / 'records.sqlite'}")
        rm.create_schema()
        return rm

    def all_chunks(self) -> tuple[list[str], list[Document]]:
        """Every chunk in Chroma, read in pages (Chroma caps one request's size)."""
        collection = self.vectorstore()._collection
        ids: list[str] = []
        docs: list[Document] = []
        page = 5000
        offset = 0
        while True:
            got = collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            for id_, text, meta in zip(got["ids"], got["documents"], got["metadatas"],
                                       strict=True):
                ids.append(id_)
                docs.append(Document(page_content=text or "", metadata=meta or {}, id=id_))
            if len(got["ids"]) < page:
                return ids, docs
            offset += page

    def count(self) -> int:
        return self.vectorstore()._collection.count()

    def dense_search(self, vector: list[float], k: int) -> list[tuple[Document, float]]:
        """Nearest chunks by cosine similarity (1 - Chroma's cosine distance), best first."""
        if k <= 0 or self.count() == 0:
            return []
        hits = self.vectorstore().similarity_search_by_vector_with_relevance_scores(vector, k=k)
        return [(doc, 1.0 - float(distance)) for doc, distance in hits]

    # --- keyword index --------------------------------------------------------------------

    def rebuild_keyword_index(self, ids: list[str] | None = None,
                              docs: list[Document] | None = None) -> KeywordIndex:
        """Rebuild from the given chunks, or from all chunks in Chroma."""
        if ids is None or docs is None:
            ids, docs = self.all_chunks()
        index = KeywordIndex.build(ids, docs)
        index.save(self.dir / "keyword")
        self._keyword, self._keyword_stamp = index, self._stamp()
        return index

    def keyword_index(self) -> KeywordIndex:
        """Loaded once, reloaded when another process has rebuilt the index since."""
        stamp = self._stamp()
        if self._keyword is None or stamp != self._keyword_stamp:
            loaded = KeywordIndex.load(self.dir / "keyword")
            self._keyword = loaded if loaded is not None else self.rebuild_keyword_index()
            self._keyword_stamp = stamp
        return self._keyword

    def _stamp(self) -> str | None:
        manifest = self.manifest() or {}
        return manifest.get("built_at")

    # --- lifecycle ------------------------------------------------------------------------

    def wipe(self) -> None:
        """Remove every chunk, record and keyword entry (for a rebuild from scratch). Done
        through Chroma's API, not by deleting its files, because a client may have them open."""
        vs = self.vectorstore()
        vs.delete_collection()
        self._vectorstore = None
        (self.dir / "records.sqlite").unlink(missing_ok=True)
        shutil.rmtree(self.dir / "keyword", ignore_errors=True)
        self.manifest_path.unlink(missing_ok=True)
        self._keyword = None

    @contextlib.contextmanager
    def write_lock(self, timeout: float, on_wait: Any = None) -> Iterator[None]:
        """Exclusive lock for one writer. Two writers on one Chroma folder corrupt it silently,
        so a second indexer waits up to `timeout` seconds, then stops with a clear error."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / ".lock"
        with path.open("a+") as handle:
            deadline = time.monotonic() + timeout
            told = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = _read_pid(path)
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(
                            f"another process{holder} is writing the index in {self.dir}; wait "
                            "for it to finish and run again (ASSISTANT_LOCK_TIMEOUT sets how "
                            "long to wait)"
                        ) from None
                    if on_wait and not told:
                        on_wait(f"waiting for another indexer{holder} to finish…")
                        told = True
                    time.sleep(0.2)
            try:
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)


def _read_pid(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid else ""
