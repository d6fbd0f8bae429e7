"""Readers turn retrieved passages into an `Answer`. The extractive reader needs no language
model: it scores every sentence of the top passages and quotes the best ones, so every word of
the answer is in the documents and every citation points at the exact sentences quoted.

Sentence score = meaning (cosine to the query) + words (share of the question's weighted terms
present, in the sentence or the one before it, which for the first sentence of a chunk comes
from the chunk's metadata) + a bonus when the sentence holds what the question asks for (a
number for "how many", a date for "when", an identifier for "which status"; `kinds`); a
sentence without the number, percentage or price asked for loses a share of its score, and so
does one whose document lacks a name the question gives a document by ("Apache", "Nissan").

`found` is decided apart, by `found.Signals.confidence()`, from the best sentence's score and
what the question asks that no passage holds.

Only the sentences the question's words favour (`embed_top`) are embedded for the meaning
term: the forward pass is most of a question's time.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from langchain_core.documents import Document

from .config import Settings
from .embeddings import Embedder
from .found import Signals, common_word, missing_share
from .kinds import BYLINE, NUMBERS, expected_type, type_bonus
from .schema import Answer, Citation
from .split import chunk_sentences
from .text import STOPWORDS, DocFreq, coverage, document_names, tokenize

NOT_FOUND = ("I could not find the answer to that in your documents. Try rephrasing, or add a "
             "document that covers it.")


class Reader(Protocol):
    """The seam for other readers (an LLM, a QA model) when one is configured."""

    name: str

    def read(self, question: str, query: str, query_vector: list[float],
             passages: list[Document], doc_freq: DocFreq, previous: str = "") -> Answer: ...


@dataclass
class Candidate:
    passage: int  # index into passages
    start: int  # absolute offsets into the document text
    end: int
    text: str
    before: str = ""  # the sentence before it in the passage, which "it" or "they" may name
    source: str = ""  # the document it is from
    score: float = 0.0
    terms: frozenset[str] = frozenset()
    lone: bool = False  # a short paragraph of its own, a title: "1. Automatic installer"
    typed: bool = False  # it holds the kind of thing asked for (a date for "when")


# Lines that are content however short: commands and code ("rustup component add clippy"),
# table rows with figures ("Revenue $ 7,192 $ 8,288"), bylines ("By Charles Hayes").
_CODE_LINE = re.compile(r"[$|=<>{}\[\]`~\\]|--\w|::|\w/\w|^\s*[a-z][\w.-]*\s")
_FIGURES = re.compile(r"\d\s*%|[$€£]\s*\d")
_WORD_CASED = re.compile(r"[^\W\d_][\w.'’]*")  # "Super Bowl-related": "Bowl", "related"
_BARE_LINK = re.compile(r"^\W*(?:https?://|www\.)\S+\W*$")


def _is_heading(sentence: str) -> bool:
    """A heading or a fragment, which is not an answer: short, with no sentence end, and not
    a command, a row of figures or a byline (a manual's answer is often a command line)."""
    words = len(sentence.split())
    if _BARE_LINK.match(sentence):
        return True  # an address alone says nothing about what it is the address of
    if _content_line(sentence):
        return False
    if words >= 5 and sentence.rstrip().endswith(":"):
        return False  # "For example, to install Python 3.10.4, run:" introduces its answer
    return words < 4 or (words <= 14 and sentence.rstrip()[-1] not in ".!?\"”)")


def _content_line(sentence: str) -> bool:
    """A command, a row of figures or a byline: content however short, never a title."""
    return bool(_CODE_LINE.search(sentence) or _FIGURES.search(sentence)
                or BYLINE.search(sentence) or len(NUMBERS.findall(sentence)) >= 2)


def question_names(question: str) -> set[str]:
    """The terms of the question's capitalised words after its first: "Nissan", "Apache",
    "Oppama"; a sentence's first word is capitalised whatever it is."""
    out: set[str] = set()
    for m in _WORD_CASED.finditer(question):
        if m.start() > 0 and m.group()[0].isupper():
            out.update(t for t in tokenize(m.group()) if t not in STOPWORDS)
    return out


def _lacks(doc_freq: DocFreq, source: str, name: str) -> bool:
    """Whether the document lacks the name, or the place an adjective is made from: "Asian",
    "Australian" and "Saharan" are in an article that says "Asia", "Australia", "Sahara"."""
    return not any(doc_freq.holds(source, name[:len(name) - cut])
                   for cut in range(4) if len(name) - cut >= 4 or cut == 0)


def _best_first(cand: Candidate) -> float:
    """Sort key: the score to 9 places. The terms' weights are summed in set order, which
    Python varies per process, so equal scores can differ in their last bit; rounded, ties
    keep retrieval order and the same passages are ranked alike in every process (twenty
    filings share whole sentences of boilerplate)."""
    return -round(cand.score, 9)


class ExtractiveReader:
    name = "extractive"

    # Weights of the sentence score's parts, tuned on the SQuAD tuning half with the default
    # chunking (held-out answer rate 0.767 -> 0.794 against the weights tuned for 200-token
    # chunks). A prior for the passage's retrieval rank, once worth 0.05, now only costs.
    w_meaning = 0.7  # cosine of the sentence to the query
    w_words = 0.5  # weighted share of the question's terms in the sentence
    w_nearby = 1.0  # ... of those terms found only in the sentence before (relative to w_words)
    w_type = 0.1  # the sentence holds the kind of thing asked for (a date, a name, a code)
    w_sure = 0.2  # ... when the check is sure of it (`sure_kinds`)
    w_untyped = 0.35  # share of the score lost by a sentence without one (`strict_kinds`)
    # A byline is sure (its own line, "By Charles Hayes") but not required: "Who wrote the
    # theme?" is also answered by "Ron Grainer wrote it" (required, SQuAD held-out -0.1 pt).
    # An identifier (FFI_BAD_ABI, 7201.T, --target) is as sure: bench/gold's tuning half
    # answers 0.716 -> 0.753 (three answers that fell just under the found bar), held-out
    # and SQuAD unchanged.
    sure_kinds = frozenset({"number", "percent", "money", "author", "code"})
    strict_kinds = frozenset({"number", "percent", "money"})
    w_elsewhere = 0.5  # share lost by a sentence whose document lacks a name the question uses
    second = 0.7  # a second sentence is quoted when it scores this share of the best
    second_far = 0.85  # ... and this share when it is not near the best (`answer`)
    follow_up_bar = 0.6  # share of min_evidence a follow-up question must reach

    def __init__(self, embedder: Embedder, *, min_evidence: float = Settings.min_evidence,
                 max_sentences: int = Settings.max_answer_sentences,
                 embed_top: int | None = None,
                 cache_size: int = 20000) -> None:
        self.embedder = embedder
        self.embed_top = embed_top  # sentences embedded per question (None: all of them)
        self.min_evidence = min_evidence
        self.max_sentences = max_sentences
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def read(self, question: str, query: str, query_vector: list[float],
             passages: list[Document], doc_freq: DocFreq, previous: str = "") -> Answer:
        """`previous` is the answer a follow-up follows: quoting it again answers nothing new."""
        ranked, signals = self.rank(question, query, query_vector, passages, doc_freq, previous)
        return self.answer(question, query, passages, ranked, signals)

    def confidence(self, question: str, query: str, signals: Signals | None
                   ) -> tuple[float, bool]:
        """The confidence that the passages answer, and whether it clears the bar."""
        confidence = signals.confidence() if signals else 0.0
        # A follow-up's evidence is diluted (its own words are few; the borrowed ones count a
        # quarter) and the calibration saw standalone questions only: it gets a lower bar.
        bar = self.min_evidence * (self.follow_up_bar if query != question else 1.0)
        return confidence, signals is not None and confidence >= bar

    def answer(self, question: str, query: str, passages: list[Document],
               ranked: list[Candidate], signals: Signals | None, reason: str = "", *,
               nearby_only: bool = False) -> Answer:
        """The best sentences quoted and cited, or not found when the evidence is too weak.

        A second sentence comes only from the best one's document (another document's was
        where a multi-document corpus's citations missed: a licence's clause quoted beside
        another licence's), and it must add a question word the first lacks that is not just
        the document's name ("Foxconn" in the Nissan-Foxconn article, "pyenv" in pyenv's
        README). Beyond the best one's stretch of text (its passage, or a chunk at most two
        away; small chunks cut a paragraph in three or four) it must score `second_far` of the
        best, not `second`, unless it holds the kind of thing asked for that the others lack
        (the date, for "When did Luther die?"). On bench/gold's tuning half citation precision
        rose 0.584 -> 0.674 for one answer of 81; SQuAD's tuning half kept its answers (0.761
        -> 0.762), while keeping to the stretch alone cost it 2.7 points, a far sentence there
        being as often the right one. `nearby_only` keeps it to that stretch (the LLM reader's
        fallback)."""
        confidence, enough = self.confidence(question, query, signals)
        if not ranked or not enough:
            return not_found(question, query, self.name, evidence=confidence, reason=reason)
        best = ranked[0]
        chosen = [best]
        follows = _what_follows(best, ranked, passages) if (
            best.lone or best.text.rstrip().endswith(":")) else None
        room = self.max_sentences
        named = document_names(passages[best.passage].metadata)  # every second one's, too
        if follows is not None:  # "…, run:" is answered by the command that follows it, a
            # title ("1. Automatic installer (Recommended)") by the text under it
            chosen.append(follows)
            room += best.lone  # a title takes no one's place
        for cand in ranked[1:]:
            if len(chosen) >= room or cand.score < self.second * best.score:
                break
            near = adjacent(passages, cand.passage, best.passage, reach=2)
            # what the others lack: the kind of thing asked for, or a question word that is
            # not just the document's name
            supplies = cand.typed and not any(c.typed for c in chosen)
            if cand in chosen or cand.source != best.source or not near and (
                    nearby_only or cand.score < self.second_far * best.score and not supplies):
                continue
            said = set().union(*(c.terms for c in chosen))
            if supplies or cand.terms - said - named:
                chosen.append(cand)  # it adds a question term the others lack
        answer = self._compose(question, query, passages, chosen, confidence)
        return replace(answer, reason=reason) if reason else answer

    def rank(self, question: str, query: str, query_vector: list[float],
             passages: list[Document], doc_freq: DocFreq, previous: str = ""
             ) -> tuple[list[Candidate], Signals | None]:
        """The passages' sentences, best first, and the signals for the found decision."""
        candidates = self._candidates(passages)
        if not candidates:
            return [], None
        self._score(candidates, question, query, query_vector, doc_freq)
        said = " ".join(previous.split())
        for cand in candidates:
            # The previous answer again answers nothing new, unless the follow-up's own words
            # are in it: "and in Japan?" after "76,977 in the U.S. versus 27,736 in Japan".
            if said and " ".join(cand.text.split()) in said and not cand.terms:
                cand.score *= 0.5
        ranked = sorted(candidates, key=_best_first)
        signals = Signals(evidence=ranked[0].score,
                          missing=missing_share(question, passages, doc_freq,
                                                self.embedder.vocabulary()),
                          dense=float(passages[0].metadata.get("dense") or 0.0))
        return ranked, signals

    # --- scoring --------------------------------------------------------------------------

    def _candidates(self, passages: list[Document]) -> list[Candidate]:
        out = []
        for i, doc in enumerate(passages):
            base = int(doc.metadata["start"])
            before = str(doc.metadata.get("before", ""))  # the sentence before the chunk
            content = doc.page_content
            spans = chunk_sentences(doc)
            for j, (s, e) in enumerate(spans):
                text = content[s:e]
                if not _is_heading(text):  # headings and fragments are not answers
                    opens = "\n\n" in content[spans[j - 1][1]:s] if j else "before" not in \
                        doc.metadata
                    closes = j + 1 < len(spans) and "\n\n" in content[e:spans[j + 1][0]]
                    out.append(Candidate(i, base + s, base + e, text, before,
                                         str(doc.metadata.get("source", "")),
                                         lone=opens and closes and len(text.split()) <= 12
                                         and not _content_line(text)))
                before = text
        return out

    def _score(self, candidates: list[Candidate], question: str, query: str,
               query_vector: list[float], doc_freq: DocFreq) -> None:
        asked = set(tokenize(question))
        context = set(tokenize(query)) - asked  # words carried over from the conversation
        own = {t: doc_freq.idf(t) for t in asked}
        borrowed = {t: doc_freq.idf(t) for t in context}
        kind = expected_type(question)
        strict = kind in self.strict_kinds  # a number, percentage or price: one is required
        bonus_weight = self.w_sure if kind in self.sure_kinds else self.w_type
        untyped = []  # sentences without the number asked for
        # "Under the Apache License, …" is not answered by the Mozilla licence's clause, nor
        # "Who is Nissan's chief executive?" by NVIDIA's filing: a name of the question that
        # names a document (in its title or file name) must be in the sentence's document.
        coined = {t for t in asked if not common_word(t, self.embedder.vocabulary())}  # "pyenv"
        names = [t for t in question_names(question) | coined if t in doc_freq.titles]
        for cand in candidates:
            tokens = frozenset(tokenize(cand.text))
            cand.terms = tokens & own.keys()
            # Words of the sentence before count half: "it now operates at 40% capacity"
            # answers a question about the plant the previous sentence names.
            nearby = frozenset(tokenize(cand.before)) - tokens
            words = coverage(own, tokens) + self.w_nearby * coverage(own, nearby)
            if context:
                words = 0.75 * words + 0.25 * coverage(borrowed, tokens | nearby)
            bonus = type_bonus(kind, cand.text, question) if kind else 0.0
            cand.typed = bonus > 0
            cand.score = self.w_words * words + bonus_weight * bonus
            if strict and not bonus:
                untyped.append(cand)
        # Meaning costs a forward pass per sentence, the bulk of a question's time: only the
        # sentences the words already favour are embedded; the rest keep meaning 0.
        keep = sorted(candidates, key=_best_first)[: self.embed_top or None]
        vectors = self._embed([c.text for c in keep])
        cosine = vectors @ np.asarray(query_vector, dtype=np.float32)
        if context:
            # A follow-up: the borrowed words and the whole query find the topic, but the
            # question's own words and meaning must decide, or the last answer comes back.
            alone = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
            cosine = 0.5 * cosine + 0.5 * (vectors @ alone)
        for cand, cos in zip(keep, cosine, strict=True):
            cand.score += self.w_meaning * max(float(cos), 0.0)
        for cand in untyped:
            cand.score *= 1.0 - self.w_untyped
        for cand in candidates if names else ():
            lacking = sum(_lacks(doc_freq, cand.source, t) for t in names)
            cand.score *= 1.0 - self.w_elsewhere * lacking / len(names)

    def _embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vec in zip(missing, self.embedder.encode(missing), strict=True):
                self._vectors[text] = vec
            while len(self._vectors) > self._cache_size:
                self._vectors.popitem(last=False)
        return np.stack([self._vectors[t] for t in texts])

    # --- the answer -----------------------------------------------------------------------

    def _compose(self, question: str, query: str, passages: list[Document],
                 chosen: list[Candidate], evidence: float) -> Answer:
        numbers: dict[int, int] = {}  # passage -> citation number, in order of first quote
        for cand in chosen:
            numbers.setdefault(cand.passage, len(numbers) + 1)
        # Quote in reading order: by citation, then by position in the document.
        chosen = sorted(chosen, key=lambda c: (numbers[c.passage], c.start))
        parts = [f"{' '.join(c.text.split())} [{numbers[c.passage]}]" for c in chosen]
        citations = []
        for p, n in sorted(numbers.items(), key=lambda item: item[1]):
            quoted = [c for c in chosen if c.passage == p]
            citations.append(passage_citation(passages[p], n, min(c.start for c in quoted),
                                              max(c.end for c in quoted)))
        return Answer(text=" ".join(parts), citations=citations, found=True, question=question,
                      query=query, reader=self.name, evidence=round(evidence, 4))


def _what_follows(cand: Candidate, ranked: list[Candidate], passages: list[Document]
                  ) -> Candidate | None:
    """The sentence right after `cand` in its document, if a retrieved passage holds it."""
    later = [c for c in ranked if c.source == cand.source and c.start >= cand.end
             and adjacent(passages, c.passage, cand.passage)]
    return min(later, key=lambda c: c.start) if later else None


def passage_citation(doc: Document, index: int, quote_start: int, quote_end: int) -> Citation:
    """Citation `[index]` of a retrieved passage, quoting document text [quote_start:quote_end)."""
    meta = doc.metadata
    return Citation(
        index=index, source=meta["source"], title=meta.get("title", ""), text=doc.page_content,
        start=int(meta["start"]), end=int(meta["end"]),
        score=round(float(meta.get("score", 0)), 6), quote_start=quote_start,
        quote_end=quote_end, page=meta.get("page"))


def adjacent(passages: list[Document], a: int, b: int, reach: int = 1) -> bool:
    """The same passage, or chunks of one document at most `reach` apart (1: consecutive)."""
    if a == b:
        return True
    ma, mb = passages[a].metadata, passages[b].metadata
    return (ma.get("source") == mb.get("source") and "chunk" in ma and "chunk" in mb
            and 0 < abs(int(ma["chunk"]) - int(mb["chunk"])) <= reach)


def not_found(question: str, query: str, reader: str, evidence: float = 0.0,
              reason: str = "") -> Answer:
    return Answer(text=NOT_FOUND, citations=[], found=False, question=question, query=query,
                  reader=reader, evidence=round(evidence, 4), reason=reason)
