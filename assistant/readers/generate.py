"""The language model's reader: the model answers in its own words; the code decides what it
may cite.

    evidence ─┬─ not found ──────────────────────────────────────────── not found
              └─ snippets ─ model ─ tokens (streamed)
                     each sentence ─ cite.support ─┬─ kept, with its [n]
                                                   └─ dropped
                     nothing kept / model failed ── quoted instead (QuoteReader, nearby only)

The evidence's calibrated confidence decides `found` before the model runs, so an off-topic
question costs no generation and a small model cannot talk its way past the gate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .. import tuned
from ..evidence import Evidence
from ..schema import Answer
from ..text import clip, markers, sentences
from .base import Reader, passage_citation
from .cite import Support, support
from .quote import QuoteReader
from .snippets import Snippet, prompt, snippets

SYSTEM = (
    "You answer questions using only the numbered passages. Reply with one or two short "
    "sentences in your own words, and end each sentence with the number of the passage it "
    "comes from, like [1]. If the passages do not contain the answer, reply exactly: "
    "Not in the documents.")
# "… from passage [2]": the model pointing at its source in words; the [n] says it already.
_POINTER = re.compile(r"[,;]?\s*\(?\b(?:as )?(?:from|in|according to|see|per|stated in) "
                      r"(?:(?:the )?(?:numbered )?passages?\)?(?=\s*(?:\[|[.!?]?$))"
                      r"|(?=\[\d+\]\s*[.!?]?\s*$))", re.I)
_DECLINE = re.compile(
    r"\bnot (?:\w+ )?(?:in|from) the (?:documents|passages|text)\b|"
    r"\b(?:passages|documents|text) do(?:es)? not (?:contain|say|mention|provide|answer|state)|"
    r"\b(?:cannot|can't|unable to) (?:find|answer|determine)", re.I)


class LLMReader(Reader):
    name = "llm"
    rewrites = True
    system = SYSTEM  # the instructions, a class attribute so a benchmark can try others

    def __init__(self, model: Callable[[], Any], *, max_chars: int = tuned.PROMPT_CHARS,
                 decline_bar: float = tuned.DECLINE_BAR) -> None:
        self.model = model  # the chat model, created (a local one loaded) on first call
        self.max_chars = max_chars  # of passage text in the prompt
        # The model's "not in the documents" stands unless the evidence is at least this
        # confident; then the best sentences are quoted instead (small models decline often).
        self.decline_bar = decline_bar
        # Quoting in the model's place keeps to the best sentence's stretch of text: most
        # citations that missed the answer's paragraph were a second sentence from elsewhere.
        self.quoter = QuoteReader(nearby_only=True)

    def stream(self, evidence: Evidence) -> Iterator[str | Answer]:
        """The model's text as it is generated, then the checked `Answer`."""
        if not evidence.ranked or not evidence.found:
            yield self.not_found(evidence)
            return
        shown = snippets(evidence, self.max_chars)
        text = ""
        try:
            for chunk in self.model().stream(prompt(evidence.asked, shown, self.system)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    text += piece
                    yield piece
        except Exception as exc:  # a dead endpoint, a timeout: quote instead of failing
            yield self.quoter.answer(evidence, f"the language model failed ({_short(exc)}); "
                                     "quoting the passages instead")
            return
        yield self.check(evidence, text, shown)

    def check(self, evidence: Evidence, text: str, shown: list[Snippet] | None = None
              ) -> Answer:
        """Keep the generated sentences a snippet supports, cite that snippet's passage."""
        shown = snippets(evidence, self.max_chars) if shown is None else shown
        if _DECLINE.search(text):
            if evidence.confidence < self.decline_bar:
                return self.not_found(evidence, "the language model says the passages do not "
                                      "answer this")
            return self.quoter.answer(evidence, (
                "the language model found no answer in the passages, but they match the "
                "question closely; quoting the best sentences instead"))
        kept: list[tuple[str, Support]] = []
        dropped: list[str] = []
        for s, e in sentences(text):
            clean, cited = markers(_POINTER.sub("", text[s:e]))
            found = support(clean, [sn.text for sn in shown], evidence.asked,
                            hint=[i for i, sn in enumerate(shown) if sn.label + 1 in cited],
                            together=[sn.label for sn in shown])
            if found:
                kept.append((clean, found))
            elif clean:
                dropped.append(clean)
        if not kept:
            reason = (f"no passage supports the generated answer “{clip(text)}”; quoting the "
                      "passages instead")
            if not re.search(r"\w", markers(text)[0]):  # "[1]": a pointer, but no answer
                reason = (f"the language model gave no answer, only “{clip(text)}”; quoting "
                          "the passages instead")
            return self.quoter.answer(evidence, reason)
        reason = ""
        if dropped:
            reason = (f"dropped {len(dropped)} generated sentence{'s' * (len(dropped) > 1)} "
                      f"that no passage supports: " + " / ".join(f"“{clip(d)}”" for d in dropped))
        return _compose(evidence, kept, shown, reason)


def _compose(evidence: Evidence, kept: list[tuple[str, Support]], shown: list[Snippet],
             reason: str) -> Answer:
    numbers: dict[int, int] = {}  # retrieved passage -> citation number, by first use
    quoted: dict[int, list[tuple[int, int]]] = {}
    parts = []
    for sentence, found in kept:
        marks = []
        for snip_index, (s, e) in zip(found.passages, found.spans, strict=True):
            sn = shown[snip_index]
            n = numbers.setdefault(sn.passage, len(numbers) + 1)
            quoted.setdefault(sn.passage, []).append((sn.start + s, sn.start + e))
            if f"[{n}]" not in marks:
                marks.append(f"[{n}]")
        body, end = re.fullmatch(r"(.*?)([.!?…]*)", sentence, re.S).groups()
        parts.append(f"{body.rstrip()} {' '.join(marks)}{end}")
    citations = [passage_citation(evidence.passages[p], n, min(s for s, _ in quoted[p]),
                                  max(e for _, e in quoted[p])) for p, n in numbers.items()]
    return Answer(text=" ".join(parts), citations=citations, found=True,
                  question=evidence.question, query=evidence.query, reader=LLMReader.name,
                  evidence=round(evidence.confidence, 4), reason=reason,
                  warning=evidence.warning)


def _short(exc: Exception) -> str:
    return clip(f"{type(exc).__name__}: {exc}", 160)
