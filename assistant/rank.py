"""The candidate sentences of the retrieved passages, scored and ranked best first.

Sentence score = meaning (cosine to the query) + words (share of the question's weighted terms
present, in the sentence or the one before it, which for the first sentence of a chunk comes
from the chunk's metadata) + a bonus when the sentence holds what the question asks for (a
number for "how many", a date for "when", an identifier for "which status"; `kinds`); a
sentence without the number, percentage or price asked for loses a share of its score, and so
does one whose document lacks a name the question gives a document by ("Apache", "Nissan").
Then the answer model reads the best few and its probability that each answers joins their
score. The weights are in `tuned`.

Only the sentences the question's words favour are embedded for the meaning term: the forward
pass is most of a question's time.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from . import tuned
from .answer_model import AnswerModel, Pair
from .embeddings import Embedder
from .found import Signals, missing_share
from .kinds import BYLINE, default_bonus, expected_type, type_bonus
from .scope import document_names_asked
from .split import FIELD, chunk_sentences, heading_words
from .text import DocFreq, coverage, is_table_row, tokenize

# kinds of answer a sentence may take from the heading it stands under
SECTION_KINDS = frozenset({"version", "date"})


@dataclass
class Candidate:
    passage: int  # index into the passages
    start: int  # absolute offsets into the document text
    end: int
    text: str
    before: str = ""  # the sentence before it in the passage, which "it" or "they" may name
    source: str = ""  # the document it is from
    score: float = 0.0
    terms: frozenset[str] = frozenset()  # the question's terms it holds
    lone: bool = False  # a short paragraph of its own, a title: "1. Automatic installer"
    typed: bool = False  # it holds the kind of thing asked for (a date for "when")
    answers: float | None = None  # the answer model's probability that it answers (if read)
    section: str = ""  # the heading it stands under ("1.12.0" over a release's changes)


# "LogLevel — Gives the verbosity…": a definition list's term, as the readers join it to its
# description (man pages, POD, definition lists, table rows), or as its author wrote it with an
# en dash or an arrow ("$SYSTEMD_HOME_ROOT – defines …", "65534 → The nobody UID, …")
_TERM = re.compile(r"\S[^\n]{0,80}? [—–→] \S")


def is_term(sentence: str) -> bool:
    """Whether `sentence` opens a definition with its term: "-w, --wading — Count wading…"."""
    return bool(_TERM.match(sentence))


# Lines that are content however short: commands and code ("rustup component add clippy"),
# table rows with figures ("Revenue $ 7,192 $ 8,288"), bylines ("By Charles Hayes"), a
# contact's address ("Report bugs to: help-libtasn1@gnu.org").
_CODE_LINE = re.compile(r"[$|=<>{}\[\]`~\\]|--\w|::|\w/\w|^\s*[a-z][\w.-]*\s|\w@[\w-]+\.\w"
                        r"|(?<!\S)\*\.\w"  # a pattern: "Host *.co.uk", "*.conf"
                        r"|[\"']\s*;\s*$")  # a setting's statement: 'Timeout "30";'
_FIGURES = re.compile(r"\d\s*%|[$€£]\s*\d")
# numbers standing alone, not the digits of a name ("asn1_delete_structure2", a heading)
_FIGURE_WORDS = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)*(?![\w])")
_BARE_LINK = re.compile(r"^\W*(?:https?://|www\.)\S+\W*$")
# an element's tag alone, as a manual of an XML format heads its entries: '<dir salt="">'
_BARE_TAG = re.compile(r"^\s*<[/?!]?[\w:.-]+(?:\s+[\w:.-]+=\"[^\"]*\")*\s*/?>(?:,?\s*<[^>]+>)*\s*$")


def is_heading(sentence: str) -> bool:
    """A heading, a fragment or a question, which is not an answer: short, with no sentence
    end, and not a command, a row of figures or a byline (a manual's answer is often a
    command line). A FAQ's question line matches the question best and answers nothing."""
    words = len(sentence.split())
    if (_BARE_LINK.match(sentence) or _BARE_TAG.match(sentence)
            or sentence.rstrip(" \"'”’)]").endswith("?")):
        return True  # an address or a tag alone says nothing about what it names
    if _content_line(sentence):
        return False
    if words >= 5 and sentence.rstrip().endswith(":"):
        return False  # "For example, to install Python 3.10.4, run:" introduces its answer
    # a short sentence with its full stop is one: "Added void functions.", a FAQ's "A: Nothing."
    last = sentence.rstrip()[-1]
    return words < 2 or words < 4 and last != "." or words <= 14 and last not in ".!?\"”)"


