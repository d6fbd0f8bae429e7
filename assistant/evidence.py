"""The evidence stage: a question (and the conversation before it) in, one `Evidence` out.

    question, history ─ standalone query ─ embed ─ retrieve ─ rank sentences ─ found signals
                                                   (within the                 └▶ Evidence
                                                    documents it names)

This is the only place the ask pipeline is written. Readers turn an `Evidence` into an answer;
benchmarks and tests get one from `Assistant.evidence()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from langchain_core.documents import Document

from . import script, tuned
from .chat import condense, is_follow_up
from .config import ReaderSettings
from .found import Signals, decide, words_held
from .rank import Candidate, Ranker
from .retrieve import Hybrid
from .store import Store
from .text import DocFreq, document_names

# A model's standalone version of a follow-up, or None when it gives none.
Rewrite = Callable[[str, list[tuple[str, str]]], "str | None"]


@dataclass(frozen=True)
class Evidence:
    """What the documents offer for one question: everything a reader needs, computed once."""

    question: str  # as asked
    query: str  # what was searched: the question, or a follow-up made to stand alone
    # what the readers answer: a model's standalone rewrite of a follow-up, else the question
    asked: str
    vector: list[float]  # the query's embedding
    passages: list[Document]  # retrieved, best first; metadata holds scores and offsets
    ranked: list[Candidate]  # the passages' sentences, best first
    signals: Signals | None  # what the found decision looked at (None: nothing to rank)
    confidence: float  # that the passages answer the question, 0..1
    found: bool  # the confidence clears the bar
    # share of the question's words, by rarity, that the best sentence (or the one before it)
    # holds, its document's names not counted; 1.0 with nothing to rank
    held: float
    warning: str = ""  # about the index the passages came from (an unfinished run)
    # the question's script when the embedding model was not trained on it ("Cyrillic"): a
    # decline says so, since the passages that answer it may not have been found
    unread_script: str = ""


class Gatherer:
    """Builds the `Evidence` for a question, with the store, search and ranker it is given."""

    def __init__(self, store: Store, hybrid: Hybrid, ranker: Ranker,
                 settings: ReaderSettings) -> None:
        self.store = store
        self.hybrid = hybrid
        self.ranker = ranker
        self.settings = settings

    def __call__(self, question: str, history: list[tuple[str, str]], *,
                 rewrite: Rewrite | None = None, warning: str = "") -> Evidence:
        """`history` is normalized (question, answer) pairs; `rewrite`, when given, is asked
        to make a follow-up stand alone before the question is searched."""
        query, rewritten = self._standalone(question, history, rewrite)
        embedder = self.store.embedder
        vector = embedder.embed_query(query)
        passages = self.hybrid.search(query, vector)
        unread = (script.foreign(question) if embedder.english_only else None) or ""
        evidence = weigh(self.ranker, self.settings.min_evidence, question=question,
                         query=query,
                         # a follow-up the model rewrote stands alone: all its words are weighed
                         asked=query if rewritten else question, vector=vector,
                         passages=passages, doc_freq=self.store.keyword_index().doc_freq(),
                         previous=history[-1][1] if query != question else "",
                         warning=warning)
        return replace(evidence, unread_script=unread)

    @staticmethod
    def _standalone(question: str, history: list[tuple[str, str]], rewrite: Rewrite | None
                    ) -> tuple[str, bool]:
        """The question to search with, and whether a model rewrote it. Without a rewrite, a
        follow-up gets the previous question appended (see `chat.condense`)."""
        if history and rewrite is not None and (
                is_follow_up(question) or len(question.split()) <= tuned.SHORT_FOLLOW_UP):
            rewritten = rewrite(question, history)
            if rewritten:
                return rewritten, True
        return condense(question, history), False


def weigh(ranker: Ranker, bar: float, *, question: str, query: str, asked: str,
          vector: list[float], passages: list[Document], doc_freq: DocFreq, previous: str = "",
          warning: str = "") -> Evidence:
    """The evidence in retrieved passages: their sentences ranked, and whether the best
    clears `bar` (`previous`: the answer a follow-up follows)."""
    ranked, signals = ranker.rank(asked, query, vector, passages, doc_freq, previous)
    confidence, found = decide(signals, bar, follow_up=query != asked)
    held = 1.0
    if ranked:
        best = ranked[0]
        held = words_held(asked, best.text, best.before,
                          document_names(passages[best.passage].metadata), doc_freq)
    return Evidence(question, query, asked, vector, passages, ranked, signals, confidence, found,
                    held, warning)


def adjacent(passages: list[Document], a: int, b: int, reach: int = 1) -> bool:
    """The same passage, or chunks of one document at most `reach` apart (1: consecutive)."""
    if a == b:
        return True
    ma, mb = passages[a].metadata, passages[b].metadata
    return (ma.get("source") == mb.get("source") and "chunk" in ma and "chunk" in mb
            and 0 < abs(int(ma["chunk"]) - int(mb["chunk"])) <= reach)
