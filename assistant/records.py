"""`index/records.sqlite`: LangChain's record of which chunk keys are in Chroma, per source,
which lets an indexing run skip what is already embedded. It is derived data: an unreadable
record file is rebuilt from Chroma's own ids and sources, so nothing is embedded again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .store import COLLECTION, Store


def open_records(store: Store, note: Callable[[str], None] | None = None) -> Any:
    """The record manager of the store's index, rebuilt from Chroma (and `note` told) when its
    file cannot be read."""
    from langchain_classic.indexes import SQLRecordManager
    from sqlalchemy.exc import SQLAlchemyError

    store.dir.mkdir(parents=True, exist_ok=True)
    path = store.records_path

    def opened() -> Any:
        rm = SQLRecordManager(f"chroma/{COLLECTION}", db_url=f"sqlite:///{path}")
        rm.create_schema()
        return rm

    try:
        rm = opened()
        rm.list_keys(limit=1)
        return rm
    except SQLAlchemyError as exc:
        if note:
            note(f"the record of indexed chunks ({path.name}) was unreadable "
                 f"({exc.__class__.__name__}); it was rebuilt from Chroma")
    path.unlink(missing_ok=True)
    rm = opened()
    ids, docs = store.all_chunks()
    for i in range(0, len(ids), 1000):
        rm.update(ids[i:i + 1000], group_ids=[d.metadata.get("source") for d in
                                              docs[i:i + 1000]])
    return rm
