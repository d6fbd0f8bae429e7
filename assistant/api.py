"""`Assistant`: the one object the CLI, the web page and Python users talk to."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from .build import Progress, Say, build_index
from .chat import condense, is_follow_up, normalize_history
from .config import Settings
from .embeddings import Embedder
from .errors import ConfigurationError, QuestionError
from .found import words_held
from .generate import LLMReader
from .library import AddedFile, add_file, remove_file
from .llm import chat_model, llm_available
from .load import load_document
from .read import ExtractiveReader, Reader, not_found
from .retrieve import HybridRetriever
from .schema import Answer, IndexReport
from .split import SplitSettings
from .store import Store
from .text import DocFreq, document_names


class Assistant:
    """Questions about the documents in `corpus_dir`, answered from the index in `index_dir`.

    Any field of `Settings` can be passed as a keyword (`Assistant(top_k=8)`); the rest come
    from `ASSISTANT_*` environment variables, then defaults. `reader="llm"` answers in a
    language model's words with checked citations, `reader="extractive"` quotes and is the
    default (more right answers on real documents, in milliseconds; README, Benchmarks).
    """

    def __init__(self, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
                 *, settings: Settings | None = None, reader: Reader | str | None = None,
                 **overrides: Any) -> None:
        if isinstance(reader, str):  # "llm" or "extractive": the setting, not an object
            overrides["reader"], reader = reader, None
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
        self.extractive = ExtractiveReader(
            self.embedder, min_evidence=s.min_evidence, max_sentences=s.max_answer_sentences,
            embed_top=s.embedded_sentences or None)
        if s.reader not in ("", *READERS):
            raise ConfigurationError(f"unknown reader {s.reader!r}: use llm or extractive")
        available = llm_available(s)
        if s.reader == "llm" and not available:
            chat_model(s)  # raises the error that says what to install or set
        self.readers: dict[str, Reader] = {"extractive": self.extractive}
        if available:
            self.readers["llm"] = LLMReader(lambda: chat_model(s), self.extractive)
        # Quoting is the default even with a model at hand: on questions in readers' own words
        # about documents no one tuned on (bench.real, held-out half) it answered 0.647 to the
        # LLM's 0.559, in 38 ms instead of 2.5 s; the LLM declines more of what the documents
        # do not say (0.52 to 0.33) and cites more precisely. `reader="llm"` picks it.
        default = s.reader or "extractive"
        self.reader: Reader = reader or self.readers[default]
        self._lock = threading.Lock()

    # --- indexing -------------------------------------------------------------------------

    def index(self, *, rebuild: bool = False, progress: Progress | None = None,
              say: Say | None = None) -> IndexReport:
        """Bring the index up to date with the corpus folder; embeds only what changed."""
        s = self.settings
        return build_index(
            self.store, Path(s.corpus_dir), max_file_bytes=int(s.max_file_mb * 1e6),
            outside_links=s.outside_links, lock_timeout=s.lock_timeout, rebuild=rebuild,
            progress=progress, say=say,
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
        corpus = Path(self.settings.corpus_dir)
        rel = Path(os.path.normpath(source))
        if rel.is_absolute() or rel.parts[:1] in (("..",), (".",)):
            raise ValueError(f"{source!r} is outside the corpus folder")
        return load_document(corpus / rel, corpus, outside_links=self.settings.outside_links,
                             max_bytes=int(self.settings.max_file_mb * 1e6)).text

    # --- asking ---------------------------------------------------------------------------

    def ask(self, question: str, history: Any = (), *, reader: str | None = None) -> Answer:
        """Answer from the documents, citing them; `found=False` when they do not say.

        `reader` ("llm" or "extractive") overrides the configured one for this question.
        """
        *_, answer = self.stream(question, history, reader=reader)
        return answer

    def stream(self, question: str, history: Any = (), *, reader: str | None = None
               ) -> Iterator[str | Answer]:
        """Text pieces of the answer as they are ready, then the final `Answer`.

        The LLM reader's pieces are the model's draft; its final `Answer` keeps only the
        sentences a passage supports, so a page should show the `Answer` once it arrives.
        """
        question = self._check(question)
        pairs = normalize_history(history, self.settings.max_question_chars)
        chosen = self._reader(reader)
        warning = self.store.incomplete(self.store.check_ready())
        with self._lock:  # one question at a time through the models and the caches
            query, rewritten = self._standalone(question, pairs, chosen)
            vector = self.embedder.embed_query(query)
            passages = self.retriever.search(query, vector)
            doc_freq = self.store.keyword_index().doc_freq()
            previous = pairs[-1][1] if query != question else ""
            # A follow-up the model rewrote stands alone: the reader weighs all of its words.
            asked = query if rewritten else question
            if hasattr(chosen, "stream"):
                pieces = chosen.stream(asked, query, vector, passages, doc_freq, previous)
            elif isinstance(chosen, ExtractiveReader) and "llm" in self.readers:
                pieces = _in_pieces(self._judged(chosen, asked, query, vector, passages,
                                                 doc_freq, previous))
            else:
                pieces = _in_pieces(chosen.read(asked, query, vector, passages, doc_freq,
                                                previous))
            for piece in pieces:
                if isinstance(piece, Answer):
                    piece = replace(piece, question=question, warning=warning)
                yield piece

    def _judged(self, reader: ExtractiveReader, question: str, query: str,
                vector: list[float], passages: list[Document], doc_freq: DocFreq,
                previous: str) -> Answer:
        """The quoted answer, unless its confidence is under `judge_below` and the language
        model, asked yes or no, says the passages do not answer. The bar was chosen on
        bench.real's tuning half: asking for every answer short of certain (1.0) declined
        0.688 of its unanswerable questions for 0.605 answers, against 0.438 and 0.630 when
        asking under 0.9 only; on the held-out half, 0.810 and 0.618 against 0.524 and 0.637.
        The model is not asked when the quoted sentence holds half the question's words
        besides its document's names (`judge_words`): it declined right answers as readily
        as wrong ones ("Who wrote this piece?" for its byline), while an unanswerable question
        is most often matched by a document's name alone. A model call, 1-5 s, for about
        half the questions."""
        ranked, signals = reader.rank(question, query, vector, passages, doc_freq, previous)
        answer = reader.answer(question, query, passages, ranked, signals)
        if not answer.found or answer.evidence >= self.settings.judge_below:
            return answer
        best = ranked[0]
        held = words_held(question, best.text, best.before,
                          document_names(passages[best.passage].metadata), doc_freq)
        if held >= self.settings.judge_words and self.settings.judge_words < 1:
            return answer
        llm = self.readers["llm"]
        if isinstance(llm, LLMReader) and llm.judge(question, passages, ranked) is False:
            return not_found(question, query, reader.name, evidence=answer.evidence, reason=(
                f"the best passages match the question ({answer.evidence:.0%} confidence), but "
                "the language model, asked, says they do not answer it"))
        return answer

    def _reader(self, name: str | None) -> Reader:
        if not name:
            return self.reader
        if name not in READERS:
            raise ConfigurationError(f"unknown reader {name!r}: use llm or extractive")
        if name not in self.readers:
            raise ConfigurationError(
                "no language model is installed or configured: run `make model`, or set "
                "ASSISTANT_LLM_URL to an OpenAI-compatible endpoint")
        return self.readers[name]

    def _standalone(self, question: str, pairs: list[tuple[str, str]], reader: Reader
                    ) -> tuple[str, bool]:
        """The question to search with, and whether a language model rewrote it. Without a
        rewrite, a follow-up gets the previous question appended (see `chat.condense`)."""
        if pairs and isinstance(reader, LLMReader) and (
                is_follow_up(question) or len(question.split()) <= 4):
            rewritten = reader.rewrite(question, pairs)
            if rewritten:
                return rewritten, True
        return condense(question, pairs), False

    def reader_name(self) -> str:
        """Who answers by default, for the page and the logs."""
        return "llm" if isinstance(self.reader, LLMReader) else "extractive"

    def _check(self, question: str) -> str:
        if question is not None and not isinstance(question, str):
            raise QuestionError(f"the question must be text, got {type(question).__name__}")
        if not question or not question.strip():
            raise QuestionError("the question is empty; type a question about your documents")
        question = question.strip()
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8, smuggled in by argv decoding
            raise QuestionError(
                "the question holds bytes that are not UTF-8 text; check the terminal's "
                "encoding (locale) and type it again") from None
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question):,} characters long, over the {limit:,} "
                "limit (ASSISTANT_MAX_QUESTION_CHARS); ask about one thing at a time"
            )
        return question


READERS = ("llm", "extractive")


def _in_pieces(answer: Answer) -> Iterator[str | Answer]:
    """A finished answer streamed a few words at a time, then itself."""
    words = answer.text.split(" ")
    for i in range(0, len(words), 4):
        yield " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
    yield answer