def _content_line(sentence: str) -> bool:
    """A command, a row of figures, a byline, a contact's address or a reference entry's
    field: content however short, never a title."""
    return bool(_CODE_LINE.search(sentence) or _FIGURES.search(sentence) or FIELD.match(sentence)
                or BYLINE.search(sentence) or len(_FIGURE_WORDS.findall(sentence)) >= 2)


def best_first(cand: Candidate) -> float:
    """Sort key: the score to 9 places. The terms' weights are summed in set order, which
    Python varies per process, so equal scores can differ in their last bit; rounded, ties
    keep retrieval order and the same passages are ranked alike in every process (twenty
    filings share whole sentences of boilerplate)."""
    return -round(cand.score, 9)


class Ranker:
    """Scores the passages' sentences for one question. Holds the sentence vectors of earlier
    questions (an LRU of `cache_size`), so one that comes again is not embedded again."""

    def __init__(self, embedder: Embedder, *, embed_top: int | None = None,
                 weights: tuned.SentenceWeights = tuned.SENTENCE,
                 sure_kinds: frozenset[str] = tuned.SURE_KINDS,
                 strict_kinds: frozenset[str] = tuned.STRICT_KINDS,
                 cache_size: int = 20000, model: AnswerModel | None = None,
                 read_top: int = tuned.READ_SENTENCES) -> None:
        self.embedder = embedder
        self.model = model  # reads the best `read_top` sentences (None: not used)
        self.read_top = read_top
        self.embed_top = embed_top  # sentences embedded per question (None: all of them)
        self.weights = weights
        self.sure_kinds = sure_kinds
        self.strict_kinds = strict_kinds
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def rank(self, question: str, query: str, query_vector: list[float],
             passages: list[Document], doc_freq: DocFreq, previous: str = ""
             ) -> tuple[list[Candidate], Signals | None]:
        """The passages' sentences, best first, and the signals for the found decision.
        `question` is what the reader weighs, `query` what was searched (a follow-up with the
        question it leans on), `previous` the answer a follow-up follows."""
        candidates = candidates_of(passages)
        if not candidates:
            return [], None
        self._score(candidates, question, query, query_vector, doc_freq)
        said = " ".join(previous.split())
        for cand in candidates:
            # The previous answer again answers nothing new, unless the follow-up's own words
            # are in it: "and in Japan?" after "76,977 in the U.S. versus 27,736 in Japan".
            if said and " ".join(cand.text.split()) in said and not cand.terms:
                cand.score *= self.weights.repeated
        ranked = sorted(candidates, key=best_first)
        # the found decision weighs the model's probability as a signal of its own: the best
        # score is taken before the model reads, so the probability does not count twice
        evidence = ranked[0].score
        read = self._read(question, ranked, passages)
        if read is not None:
            ranked = sorted(ranked, key=best_first)
        signals = Signals(evidence=evidence,
                          missing=missing_share(question, passages, doc_freq,
                                                self.embedder.vocabulary()),
                          dense=float(passages[0].metadata.get("dense") or 0.0),
                          answers=read)
        return ranked, signals

    def _read(self, question: str, ranked: list[Candidate], passages: list[Document]
              ) -> float | None:
        """The answer model reads the best sentences; its probability, weighted, joins their
        score and may reorder them. Returns the highest probability (None without a model)."""
        if self.model is None or not self.read_top:
            return None
        top = ranked[: self.read_top]
        probs = self.model.score([
            Pair(question, c.text, c.before, str(passages[c.passage].metadata.get("title", "")))
            for c in top])
        for cand, p in zip(top, probs, strict=True):
            cand.answers = float(p)
            cand.score += self.weights.model * float(p)
        return float(probs.max())

    def _score(self, candidates: list[Candidate], question: str, query: str,
               query_vector: list[float], doc_freq: DocFreq) -> None:
        w = self.weights
        asked = set(tokenize(question))
        context = set(tokenize(query)) - asked  # words carried over from the conversation
        own = {t: doc_freq.idf(t) for t in asked}
        borrowed = {t: doc_freq.idf(t) for t in context}
        kind = expected_type(question)
        strict = kind in self.strict_kinds  # a number, percentage or price: one is required
        bonus_weight = w.sure if kind in self.sure_kinds else w.typed
        untyped = []  # sentences without the number asked for
        # "Under the Apache License, …" is not answered by the Mozilla licence's clause, nor
        # "Who is Nissan's chief executive?" by NVIDIA's filing: a name of the question that
        # names a document (in its title or file name) must be in the sentence's document.
        names = document_names_asked(question, doc_freq, self.embedder.vocabulary())
        for cand in candidates:
            tokens = frozenset(tokenize(cand.text))
            cand.terms = tokens & own.keys()
            # Words of the sentence before count too: "it now operates at 40% capacity"
            # answers a question about the plant the previous sentence names.
            nearby = frozenset(tokenize(cand.before)) - tokens
            words = coverage(own, tokens) + w.nearby * coverage(own, nearby)
            if context:
                words = ((1 - w.borrowed) * words
                         + w.borrowed * coverage(borrowed, tokens | nearby))
            bonus = type_bonus(kind, cand.text, question) if kind else 0.0
            if not bonus and kind in SECTION_KINDS:  # a release's version, a dated heading
                bonus = type_bonus(kind, cand.section, question)
            if not bonus and not strict:  # a number asked for stays required
                bonus = default_bonus(cand.text, question)
            cand.typed = bonus > 0
            cand.score = w.words * words + bonus_weight * bonus
            if strict and not bonus:
                untyped.append(cand)
        # Meaning costs a forward pass per sentence, the bulk of a question's time: only the
        # sentences the words already favour are embedded; the rest keep meaning 0.
        keep = sorted(candidates, key=best_first)[: self.embed_top or None]
        vectors = self._embed([c.text for c in keep])
        cosine = vectors @ np.asarray(query_vector, dtype=np.float32)
        if context:
            # A follow-up: the borrowed words and the whole query find the topic, but the
            # question's own words and meaning must decide, or the last answer comes back.
            alone = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
            cosine = ((1 - w.follow_up_meaning) * cosine
                      + w.follow_up_meaning * (vectors @ alone))
        for cand, cos in zip(keep, cosine, strict=True):
            cand.score += w.meaning * max(float(cos), 0.0)
        for cand in untyped:
            cand.score *= 1.0 - w.untyped
        for cand in candidates if names else ():
            lacking = sum(not doc_freq.holds(cand.source, t) for t in names)
            cand.score *= 1.0 - w.elsewhere * lacking / len(names)

    def _embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vec in zip(missing, self.embedder.encode(missing), strict=True):
                self._vectors[text] = vec
            while len(self._vectors) > self._cache_size:
                self._vectors.popitem(last=False)
        return np.stack([self._vectors[t] for t in texts])


