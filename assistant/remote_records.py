"""LangChain's record of indexed chunks, kept in a collection on the Chroma server beside the
chunks (see `remote`), so that an indexer on any machine skips what is already embedded.

One record per chunk key: its source (`group_id`) and when it was last written
(`updated_at`, the server's clock, so that writers on machines whose clocks differ agree).
The vectors are a placeholder: Chroma stores nothing without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.indexing.base import RecordManager

PAGE = 5000  # keys per request: Chroma caps a request's size
_PLACEHOLDER = [1.0]


class ServerRecords(RecordManager):
    def __init__(self, client: Any, collection: str) -> None:
        super().__init__(namespace=collection)
        self._client = client
        self._records = client.get_or_create_collection(collection, embedding_function=None)

    def create_schema(self) -> None:
        """Nothing to create: the collection exists once this object does."""

    def get_time(self) -> float:
        return self._client.heartbeat() / 1e9  # nanoseconds on the server's clock

    def update(self, keys: Sequence[str], *, group_ids: Sequence[str | None] | None = None,
               time_at_least: float | None = None) -> None:
        if not keys:
            return
        groups = group_ids or [None] * len(keys)
        if len(groups) != len(keys):
            raise ValueError(f"{len(keys)} keys but {len(groups)} group ids")
        at = max(self.get_time(), time_at_least or 0.0)
        for i in range(0, len(keys), PAGE):
            page = list(keys[i:i + PAGE])
            self._records.upsert(
                ids=page, embeddings=[_PLACEHOLDER] * len(page),
                metadatas=[{"group_id": g or "", "updated_at": at} for g in groups[i:i + PAGE]])

    def exists(self, keys: Sequence[str]) -> list[bool]:
        found: set[str] = set()
        for i in range(0, len(keys), PAGE):
            found.update(self._records.get(ids=list(keys[i:i + PAGE]), include=[])["ids"])
        return [key in found for key in keys]

    def list_keys(self, *, before: float | None = None, after: float | None = None,
                  group_ids: Sequence[str] | None = None, limit: int | None = None
                  ) -> list[str]:
        terms: list[dict[str, Any]] = []
        if before is not None:
            terms.append({"updated_at": {"$lt": before}})
        if after is not None:
            terms.append({"updated_at": {"$gt": after}})
        if group_ids is not None:
            terms.append({"group_id": {"$in": list(group_ids)}})
        where = terms[0] if len(terms) == 1 else {"$and": terms} if terms else None
        keys: list[str] = []
        while limit is None or len(keys) < limit:
            want = PAGE if limit is None else min(PAGE, limit - len(keys))
            got = self._records.get(where=where, include=[], limit=want, offset=len(keys))
            keys.extend(got["ids"])
            if len(got["ids"]) < want:
                break
        return keys

    def delete_keys(self, keys: Sequence[str]) -> None:
        for i in range(0, len(keys), PAGE):
            self._records.delete(ids=list(keys[i:i + PAGE]))

    # LangChain's async indexing is not used here; these keep the interface whole.
    async def acreate_schema(self) -> None:
        self.create_schema()

    async def aget_time(self) -> float:
        return self.get_time()

    async def aupdate(self, keys: Sequence[str], *, group_ids: Sequence[str | None] | None = None,
                      time_at_least: float | None = None) -> None:
        self.update(keys, group_ids=group_ids, time_at_least=time_at_least)

    async def aexists(self, keys: Sequence[str]) -> list[bool]:
        return self.exists(keys)

    async def alist_keys(self, *, before: float | None = None, after: float | None = None,
                         group_ids: Sequence[str] | None = None, limit: int | None = None
                         ) -> list[str]:
        return self.list_keys(before=before, after=after, group_ids=group_ids, limit=limit)

    async def adelete_keys(self, keys: Sequence[str]) -> None:
        self.delete_keys(keys)
