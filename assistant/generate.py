"""The LLM reader: a language model answers in its own words; the code decides what it may cite.

    passages ─ extractive ranking ─┬─ too weak ─────────────────────────────── not found
                                   └─ short snippets ─ model ─ tokens (streamed)
                                        each sentence ─ cite.support ─┬─ kept, with its [n]
                                                                      └─ dropped
                                        nothing kept / model failed ── extractive answer

The extractive reader's calibrated confidence decides `found` before the model runs, so an
off-topic question costs no generation and a small model cannot talk its way past the gate.
The prompt holds only the best sentences and their neighbours: prefill is most of the time on a
CPU (about 75 tokens/s here). 1,000 characters of them, not 800: on 55 SQuAD tuning questions
the smaller budget answered 0.71 instead of 0.80, 2 s faster; a one-sentence prompt that asked
for the passage's own words answered 0.70 against 0.84 for this one over 23 and 100 questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document

from .cite import Support, markers, support
from .read import Candidate, ExtractiveReader, adjacent, not_found, passage_citation
from .schema import Answer
from .split import chunk_sentences
from .text import DocFreq, sentences

SYSTEM = (
    "You answer questions using only the numbered passages. Reply with one or two short "
    "sentences in your own words, and end each sentence with the number of the passage it "
    "comes from, like [1]. If the passages do not contain the answer, reply exactly: "
    "Not in the documents.")
JUDGE = (
    "You check whether numbered passages answer a question. Reply with one word: yes if the "
    "passages state the answer, no if they do not.")
REWRITE = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace words like it, they, this or there with what they refer to. Reply with the "
    "rewritten question only.")
# "… from passage [2]": the model pointing at its source in words; the [n] says it already.
_POINTER = re.compile(r"[,;]?\s*\(?\b(?:as )?(?:from|in|according to|see|per|stated in) "
                      r"(?:(?:the )?(?:numbered )?passages?\)?(?=\s*(?:\[|[.!?]?$))"
                      r"|(?=\[\d+\]\s*[.!?]?\s*$))", re.I)
_DECLINE = re.compile(
    r"\bnot (?:\w+ )?(?:in|from) the (?:documents|passages|text)\b|"
    r"\b(?:passages|documents|text) do(?:es)? not (?:contain|say|mention|provide|answer|state)|"
    r"\b(?:cannot|can't|unable to) (?:find|answer|determine)", re.I)


@dataclass(frozen=True)
class Snippet:
    """A few consecutive sentences of one retrieved passage, as the model sees them."""

    passage: int  # index into the retrieved passages
    start: int  # absolute offsets into the document text
    end: int
    text: str
    label: int = 0  # its [n] in the prompt, 0-based: snippets of consecutive chunks share one


class LLMReader:
    name = "llm"
    system = SYSTEM  # the instructions, a class attribute so a benchmark can try others
    judge_system = JUDGE

    def __init__(self, model: Callable[[], Any], extractive: ExtractiveReader, *,
                 max_chars: int = 1000, decline_bar: float = 0.9) -> None:
        self._model_factory = model
        self._model: Any = None
        self.extractive = extractive
        self.max_chars = max_chars  # of passage text in the prompt
        # The model's "not in the documents" stands unless the evidence is at least this
        # confident; then the best sentences are quoted instead (small models decline often).
        self.decline_bar = decline_bar

    @property
    def model(self) -> Any:
        """The chat model, created (and for a local one, loaded) on first use."""
        if self._model is None:
            self._model = self._model_factory()
        return self._model

    def read(self, question: str, query: str, query_vector: list[float],
             passages: list[Document], doc_freq: DocFreq, previous: str = "") -> Answer:
        *_, answer = self.stream(question, query, query_vector, passages, doc_freq, previous)
        return answer

    def stream(self, question: str, query: str, query_vector: list[float],
               passages: list[Document], doc_freq: DocFreq, previous: str = ""
               ) -> Iterator[str | Answer]:
        """The model's text as it is generated, then the checked `Answer`."""
        ranked, signals = self.extractive.rank(question, query, query_vector, passages,
                                               doc_freq, previous)
        confidence, enough = self.extractive.confidence(question, query, signals)
        if not ranked or not enough:
            yield not_found(question, query, self.name, evidence=confidence)
            return
        snippets = self.snippets(passages, ranked)
        text = ""
        try:
            for chunk in self.model.stream(prompt(question, snippets, self.system)):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    text += piece
                    yield piece
        except Exception as exc:  # a dead endpoint, a timeout: quote instead of failing
            reason = f"the language model failed ({_short(exc)}); quoting the passages instead"
            yield self._quote(question, query, passages, ranked, signals, reason)
            return
        yield self.check(question, query, text, snippets, passages, ranked, signals)

    def check(self, question: str, query: str, text: str, snippets: list[Snippet],
              passages: list[Document], ranked: list[Candidate], signals: Any) -> Answer:
        """Keep the generated sentences a snippet supports, cite that snippet's passage."""
        confidence, _ = self.extractive.confidence(question, query, signals)
        if _DECLINE.search(text):
            if confidence < self.decline_bar:
                return not_found(question, query, self.name, evidence=confidence, reason=(
                    "the language model says the passages do not answer this"))
            return self._quote(question, query, passages, ranked, signals, (
                "the language model found no answer in the passages, but they match the "
                "question closely; quoting the best sentences instead"))
        kept: list[tuple[str, Support]] = []
        dropped: list[str] = []
        for s, e in sentences(text):
            clean, cited = markers(_POINTER.sub("", text[s:e]))
            found = support(clean, [sn.text for sn in snippets], question,
                            hint=[i for i, sn in enumerate(snippets) if sn.label + 1 in cited],
                            together=[sn.label for sn in snippets])
            if found:
                kept.append((clean, found))
            elif clean:
                dropped.append(clean)
        if not kept:
            reason = (f"no passage supports the generated answer “{_clip(text)}”; quoting the "
                      "passages instead")
            if not re.search(r"\w", markers(text)[0]):  # "[1]": a pointer, but no answer
                reason = (f"the language model gave no answer, only “{_clip(text)}”; quoting "
                          "the passages instead")
            return self._quote(question, query, passages, ranked, signals, reason)
        reason = ""
        if dropped:
            reason = (f"dropped {len(dropped)} generated sentence{'s' * (len(dropped) > 1)} "
                      f"that no passage supports: " + " / ".join(f"“{_clip(d)}”" for d in dropped))
        return _compose(question, query, kept, snippets, passages, confidence, reason)

    def _quote(self, question: str, query: str, passages: list[Document],
               ranked: list[Candidate], signals: Any, reason: str) -> Answer:
        """The extractive answer in the model's place, its sentences from one stretch of text:
        most citations of this reader that missed the answer's paragraph were a second quoted
        sentence from elsewhere. SQuAD citation precision 0.944 -> 0.988 on the held-out half
        (accuracy 0.730 -> 0.735), 0.916 -> 0.988 on the tuning half (accuracy 0.79 kept)."""
        return self.extractive.answer(question, query, passages, ranked, signals, reason,
                                      nearby_only=True)

    def snippets(self, passages: list[Document], ranked: list[Candidate]) -> list[Snippet]:
        """The best sentences, then their neighbours (before, then after), within the budget.
        A neighbour may sit in the next or previous chunk when that chunk was retrieved too:
        small chunks cut "it now runs at 40%" from the sentence that names "it". Snippets are
        listed best first, except that consecutive chunks are listed in document order, and
        adjacent sentences of one passage merge into one snippet."""
        spans = {i: chunk_sentences(doc) for i, doc in enumerate(passages)}
        sequence = _reading_order(passages, spans)  # (passage, sentence) in reading order
        where = {(p, int(passages[p].metadata["start"]) + spans[p][j][0]): n
                 for n, (p, j) in enumerate(sequence)}  # (passage, absolute start) -> place
        top = [where[(c.passage, c.start)] for c in ranked[:4] if (c.passage, c.start) in where]
        chosen: set[tuple[int, int]] = set()
        used = 0
        for offset in (0, -1, 1):
            for at in top:
                n = at + offset
                if not 0 <= n < len(sequence) or sequence[n] in chosen:
                    continue
                if offset and not adjacent(passages, sequence[n][0], sequence[at][0]):
                    continue
                p, j = sequence[n]
                s, e = spans[p][j]
                if used + e - s > self.max_chars and used:
                    continue
                chosen.add((p, j))
                used += e - s
        out: list[Snippet] = []
        for p, run in _runs([key for key in sequence if key in chosen]):
            doc, base = passages[p], int(passages[p].metadata["start"])
            s, e = spans[p][run[0]][0], spans[p][run[-1]][1]
            label = out[-1].label + 1 if out else 0
            if out and run[0] == 0 and _continues(passages, out[-1], p):
                label = out[-1].label  # the text goes on in the next chunk: one [n] for both
            out.append(Snippet(p, base + s, base + e, doc.page_content[s:e], label))
        return out

    def judge(self, question: str, passages: list[Document], ranked: list[Candidate]
              ) -> bool | None:
        """Whether the model reads the best sentences (the snippets it would be prompted with)
        as answering the question: one word, yes or no, a few tokens of generation. None when
        the model fails or says neither, which leaves the decision to the evidence."""
        messages = prompt(question, self.snippets(passages, ranked), self.judge_system)
        try:
            reply = self.model.bind(max_tokens=3).invoke(messages).content
        except Exception:
            return None
        word = re.match(r"\W*(yes|no)\b", str(reply), re.IGNORECASE)
        return None if word is None else word.group(1).lower() == "yes"

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str | None:
        """A follow-up as a standalone question, by the model; None when the model fails or
        replies with something other than one question (small models sometimes answer it)."""
        turns = []
        for q, a in history[-2:]:
            turns += [("user", q), ("assistant", _clip(markers(a)[0], 300))]
        messages = [("system", REWRITE), *turns, ("user", question)]
        try:
            reply = self.model.bind(max_tokens=48).invoke(messages).content
        except Exception:
            return None
        line = str(reply).strip().strip('"“”').splitlines()[0].strip() if reply else ""
        ok = line.endswith("?") and 3 <= len(line) <= 2 * len(question) + 150
        return line if ok else None


