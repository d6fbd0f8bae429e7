"""Example questions for a new user: what the indexed documents mention most."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from langchain_core.documents import Document

from .text import STOPWORDS

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,}(?: [A-Z][a-z]+)*)")


def example_questions(chunks: list[Document], indexed_at: Mapping[str, str], n: int = 3
                      ) -> list[str]:
    """"What is X?" for the names the documents' first chunks mention most, taking turns
    between documents, the newest first. (That form is the one the quoting reader answers
    best; "what do the documents say about X" reads as off-topic to it.)"""
    first: dict[str, Document] = {}
    for d in sorted(chunks, key=lambda d: d.metadata.get("start", 0)):
        first.setdefault(d.metadata["source"], d)
    texts = [d.page_content for d in sorted(
        first.values(), key=lambda d: indexed_at.get(d.metadata["source"], ""), reverse=True)]
    ranked = [[name for name, _ in Counter(
        m for m in _NAME.findall(text) if m.lower() not in STOPWORDS).most_common(n)]
        for text in texts]
    questions: list[str] = []
    for turn in range(n):
        for names in ranked:
            if turn < len(names) and len(questions) < n:
                question = f"What is {names[turn]}?"
                if question not in questions:
                    questions.append(question)
    return questions
