"""The Chroma client of one index folder, shared by every `Store` of this process: two clients
on one folder would share Chroma's in-process cache anyway, and one of them could not be
refreshed without stopping the other's. It also holds what this process knows of the folder's
generations (which passed the health check, and their chunk counts) and the check's child
that searches until this process opens Chroma itself.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from .health import Check


class SharedClient:
    """What every `Store` of one index folder in this process shares (see the module)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # held while the client is used or replaced
        self.client: Any = None
        self.generation: str | None = None  # of the manifest the client's view matches
        self.verified: set[str | None] = set()  # generations the health check passed
        self.counted: dict[str | None, int] = {}  # and the chunks it found in each
        self.writing = 0  # this process holds the write lock: the files are its own
        # the child of the last passed check, which searches until this process opens Chroma
        self.reader: Check | None = None
        self.reader_generation: str | None = None

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        self.client = None
        self.close_reader()

    def close_reader(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.reader = None

    def keep_reader(self, check: Check, generation: str | None) -> None:
        """Search through a passed check's child, if it may be kept (see `Check.keep`)."""
        self.close_reader()
        if check.keep():
            self.reader, self.reader_generation = check, generation


_SHARED: dict[Path, SharedClient] = {}
_SHARED_LOCK = threading.Lock()


def shared_client(index_dir: Path) -> SharedClient:
    with _SHARED_LOCK:
        return _SHARED.setdefault(index_dir.resolve(), SharedClient())