def prompt(question: str, snippets: list[Snippet], system: str = SYSTEM
           ) -> list[tuple[str, str]]:
    texts: dict[int, list[str]] = {}
    for sn in snippets:
        texts.setdefault(sn.label, []).append(" ".join(sn.text.split()))
    numbered = "\n".join(f"[{n + 1}] {' '.join(parts)}" for n, parts in texts.items())
    return [("system", system), ("user", f"Passages:\n{numbered}\n\nQuestion: {question}")]


def _compose(question: str, query: str, kept: list[tuple[str, Support]],
             snippets: list[Snippet], passages: list[Document], confidence: float,
             reason: str) -> Answer:
    numbers: dict[int, int] = {}  # retrieved passage -> citation number, by first use
    quoted: dict[int, list[tuple[int, int]]] = {}
    parts = []
    for sentence, found in kept:
        marks = []
        for snip_index, (s, e) in zip(found.passages, found.spans, strict=True):
            sn = snippets[snip_index]
            n = numbers.setdefault(sn.passage, len(numbers) + 1)
            quoted.setdefault(sn.passage, []).append((sn.start + s, sn.start + e))
            if f"[{n}]" not in marks:
                marks.append(f"[{n}]")
        body, end = re.fullmatch(r"(.*?)([.!?…]*)", sentence, re.S).groups()
        parts.append(f"{body.rstrip()} {' '.join(marks)}{end}")
    citations = [passage_citation(passages[p], n, min(s for s, _ in quoted[p]),
                                  max(e for _, e in quoted[p])) for p, n in numbers.items()]
    return Answer(text=" ".join(parts), citations=citations, found=True, question=question,
                  query=query, reader=LLMReader.name, evidence=round(confidence, 4),
                  reason=reason)


