"""The write lock of an index on a Chroma server (see `remote`): one writer at a time, on
any machine.

The lock is a collection, `{name}-lock`, which the server creates for one caller only. Its
metadata names the writer (host, pid) and the last time it said it was at work (`beat`, the
server's clock, refreshed every BEAT_SECONDS). A lock is left by a writer that died when its
pid is gone on this host, or when it has not beaten for STALE_SECONDS anywhere; the next
writer then takes it over.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .errors import IndexLockedError

BEAT_SECONDS = 5.0  # how often a writer says it is still at work
STALE_SECONDS = 30.0  # a lock not refreshed for this long was left by a writer that died


class ServerLock:
    def __init__(self, client: Callable[[], Any], name: str) -> None:
        self._client = client  # Chroma's client, connected when first asked for
        self.name = name

    def holder(self) -> dict[str, Any] | None:
        """Who holds it, as its metadata says, or None."""
        try:
            return dict(self._client().get_collection(self.name).metadata or {})
        except Exception as exc:
            if "does not exist" in str(exc):
                return None
            raise

    def _now(self) -> float:
        return self._client().heartbeat() / 1e9  # nanoseconds on the server's clock

    def _stale(self, holder: dict[str, Any]) -> bool:
        if holder.get("host") == socket.gethostname():
            try:
                os.kill(int(holder.get("pid", 0)), 0)
            except (ProcessLookupError, ValueError):
                return True
            except PermissionError:
                pass
        return self._now() - float(holder.get("beat", 0)) > STALE_SECONDS

    def _take(self) -> bool:
        """Create the lock collection: atomic on the server, so one writer wins."""
        me = {"host": socket.gethostname(), "pid": os.getpid(), "beat": self._now()}
        try:
            self._client().create_collection(self.name, embedding_function=None, metadata=me)
            return True
        except Exception as exc:
            if "already exists" not in str(exc):
                raise
            return False

    def acquire(self, timeout: float, on_wait: Callable[[str], None] | None,
                location: str) -> None:
        """Take it; a second writer waits up to `timeout` seconds, then gets an error that
        names the first."""
        deadline = time.monotonic() + timeout
        told = False
        while not self._take():
            holder = self.holder()
            if holder is not None and self._stale(holder):
                with contextlib.suppress(Exception):  # another writer took it over first
                    self._client().delete_collection(self.name)
                continue
            who = named(holder or {})
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"another process{who} is writing the index {location}; wait for it to "
                    "finish and run again (ASSISTANT_LOCK_TIMEOUT sets how long to wait)")
            if on_wait and not told:
                on_wait(f"waiting for another indexer{who} to finish…")
                told = True
            time.sleep(0.2)

    @contextlib.contextmanager
    def beating(self) -> Iterator[None]:
        """Say every BEAT_SECONDS that the writer is at work, while the block runs."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(BEAT_SECONDS):
                with contextlib.suppress(Exception):  # a missed beat is retried; 6 go stale
                    lock = self._client().get_collection(self.name)
                    lock.modify(metadata={**(lock.metadata or {}), "beat": self._now()})

        thread = threading.Thread(target=beat, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def release(self) -> None:
        with contextlib.suppress(Exception):  # a server gone: the lock goes stale instead
            self._client().delete_collection(self.name)


def named(holder: dict[str, Any]) -> str:
    """" (pid N on HOST)" of a lock's metadata."""
    if "pid" not in holder:
        return ""
    return f" (pid {holder['pid']} on {holder.get('host', '?')})"
