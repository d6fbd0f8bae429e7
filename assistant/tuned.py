"""Every number fitted to data, in one place, each with the command that fitted or chose it.

A setting a user may change (`config`) takes its default from here; the rest are constants of
the ranking, the found decision and the readers. The experiments behind them, with their
figures, are in docs/benchmarks.md.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- splitting and retrieval (python -m bench.quality) -------------------------------------

# word pieces per chunk: small chunks rank the sentence that answers, not its paragraph
CHUNK_TOKENS = 64
# passages handed to the reader after fusion (small chunks: more of them)
TOP_K = 8
# candidates taken from each of the dense and keyword rankings before fusion
FETCH_K = 20
# reciprocal rank fusion constant
RRF_K = 60
# the chunk after each of the best FOLLOW passages is read too ("it now operates at 40%")
FOLLOW = 1
# a name searched within the documents it names only when at most this many documents say it
# for each one it names: "Apple" (5 filings say it, 4 are titled by it) names Apple's filings,
# "French" (22 articles, 1 title) is a word; bench.quality tuning hit@1 0.707 -> see
# docs/benchmarks.md, bench.sec tune
SCOPE_SPREAD = 4


# --- the sentence score (python -m bench.quality, tuning half; python -m bench.real, tune) --


@dataclass(frozen=True)
class SentenceWeights:
    """How a candidate sentence is scored: meaning + words + the kind asked for."""

    meaning: float = 0.7  # cosine of the sentence to the query
    words: float = 0.5  # weighted share of the question's terms in the sentence
    nearby: float = 1.0  # ... of those found only in the sentence before (relative to words)
    typed: float = 0.1  # the sentence holds the kind of thing asked for (a date, a name, a code)
    sure: float = 0.2  # ... when the check is sure of it (SURE_KINDS)
    untyped: float = 0.35  # share of the score lost by a sentence without one (STRICT_KINDS)
    elsewhere: float = 0.5  # share lost when its document lacks a name the question uses
    borrowed: float = 0.25  # a follow-up's words borrowed from the last question, against its own
    repeated: float = 0.5  # share kept by the last answer's sentence quoted again for a follow-up
    follow_up_meaning: float = 0.5  # a follow-up's own meaning, against the whole query's
    model: float = 0.3  # the answer model's probability that the sentence answers


SENTENCE = SentenceWeights()
# kinds whose check is sure (a byline, an identifier: bench.real tune 0.716 -> 0.753)
SURE_KINDS = frozenset({"number", "percent", "money", "author", "code"})
# kinds a sentence must hold to keep its whole score (a version: bench.real rst 0.650 -> 0.675)
STRICT_KINDS = frozenset({"number", "percent", "money", "version"})
# sentences whose meaning is embedded per question (the forward pass is most of the time)
EMBEDDED_SENTENCES = 6
# best-scored sentences the answer model reads per question (0: not read); their order then
# weighs its probability at SentenceWeights.model (python -m bench.real --read N, every set)
READ_SENTENCES = 10


# --- which sentences the quoting reader quotes (python -m bench.real, tune) ----------------

SECOND = 0.7  # a second sentence is quoted when it scores this share of the best
SECOND_FAR = 0.85  # ... and this share when it is not within SECOND_NEAR chunks of the best
# ... and this share when the question asks two things ("How big is it and what share of it
# is used?"), whose second part the best sentence does not answer. Not fitted: one question in
# the gold sets asks so; tests/test_generate.py's Oppama question is the case (0.63 of the best)
SECOND_TWO_ASKS = 0.5
SECOND_NEAR = 2  # small chunks cut a paragraph in three or four
MAX_ANSWER_SENTENCES = 2


# --- the found decision (python -m bench.calibrate) -----------------------------------------

# logistic weights over (best sentence score before the answer model read it, rarest missing
# question word, top cosine, the answer model's highest probability); the bias as fitted
# (-4.37) plus logit(0.6) - logit(0.5): the shared bar then stands where 0.5 stood for the fit,
# which kept more answers on every tuning set and declined as many unanswerable questions
FOUND_WEIGHTS = (7.71, -2.2, 1.04, 2.45)
FOUND_BIAS = -3.96
# ... and over the first three, when the answer model is not used (read_sentences=0)
FOUND_WEIGHTS_PLAIN = (14.95, -2.45, 4.45)
FOUND_BIAS_PLAIN = -9.45
MIN_EVIDENCE = 0.6  # the bar on the confidence
FOLLOW_UP_BAR = 0.6  # share of the bar a follow-up must reach (its own words are few)
# how the page words a found answer's support: confidence from which it reads "strong" and
# "some" (below: "weak"); found answers right in each band, the answer model reading, gold +
# kinds + unseen + rst + typeset + info: 0.82 (n=180), 0.50 (n=203), 0.42 (n=40)
# (python -m bench.real --set X, "right by support"; 0.99 gave 0.87 of 111 and 0.56 of 272)
SUPPORT_STRONG = 0.97
SUPPORT_SOME = 0.75


# --- the language model (python -m bench.real --judge, python -m bench.llm) ----------------

JUDGE_BELOW = 1.0  # the model judges quoted answers less confident than this
JUDGE_WORDS = 0.5  # ... whose sentence holds less than this share of the question's words
PROMPT_CHARS = 1000  # characters of passage text in a prompt
PROMPT_SENTENCES = 4  # best sentences whose neighbours fill the prompt
DECLINE_BAR = 0.9  # the model's "not in the documents" stands below this confidence
SHORT_FOLLOW_UP = 4  # a question of this many words or fewer is rewritten as a follow-up

# a generated sentence is supported by a passage holding this share of its content words
CITE_MIN_WORDS = 0.6
CITE_MIN_NEW_WORDS = 0.5  # ... and of those that are not already in the question
CITE_TWO_PASSAGES = 0.25  # what leaning on two passages costs against one


# --- room on disk (du -sb of built indexes: 1,100 ledger chunks, 449 Markdown chunks and 29
# article chunks, each divided by its chunks; see docs/benchmarks.md "A full disk") ----------

# what an index holds before its first chunk: Chroma's empty SQLite files, manifest, keyword
INDEX_BYTES_EMPTY = 700_000
# each chunk's vector, HNSW links, rows and full-text index entries, beyond its text
INDEX_BYTES_PER_CHUNK = 6_500
# and per byte of its text: the text itself, its metadata, trigram index, keyword index
INDEX_BYTES_PER_TEXT_BYTE = 8
