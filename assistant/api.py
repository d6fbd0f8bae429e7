"""`Assistant`: the one object the CLI, the web page and Python users talk to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .build import Progress, Say, build_index
from .chat import condense, normalize_history
from .config import Settings
from .embeddings import Embedder
from .errors import QuestionError
from .library import AddedFile, add_file, remove_file
from .load import load_document
from .read import ExtractiveReader, Reader
from .retrieve import HybridRetriever
from .schema import Answer, IndexReport
from .split import SplitSettings
from .store import Store


class Assistant:
    """Questions about the documents in `corpus_dir`, answered from the index in `index_dir`.

    Any field of `Settings` can be passed as a keyword (`Assistant(top_k=8)`); the rest come
    from `ASSISTANT_*` environment variables, then defaults.
    """

    def __init__(self, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
                 *, settings: Settings | None = None, reader: Reader | None = None,
                 **overrides: Any) -> None:
        base = settings or Settings.load()
        changes = {k: v for k, v in overrides.items() if v is not None}
        if corpus_dir is not None:
            changes["corpus_dir"] = Path(corpus_dir)
        if index_dir is not None:
            changes["index_dir"] = Path(index_dir)
        self.settings = base.replace(**changes) if changes else base
        s = self.settings
        self.embedder = Embedder(s.embedding_model, s.embed_batch_size)
        self.store = Store(Path(s.index_dir), self.embedder,
                           SplitSettings(s.chunk_tokens, s.chunk_overlap_sentences))
        self.retriever = HybridRetriever(
            store=self.store, k=s.top_k, fetch_k=s.fetch_k, rrf_k=s.rrf_k,
            dense_weight=s.dense_weight, keyword_weight=s.keyword_weight,
        )
        self.reader: Reader = reader or ExtractiveReader(
            self.embedder, min_evidence=s.min_evidence, max_sentences=s.max_answer_sentences,
            embed_top=s.embedded_sentences or None)
        self._lock = threading.Lock()

    # --- indexing -------------------------------------------------------------------------

    def index(self, *, rebuild: bool = False, progress: Progress | None = None,
              say: Say | None = None) -> IndexReport:
        """Bring the index up to date with the corpus folder; embeds only what changed."""
        s = self.settings
        return build_index(
            self.store, Path(s.corpus_dir), max_file_bytes=int(s.max_file_mb * 1e6),
            lock_timeout=s.lock_timeout, rebuild=rebuild, progress=progress, say=say,
        )

    def status(self) -> dict[str, Any]:
        """The manifest of the index (model, documents, chunk count, last build), or {}."""
        return self.store.manifest() or {}

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents: source, title, chunks, indexed_at (oldest name first)."""
        docs = self.status().get("documents", {})
        return [{"source": source, **info} for source, info in sorted(docs.items())]

    def add_documents(self, paths: Any, *, replace: bool = False) -> list[AddedFile]:
        """Copy files into the corpus folder after checking them; call `index()` afterwards.

        `paths` holds file paths, or `(path, name)` pairs when the file sits under a temporary
        name (an upload). A taken name gets a free variant unless `replace` is true; bytes
        already indexed are reported as duplicates, not added.
        """
        s = self.settings
        known = {d["source"]: d.get("sha256", "") for d in self.documents()}
        results = []
        for item in paths:
            path, name = item if isinstance(item, tuple) else (item, None)
            results.append(add_file(Path(s.corpus_dir), Path(path).expanduser(), name=name,
                                    replace=replace, max_bytes=int(s.max_file_mb * 1e6),
                                    known_sha256=known))
        return results

    def remove_document(self, source: str) -> Path:
        """Move a document out of the corpus folder (into `.removed/`); call `index()` after."""
        return remove_file(Path(self.settings.corpus_dir), source)

    def document_text(self, source: str) -> str:
        """The extracted text a citation's offsets index into."""
        corpus = Path(self.settings.corpus_dir).resolve()
        path = (corpus / source).resolve()
        if corpus not in path.parents:
            raise ValueError(f"{source!r} is outside the corpus folder")
        return load_document(path, corpus).text

    # --- asking ---------------------------------------------------------------------------

    def ask(self, question: str, history: Any = ()) -> Answer:
        """Answer from the documents, citing them; `found=False` when they do not say."""
        question = self._check(question)
        self.store.check_ready()
        pairs = normalize_history(history)
        query = condense(question, pairs)
        with self._lock:  # one question at a time through the model and the caches
            vector = self.embedder.embed_query(query)
            passages = self.retriever.search(query, vector)
            doc_freq = self.store.keyword_index().doc_freq()
            previous = pairs[-1][1] if query != question else ""
            return self.reader.read(question, query, vector, passages, doc_freq, previous)

    def stream(self, question: str, history: Any = ()) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final `Answer`."""
        answer = self.ask(question, history)
        words = answer.text.split(" ")
        for i in range(0, len(words), 4):
            yield " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
        yield answer

    def _check(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise QuestionError("the question is empty; type a question about your documents")
        question = question.strip()
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question):,} characters long, over the {limit:,} "
                "limit (ASSISTANT_MAX_QUESTION_CHARS); ask about one thing at a time"
            )
        return question
