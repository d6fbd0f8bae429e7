"""HTML for the web page: answers, their sources, the document viewer and the documents table.

Pure functions of the public records (`Answer`, `Citation`, manifest entries), kept apart from
the Gradio wiring so they can be read and tested without a server. Everything that comes from a
document or a user is escaped here; the page adds no other HTML.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from . import tuned
from .schema import Answer, Citation

NOT_FOUND_LABEL = "Not found in your documents"
VIEW_WINDOW = 6000  # characters of document shown on each side of a cited span
LAID_OUT_CHARS = 100  # plain text whose lines are nearly all this short keeps its layout


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")
_MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]#|~])")


def chat_text(text: str) -> str:
    """Text shown inside a chat message, which is Markdown: escaped for HTML and Markdown, and
    on one line, so a passage's own line breaks and symbols stay plain text."""
    return _MD_SPECIAL.sub(r"\\\1", escape(" ".join(text.split()), quote=False))


def block_text(text: str) -> str:
    """Text inside one of our HTML blocks in a chat message: Markdown leaves an HTML block as
    it is, so only HTML is escaped there (a Markdown escape would show as "ssh\\_config")."""
    return escape(" ".join(text.split()), quote=False)


def unchat_text(text: str) -> str:
    """Back from `chat_text`: the words as the assistant wrote them (tags already removed)."""
    return unescape(_MD_ESCAPED.sub(r"\1", text))


def _where(c: Citation) -> str:
    return escape(c.source) + (f", page {c.page}" if c.page else "")


def _mark_quotes(answer: Answer, key: int) -> tuple[str, set[int]]:
    """The answer's text as HTML, each quote it holds marked once and each [n] outside them
    that names a citation a link to its source; also which citations' quotes were found in
    the text (a generated answer holds its own words, so its quotes are shown beside the
    source instead)."""
    text = " ".join(answer.text.split())
    spans: list[tuple[int, int, int]] = []  # (start, end, citation) of quotes in the text
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        at = text.find(quote) if quote else -1
        if at >= 0 and not any(s < at + len(quote) and at < e for s, e, _ in spans):
            spans.append((at, at + len(quote), c.index))
    cited = {str(c.index) for c in answer.citations}

    def linked(words: str) -> str:  # a document's own "[9]" inside a quote is its footnote
        return _MARKER.sub(lambda m: f'<a class="cite-mark" href="#cite-{key}-{m.group(1)}">'
                           f'[{m.group(1)}]</a>' if m.group(1) in cited else m.group(),
                           escape(words, quote=False))

    out, pos = [], 0
    for s, e, _ in sorted(spans):
        out += [linked(text[pos:s]), f"<mark>{escape(text[s:e], quote=False)}</mark>"]
        pos = e
    out.append(linked(text[pos:]))
    return "".join(out), {n for _, _, n in spans}


_MARKER = re.compile(r"\[(\d{1,3})\]")


def support_words(answer: Answer) -> tuple[str, str]:
    """How strongly the documents support a found answer, as (level, words), from the found
    decision's confidence; the bands, and how often answers in each were right, are in
    `tuned`."""
    if answer.evidence >= tuned.SUPPORT_STRONG:
        return "strong", "Strong support"
    if answer.evidence >= tuned.SUPPORT_SOME:
        return "some", "Some support: check the source"
    return "weak", "Weak support: often wrong at this level, check the source"


def source_link(c: Citation, key: int, with_quote: bool) -> str:
    """One source under an answer, compact: a link that opens the viewer at the quote. (The
    chat strips data- attributes from what it shows, so the link's target names the answer
    and the source; `data-quote` is for the copy button, which reads the message as sent.)"""
    quote = " ".join(c.quote.split())
    shown = f' <mark class="cite-quote">{block_text(quote)}</mark>' if with_quote else ""
    return (f'<a class="cite-link" href="#cite-{key}-{c.index}" data-quote="{escape(quote)}" '
            f'title="Open {escape(c.source)} at the quoted words"><b>[{c.index}]</b> '
            f'{block_text(c.source)}{f", page {c.page}" if c.page else ""}</a>{shown}')


def answer_html(answer: Answer, key: int = 0) -> str:
    """The chat message for an answer: its text with the quoted words marked once, how well
    the documents support it, and its sources in one compact line (each opens the viewer).
    `key` is the answer's place in the chat, which a click on a source sends back. A
    not-found answer has its own look, and no sources; the last line says who wrote the
    words and why, if the reader changed its mind."""
    warning = (f'<div class="index-warning">{block_text(answer.warning)}</div>'
               if answer.warning else "")
    if not answer.found:
        note = reader_note(answer) if answer.reason else ""  # nothing was quoted or written
        return (f'<div class="not-found"><b>{NOT_FOUND_LABEL}.</b> {block_text(answer.text)}'
                f'</div>{warning}{note}')
    text, marked = _mark_quotes(answer, key)
    level, words = support_words(answer)
    links = "".join(f"<li>{source_link(c, key, c.index not in marked)}</li>"
                    for c in answer.citations)
    return (f'<div class="answer"><div class="answer-text">{text}</div>{warning}'
            f'<ul class="cite-list">{links}</ul>{reader_note(answer, (level, words))}</div>')


