"""Hybrid retrieval: the dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank.

Dense search finds paraphrases; BM25 finds the rare names and numbers a small embedding model
blurs. Reciprocal rank fusion needs no score calibration between the two, which is why it is
the fusion of choice when neither ranking can be trusted alone.

`Hybrid` is a plain class: answering a question imports none of LangChain's runnables (half a
second of a cold `assistant ask`). `langchain_retriever.HybridRetriever` wraps it as a LangChain
retriever for one's own chains.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from langchain_core.documents import Document

from . import tuned
from .config import RetrievalSettings
from .scope import scope
from .store import Store


def reciprocal_rank_fusion(rankings: list[list[str]], weights: list[float],
                           k: int = 60) -> dict[str, float]:
    """score(id) = sum over rankings of weight / (k + rank), rank starting at 1."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, id_ in enumerate(ranking, start=1):
            scores[id_] = scores.get(id_, 0.0) + weight / (k + rank)
    return scores


class Hybrid:
    """Hybrid search over the project's store. Each returned Document's metadata gets `id`,
    `score` (fused), `dense` (cosine similarity or None) and `keyword` (BM25 or None)."""

    def __init__(self, store: Store, settings: RetrievalSettings | None = None,
                 follow: int = tuned.FOLLOW) -> None:
        self.store = store
        self.settings = settings or RetrievalSettings()
        # The chunk after each of the best `follow` passages is read too, when not retrieved
        # itself: "Once the birthplace of the Z-car, it now operates at just 40% capacity" goes
        # on from the passage that names the Oppama plant, but shares no word with the question.
        self.follow = follow

    def search(self, query: str, vector: list[float], sources: Collection[str] | None = None
               ) -> list[Document]:
        """Search with a query vector the caller already has (the reader reuses it), within
        `sources`: by default the documents the query names (see `scope`), everywhere if it
        names none; `()` is everywhere."""
        s = self.settings
        if sources is None:
            sources = scope(query, self.store.keyword_index().doc_freq(),
                            self.store.embedder.vocabulary())
        dense = self.store.dense_search(vector, s.fetch_k, sources)
        keyword = self.store.keyword_index().search(query, s.fetch_k, sources)
        by_id: dict[str, Document] = {}
        dense_score: dict[str, float] = {}
        keyword_score: dict[str, float] = {}
        for doc, score in dense:
            by_id.setdefault(doc.id, doc)
            dense_score[doc.id] = score
        for doc, score in keyword:
            by_id.setdefault(doc.id, doc)
            keyword_score[doc.id] = score
        fused = reciprocal_rank_fusion(
            [[d.id for d, _ in dense], [d.id for d, _ in keyword]],
            [s.dense_weight, s.keyword_weight], s.rrf_k,
        )
        ranked = sorted(fused, key=lambda id_: -fused[id_])[: s.top_k]
        out = []
        for id_ in ranked:
            doc = by_id[id_]
            meta: dict[str, Any] = {
                **doc.metadata, "id": id_, "score": fused[id_],
                "dense": dense_score.get(id_), "keyword": keyword_score.get(id_),
            }
            out.append(Document(page_content=doc.page_content, metadata=meta, id=id_))
        return out + self._following(out)

    def _following(self, passages: list[Document]) -> list[Document]:
        """The chunks after the best `follow` passages, placed after all the ranked ones (the
        first passage's similarity is a signal of the found decision), with no scores."""
        have = {d.id for d in passages}
        keyword = self.store.keyword_index()
        out = []
        for doc in passages[: self.follow]:
            if "chunk" not in doc.metadata:
                continue
            found = keyword.chunk_at(str(doc.metadata.get("source", "")),
                                     int(doc.metadata["chunk"]) + 1)
            if found and found[0] not in have:
                id_, after = found
                have.add(id_)
                meta = {**after.metadata, "id": id_, "score": 0.0, "dense": None,
                        "keyword": None, "follows": doc.id}
                out.append(Document(page_content=after.page_content, metadata=meta, id=id_))
        return out
