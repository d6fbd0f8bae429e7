"""What every index offers the stages that build and read it, wherever it is kept: the
manifest, the chunks in Chroma, dense and keyword search, the record of indexed chunks, a
rebuild beside the live index, and the one writer's lock.

    Store             this contract, and what is the same everywhere
    ├── FolderStore   `folder`: embedded Chroma and files under `index/` (the default)
    └── ServerStore   `remote`: a Chroma server (`chroma run`), setting `chroma_url`

Readers never trust a picture of the index older than its manifest: each new generation of
it (every write makes one) is noticed by every reader.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from . import examples, health
from .client import SharedClient
from .embeddings import Embedder
from .errors import IndexMismatchError, IndexNotBuiltError
from .keyword import KeywordIndex
from .manifest import Identity, Manifest
from .text import listed

METADATA = {"hnsw:space": "cosine"}  # the distance the collection is built with
STAGING = ".rebuild"  # where a rebuild is built, beside the index readers keep using


class Store(abc.ABC):
    def __init__(self, index_dir: Path, embedder: Embedder, identity: Identity,
                 shared: SharedClient) -> None:
        self.dir = index_dir  # the index, or on a server the caches of this machine
        self.embedder = embedder
        self.identity = identity  # what the index must have been built with
        self._shared = shared
        self._collection: Any = None
        self._collection_client: Any = None
        self._keyword: KeywordIndex | None = None
        self._keyword_stamp: str | None = None

    # --- the manifest ---------------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the index is, as messages name it."""
        return str(self.dir)

    @property
    def collection_name(self) -> str:
        return health.COLLECTION

    @abc.abstractmethod
    def manifest(self) -> Manifest | None:
        """None before the first build, `manifest.UNREADABLE` when it cannot be parsed."""

    @abc.abstractmethod
    def write_manifest(self, manifest: Manifest) -> Manifest:
        """Write it under a new generation (the caller holds the write lock)."""

    @staticmethod
    def generation(manifest: Manifest | None) -> str | None:
        """What tells one state of the index from the next."""
        return manifest.generation or None if manifest else None

    def _check_writable(self) -> None:
        """Raise when the index cannot be written, as Chroma needs even to answer."""
        return None

    def mismatch(self, manifest: Manifest | None = None) -> str | None:
        """Why the index on disk cannot be used with the current settings, or None."""
        manifest = manifest if manifest is not None else self.manifest()
        if manifest is None:
            return None
        if manifest.state == "unreadable":
            return "its manifest.json is unreadable"
        if manifest.identity is None:
            return "its manifest.json does not say what built it"
        return self.identity.differs(manifest.identity)

    def check_ready(self) -> Manifest:
        """The manifest of a usable index, or an error that says how to get one. Starts the
        health check of files this process has not vouched for, so that it runs while the
        caller loads its model."""
        manifest = self.manifest()
        if manifest is None:
            raise IndexNotBuiltError(
                f"no index in {self.location}; build it with `assistant index` (or "
                "Assistant.index())")
        reason = self.mismatch(manifest)
        if reason:
            raise IndexMismatchError(
                f"the index in {self.location} cannot be used: {reason}; run `assistant index` to "
                "rebuild it"
            )
        self._check_writable()
        self._begin_check(manifest)
        return manifest

    def incomplete(self, manifest: Manifest) -> str:
        """What a reader should be told when the index is not the result of a finished run:
        answers about the files the run changes may be out of date (the old chunks answer until
        the new ones are written), and those it adds may be missing."""
        if manifest.state != "building":
            return ""
        files = list(manifest.pending)
        what = (f"answers about {listed(files, 3)} may be out of date or missing" if files else
                "answers may be out of date or miss documents")
        holder = self.lock_holder()
        if holder is not None:
            return (f"the index is being updated by another process{holder}; {what} until it "
                    "finishes")
        return (f"the last indexing run did not finish, so {what}; run `assistant index` to "
                "complete it")
    # --- checks of the stored chunks ---------------------------------------------------------

    def _begin_check(self, manifest: Manifest | None, count: bool = True) -> None:
        """Start checking the stored chunks, if this store checks them."""
        return None

    def damage(self, count: bool = True) -> str | None:
        """Why the stored chunks cannot be trusted, or None."""
        return None

    @abc.abstractmethod
    def checked_count(self) -> int | None:
        """The chunks stored, as a check found them; None when unknown."""

    # --- Chroma ---------------------------------------------------------------------------

    @abc.abstractmethod
    def _client(self) -> Any:
        """Chroma's client, as it must be for the current generation (shared lock held)."""


    def vectorstore(self, embedding: Embeddings | None = None) -> Any:
        """The LangChain Chroma store that indexing writes through. We always pass an embedder
        (ours, or `embedding` wrapping it to report progress), so Chroma never fetches its own
        default model."""
        from langchain_chroma import Chroma

        with self._shared.lock:
            return Chroma(collection_name=self.collection_name, client=self._client(),
                          embedding_function=embedding or self.embedder,
                          collection_metadata=METADATA)

    def collection(self) -> Any:
        """Chroma's own collection, which reading goes through: searching by a vector we made
        needs no LangChain wrapper, and importing one costs a cold `ask` half a second."""
        with self._shared.lock:
            client = self._client()
            if self._collection is None or self._collection_client is not client:
                self._collection = client.get_or_create_collection(
                    self.collection_name, embedding_function=None, metadata=METADATA)
                self._collection_client = client
            return self._collection

    @abc.abstractmethod
    @contextlib.contextmanager
    def _room(self) -> Iterator[None]:
        """Around each use of Chroma: its failures as this store's errors."""
        yield

    def _forget(self) -> None:
        """Close this process's Chroma client, so that the next use opens the files anew."""
        with self._shared.lock:
            self._shared.close()
            self._collection = None

    def all_chunks(self) -> tuple[list[str], list[Document]]:
        """Every chunk in Chroma, read in pages (Chroma caps one request's size)."""
        with self._shared.lock, self._room():
            return self._all_chunks(self.collection())

    @staticmethod
    def _all_chunks(collection: Any) -> tuple[list[str], list[Document]]:
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
        with self._shared.lock, self._room():
            return self.collection().count()

    def dense_search(self, vector: list[float], k: int, sources: Collection[str] = ()
                     ) -> list[tuple[Document, float]]:
        """Nearest chunks by cosine similarity (1 - Chroma's cosine distance), best first;
        only those of `sources` when it is given."""
        where = {"source": {"$in": sorted(sources)}} if sources else None
        with self._shared.lock, self._room():
            got = self._search_in_child(vector, k, where) if self._shared.client is None else None
            if got is None:
                got = health.search(self.collection(), vector, k, where)
        return [(Document(page_content=text, metadata=meta or {}, id=id_), 1.0 - float(distance))
                for id_, text, meta, distance in zip(*(got[f] for f in health.FIELDS),
                                                     strict=True)
                if text is not None]

    def _search_in_child(self, vector: list[float], k: int, where: dict | None
                         ) -> dict[str, list] | None:
        """The search done elsewhere before this process opens Chroma; None: do it here."""
        return None

    # --- the record of indexed chunks ------------------------------------------------------

    def records_problem(self) -> str | None:
        """What is wrong with the record of indexed chunks, or None."""
        return None

    @abc.abstractmethod
    def open_records(self, note: Callable[[str], None] | None = None) -> Any:
        """LangChain's record manager of this index."""

    # --- keyword index --------------------------------------------------------------------

    def rebuild_keyword_index(self, ids: list[str] | None = None,
                              docs: list[Document] | None = None, *, save: bool = True
                              ) -> KeywordIndex:
        """Rebuild from the given chunks, or from all chunks in Chroma."""
        stamp = self.generation(self.manifest())
        if ids is None or docs is None:
            ids, docs = self.all_chunks()
        index = KeywordIndex.build(ids, docs)
        if save:
            self._save_keyword(index)
        self._keyword, self._keyword_stamp = index, stamp
        return index

    def _save_keyword(self, index: KeywordIndex) -> None:
        """Keep it for other processes, where this store keeps it."""
        return None

    @abc.abstractmethod
    def keyword_index(self) -> KeywordIndex:
        """The keyword index of the current generation."""

    # --- example questions ----------------------------------------------------------------

    def examples(self, generation: str | None) -> list[str] | None:
        """The example questions chosen for this generation, or None (none chosen yet)."""
        return examples.read(self.dir, generation)

    def keep_examples(self, generation: str | None, questions: list[str]) -> None:
        """A convenience: without room for them, the page chooses them again in memory."""
        with contextlib.suppress(OSError):
            examples.write(self.dir, generation, questions)

    # --- lifecycle ------------------------------------------------------------------------

    @abc.abstractmethod
    def wipe(self) -> None:
        """Remove every chunk, record and the manifest, for a rebuild from scratch."""

    @abc.abstractmethod
    def discard(self) -> None:
        """Remove everything this store holds (a killed rebuild's)."""

    @abc.abstractmethod
    def staging(self) -> Store:
        """The store a rebuild writes beside this one, swapped in by `adopt` when complete."""

    @abc.abstractmethod
    def adopt(self, staged: Store) -> None:
        """Make a complete rebuild this index; readers go from one whole index to the other."""

    @abc.abstractmethod
    def lock_holder(self) -> str | None:
        """" (pid N …)" when another process holds the write lock, else None."""

    @abc.abstractmethod
    def write_lock(self, timeout: float, on_wait: Callable[[str], None] | None = None
                   ) -> contextlib.AbstractContextManager[None]:
        """The one writer's lock; a second writer waits `timeout` s, then gets an error."""
