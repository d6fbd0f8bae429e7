"""Is the Chroma store on disk whole? Asked in a child process, because damaged HNSW files can
crash the process that reads them (random bytes in `data_level0.bin` end it with SIGSEGV,
which no `except` catches), and a deleted or truncated segment makes dense search return a
fraction of the chunks without any error.

The child opens the store, compares its count with the manifest's, and looks up a few stored
vectors by themselves: each must come back as its own nearest neighbour. It prints the reason
when something is wrong, or `ok` and its count; then it stays, answering dense searches sent
as JSON lines, until its parent opens the store itself or exits. A one-shot `assistant ask`
thus never imports Chroma at all: the child that had to open the store anyway searches it.
This file is run as a script, so it imports only Chroma, not the package (whose imports would
double the check's time).
"""

from __future__ import annotations

import contextlib
import json
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

TIMEOUT = 300.0  # seconds; a store of a million chunks opens in well under a minute
FIELDS = ("ids", "documents", "metadatas", "distances")
CHROMA = "chroma"  # the index folder's Chroma store,
COLLECTION = "chunks"  # and its one collection


class Check:
    """A health check running in a child process: start it early, ask for the verdict later
    (the CLI's `ask` starts it before it imports anything heavy), then search through it."""

    def __init__(self, chroma_dir: Path | str, collection: str, expected: int | None) -> None:
        # a file, not a pipe: a pipe could fill and stall the child; closed in `close`
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            [sys.executable, __file__, str(chroma_dir), collection,
             "" if expected is None else str(expected)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, text=True,
            errors="replace")
        self._decided = False
        self._problem: str | None = None
        self.count: int | None = None  # the chunks the child found, once it said ok

    def _line(self) -> str | None:
        """The child's next line, None when it ended or went quiet for TIMEOUT."""
        with selectors.DefaultSelector() as waiting:  # not select(): fds past 1024 are fine
            waiting.register(self._proc.stdout, selectors.EVENT_READ)
            ready = waiting.select(TIMEOUT)
        line = self._proc.stdout.readline() if ready else ""
        return line.rstrip("\n") if line else None

    def problem(self) -> str | None:
        """Why the store cannot be trusted, or None when it answered correctly."""
        if not self._decided:
            line = self._line() or ""
            word, _, count = line.partition(" ")
            if word == "ok":
                self.count = int(count)
            self._problem = None if word == "ok" else line or self._ended()
            self._decided = True
        return self._problem

    def _ended(self) -> str:
        """The reason a child that said nothing gives: its exit, or a time-out."""
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.close()
            return f"Chroma did not open it within {TIMEOUT:.0f} s"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
            return f"Chroma crashed reading its files ({name})"
        self._err.seek(0)
        lines = self._err.read().decode(errors="replace").strip().splitlines()
        return (lines[-1] if lines else f"exit status {code}")[:300]

    def search(self, vector: list[float], k: int, where: dict | None) -> dict[str, list] | None:
        """`search` run by the child, which has the store open; None when it cannot."""
        if self.problem() is not None or self._proc.poll() is not None:
            return None
        try:
            self._proc.stdin.write(json.dumps({"vector": vector, "k": k, "where": where}) + "\n")
            self._proc.stdin.flush()
        except OSError:
            return None
        line = self._line()
        return json.loads(line) if line else None

    def keep(self) -> bool:
        """Keep this passed check's child to search its store, unless another is kept: one per
        process, so that a process that opens many indexes (the tests) keeps no child for
        each. A check not kept is closed."""
        with _KEPT_LOCK:
            free = not _KEPT or _KEPT[0] is self
            if free:
                _KEPT[:] = [self]
        if not free:
            self.close()
        return free

    def close(self) -> None:
        """Let the child go: it exits when its input ends."""
        with _KEPT_LOCK:
            if self in _KEPT:
                _KEPT.remove(self)
        if self._proc.poll() is None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._err):
            with contextlib.suppress(OSError):
                stream.close()


_EARLY: dict[tuple[str, str, int | None], Check] = {}
_KEPT: list[Check] = []
_KEPT_LOCK = threading.Lock()


def start(chroma_dir: Path, collection: str, expected: int | None) -> Check:
    """A check of this store: the one started early for the same store and count, if any."""
    return _EARLY.pop((str(chroma_dir), collection, expected), None) or Check(
        chroma_dir, collection, expected)


def expected_chunks(manifest: Any) -> int | None:
    """What a reader's check compares Chroma's count with: a finished build's chunk count."""
    return manifest.chunks if manifest is not None and manifest.complete else None


def start_early(index_dir: Path, manifest: Any, *, count: bool = True) -> None:
    """Begin the check that a reader (`count`) or a writer of this index will ask for, before
    the caller imports its heavy modules (`manifest` a `manifest.Manifest`, or None when there
    is none); `start` hands it over."""
    chroma = index_dir / CHROMA
    key = (str(chroma), COLLECTION, expected_chunks(manifest) if count else None)
    if manifest is not None and key not in _EARLY and (chroma / "chroma.sqlite3").is_file():
        _EARLY[key] = Check(*key)


def search(store: Any, vector: list[float], k: int, where: dict | None) -> dict[str, list]:
    """Nearest chunks of a Chroma collection: ids, documents, metadatas and cosine distances,
    best first. The one search, in this process or in the child."""
    size = store.count()
    if k <= 0 or size == 0:
        return {f: [] for f in FIELDS}
    got = store.query(query_embeddings=[vector], n_results=min(k, size), where=where,
                      include=["documents", "metadatas", "distances"])
    return {f: got[f][0] for f in FIELDS}


