"""`SourceDocument` to chunks: whole sentences packed up to the embedder's window, offsets kept.

A chunk never crosses a leftover span or a PDF page break, and prefers to end at a paragraph
break, so a citation points at one coherent place. Its text is always
`document.text[start:end]`, which is what lets the web page highlight it in the document.

A chunk also records where its sentences are (`chunk_sentences`), as split in the whole
document: split again from its own text, a chunk that opens mid-line in hard-wrapped text (a
licence, a spec, a PDF) loses the line's start, and its first sentence is quoted in fragments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langchain_core.documents import Document

from .config import SplitSettings
from .load import SourceDocument
from .text import Span, is_rule, is_table_row, paragraph_sentences, sentences

TokenCounter = Callable[[Sequence[str]], list[int]]
# Word pieces of the embedder's window kept free when a sentence is cut to fit it ([CLS], [SEP]
# and a margin): the longest sentence kept whole is the window less this.
WINDOW_MARGIN = 16
_DEFAULT = SplitSettings()


def describe(settings: SplitSettings) -> dict[str, int | str]:
    """What the manifest records: a change here means every chunk must be rebuilt."""
    return {"splitter": "sentences-v22", "chunk_tokens": settings.chunk_tokens,
            "overlap_sentences": settings.chunk_overlap_sentences}


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    tokens: int
    new_paragraph: bool
    heading: str = ""  # the words of the heading it is part of: a line without end punctuation
    introduces: bool = False  # ends in ":" ("run the following command:"), so the next belongs
    table_head: bool = False  # a plain-text table's header row, or the rule drawn under it


def split_document(doc: SourceDocument, count_tokens: TokenCounter,
                   settings: SplitSettings = _DEFAULT, window: int = 256
                   ) -> list[Document]:
    """Chunks as LangChain Documents whose metadata carries source, title, offsets and page.
    `window`: the word pieces the embedder reads; only a sentence longer than that is cut."""
    chunks: list[Document] = []
    heading = ""  # the last heading seen, carried across leftovers and pages
    for region in doc.body():
        pieces = _pieces(doc.text, region, count_tokens, settings.chunk_tokens,
                         window - WINDOW_MARGIN)
        index = {piece.start: i for i, piece in enumerate(pieces)}
        heading_before = []  # for each piece, the last heading before it
        for piece in pieces:
            heading_before.append(heading)
            heading = piece.heading or heading
        for start, end in _pack(pieces, settings):
            metadata: dict[str, str | int] = {
                "source": doc.source, "title": doc.title, "start": start, "end": end,
                "chunk": len(chunks),
            }
            # The sentence before a chunk that opens mid-paragraph, for the reader: in "it
            # now runs at 40% capacity", "it" is the plant that sentence names.
            first = index[start]
            if first > 0 and not pieces[first].new_paragraph:
                metadata["before"] = doc.text[pieces[first - 1].start:pieces[first - 1].end]
            inside = []
            i = first  # by index: pieces[first:] copied the list's rest for every chunk
            while i < len(pieces) and pieces[i].start < end:
                inside.append(f"{pieces[i].start - start}-{pieces[i].end - start}")
                i += 1
            metadata["sentences"] = " ".join(inside)
            if heading_before[first]:  # the heading the chunk's text stands under
                metadata["section"] = heading_before[first]
            page = doc.page_at(start)
            if page is not None:
                metadata["page"] = page
            chunks.append(Document(page_content=doc.text[start:end], metadata=metadata))
    return chunks


def chunk_sentences(doc: Document) -> list[Span]:
    """The sentence spans of a chunk's text, as the splitter cut them from the whole document
    (`metadata["sentences"]`); split from the chunk's own text when it has none, or none
    that fit it."""
    recorded = str(doc.metadata.get("sentences") or "")
    try:
        spans = [(int(s), int(e)) for s, _, e in (p.partition("-") for p in recorded.split())]
    except ValueError:
        spans = []  # not written by this splitter: the text still says where sentences are
    if not spans or not all(0 <= s < e <= len(doc.page_content) for s, e in spans):
        return sentences(doc.page_content)
    return spans


def _pieces(text: str, region: Span, count_tokens: TokenCounter, budget: int,
            longest: int) -> list[_Piece]:
    """Sentences of the region, each marked if it opens a paragraph. A sentence longer than the
    chunk budget stays whole, a chunk of its own: cut, its halves were quoted as if each were
    a sentence ("the Work and Derivative Works thereof."), and a licence's sentences often run
    past 64 word pieces. Only one the embedder cannot read whole is cut."""
    limit = max(budget, longest)
    spans: list[tuple[Span, bool, str]] = []
    for (p_start, p_end), inside in paragraph_sentences(text, *region):
        heading = heading_words(text[p_start:p_end])
        for i, span in enumerate(inside):
            spans.append((span, i == 0, heading))
    counts = count_tokens([text[s:e] for (s, e), _, _ in spans])
    rules = [is_rule(text[s:e]) for (s, e), _, _ in spans]
    pieces: list[_Piece] = []
    for i, (((start, end), first, heading), n) in enumerate(zip(spans, counts, strict=True)):
        # a header is the row right above its rule ("Constant   Property   Value" / "-----")
        head = rules[i] or (i + 1 < len(spans) and rules[i + 1] and not spans[i + 1][1]
                            and is_table_row(text[start:end]))
        if n <= limit:
            pieces.append(_Piece(start, end, n, first, heading,
                                 text[start:end].rstrip().endswith(":"), head))
        else:
            for j, (s, e) in enumerate(_cut_long(text, start, end, n, limit)):
                pieces.append(_Piece(s, e, count_tokens([text[s:e]])[0], first and j == 0))
    return pieces


# a field of a reference entry, its value a version, a licence or an address: "Since: 1.6",
# "Added in: v10.2.0", "Upstream-Contact: bug-tar@gnu.org" (not "Step 2: Install Clippy"):
# content however short, and never the heading the next sentences stand under
FIELD = re.compile(r"^\s*[A-Z][\w-]*(?: [a-z][\w-]*)?:\s+\S*[\d@/+]")
_UNDERLINE = re.compile(r"\n\s*([=\-~^*#+])\1{2,}\s*$")  # "1.16.0\n------", as rst sets a title


def heading_words(paragraph: str) -> str:
    """A heading's words: one line of at most 100 characters and 12 words that does not end
    as a sentence does, underlined or not ("1.16.0" from "1.16.0\n------"); "" for anything
    else, a table's row among them."""
    line = _UNDERLINE.sub("", paragraph.strip()).strip()
    if not line or "\n" in line or len(line) > 100 or len(line.split()) > 12 or (
            line[-1] in ".,;") or FIELD.match(line):
        return ""
    return line