def candidates_of(passages: list[Document]) -> list[Candidate]:
    """Every sentence of the passages that may be an answer, in retrieval order."""
    out = []
    for i, doc in enumerate(passages):
        base = int(doc.metadata["start"])
        before = str(doc.metadata.get("before", ""))  # the sentence before the chunk
        section = str(doc.metadata.get("section", ""))  # the heading above the chunk
        content = doc.page_content
        spans = chunk_sentences(doc)
        # a "term — description" paragraph's first sentence, which every later one is about
        # ("The default is INFO." under "LogLevel — Gives the verbosity level…")
        term = before if is_term(before) else ""
        for j, (s, e) in enumerate(spans):
            text = content[s:e]
            opens = "\n\n" in content[spans[j - 1][1]:s] if j else "before" not in doc.metadata
            closes = j + 1 == len(spans) or "\n\n" in content[e:spans[j + 1][0]]
            if opens:
                term = text if is_term(text) else ""
            elif term:
                before = term
            # headings and fragments are not answers, a table's rows are
            if not is_heading(text) or _table_row(content, s, e):
                out.append(Candidate(i, base + s, base + e, text, before,
                                     str(doc.metadata.get("source", "")),
                                     lone=opens and closes and j + 1 < len(spans)
                                     and len(text.split()) <= 12 and not _content_line(text),
                                     section=section))
            elif opens and (head := heading_words(content[s:].split("\n\n")[0])):
                section = head  # a heading opens its paragraph: what follows stands under it
            before = text
    return out


def _table_row(content: str, start: int, end: int) -> bool:
    """The sentence is one line of a plain-text table: three columns or more set apart by
    runs of spaces, as are those of the line above or below it ("CONFIG    1024    Monitor which
    config files are loaded" among fontconfig's debug levels)."""
    line_start = content.rfind("\n", 0, start) + 1
    line_end = content.find("\n", end)
    line_end = len(content) if line_end < 0 else line_end
    if "\n" in content[start:end] or not is_table_row(content[line_start:line_end]):
        return False
    above = content[content.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)]
    below = content[line_end + 1:].split("\n", 1)[0]
    return is_table_row(above) or is_table_row(below)
