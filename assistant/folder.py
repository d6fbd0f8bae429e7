"""The index in a folder, `index/` (the default; `remote` keeps it on a Chroma server):
Chroma, LangChain's record manager, the keyword index, the manifest and the write lock. The
folder is a rebuildable cache of the corpus; the manifest says what built it, so an index made
by another model or splitter is never silently mixed with new chunks.

    index/
      chroma/            Chroma's persistent store (vectors, chunk text, metadata)
      records.sqlite     SQLRecordManager: which chunk hashes are in Chroma (`records`)
      keyword/           BM25 over the same chunks, rebuilt after every run
      manifest.json      model, dimension, splitter, schema version, state, documents,
                         and a generation token, new with every write
      .lock              held by the one process allowed to write
      .rebuild/          a rebuild in progress, laid out as above; swapped in when complete

Readers never trust a picture of the index older than the manifest: every use compares the
manifest's generation with the one this process opened Chroma at, and reopens Chroma when
another process has written since (Chroma keeps its vector index in memory, so a server left
alone kept answering from the chunks of the build before, and dense search found nothing of
the new one). Chroma's files are checked in a child process before this process opens them
(see `health`), because damaged ones can crash the process that reads them; dense search goes
through that child until this process needs Chroma for anything else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import disk, health, lock, texts
from . import manifest as manifests
from .client import shared_client
from .embeddings import Embedder
from .errors import IndexDamagedError, IndexStateError
from .health import COLLECTION, Check
from .keyword import KeywordIndex
from .manifest import Identity, Manifest
from .store import STAGING, Store


class FolderStore(Store):
    def __init__(self, index_dir: Path, embedder: Embedder, identity: Identity) -> None:
        super().__init__(index_dir, embedder, identity, shared_client(index_dir))
        self._check: Check | None = None

    # --- paths and manifest ---------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.dir / manifests.FILE

    @property
    def records_path(self) -> Path:
        return self.dir / "records.sqlite"

    @property
    def chroma_dir(self) -> Path:
        return self.dir / health.CHROMA

    def manifest(self) -> Manifest | None:
        """The manifest on disk: None before the first build, `manifest.UNREADABLE` when its
        file cannot be parsed."""
        self._check_folder()
        return manifests.read(self.manifest_path)

    def write_manifest(self, manifest: Manifest) -> Manifest:
        """Write it under a new generation, which this process's client matches: it made the
        change itself (the caller holds the write lock)."""
        with self._shared.lock:
            written = manifests.write(self.manifest_path, replace(manifest,
                                                                  identity=self.identity))
            if self._shared.client is not None:
                self._shared.generation = written.generation
            self._shared.verified.add(written.generation)
        return written

    def _check_folder(self) -> None:
        if self.dir.exists() and not self.dir.is_dir():
            raise IndexStateError(
                f"the index path {self.dir} is a file, not a folder; point --index / "
                "ASSISTANT_INDEX_DIR at a folder (it is created if missing)")

    def _check_writable(self) -> None:
        """Chroma writes to its files even to answer, so a read-only index fails on open with
        a database error; say what it is instead."""
        self._check_folder()
        for path in (self.dir, self.chroma_dir, self.chroma_dir / "chroma.sqlite3"):
            if path.exists() and not os.access(path, os.W_OK):
                raise IndexStateError(
                    f"the index in {self.dir} is read-only ({path} cannot be written); Chroma "
                    "writes to its files even to answer, so make the folder writable, or "
                    "point --index / ASSISTANT_INDEX_DIR at a writable copy")

    # --- health --------------------------------------------------------------------------

    def _needs_check(self, generation: str | None) -> bool:
        if generation in self._shared.verified:
            return False
        return self.manifest_path.exists() or (self.chroma_dir / "chroma.sqlite3").exists()

    def _begin_check(self, manifest: Manifest | None, count: bool = True) -> None:
        with self._shared.lock:
            if self._check is None and self._needs_check(self.generation(manifest)):
                self._check = health.start(self.chroma_dir, COLLECTION,
                                           health.expected_chunks(manifest) if count else None)

    def damage(self, count: bool = True) -> str | None:
        """Why Chroma's files cannot be trusted, or None; asked of a child process once per
        generation of the index (see `health`). `count=False` leaves out the comparison of its
        chunk count with the manifest's: an indexer re-embeds lost chunks one by one from its
        records, where a reader can only refuse to answer from a partial index."""
        with self._shared.lock:
            manifest = self.manifest()
            self._begin_check(manifest, count)  # unless one runs already, or none is needed
            check, self._check = self._check, None
            if check is None:
                return None
            problem = check.problem()
            if problem is not None and disk.is_full(problem):  # not damage: never rebuild
                check.close()
                raise disk.full(self.dir)
            if problem is None:
                generation = self.generation(manifest)
                self._shared.verified.add(generation)
                if check.count is not None:
                    self._shared.counted[generation] = check.count
                self._shared.keep_reader(check, generation)
            else:
                check.close()
            return problem

    def checked_count(self) -> int | None:
        """The chunks in Chroma as this process's check of the current generation found them,
        read without opening Chroma here; None when no check of it ran in this process."""
        return self._shared.counted.get(self.generation(self.manifest()))

    def _damaged(self, problem: str) -> IndexDamagedError:
        return IndexDamagedError(
            f"the index in {self.location} is damaged: {problem}; run `assistant index` to rebuild "
            "it from the documents (or Re-index the folder on the page)")

    # --- Chroma and the record manager ----------------------------------------------------

    def _client(self) -> Any:
        """The Chroma client, reopened first when its view no longer matches the manifest on
        disk. The caller holds the shared lock."""
        shared = self._shared
        generation = self.generation(self.manifest())
        if shared.client is None or (not shared.writing and shared.generation != generation):
            self._open(generation)
        return shared.client
    def _open(self, generation: str | None) -> None:
        """(Re)open Chroma's files after a health check: a fresh client, not the cached view of
        a client opened before another process wrote."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self._check_writable()  # first: a read-only store fails the health check too
        problem = self.damage()
        if problem:
            raise self._damaged(problem)
        self._shared.close()
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._shared.client = chromadb.PersistentClient(
                path=str(self.chroma_dir),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
        except Exception as exc:  # noqa: BLE001 - chromadb's errors share no useful base
            if disk.is_full(exc):
                raise disk.full(self.dir) from None
            if isinstance(exc, OSError):
                raise IndexStateError(f"cannot open the index in {self.dir}: "
                                      f"{exc.strerror or exc}") from None
            raise IndexDamagedError(
                f"cannot open the index in {self.dir} ({' '.join(str(exc).split())}); run "
                "`assistant index` to rebuild it from the documents") from None
        self._shared.generation = generation

    @contextlib.contextmanager
    def _room(self) -> Iterator[None]:
        """Chroma applies its write-ahead log when it is read; on a full disk it cannot, and
        says only "Failed to apply logs": that is the full disk's one line, not a traceback."""
        try:
            yield
        except Exception as exc:
            if disk.is_full(exc, self.dir):
                self._forget()  # its client would wait forever at the next write
                raise disk.full(self.dir) from None
            raise

    def _search_in_child(self, vector: list[float], k: int, where: dict | None
                         ) -> dict[str, list] | None:
        """The search, run by the health check's child, which has the store open (a one-shot
        `ask` never imports Chroma); None when there is no such child for this generation."""
        shared = self._shared
        generation = self.generation(self.manifest())
        if shared.reader is None or shared.reader_generation != generation:
            self._check_writable()
            problem = self.damage()
            if problem:
                raise self._damaged(problem)
        if shared.reader is None or shared.reader_generation != generation:
            return None
        return shared.reader.search(vector, k, where)

    # --- the record of indexed chunks ------------------------------------------------------

    def records_problem(self) -> str | None:
        """What is wrong with the record of indexed chunks, or None (see `records`)."""
        from . import records

        return records.problem(self.records_path)

    def open_records(self, note: Callable[[str], None] | None = None) -> Any:
        """LangChain's record manager of this index (see `records`)."""
        from . import records

        return records.open_records(self.records_path, self.all_chunks, note)

    # --- keyword index --------------------------------------------------------------------

    def _save_keyword(self, index: KeywordIndex) -> None:
        index.save(self.dir / "keyword")

    def keyword_index(self) -> KeywordIndex:
        """Loaded once, reloaded when the index has a new generation. A missing, damaged or
        outdated one is rebuilt from Chroma's chunks: saved when no indexer is at work, kept in
        memory otherwise (a reader must not write beside a writer)."""
        manifest = self.manifest()
        stamp = self.generation(manifest)
        if self._keyword is not None and stamp == self._keyword_stamp:
            return self._keyword
        loaded = KeywordIndex.load(self.dir / "keyword")
        expected = manifest.chunks if manifest and manifest.complete else None
        if loaded is not None and expected in (None, len(loaded.ids)):
            self._keyword, self._keyword_stamp = loaded, stamp
            return loaded
        if self._shared.writing:
            return self.rebuild_keyword_index(save=False)
        try:
            with self.write_lock(timeout=0):
                return self.rebuild_keyword_index()
        except (IndexStateError, OSError):  # locked, read-only or a full disk: from memory
            return self.rebuild_keyword_index(save=False)

    # --- lifecycle ------------------------------------------------------------------------

    def wipe(self) -> None:
        """Remove Chroma's files, the records, the keyword index and the manifest, for a
        rebuild from scratch. The files go, not only the collection: a damaged store cannot be
        opened to empty it. The caller holds the write lock; this process's client is closed
        first, and readers elsewhere reopen when they see the new generation."""
        with self._shared.lock:
            self._forget()
            self._check = None
            shutil.rmtree(self.chroma_dir, ignore_errors=True)
            self.records_path.unlink(missing_ok=True)
            shutil.rmtree(self.dir / "keyword", ignore_errors=True)
            shutil.rmtree(self.dir / STAGING, ignore_errors=True)
            self.manifest_path.unlink(missing_ok=True)
            self._keyword = None

    def discard(self) -> None:
        """Remove everything this store holds, its folder too (a killed rebuild's)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def staging(self) -> Store:
        """The store a rebuild writes beside this one, swapped in by `adopt` when complete."""
        return FolderStore(self.dir / STAGING, self.embedder, self.identity)

    def adopt(self, staged: Store) -> None:
        """Make a complete index built in another folder (a rebuild's) this one, in the order
        readers tolerate: the files, then the manifest, whose new generation makes every
        reader reopen. A reader between the two opens the new files under the old generation:
        a complete index too, never half of one. The caller holds both write locks."""
        with self._shared.lock, staged._shared.lock:
            staged._forget()
            self._forget()
            attic = self.dir / ".old"
            shutil.rmtree(attic, ignore_errors=True)
            attic.mkdir()
            for name in (health.CHROMA, self.records_path.name, "keyword", texts.DIR):
                if (self.dir / name).exists():
                    (self.dir / name).rename(attic / name)
                if name != texts.DIR or (staged.dir / name).exists():  # texts: a cache
                    (staged.dir / name).rename(self.dir / name)
            os.replace(staged.manifest_path, self.manifest_path)
            self._keyword = None
            shutil.rmtree(attic, ignore_errors=True)
            shutil.rmtree(staged.dir, ignore_errors=True)

    def lock_holder(self) -> str | None:
        """" (pid N)" when another process holds the write lock, else None."""
        return None if self._shared.writing else lock.holder(self.dir / ".lock")

    @contextlib.contextmanager
    def write_lock(self, timeout: float, on_wait: Callable[[str], None] | None = None
                   ) -> Iterator[None]:
        """The one writer's lock (see `lock`); while it is held, this process's Chroma client
        is the authority on the files and is not reopened."""
        self._check_writable()
        with lock.exclusive(self.dir / ".lock", timeout, on_wait):
            with self._shared.lock:
                # Another process may have written since this one opened Chroma; its client
                # would write beside a stale picture and keep it, so it is opened anew.
                if (self._shared.generation != self.generation(self.manifest())
                        and not self._shared.writing):
                    self._shared.close()
                self._shared.writing += 1
            try:
                yield
            except BaseException:
                # A write that failed (a full disk) leaves Chroma's client unsure of its own
                # files, and its next call can wait forever: the next use opens them anew.
                self._forget()
                raise
            finally:
                self._shared.writing -= 1
