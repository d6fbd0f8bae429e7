"""The index's write lock: one writer per index folder, across processes.

Two processes writing one Chroma folder corrupt it without an error, so every
write happens under an exclusive `flock` on `index/.lock`, which also records the writer's pid
for the messages of those who wait. The kernel drops the lock when its holder dies, so a
killed indexer never leaves the index locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import IndexLockedError, IndexStateError


@contextlib.contextmanager
def exclusive(path: Path, timeout: float, on_wait: Callable[[str], None] | None = None
              ) -> Iterator[None]:
    """Hold the lock; a second writer waits up to `timeout` seconds, then stops with a clear
    error naming the holder."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise IndexStateError(
            f"cannot write to the index folder {folder} ({exc.strerror or exc}); make it "
            "writable or point --index / ASSISTANT_INDEX_DIR elsewhere") from None
    with handle:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _pid(path)
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another process{holder} is writing the index in {folder}; wait for "
                        "it to finish and run again (ASSISTANT_LOCK_TIMEOUT sets how long to "
                        "wait)") from None
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


def holder(path: Path) -> str | None:
    """" (pid N)" when another process holds the lock, else None. Asked with a shared lock,
    which only a writer's exclusive one refuses."""
    try:
        with path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None
    except BlockingIOError:
        return _pid(path)
    except OSError:
        return None


def _pid(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid else ""
