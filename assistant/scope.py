"""Which documents a question is about, when it names them: "Apple's Q3 2023 10-Q" is one
filing of twenty, and "the Apache License" one licence of many.

A name of the question (a capitalised word after its first, a coined word no dictionary has:
"pyenv", or a word that is a whole file name: "ed" for ed.info) names documents when it is in
the titles or file names of some documents but not of all, and few others say it ("French"
titles one article of many and is said in most). Search then stays within them; among them,
the documents whose names hold the most of the question's words are kept ("Q3" or "the third
quarter", "2023" in "2023 Q3 AAPL.pdf"), with any other document whose names hold as many
("GNU tar": tar's file, not only GNU bc's titled notes), or, for "the latest" or "the most
recent", the one whose file name holds the latest year, then the highest numbers ("2023 Q3"
after "2023 Q1", "notes-2.10" after "notes-2.9"). A question that names no document is
searched everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from pathlib import PurePath

from . import tuned
from .found import common_token
from .text import STOPWORDS, DocFreq, named, tokenize

_WORD_CASED = re.compile(r"[^\W\d_][\w.'’]*")  # "Super Bowl-related": "Bowl", "related"
_NEWEST = re.compile(r"\b(?:latest|newest|most\s+recent)\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_QUARTER = re.compile(r"\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b", re.IGNORECASE)


def _quarters(question: str) -> set[str]:
    """A quarter said in words as a file name says it: "the first quarter" as "Q1"."""
    return {t for m in _QUARTER.finditer(question) for t in (
        "q", str(("first", "second", "third", "fourth").index(m.group(1).lower()) + 1))}


def question_names(question: str) -> set[str]:
    """The terms of the question's capitalised words after its first: "Nissan", "Apache",
    "Oppama"; a sentence's first word is capitalised whatever it is."""
    out: set[str] = set()
    for m in _WORD_CASED.finditer(question):
        if m.start() > 0 and m.group()[0].isupper():
            out.update(t for t in tokenize(m.group()) if t not in STOPWORDS)
    return out


def document_names_asked(question: str, doc_freq: DocFreq, vocabulary: Container[str]
                         ) -> list[str]:
    """The question's names that name some documents: in a title or file name, not a figure
    ("Q1", "2023" are a period or a version), and not in every document's names ("Form")."""
    words = tokenize(question)
    coined = {t for t in words if not common_token(t, vocabulary)}
    # a file named by one word names its document however common the word: "ed" (ed.info,
    # ed.info.gz)
    stems = set(words) & doc_freq.file_stems
    return sorted(t for t in question_names(question) | coined | stems
                  if t in doc_freq.titles and t not in doc_freq.common_names
                  and not any(ch.isdigit() for ch in t))


def scope(question: str, doc_freq: DocFreq, vocabulary: Container[str]) -> frozenset[str]:
    """The sources the question's search stays within; empty when it names no document."""
    asked = [t for t in document_names_asked(question, doc_freq, vocabulary)
             if _said(t, doc_freq.terms) <= tuned.SCOPE_SPREAD * _said(t, doc_freq.names)]
    sources = [s for s, names in doc_freq.names.items() if any(named(t, names) for t in asked)]
    if not sources:
        return frozenset()
    words = set(tokenize(question)) | _quarters(question)
    held = {s: len(words & names) for s, names in doc_freq.names.items()}
    most = max(held[s] for s in sources)
    # a document whose names hold as many of the question's words is as much named: "GNU
    # tar" names bc's NEWS by "GNU" in its title, and tar's copyright file by its file name
    sources = [s for s, n in held.items() if n == most]
    if len(sources) > 1 and _NEWEST.search(question):
        newest = max(map(_recency, sources))
        if newest > (0, ()):
            sources = [s for s in sources if _recency(s) == newest]
    return frozenset(sources)


def _said(name: str, terms: Mapping[str, frozenset[str]]) -> int:
    """How many documents hold the name among `terms` (their words, or their names)."""
    return sum(name in held for held in terms.values())


def _recency(source: str) -> tuple[int, tuple[int, ...]]:
    """How recent a file name says its document is: its latest year, then its numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", PurePath(source).stem)]
    years = [n for n in numbers if _YEAR.match(str(n))]
    return max(years, default=0), tuple(n for n in numbers if n not in years)
