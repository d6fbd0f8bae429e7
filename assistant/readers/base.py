"""What every reader is: one method, `stream(evidence)`, yielding text pieces, then the Answer.

A reader never calls back into the evidence stage or into another reader's internals; a reader
that falls back on another (the language model's reader on quoting) holds it and asks it for
its whole answer (`read`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import ClassVar

from langchain_core.documents import Document

from ..evidence import Evidence
from ..schema import Answer, Citation

NOT_FOUND = ("I could not find the answer to that in your documents. Try rephrasing, or add a "
             "document that covers it.")


class Reader(ABC):
    name: ClassVar[str]  # Answer.reader of what it writes: "extractive" or "llm"
    # Whether a follow-up asked of it is first rewritten by its language model: true only of
    # a reader that calls the model anyway (a quoting reader stays fast).
    rewrites: ClassVar[bool] = False

    @abstractmethod
    def stream(self, evidence: Evidence) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final `Answer`."""

    def read(self, evidence: Evidence) -> Answer:
        """The final answer alone."""
        *_, answer = self.stream(evidence)
        if not isinstance(answer, Answer):
            raise RuntimeError(f"the {self.name} reader ended without an answer")
        return answer

    def not_found(self, evidence: Evidence, reason: str = "") -> Answer:
        text = NOT_FOUND
        if evidence.unread_script:
            text = (f"{NOT_FOUND} Note: the question is in {evidence.unread_script} script, "
                    "and the embedding model was trained on English, so passages in that "
                    "script are often not found; ask in English, or set a multilingual "
                    "embedding model (ASSISTANT_EMBEDDING_MODEL).")
        return Answer(text=text, citations=[], found=False, question=evidence.question,
                      query=evidence.query, reader=self.name,
                      evidence=round(evidence.confidence, 4), reason=reason,
                      warning=evidence.warning)


def in_pieces(answer: Answer) -> Iterator[str | Answer]:
    """A finished answer streamed a few words at a time, then itself."""
    words = answer.text.split(" ")
    for i in range(0, len(words), 4):
        yield " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
    yield answer


def passage_citation(doc: Document, index: int, quote_start: int, quote_end: int) -> Citation:
    """Citation `[index]` of a retrieved passage, quoting document text [quote_start:quote_end)."""
    meta = doc.metadata
    return Citation(
        index=index, source=meta["source"], title=meta.get("title", ""), text=doc.page_content,
        start=int(meta["start"]), end=int(meta["end"]),
        score=round(float(meta.get("score", 0)), 6), quote_start=quote_start,
        quote_end=quote_end, page=meta.get("page"))
