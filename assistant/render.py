"""HTML for the web page: answers, their sources, the document viewer and the documents table.

Pure functions of the public records (`Answer`, `Citation`, manifest entries), kept apart from
the Gradio wiring so they can be read and tested without a server. Everything that comes from a
document or a user is escaped here; the page adds no other HTML.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

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


def citation_html(c: Citation) -> str:
    """One source under an answer: where it is, and the passage with the quote highlighted."""
    before = c.text[: c.quote_start - c.start]
    after = c.text[c.quote_end - c.start :]
    page = f", page {c.page}" if c.page else ""
    passage = f"{block_text(before)} <mark>{block_text(c.quote)}</mark> {block_text(after)}"
    return (f'<div class="cite" data-cite="{c.index}"><div class="cite-head">'
            f'<b>[{c.index}]</b> {block_text(c.source)}{page} <span class="cite-chars">· '
            f'characters {c.start}–{c.end}</span></div><blockquote>{passage}</blockquote></div>')


def answer_html(answer: Answer) -> str:
    """The chat message for an answer. A not-found answer has its own look, and no sources;
    the last line says who wrote the words and why, if the reader changed its mind."""
    warning = (f'<div class="index-warning">{block_text(answer.warning)}</div>'
               if answer.warning else "")
    if not answer.found:
        note = reader_note(answer) if answer.reason else ""  # nothing was quoted or written
        return (f'<div class="not-found"><b>{NOT_FOUND_LABEL}.</b> {block_text(answer.text)}'
                f'</div>{warning}{note}')
    sources = "".join(citation_html(c) for c in answer.citations)
    return (f'{chat_text(answer.text)}\n\n{warning}<div class="sources"><b>Sources</b>{sources}'
            f'</div>{reader_note(answer)}')


def draft_html(text: str) -> str:
    """A language model's answer while it is written, before its citations are checked."""
    return f'<div class="draft">{block_text(text)}</div><div class="reader-note">checking…</div>'


def reader_note(answer: Answer) -> str:
    who = ("Written by the language model; every citation checked against its passage"
           if answer.reader == "llm" else "Quoted from your documents")
    why = f" · {block_text(answer.reason)}" if answer.reason else ""
    return f'<div class="reader-note" data-reader="{escape(answer.reader)}">{who}{why}</div>'


def sources_html(citations: list[dict[str, Any]]) -> str:
    """The side panel listing the sources of the selected answer; each opens the viewer."""
    if not citations:
        return '<div class="panel-empty">Sources of the selected answer appear here.</div>'
    items = []
    for d in citations:
        c = Citation(**d)
        items.append(
            f'<button class="source-item" data-cite="{c.index}" title="Open {escape(c.source)} '
            f'at this passage"><b>[{c.index}]</b> {_where(c)}<br><span class="source-quote">'
            f'{escape(" ".join(c.quote.split()))}</span></button>')
    return "".join(items)


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
