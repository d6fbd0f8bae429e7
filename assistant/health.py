"""Is the Chroma store on disk whole? Asked in a child process, because damaged HNSW files can
crash the process that reads them (random bytes in `data_level0.bin` end it with SIGSEGV,
which no `except` catches), and a deleted or truncated segment makes dense search return a
fraction of the chunks without any error.

The child opens the store, compares its count with the manifest's, and looks up a few stored
vectors by themselves: each must come back as its own nearest neighbour. It prints the reason
when something is wrong. This file is run as a script, so it imports only Chroma, not the
package (whose imports would double the check's 0.6 s).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

TIMEOUT = 300.0  # seconds; a store of a million chunks opens in well under a minute


class Check:
    """A health check running in a child process: start it early, ask for the verdict later
    (the CLI's `ask` overlaps it with loading the embedding model)."""

    def __init__(self, chroma_dir: Path, collection: str, expected: int | None) -> None:
        args = [sys.executable, __file__, str(chroma_dir), collection,
                "" if expected is None else str(expected)]
        self._proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, errors="replace")

    def problem(self) -> str | None:
        """Why the store cannot be trusted, or None when it answered correctly."""
        try:
            out, err = self._proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            return f"Chroma did not open it within {TIMEOUT:.0f} s"
        code = self._proc.returncode
        if code == 0:
            return None
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
            return f"Chroma crashed reading its files ({name})"
        lines = (out.strip() or err.strip() or f"exit status {code}").splitlines()
        return lines[-1][:300]


def _probe(chroma_dir: str, collection: str, expected: int | None) -> str | None:
    """Runs in the child: the reason the store is not whole, or None."""
    import chromadb
    from chromadb.config import Settings

    if not Path(chroma_dir, "chroma.sqlite3").is_file():
        return "its chroma.sqlite3 is missing"
    client = chromadb.PersistentClient(path=chroma_dir,
                                       settings=Settings(anonymized_telemetry=False))
    names = {c.name for c in client.list_collections()}
    if collection not in names:
        return f"its collection {collection!r} is missing"
    # No embedding function: we only send vectors, and Chroma's default one would download.
    store = client.get_collection(collection, embedding_function=None)
    count = store.count()
    if expected is not None and count != expected:
        return f"it holds {count} chunks where the manifest records {expected}"
    if count == 0:
        return None
    for offset in sorted({0, count // 2, count - 1}):
        got = store.get(limit=1, offset=offset, include=["embeddings"])
        if not got["ids"]:
            return f"chunk {offset} of {count} cannot be read"
        hits = store.query(query_embeddings=[got["embeddings"][0]], n_results=min(count, 10),
                           include=["distances"])
        ids, distances = hits["ids"][0], hits["distances"][0]
        # Its own vector is at distance 0 (or an identical chunk's is).
        if got["ids"][0] not in ids and not (distances and distances[0] < 1e-3):
            return f"dense search no longer finds chunk {offset} of {count} by its own vector"
    return None


if __name__ == "__main__":
    try:
        reason = _probe(sys.argv[1], sys.argv[2], int(sys.argv[3]) if sys.argv[3] else None)
    except Exception as exc:  # noqa: BLE001 - any error opening the store is the verdict
        reason = f"{exc.__class__.__name__}: {' '.join(str(exc).split())}"
    if reason:
        print(reason)
        sys.exit(1)
