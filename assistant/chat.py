"""Conversation history and follow-up questions.

Without a language model to rewrite "and how many jobs depend on it?", the standalone query is
the follow-up plus what it leans on: the previous question. The ranking still weighs the new
question's own words above the borrowed ones. With one, `Rewriter` asks it for the question
made to stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .errors import QuestionError
from .text import clip, markers

History = Sequence[tuple[str, str]]

_LEADING = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what|or)\b", re.I)
_POINTING = re.compile(
    r"\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|him|his|she|her|"
    r"the same|the former|the latter)\b", re.I)


# Turns of history kept: a follow-up leans on the last one or two, never on the twentieth.
MAX_TURNS = 10


def normalize_history(history: Iterable[Any] | None, max_chars: int | None = None
                      ) -> list[tuple[str, str]]:
    """Accept (question, answer) pairs or OpenAI-style {"role", "content"} messages.

    History is context, not a question, so it is bounded rather than refused: the last
    `MAX_TURNS` turns, each question cut to `max_chars` and each answer to four times that. A
    page sends back every earlier message, including a question that was refused as too long;
    refusing its history would end the conversation, and carrying 10 MB of it into every
    search made each question cost a minute of CPU.
    """
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Iterable):
        raise QuestionError(_HISTORY_SHAPE + f", got {type(history).__name__}")
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for n, item in enumerate(history, start=1):
        if isinstance(item, dict):
            role, content = item.get("role"), content_text(item.get("content"))
            if role == "user":
                pending = content
            elif role == "assistant" and pending is not None:
                pairs.append((pending, content))
                pending = None
            elif role not in ("user", "assistant", "system"):
                raise QuestionError(f"history message {n} has role {role!r}; use user or "
                                    "assistant")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            question, answer = item
            pairs.append((_text(question), _text(answer)))
        else:
            raise QuestionError(f"history item {n} is {_describe(item)}; " + _HISTORY_SHAPE)
    pairs = pairs[-MAX_TURNS:]
    if max_chars is not None:
        pairs = [(q[:max_chars], a[: 4 * max_chars]) for q, a in pairs]
    return pairs


_HISTORY_SHAPE = ("history must be a list of [question, answer] pairs or of "
                  '{"role": "user" | "assistant", "content": text} messages')


def _text(value: Any) -> str:
    return "" if value is None else content_text(value)


def _describe(item: Any) -> str:
    if isinstance(item, (list, tuple)):
        return f"a list of {len(item)}"
    name = type(item).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def content_text(content: Any) -> str:
    """A message's text, whether its content is a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # gradio 6 gives [{"type": "text", "text": ...}]
        return " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content or "")


def is_follow_up(question: str) -> bool:
    """A question that cannot stand alone: it opens with a connective, or points back ("it",
    "they") and names nothing of its own. "How much of its capacity is the Oppama plant
    using?" stands alone: "its" is the plant it names."""
    if _LEADING.match(question):
        return True
    return bool(_POINTING.search(question)) and not _NAMES.search(question)


# A name of the question's own: a capitalized word past the first, or a code-like token.
_NAMES = re.compile(r"(?<=\s)[A-Z][\w'’-]*|\b\w*[\d_]\w*\b|\S+\.\S+")


def condense(question: str, history: History) -> str:
    """The query to search with: the question itself, or, for a follow-up, the question
    followed by the previous question, which names what "it" or "they" refer to. (Names taken
    from the previous answer were tried: they pull the reader back to that same answer.)"""
    if not history or not is_follow_up(question):
        return question
    return f"{question} {history[-1][0]}"


REWRITE = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace words like it, they, this or there with what they refer to. Reply with the "
    "rewritten question only.")


class Rewriter:
    """A follow-up made to stand alone by a language model (`model`: a zero-argument function
    returning the LangChain chat model)."""

    def __init__(self, model: Callable[[], Any]) -> None:
        self.model = model

    def __call__(self, question: str, history: History) -> str | None:
        """The standalone question; None when the model fails or replies with something other
        than one question (small models sometimes answer it)."""
        turns = []
        for q, a in history[-2:]:
            turns += [("user", q), ("assistant", clip(markers(a)[0], 300))]
        messages = [("system", REWRITE), *turns, ("user", question)]
        try:
            reply = self.model().bind(max_tokens=48).invoke(messages).content
        except Exception:
            return None
        line = str(reply).strip().strip('"“”').splitlines()[0].strip() if reply else ""
        ok = line.endswith("?") and 3 <= len(line) <= 2 * len(question) + 150
        return line if ok else None
