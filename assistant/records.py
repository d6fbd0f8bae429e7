"""`index/records.sqlite`: LangChain's record of which chunk keys are in Chroma, per source,
which lets an indexing run skip what is already embedded. It is derived data: a record file
that is unreadable, damaged in part, cut short or locked by another program is rebuilt from
Chroma's own ids and sources, so nothing is embedded again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from .health import COLLECTION

Chunks = Callable[[], tuple[list[str], list[Document]]]  # every chunk's id and document

BUSY_SECONDS = 1.0  # how long a locked record file is waited for before it is rebuilt


def problem(path: Path) -> str | None:
    """What is wrong with the record file, by SQLite's own quick check, or None (a missing file
    is created by the run). A file damaged in part opens and answers some queries; only a
    check of every page finds it before a write lands on a bad page. Opened for writing, so
    that SQLite rolls back what a killed run left half written (the caller holds the lock)."""
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_SECONDS)) as db:
            verdict = db.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            return "was locked by another program"
        return f"was unreadable ({exc})"
    except sqlite3.Error as exc:
        return f"was unreadable ({exc})"
    return None if verdict == "ok" else "was damaged in part (SQLite's page check failed)"


def open_records(path: Path, chunks: Chunks, note: Callable[[str], None] | None = None) -> Any:
    """The record manager kept in `path`, rebuilt from the chunks in Chroma (and `note` told)
    when its file cannot be trusted."""
    from langchain_classic.indexes import SQLRecordManager
    from sqlalchemy.exc import SQLAlchemyError

    path.parent.mkdir(parents=True, exist_ok=True)

    def opened() -> Any:
        rm = SQLRecordManager(f"chroma/{COLLECTION}", db_url=f"sqlite:///{path}",
                              engine_kwargs={"connect_args": {"timeout": BUSY_SECONDS}})
        rm.create_schema()
        return rm

    why = problem(path)
    if why is None:
        try:
            rm = opened()
            rm.list_keys(limit=1)
            return rm
        except SQLAlchemyError as exc:
            why = f"was unreadable ({exc.__class__.__name__})"
    if note:
        note(f"the record of indexed chunks ({path.name}) {why}; it was rebuilt from Chroma, "
             "so nothing is embedded again")
    for stale in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        stale.unlink(missing_ok=True)  # a program holding it locked keeps its own copy
    rm = opened()
    fill(rm, *chunks())
    return rm


def fill(rm: Any, ids: list[str], docs: list[Document]) -> None:
    """Record chunks already in Chroma, each under its source, so none is embedded again."""
    for i in range(0, len(ids), 1000):
        rm.update(ids[i:i + 1000], group_ids=[d.metadata.get("source") for d in
                                              docs[i:i + 1000]])
