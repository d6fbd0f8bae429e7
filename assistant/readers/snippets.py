"""What a language model is shown: the best sentences of the evidence with their neighbours,
numbered as passages, within a budget of characters (reading the prompt is most of a model's
time on a CPU).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.documents import Document

from .. import tuned
from ..evidence import Evidence, adjacent
from ..split import chunk_sentences


@dataclass(frozen=True)
class Snippet:
    """A few consecutive sentences of one retrieved passage, as the model sees them."""

    passage: int  # index into the retrieved passages
    start: int  # absolute offsets into the document text
    end: int
    text: str
    label: int = 0  # its [n] in the prompt, 0-based: snippets of consecutive chunks share one


def snippets(evidence: Evidence, max_chars: int = tuned.PROMPT_CHARS) -> list[Snippet]:
    """The best sentences, then their neighbours (before, then after), within the budget.
    A neighbour may sit in the next or previous chunk when that chunk was retrieved too:
    small chunks cut "it now runs at 40%" from the sentence that names "it". Snippets are
    listed best first, except that consecutive chunks are listed in document order, and
    adjacent sentences of one passage merge into one snippet."""
    passages = evidence.passages
    spans = {i: chunk_sentences(doc) for i, doc in enumerate(passages)}
    sequence = _reading_order(passages, spans)  # (passage, sentence) in reading order
    where = {(p, int(passages[p].metadata["start"]) + spans[p][j][0]): n
             for n, (p, j) in enumerate(sequence)}  # (passage, absolute start) -> place
    top = [where[(c.passage, c.start)] for c in evidence.ranked[:tuned.PROMPT_SENTENCES]
           if (c.passage, c.start) in where]
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
            if used + e - s > max_chars and used:
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


def prompt(question: str, snippets: list[Snippet], system: str) -> list[tuple[str, str]]:
    """Chat messages: the instructions, then the numbered passages and the question."""
    texts: dict[int, list[str]] = {}
    for sn in snippets:
        texts.setdefault(sn.label, []).append(" ".join(sn.text.split()))
    numbered = "\n".join(f"[{n + 1}] {' '.join(parts)}" for n, parts in texts.items())
    return [("system", system), ("user", f"Passages:\n{numbered}\n\nQuestion: {question}")]


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