def answer_plain(content: str) -> str | None:
    """Back from `answer_html`: the answer's words as the assistant wrote them, or None if
    `content` is not a rendered answer."""
    m = _ANSWER_TEXT.search(content)
    return unescape(_TAG.sub("", m.group(1))) if m else None


def message_plain(content: str) -> str:
    """Any chat message as its writer wrote it: an answer's words, or a question's (or a
    not-found answer's) text without our blocks and Markdown escapes."""
    answer = answer_plain(content)
    if answer is not None:
        return answer
    return unchat_text(_TAG.sub("", _NOTES.split(content)[0]))


_ANSWER_TEXT = re.compile(r'<div class="answer-text">(.*?)</div>', re.S)
_TAG = re.compile(r"<[^>]+>")
_NOTES = re.compile(r'<div class="(?:reader-note|index-warning)"')


def draft_html(text: str) -> str:
    """A language model's answer while it is written, before its citations are checked."""
    return f'<div class="draft">{block_text(text)}</div><div class="reader-note">checking…</div>'


def reader_note(answer: Answer, support: tuple[str, str] | None = None) -> str:
    """Who wrote the words and why, if the reader changed its mind; before that, how well
    the documents support a found answer."""
    who = ("Written by the language model; every citation checked against its passage"
           if answer.reader == "llm" else "Quoted from your documents")
    why = f" · {block_text(answer.reason)}" if answer.reason else ""
    level = (f'<span class="support {support[0]}">{support[1]}</span> · ' if support else "")
    return f'<div class="reader-note">{level}{who}{why}</div>'


def locate(text: str, quote: str, index: int, source: str) -> Citation | None:
    """A citation of `quote` where it first stands in `text` (spacing may differ), for a
    viewer that has the quoted words but not the answer that cited them."""
    words = quote.split()
    m = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
    if not m:
        return None
    return Citation(index=index, source=source, title="", text=m.group(), start=m.start(),
                    end=m.end(), score=0.0, quote_start=m.start(), quote_end=m.end())


def document_html(text: str, c: Citation) -> str:
    """The cited document around the passage; the passage shaded, the quote marked.

    Offsets are checked against the file as it is now: if it changed since it was indexed, the
    viewer says so instead of highlighting the wrong words.
    """
    head = (f'<div class="doc-head"><b>[{c.index}] {escape(c.title or c.source)}</b><br>'
            f'{_where(c)} · characters {c.start}–{c.end}</div>')
    if text[c.start : c.end] != c.text:
        return head + ('<div class="doc-warning">This document changed after it was indexed, '
                       'so the citation no longer points at the same words. Re-index it from '
                       'the Documents tab.</div>')
    lo, hi = max(0, c.start - VIEW_WINDOW), min(len(text), c.end + VIEW_WINDOW)
    lead = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    body = (f'{lead}{escape(text[lo:c.start])}<span class="passage">'
            f'{escape(text[c.start:c.quote_start])}<mark id="cited-span">'
            f'{escape(text[c.quote_start:c.quote_end])}</mark>'
            f'{escape(text[c.quote_end:c.end])}</span>{escape(text[c.end:hi])}{tail}')
    laid_out = " laid-out" if _laid_out(c.source, text[lo:hi]) else ""
    return f'{head}<div class="doc-text{laid_out}">{body}</div>'


def _laid_out(source: str, text: str) -> bool:
    """Plain text the reader left in short lines (tables, code, columns; wrapped prose and man
    pages are reflowed when read): shown with its own line breaks and columns, since wrapping
    it in a narrower panel leaves ragged alternating lines. Prose is wrapped as usual."""
    lines = [n for n in map(len, text.splitlines()) if n]
    return (source.lower().endswith(".txt") and len(lines) >= 5
            and sorted(lines)[int(0.9 * (len(lines) - 1))] <= LAID_OUT_CHARS)


def documents_rows(documents: list[dict[str, Any]]) -> list[list[Any]]:
    return [[d["source"], d.get("title", ""), d.get("chunks", 0),
             (d.get("indexed_at") or "").replace("T", " ").replace("+00:00", " UTC")]
            for d in documents]


def status_markdown(status: dict[str, Any]) -> str:
    if not status:
        return "**Index:** not built yet. Add documents below."
    model = status.get("embedding_model") or "?"
    built = (status.get("built_at") or "?").replace("T", " ").replace("+00:00", " UTC")
    docs = len(status.get("documents", {}))
    state = "" if status.get("state") == "complete" else f" · state: {status.get('state')}"
    return (f"**Index:** {docs} document{'' if docs == 1 else 's'}, {status.get('chunks', 0)} "
            f"chunks · model `{model.rsplit('/', 1)[-1]}` · last build {built}{state}")