def _reading_order(passages: list[Document], spans: dict[int, list[tuple[int, int]]]
                   ) -> list[tuple[int, int]]:
    """Every sentence of the passages as (passage, sentence). Runs of consecutive chunks of one
    document stay together in document order, so context comes before what it explains; the
    runs are ordered by their best passage, so the best sentence still comes early."""
    by_position = sorted(range(len(passages)), key=lambda i: (
        str(passages[i].metadata.get("source")), int(passages[i].metadata["start"])))
    groups: list[list[int]] = []
    for i in by_position:
        if groups and adjacent(passages, groups[-1][-1], i):
            groups[-1].append(i)
        else:
            groups.append([i])
    groups.sort(key=min)
    return [(i, j) for group in groups for i in group for j in range(len(spans[i]))]


def _continues(passages: list[Document], before: Snippet, p: int) -> bool:
    """Whether passage p's first sentence follows `before` directly in its document (the
    reading order puts consecutive chunks one after the other, earlier first)."""
    return (before.passage != p and adjacent(passages, before.passage, p)
            and before.end == int(passages[before.passage].metadata["end"]))


def _runs(keys: list[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    """Consecutive sentences of one passage, grouped: [(passage, [sentence, ...]), ...]."""
    runs: list[tuple[int, list[int]]] = []
    for p, j in keys:
        if runs and runs[-1][0] == p and j == runs[-1][1][-1] + 1:
            runs[-1][1].append(j)
        else:
            runs.append((p, [j]))
    return runs


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short(exc: Exception) -> str:
    return _clip(f"{type(exc).__name__}: {exc}", 160)
