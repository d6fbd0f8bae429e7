"""Conversation history and follow-up questions.

Without a language model to rewrite "and how many jobs depend on it?", the standalone query is
the follow-up plus what it leans on: the previous question. The reader still weighs the new
question's own words above the borrowed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

History = Sequence[tuple[str, str]]

_LEADING = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what|or)\b", re.I)
_POINTING = re.compile(
    r"\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|him|his|she|her|"
    r"the same|the former|the latter)\b", re.I)


def normalize_history(history: Iterable[Any] | None) -> list[tuple[str, str]]:
    """Accept (question, answer) pairs or OpenAI-style {"role", "content"} messages."""
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for item in history or ():
        if isinstance(item, dict):
            role, content = item.get("role"), content_text(item.get("content"))
            if role == "user":
                pending = content
            elif role == "assistant" and pending is not None:
                pairs.append((pending, content))
                pending = None
        else:
            question, answer = item
            pairs.append((str(question), str(answer or "")))
    return pairs


def content_text(content: Any) -> str:
    """A message's text, whether its content is a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # gradio 6 gives [{"type": "text", "text": ...}]
        return " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content or "")


def is_follow_up(question: str) -> bool:
    """A question that cannot stand alone: it opens with a connective or points back."""
    return bool(_LEADING.match(question) or _POINTING.search(question))


def condense(question: str, history: History) -> str:
    """The query to search with: the question itself, or, for a follow-up, the question
    followed by the previous question, which names what "it" or "they" refer to. (Names taken
    from the previous answer were tried: they pull the reader back to that same answer.)"""
    if not history or not is_follow_up(question):
        return question
    return f"{question} {history[-1][0]}"
