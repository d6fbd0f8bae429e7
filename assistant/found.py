"""The found decision: whether the passages answer the question at all, apart from which
sentence answers it best.

`Signals.confidence()` is a logistic model over the best sentence's score, how rare the rarest
specific question word missing from every passage is, and the top passage's cosine to the
query, fitted by `python -m bench.calibrate` (its numbers are in `tuned`); a question whose
rare words the documents lack needs stronger evidence than one whose words are all there.
"""

from __future__ import annotations

import math
from collections.abc import Container
from dataclasses import dataclass

from langchain_core.documents import Document

from . import tuned
from .text import DocFreq, coverage, document_names, tokenize


@dataclass(frozen=True)
class Signals:
    """What the found decision looks at, for one question and its passages."""

    evidence: float  # score of the best sentence, before the answer model read it
    missing: float  # rarity of the rarest specific question word no passage holds, 0..1
    dense: float  # cosine of the top passage to the query (0 if dense search missed it)
    # the answer model's highest probability that a sentence answers (None: not used)
    answers: float | None = None

    def features(self) -> tuple[float, ...]:
        plain = (self.evidence, self.missing, self.dense)
        return plain if self.answers is None else (*plain, self.answers)

    def confidence(self) -> float:
        """Probability that the passages answer the question, 0..1."""
        weights, bias = ((tuned.FOUND_WEIGHTS_PLAIN, tuned.FOUND_BIAS_PLAIN)
                         if self.answers is None else (tuned.FOUND_WEIGHTS, tuned.FOUND_BIAS))
        z = bias + sum(w * x for w, x in zip(weights, self.features(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))


def decide(signals: Signals | None, bar: float, *, follow_up: bool) -> tuple[float, bool]:
    """The confidence that the passages answer, and whether it clears `bar`. A follow-up's
    evidence is diluted (its own words are few; the borrowed ones count a quarter) and the
    calibration saw standalone questions only: it gets a lower bar."""
    confidence = signals.confidence() if signals else 0.0
    bar *= tuned.FOLLOW_UP_BAR if follow_up else 1.0
    return confidence, signals is not None and confidence >= bar


def missing_share(question: str, passages: list[Document], doc_freq: DocFreq,
                  common: Container[str] = ()) -> float:
    """How rare the rarest specific question word that no passage holds is: 0 (none missing)
    to 1 (a word the whole index has never seen), scaled by the index size so small and large
    corpora read alike. Words in `common` (the embedding model's whole-word vocabulary) are
    not specific: a paraphrase ("today", "share") is no sign of an off-topic question, while
    a missing "pneumocystis" or "Oppama" is. A passage holds its document's names too: a
    quarterly filing's chunk rarely says "Apple", its title does."""
    seen = set().union(*(tokenize(p.page_content) for p in passages),
                       *(document_names(p.metadata) for p in passages))
    stems = {s for t in seen for s in _stems(t)}  # "upload" is held by "uploaded", "fix" by "fixes"
    absent = [doc_freq.idf(t) for t in set(tokenize(question))
              if stems.isdisjoint(_stems(t)) and not common_token(t, common)]
    return max(absent, default=0.0) / math.log(2 * doc_freq.n + 2)


_INFLECTIONS = ("ed", "d", "ing", "er", "r", "es", "s", "ly")


def _stems(term: str) -> set[str]:
    """The term, and the term without each inflection ending it may have (at least three
    letters left): "uploaded" gives "upload", "uploade"; "upload" gives "uploa"."""
    return {term, *(term[:-len(end)] for end in _INFLECTIONS
                    if term.endswith(end) and len(term) - len(end) >= 3)}


def common_word(term: str, vocabulary: Container[str]) -> bool:
    """Whether a term is an ordinary word: one of the embedder's whole words, or one of them
    inflected ("patched", "ticker"), which its word pieces split as they split a coined name
    ("pyenv", "conda")."""
    return any(stem in vocabulary for stem in _stems(term))


def common_token(token: str, vocabulary: Container[str]) -> bool:
    """`common_word` for a keyword token, which `tokenize` cut as it cuts plurals ("always"
    is "alway"): the word whole again, or inflected from a word ending in "e" ("updating")."""
    stems = _stems(token)
    return any(form in vocabulary for form in (*stems, *(s + "e" for s in stems), token + "s"))


def words_held(question: str, sentence: str, before: str, names: Container[str],
               doc_freq: DocFreq) -> float:
    """The share of the question's words, weighted by rarity, that the answering sentence or
    the one before it holds, its document's names ("Nissan", "pyenv", "Apache") not counted:
    1.0 when it holds them all or the question has no other word. A question the documents
    do not answer but that names one ("Who is Nissan's chief executive?") is matched by the
    name alone; one they answer in other words ("What is Nissan's stock ticker?") often is
    too, which is why a low share is a reason to ask the language model, not to decline."""
    weights = {t: doc_freq.idf(t) for t in set(tokenize(question)) if t not in names}
    if not sum(weights.values()):
        return 1.0
    return coverage(weights, set(tokenize(sentence)) | set(tokenize(before)))
