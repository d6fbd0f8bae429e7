"""The index on a Chroma server (`chroma run`) instead of in a folder: setting `chroma_url`,
`http://host:port/name` (name: which index on that server, default "assistant").

Everything a worker needs is on the server, so any number of `ask`, `serve` and `index`
processes, on this machine or others, use one index, each noticing a newer generation:

    {name}-meta                 the manifest and the example questions, as JSON
    {name}-chunks-a, -b         the chunks; the manifest's `collection` says which one is live
    {name}-chunks-?-records     LangChain's record of indexed chunks (see `remote_records`)
    {name}-lock                 exists while a writer holds the write lock; names the writer
    {name}-rebuild-meta, -lock  a rebuild's, while it writes the collection not live

A rebuild (another model or splitter) writes the chunk collection not in use, then points the
manifest at it: readers go from one complete index to the next. The keyword index is rebuilt
in each worker's memory from the chunks when the generation changes. The local index folder
keeps only what a worker can do without: that keyword index under its generation (a worker
started again loads it), the viewer's texts and the page's feedback.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import remote_lock, texts
from .client import SharedClient
from .embeddings import Embedder
from .errors import (
    ConfigurationError,
    IndexStateError,
    IndexUnavailableError,
)
from .keyword import KeywordIndex
from .manifest import UNREADABLE, Identity, Manifest
from .records import fill
from .store import METADATA, STAGING, Store

DEFAULT_NAME = "assistant"
FRESH_SECONDS = 0.2  # a manifest read this recently is not read again
_PLACEHOLDER = [1.0]  # Chroma stores no record without a vector


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    name: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.name}"

    @classmethod
    def parse(cls, url: str) -> Server:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        name = parts.path.strip("/") or DEFAULT_NAME
        try:
            port = parts.port or 8000
        except ValueError:
            port = 0
        if parts.scheme != "http" or not parts.hostname or not port or "/" in name:
            raise ConfigurationError(
                f"setting chroma_url (ASSISTANT_CHROMA_URL) must look like "
                f"http://127.0.0.1:8000/assistant, got {url!r}")
        return cls(parts.hostname, port, name)


def _unreachable(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, httpx.TransportError) or (
        isinstance(exc, ValueError) and "Could not connect" in str(exc))


class ServerStore(Store):
    """A `Store` whose Chroma collections, manifest, records and lock live on a server."""

    def __init__(self, url: str, local_dir: Path, embedder: Embedder, identity: Identity, *,
                 meta: str = "", chunks: str = "") -> None:
        super().__init__(local_dir, embedder, identity, SharedClient())  # nothing shared
        self.server = Server.parse(url)
        name = self.server.name
        self._meta_name = meta or f"{name}-meta"
        self._lock = remote_lock.ServerLock(
            self._client, self._meta_name.removesuffix("-meta") + "-lock")
        self._chunks = chunks  # a rebuild's collection; the live one is the manifest's
        self._meta: Any = None
        self._manifest: tuple[float, Manifest | None] = (-FRESH_SECONDS, None)

    @property
    def location(self) -> str:
        return self.server.url

    @property
    def collection_name(self) -> str:
        if self._chunks:
            return self._chunks
        manifest = self.manifest()
        return manifest.collection if manifest and manifest.collection else \
            f"{self.server.name}-chunks-a"

    # --- the connection ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _reach(self) -> Iterator[None]:
        """A server that does not answer is one line that says what to do, not a traceback;
        the next use connects again (Chroma's client opens a connection per request)."""
        try:
            yield
        except Exception as exc:
            if not _unreachable(exc):
                raise
            self._forget_reads()
            raise IndexUnavailableError(
                f"the Chroma server at {self.server.url} does not answer "
                f"({' '.join(str(exc).split())}); start it (`chroma run --path DIR --port "
                f"{self.server.port}`) or point --chroma / ASSISTANT_CHROMA_URL at it. Nothing "
                "was lost") from None

    @contextlib.contextmanager
    def _room(self) -> Iterator[None]:
        """Around each use of the chunks: `_reach`, and a collection that a rebuild elsewhere
        dropped since this process read the manifest is `_Moved` (the server's disk is the
        server's: its other errors come back as they are)."""
        with self._reach():
            try:
                yield
            except Exception as exc:
                if "does not exist" not in str(exc):
                    raise
                self._forget_reads()
                raise _Moved(f"the index at {self.server.url} was rebuilt while it was read; "
                             "ask again") from None

    def _forget_reads(self) -> None:
        """The next use reads the manifest and opens the collections again."""
        self._meta = self._collection = None
        self._manifest = (-FRESH_SECONDS, None)

    def _client(self) -> Any:
        shared = self._shared
        if shared.client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            with self._reach():
                shared.client = chromadb.HttpClient(
                    host=self.server.host, port=self.server.port,
                    settings=ChromaSettings(anonymized_telemetry=False))
        return shared.client

    def _collection_named(self, name: str, metadata: dict | None = None) -> Any:
        return self._client().get_or_create_collection(name, embedding_function=None,
                                                       metadata=metadata)

    def collection(self) -> Any:
        """The chunks; created by a writer, only opened by a reader (which would otherwise
        make an empty one of a collection a rebuild had just dropped)."""
        with self._shared.lock, self._room():
            name = self.collection_name
            if self._collection is None or self._collection.name != name:
                self._collection = (
                    self._collection_named(name, METADATA) if self._shared.writing
                    or self._chunks else self._client().get_collection(name))
            return self._collection

    # --- the manifest ------------------------------------------------------------------------

    def _meta_collection(self) -> Any:
        if self._meta is None:
            self._meta = self._collection_named(self._meta_name)
        return self._meta

    def manifest(self) -> Manifest | None:
        """As the server has it, read again once FRESH_SECONDS have passed (one question
        asks for it several times)."""
        read_at, cached = self._manifest
        if time.monotonic() - read_at < FRESH_SECONDS:
            return cached
        with self._reach():
            got = self._meta_collection().get(ids=["manifest"], include=["documents"])
        manifest = None
        if got["ids"]:
            try:
                manifest = Manifest.from_dict(json.loads(got["documents"][0] or ""))
            except ValueError:
                manifest = UNREADABLE
        self._manifest = (time.monotonic(), manifest)
        return manifest

    def write_manifest(self, manifest: Manifest) -> Manifest:
        written = replace(manifest, identity=self.identity, generation=uuid.uuid4().hex,
                          collection=manifest.collection or self.collection_name)
        with self._reach():
            self._meta_collection().upsert(
                ids=["manifest"], embeddings=[_PLACEHOLDER],
                documents=[json.dumps(written.to_dict(), ensure_ascii=False)])
        self._manifest = (time.monotonic(), written)
        return written

    # --- checks and search ---------------------------------------------------------------------

    def checked_count(self) -> int | None:
        return self.count()

    def dense_search(self, vector: list[float], k: int, sources: Any = ()) -> Any:
        try:
            return super().dense_search(vector, k, sources)
        except _Moved:  # once: the manifest read again names the new chunks
            return super().dense_search(vector, k, sources)

    def open_records(self, note: Callable[[str], None] | None = None) -> Any:
        """The record on the server; filled from the chunks when it is missing (a collection
        deleted by hand), so that nothing is embedded again."""
        from .remote_records import ServerRecords

        with self._reach():
            records = ServerRecords(self._client(), f"{self.collection_name}-records")
            if not records.list_keys(limit=1) and self.count():
                fill(records, *self.all_chunks())
                if note:
                    note("the record of indexed chunks was missing on the server; it was "
                         "rebuilt from the chunks, so nothing is embedded again")
        return records

    # --- example questions, beside the manifest ------------------------------------------------

    def examples(self, generation: str | None) -> list[str] | None:
        with self._reach():
            got = self._meta_collection().get(ids=["examples"], include=["documents"])
        try:
            saved = json.loads(got["documents"][0]) if got["ids"] else {}
        except ValueError:
            return None
        if saved.get("generation") != generation or not isinstance(saved.get("questions"), list):
            return None
        return [q for q in saved["questions"] if isinstance(q, str)]

    def keep_examples(self, generation: str | None, questions: list[str]) -> None:
        with self._reach():
            saved = {"generation": generation, "questions": questions}
            self._meta_collection().upsert(
                ids=["examples"], embeddings=[_PLACEHOLDER],
                documents=[json.dumps(saved, ensure_ascii=False)])

    # --- the keyword index: in memory, from the chunks ----------------------------------------

    def keyword_index(self) -> KeywordIndex:
        """Built from the server's chunks once a generation, and kept in this machine's
        folder under that generation, so that a worker started again loads it instead of
        reading every chunk (a cache: a worker without a folder builds it each start)."""
        stamp = self.generation(self.manifest())
        if self._keyword is not None and stamp == self._keyword_stamp:
            return self._keyword
        cache = self.dir / "keyword" / (stamp or "none")
        index = KeywordIndex.load(cache) if stamp else None
        if index is None:
            index = self.rebuild_keyword_index()
            self._manifest = (-FRESH_SECONDS, None)
            if stamp and self.generation(self.manifest()) == stamp:  # nobody wrote meanwhile
                with contextlib.suppress(OSError):
                    index.save(cache)
                    for old in cache.parent.iterdir():
                        if old != cache:
                            shutil.rmtree(old, ignore_errors=True)
        self._keyword, self._keyword_stamp = index, stamp
        return index

    # --- lifecycle ---------------------------------------------------------------------------

    def _drop(self, names: list[str]) -> None:
        with self._reach():
            client = self._client()
            for name in names:
                try:
                    client.delete_collection(name)
                except Exception as exc:
                    if _unreachable(exc):
                        raise
                    # any other refusal: it is not there (never made, or already gone)
        self._forget()
        self._forget_reads()
        self._keyword = None

    def _slots(self) -> list[str]:
        base = f"{self.server.name}-chunks-"
        return [name for slot in "ab" for name in (base + slot, f"{base}{slot}-records")]

    def wipe(self) -> None:
        names = [self._chunks, f"{self._chunks}-records"] if self._chunks else self._slots()
        self._drop([self._meta_name, *names])

    def discard(self) -> None:
        self.wipe()

    def staging(self) -> ServerStore:
        """The chunk collection not live, with a manifest of its own."""
        base = self._meta_name.removesuffix("-meta")
        if self._chunks:  # a rebuild's store is not rebuilt in turn: names nothing uses
            other = f"{self._chunks}-rebuild"
        else:
            live = self.collection_name
            other = live[:-1] + ("b" if live.endswith("-a") else "a")
        return ServerStore(self.server.url, self.dir / STAGING, self.embedder, self.identity,
                           meta=f"{base}-rebuild-meta", chunks=other)

    def adopt(self, staged: Store) -> None:
        """Point the manifest at the rebuild's chunks, then drop the old ones."""
        assert isinstance(staged, ServerStore)
        manifest = staged.manifest()
        assert manifest is not None
        old = self.collection_name
        self.write_manifest(replace(manifest, collection=staged.collection_name))
        self._drop([old, f"{old}-records", staged._meta_name])
        staged._forget()
        if (staged.dir / texts.DIR).exists():  # the viewer's cache, kept on this machine
            shutil.rmtree(self.dir / texts.DIR, ignore_errors=True)
            (staged.dir / texts.DIR).rename(self.dir / texts.DIR)
        shutil.rmtree(staged.dir, ignore_errors=True)

    # --- the write lock (see `remote_lock`) -----------------------------------------------------

    def lock_holder(self) -> str | None:
        if self._shared.writing:
            return None
        with self._reach():
            holder = self._lock.holder()
        return None if holder is None else remote_lock.named(holder)

    @contextlib.contextmanager
    def write_lock(self, timeout: float, on_wait: Callable[[str], None] | None = None
                   ) -> Iterator[None]:
        with self._reach():
            self._lock.acquire(timeout, on_wait, self.location)
        with contextlib.suppress(OSError):  # for the caches; a worker needs none of them
            self.dir.mkdir(parents=True, exist_ok=True)
        self._shared.writing += 1
        try:
            with self._lock.beating():
                yield
        finally:
            self._shared.writing -= 1
            self._lock.release()


class _Moved(IndexStateError):
    """The chunk collection this process had open was dropped by a rebuild elsewhere."""
