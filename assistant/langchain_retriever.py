"""The hybrid search as a LangChain retriever, for one's own chains (`Assistant.retriever`).

Kept apart from `retrieve` because importing LangChain's retrievers brings its runnables and
tracers, which the answers themselves do not need.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .retrieve import Hybrid


class HybridRetriever(BaseRetriever):
    """`hybrid.search` behind LangChain's retriever interface: `invoke`, `|` and the rest."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: Hybrid

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.hybrid.search(query, self.hybrid.store.embedder.embed_query(query))
