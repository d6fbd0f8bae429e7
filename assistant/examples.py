"""Example questions for a new user: questions the documents themselves answer, each asked
before it is shown and kept only if the answer has strong support.

Candidates come from the documents' own sentences: a question a FAQ asks ("How do I reset my
password?"), a definition ("The Oppama plant is a 170-hectare facility…" -> "What is the
Oppama plant?", "“License” shall mean…" -> "What does License mean?"). Names alone (the ones
a document mentions most, or sets in apposition) made "What is Washington?" of a filing's
cover address, and pass the check with answers nobody wants: they are not candidates.

`index/examples.json` holds the chosen questions with the index generation they were checked
against; an index of another generation gets them chosen again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from langchain_core.documents import Document

from . import disk
from .text import sentences

FILE = "examples.json"
CANDIDATES_PER_EXAMPLE = 4  # candidates asked per example wanted: bounds the time it takes

# A question the document asks itself (a FAQ): optionally numbered or "Q:"-prefixed.
_ASKED = re.compile(r"^(?:Q\s*[:.]\s*|\d{1,3}[.)]\s*)?((?:What|Which|Who|When|Where|Why|How|Is|"
                    r"Are|Can|Could|Does|Do|Will|Should)\b[^?\n]{8,110}\?)$")
# "The Oppama plant is a …": a subject of one to four words, defined.
# ... also with an apposition: "Nissan's Oppama plant, a 170-hectare facility, is a …"
_DEFINES = re.compile(r"^((?:The\s+|An?\s+)?[A-Z][\w'’&.-]*(?:\s+[\w'’&-]+){0,3}?)"
                      r"(?:,\s[^,]{3,80},)?\s+(is|are)\s+(?:a|an|the|one\s+of)\s")
# "“License” shall mean …", "Licensor means …"
_MEANS = re.compile(r"^[“\"]([^”\"]{2,40})[”\"]\s+(?:shall\s+)?means?\s")
# words that make a subject (or a document's own question) mean nothing out of its context
_CONTEXTUAL = {"it", "this", "that", "these", "those", "there", "here", "we", "our", "he",
               "she", "they", "them", "which", "what", "each", "any", "all", "some", "no",
               "one", "such", "its", "their", "his", "her", "you", "your", "i", "if", "when",
               "in", "for", "as", "at", "on", "by", "with", "from", "to", "after", "before",
               "following", "above", "below", "other", "same"}
_PRONOUNS = {"it", "this", "these", "those", "they", "them", "he", "she", "its", "their", "his",
             "her"}


def candidates(chunks: list[Document], indexed_at: Mapping[str, str]) -> Iterator[str]:
    """Questions the documents answer, taking turns between documents (the newest first),
    each document's in reading order."""
    by_source: dict[str, list[Document]] = {}
    for d in sorted(chunks, key=lambda d: d.metadata.get("start", 0)):
        by_source.setdefault(d.metadata["source"], []).append(d)
    order = sorted(by_source, key=lambda s: (indexed_at.get(s, ""), s), reverse=True)
    streams = [_questions(by_source[s]) for s in order]
    seen: set[str] = set()
    while streams:
        for stream in list(streams):
            question = next(stream, None)
            if question is None:
                streams.remove(stream)
            elif question.lower() not in seen:
                seen.add(question.lower())
                yield question


def _questions(chunks: list[Document]) -> Iterator[str]:
    for d in chunks:
        text = d.page_content
        for s, e in sentences(text):
            if question := as_question(" ".join(text[s:e].split())):
                yield question


def as_question(sentence: str) -> str | None:
    """The question a sentence answers (or asks), or None."""
    if m := _ASKED.match(sentence):
        words = set(re.findall(r"[a-z]+", m.group(1).lower()))
        return None if words & _PRONOUNS else m.group(1)
    if m := _MEANS.match(sentence):
        return f"What does {m.group(1)} mean?"
    if m := _DEFINES.match(sentence):
        subject, verb = m.group(1), m.group(2)
        words = subject.lower().split()
        if words[0] in _CONTEXTUAL or words[-1] in _CONTEXTUAL or subject.isupper():
            return None
        if words[0] in ("the", "a", "an"):
            subject = "the " + subject.split(None, 1)[1]
        return f"What {verb} {subject}?" if len(subject) <= 50 else None
    return None


def choose(chunks: list[Document], indexed_at: Mapping[str, str],
           well_answered: Callable[[str], bool], n: int = 3) -> list[str]:
    """Up to `n` candidates that `well_answered` accepts (it asks them)."""
    chosen: list[str] = []
    for tried, question in enumerate(candidates(chunks, indexed_at)):
        if len(chosen) >= n or tried >= CANDIDATES_PER_EXAMPLE * n:
            break
        if well_answered(question):
            chosen.append(question)
    return chosen


def read(index_dir: Path, generation: str | None) -> list[str] | None:
    """The questions chosen for this generation of the index, or None (none chosen yet)."""
    try:
        saved = json.loads((index_dir / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("generation") != generation:
        return None
    questions = saved.get("questions")
    return [q for q in questions if isinstance(q, str)] if isinstance(questions, list) else None


def write(index_dir: Path, generation: str | None, questions: list[str]) -> None:
    """Saved whole or not at all (a reader may open it at any moment)."""
    saved = {"generation": generation, "questions": questions}
    disk.write_whole(index_dir / FILE, json.dumps(saved, ensure_ascii=False).encode("utf-8"))
