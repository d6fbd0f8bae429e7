"""The judged reader: quoting, with a language model asked yes or no about the answers the
evidence is unsure of.

Unless the confidence is certain (under `judge_below`), the model is shown the snippets the
language model's reader would see and asked whether they answer the question, in one word. A
"no" makes the answer "not found", with the reason; anything else, or a failed call, leaves it
to the evidence. The model is not asked when the quoted sentence holds `judge_words` of the
question's words besides its document's names: it declined right answers as readily as wrong
ones ("Who wrote this piece?" for its byline), while an unanswerable question is most often
matched by a document's name alone. A call takes seconds on a CPU (docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .. import tuned
from ..evidence import Evidence
from ..schema import Answer
from .base import Reader, in_pieces
from .quote import QuoteReader
from .snippets import prompt, snippets

JUDGE = (
    "You check whether numbered passages answer a question. Reply with one word: yes if the "
    "passages state the answer, no if they do not.")


class JudgedReader(Reader):
    name = QuoteReader.name  # its answers are quotes

    def __init__(self, quoter: QuoteReader, model: Callable[[], Any], *,
                 judge_below: float = tuned.JUDGE_BELOW, judge_words: float = tuned.JUDGE_WORDS,
                 max_chars: int = tuned.PROMPT_CHARS) -> None:
        self.quoter = quoter
        self.model = model  # the chat model, created (a local one loaded) on first call
        self.judge_below = judge_below
        self.judge_words = judge_words
        self.max_chars = max_chars

    def stream(self, evidence: Evidence) -> Iterator[str | Answer]:
        yield from in_pieces(self.answer(evidence))

    def answer(self, evidence: Evidence) -> Answer:
        answer = self.quoter.answer(evidence)
        if not answer.found or answer.evidence >= self.judge_below:
            return answer
        if evidence.held >= self.judge_words and self.judge_words < 1:
            return answer  # the sentence holds what was asked: no judge needed
        if self.verdict(evidence) is False:
            return self.not_found(evidence, (
                f"the best passages match the question ({answer.evidence:.0%} confidence), but "
                "the language model, asked, says they do not answer it"))
        return answer

    def messages(self, evidence: Evidence) -> list[tuple[str, str]]:
        """What the model is asked: the question over the snippets the LLM reader would see."""
        return prompt(evidence.asked, snippets(evidence, self.max_chars), JUDGE)

    def verdict(self, evidence: Evidence) -> bool | None:
        """Whether the model reads the snippets as answering the question: one word, yes or
        no, a few tokens of generation. None when the model fails or says neither, which
        leaves the decision to the evidence."""
        try:
            reply = self.model().bind(max_tokens=3).invoke(self.messages(evidence)).content
        except Exception:
            return None
        word = re.match(r"\W*(yes|no)\b", str(reply), re.IGNORECASE)
        return None if word is None else word.group(1).lower() == "yes"