def _cut_long(text: str, start: int, end: int, tokens: int, budget: int) -> list[Span]:
    """Cut a sentence longer than the budget at spaces into parts that fit, with some margin
    (word pieces per character vary, so aim at 80% of the budget)."""
    parts = max(2, -(-tokens * 5 // (budget * 4)))
    size = (end - start) // parts + 1
    spans: list[Span] = []
    pos = start
    while pos < end:
        cut = min(end, pos + size)
        if cut < end:
            space = text.rfind(" ", pos + size // 2, cut)
            cut = space if space > pos else cut
        spans.append((pos, cut))
        pos = cut
        while pos < end and text[pos].isspace():
            pos += 1
    return spans


def _pack(pieces: list[_Piece], settings: SplitSettings) -> list[Span]:
    """Greedy packing: close a chunk when the next sentence would overflow it, at a paragraph
    break once the chunk is half full, and before a heading once it is a quarter full. Overlap
    repeats the last sentences, but only inside a paragraph, where their context still holds.
    A sentence that introduces the paragraph after it ("run the following command:") stays
    with it: no break between them, and on overflow it opens the next chunk."""
    budget = settings.chunk_tokens
    out: list[Span] = []
    current: list[_Piece] = []
    tokens = 0
    for piece in pieces:
        overflow = current and tokens + piece.tokens > budget
        # a heading stays with what it heads: an underline's dashes once filled half a chunk,
        # and the heading went alone into one chunk, its first item into the next
        leads = current and (current[-1].introduces or current[-1].heading) and (
            piece.new_paragraph)
        paragraph_break = current and piece.new_paragraph and not leads and (
            tokens >= budget // 2 or (piece.heading and tokens >= budget // 4)
        )
        lead = len(current) - 1  # where what leads begins: the sentence, or the heading's line
        while leads and not current[-1].introduces and lead > 0 and (
                not current[lead].new_paragraph or current[lead - 1].heading):
            lead -= 1  # back to the heading's line, and to the headings right above it
        heads = len(current)  # a table's header and rule at the chunk's end open the next
        while overflow and heads > 1 and current[heads - 1].table_head:
            heads -= 1
        if overflow and heads < len(current):
            out.append((current[0].start, current[heads - 1].end))
            current = current[heads:]
            tokens = sum(p.tokens for p in current)
        elif overflow and leads and sum(p.tokens for p in current[lead:]) + piece.tokens <= (
                2 * budget):
            if lead > 0:
                out.append((current[0].start, current[lead - 1].end))
                current = current[lead:]
            tokens = sum(p.tokens for p in current)
        elif overflow or paragraph_break:
            out.append((current[0].start, current[-1].end))
            keep: list[_Piece] = []
            overlap = settings.chunk_overlap_sentences
            if overflow and not piece.new_paragraph and overlap > 0:
                keep = current[-overlap:]
                if sum(p.tokens for p in keep) + piece.tokens > budget // 2:
                    keep = []
            current, tokens = list(keep), sum(p.tokens for p in keep)
        current.append(piece)
        tokens += piece.tokens
    if current:
        out.append((current[0].start, current[-1].end))
    return out
