"""The public records the assistant hands out: answers, their citations and index reports.

Plain dataclasses so they print, compare and turn into JSON (`to_dict`) without surprises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One cited passage: `document_text[start:end] == text` for the document named `source`.

    `quote_start`/`quote_end` mark the sentences the answer quotes inside that passage (same
    coordinates), so a page can highlight the exact evidence within its context.
    """

    index: int  # the n of the [n] marker in Answer.text
    source: str  # path relative to the corpus folder
    title: str
    text: str  # the passage
    start: int  # character offsets into the document's extracted text
    end: int
    score: float  # retrieval score of the passage (fused), higher is better; 0 for the chunk
    # after a retrieved one, read because it goes on from it
    quote_start: int
    quote_end: int
    page: int | None = None  # 1-based, for PDFs

    @property
    def quote(self) -> str:
        return self.text[self.quote_start - self.start : self.quote_end - self.start]


@dataclass(frozen=True)
class Answer:
    text: str  # quotes the evidence, with [n] markers pointing at citations[n-1]
    citations: list[Citation]
    found: bool  # False: the documents do not answer this; then citations == []
    question: str = ""  # the question as asked
    query: str = ""  # the standalone query actually searched (after resolving follow-ups)
    reader: str = "extractive"  # who wrote the text: "llm" (generated) or "extractive" (quoted)
    evidence: float = 0.0  # the reader's confidence that the documents answer, 0..1
    # why the answer is not simply the reader's: generated sentences dropped as unsupported, a
    # fallback to quoting, the model's own "not in the documents"; empty when nothing happened
    reason: str = ""
    # what the reader of the answer should know about the index it came from: the last
    # indexing run did not finish, or another process is updating it; empty when it is whole
    warning: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IndexReport:
    """Chunk counts of one indexing run. `updated` counts chunks written for files that were
    indexed before and have changed; `added` those of files new to the index."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    documents: int = 0  # documents in the index after the run
    chunks: int = 0  # chunks in the index after the run
    warnings: list[str] = field(default_factory=list)  # files that could not be read, and why
    notes: list[str] = field(default_factory=list)  # e.g. why the index was rebuilt
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, skipped {self.skipped}, "
            f"deleted {self.deleted} chunks; {self.documents} "
            f"document{'' if self.documents == 1 else 's'}, {self.chunks} chunks in the index "
            f"({self.seconds:.1f} s)"
        )