class _Rust:
    """A collection read through chromadb's Rust bindings, which import in 0.06 s where
    `import chromadb` takes 0.8 s, the longest step of a one-shot `ask`. It opens the store as
    `chromadb.PersistentClient` does (rust.py, chromadb 1.5) and answers the three calls the
    child makes, in the client's shapes; `_open` falls back to the client when they differ."""

    TENANT, DATABASE = "default_tenant", "default_database"

    def __init__(self, chroma_dir: str) -> None:
        import resource

        import chromadb_rust_bindings as rust

        config = rust.SqliteDBConfig(hash_type=rust.MigrationHash.MD5,
                                     migration_mode=rust.MigrationMode.Apply,
                                     url=str(Path(chroma_dir, "chroma.sqlite3")))
        # the client's cache size: each HNSW index holds five open files
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        self._bindings = rust.Bindings(allow_reset=False, sqlite_db_config=config,
                                       persist_path=chroma_dir, hnsw_cache_size=files // 5)
        self._id = ""

    def names(self) -> set[str]:
        return {c.name for c in self._bindings.list_collections(None, 0, self.TENANT,
                                                                 self.DATABASE)}

    def open(self, name: str) -> _Rust:
        self._id = str(self._bindings.get_collection(name, self.TENANT, self.DATABASE).id)
        return self

    def count(self) -> int:
        return self._bindings.count(self._id, self.TENANT, self.DATABASE)

    def get(self, limit: int, offset: int, include: list[str]) -> dict[str, list]:
        got = self._bindings.get(self._id, None, None, limit, offset, None, include,
                                 self.TENANT, self.DATABASE)
        return {"ids": got.ids, "embeddings": got.embeddings}

    def query(self, query_embeddings: list, n_results: int, include: list[str],
              where: dict | None = None) -> dict[str, list]:
        got = self._bindings.query(self._id, None, query_embeddings, n_results,
                                   json.dumps(where) if where else None, None, include,
                                   self.TENANT, self.DATABASE)
        return {f: getattr(got, f) for f in FIELDS}


def _open(chroma_dir: str) -> tuple[set[str], Any]:
    """The store's collection names, and a function that opens one: through the Rust bindings,
    or through the Python client where the bindings are not the ones `_Rust` was written for."""
    try:
        rust = _Rust(chroma_dir)
        return rust.names(), rust.open
    except (ImportError, AttributeError, TypeError):
        import chromadb
        from chromadb.config import Settings

        client = chromadb.PersistentClient(path=chroma_dir,
                                           settings=Settings(anonymized_telemetry=False))
        # No embedding function: we only send vectors, and Chroma's default one would download.
        return ({c.name for c in client.list_collections()},
                lambda name: client.get_collection(name, embedding_function=None))


def _probe(chroma_dir: str, collection: str, expected: int | None) -> tuple[str | None, Any]:
    """Runs in the child: the reason the store is not whole (or None), and the store."""
    if not Path(chroma_dir, "chroma.sqlite3").is_file():
        return "its chroma.sqlite3 is missing", None
    names, open_collection = _open(chroma_dir)
    if collection not in names:
        return f"its collection {collection!r} is missing", None
    store = open_collection(collection)
    count = store.count()
    if expected is not None and count != expected:
        return f"it holds {count} chunks where the manifest records {expected}", None
    # HNSW is approximate: a whole index misses a few chunks by their own vectors (1 of the 5
    # probed in a sound 103k-chunk index; Chroma #3113 counts 56 in 50k). Damaged files lose
    # them all, so two misses are damage and one is not.
    lost: list[int] = []
    for offset in sorted({count * i // 4 for i in range(4)} | {count - 1} if count else set()):
        got = store.get(limit=1, offset=offset, include=["embeddings"])
        if not got["ids"]:
            return f"chunk {offset} of {count} cannot be read", None
        if not any(_finds(store, got["ids"][0], got["embeddings"][0], min(count, n))
                   for n in (10, 100)):
            lost.append(offset)
    if len(lost) >= 2 or (lost and count < 2):
        return (f"dense search no longer finds chunks {lost[0]} and {lost[1]} of {count} by "
                "their own vectors" if len(lost) >= 2 else
                f"dense search no longer finds chunk {lost[0]} of {count} by its own vector"), None
    return None, store


def _finds(store: Any, id_: str, vector: Any, n: int) -> bool:
    """Whether the nearest `n` chunks to a chunk's own vector hold it (or an identical one)."""
    hits = store.query(query_embeddings=[vector], n_results=n, include=["distances"])
    ids, distances = hits["ids"][0], hits["distances"][0]
    return id_ in ids or bool(distances and distances[0] < 1e-3)


def _serve(store: Any) -> None:
    """Answer the parent's searches, one JSON line each, until its input ends."""
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(search(store, request["vector"], request["k"], request["where"])),
              flush=True)


if __name__ == "__main__":
    try:
        reason, store = _probe(sys.argv[1], sys.argv[2], int(sys.argv[3]) if sys.argv[3] else None)
    except Exception as exc:  # noqa: BLE001 - any error opening the store is the verdict
        reason = f"{exc.__class__.__name__}: {' '.join(str(exc).split())}"
    print(reason or f"ok {store.count()}", flush=True)
    if reason:
        sys.exit(1)
    _serve(store)
