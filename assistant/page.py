"""The page's handlers (`Page`), one method per thing a person does on it, over one
`Assistant`; `web` lays them out. Each browser session's answers are kept (`_Answers`), so
that a source clicked in any of them opens in the viewer and a thumb is saved with it.
"""

from __future__ import annotations

import html
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from . import feedback
from .api import Assistant
from .errors import AssistantError
from .render import (
    answer_html,
    chat_text,
    document_html,
    documents_rows,
    draft_html,
    locate,
    message_plain,
    status_markdown,
)
from .schema import Answer, Citation

VIEWER_EMPTY = ('<div class="panel-empty">Choose a source under an answer to read it here, '
                'in its document.</div>')


def plain_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat history as the assistant wrote it: answers without their rendered sources.
    A message's content is text, or (Gradio 6) a list of typed parts."""
    out = []
    for m in history:
        content = m.get("content")
        if isinstance(content, list):
            content = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        out.append({"role": m.get("role"), "content": message_plain(str(content or "")).strip()})
    return out


class Page:
    """The page's handlers over one `Assistant`; each browser session's answers are kept so
    that a source clicked in any of them opens in the viewer and a thumb is saved with it."""

    def __init__(self, bot: Assistant) -> None:
        self.bot = bot
        self.sessions = _Answers()

    # --- chat -----------------------------------------------------------------------------

    def respond(self, message: str, history: list[dict[str, Any]], reader: str | None,
                request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """The answer as it is written, then checked; then its first source in the viewer."""
        key = len(history) + 1  # where this answer sits among the chat's messages
        text = ""
        show = draft_html if (reader or self.bot.reader_name()) == "llm" else chat_text
        try:
            for piece in self.bot.stream(message, plain_history(history), reader=reader or None):
                if isinstance(piece, Answer):
                    self.sessions.put(request, key, piece)
                    shown = answer_html(piece, key)
                    yield shown, VIEWER_EMPTY
                    if piece.citations:  # (the chat takes no skip: the message again)
                        yield shown, self._viewer(piece.citations[0])
                else:
                    text += piece
                    yield show(text), gr.skip()
        except AssistantError as exc:
            yield f'<div class="error">{html.escape(str(exc))}</div>', VIEWER_EMPTY

    def select_answer(self, evt: gr.SelectData, request: gr.Request) -> Any:
        """Choosing an earlier answer shows its first source."""
        answer = self.sessions.get(request, _position(evt))
        if not answer or not answer.citations:  # a question, not found, or before a restart
            return gr.skip()
        return self._viewer(answer.citations[0])

    def clear(self, request: gr.Request) -> str:
        self.sessions.drop(request)
        return VIEWER_EMPTY

    def open_citation(self, evt: gr.EventData, request: gr.Request) -> str:
        """A source (or an [n]) clicked in an answer: `evt` carries its number and answer."""
        n, key = int(getattr(evt, "cite", 0) or 0), int(getattr(evt, "answer", 0) or 0)
        answer = self.sessions.get(request, key)
        match = [c for c in answer.citations if c.index == n] if answer else []
        if match:
            return self._viewer(match[0])
        # an answer this server does not hold (it restarted): the quote found in its source
        source, quote = str(getattr(evt, "source", "")), str(getattr(evt, "quote", ""))
        if not (source and quote):
            return VIEWER_EMPTY
        try:
            text = self.bot.document_text(source)
        except (AssistantError, ValueError) as exc:
            return f'<div class="doc-warning">{html.escape(str(exc))}</div>'
        found = locate(text, quote, n, source)
        return document_html(text, found) if found else VIEWER_EMPTY

    def _viewer(self, c: Citation) -> str:
        try:
            return document_html(self.bot.document_text(c.source), c)
        except (AssistantError, ValueError) as exc:
            return f'<div class="doc-warning">{html.escape(str(exc))}</div>'

    def feedback(self, history: list[dict[str, Any]], evt: gr.LikeData, request: gr.Request
                 ) -> tuple[Any, ...]:
        """A thumb on an answer, saved beside the index; a thumbs-down asks for the right
        answer (optional)."""
        index = _position(evt)
        answer = self.sessions.get(request, index)
        if answer is None:  # an answer from before a restart: nothing to save it with
            return gr.skip(), gr.skip(), "That answer is from before a restart; ask again."
        liked = evt.liked if isinstance(evt.liked, bool) else None
        before = _pairs(plain_history(history[: index - 1]))
        # one id per answer shown, so that a changed mind replaces the earlier thumb
        same = uuid.uuid5(uuid.NAMESPACE_URL, f"{request.session_hash}/{index}/{answer.text}")
        row = feedback.record(answer, before, liked, id=same.hex)
        path = feedback.save(Path(self.bot.settings.index_dir), row)
        said = {True: "Thanks: kept as a right answer", False: "Thanks: kept as a wrong answer",
                None: "Taken back"}[liked]
        pending = {"key": index, "id": row["id"], "history": before}
        return (pending if liked is False else None, gr.update(visible=liked is False),
                f"{said} in {path} (never sent anywhere).")

    def correct(self, pending: dict[str, Any] | None, text: str, request: gr.Request
                ) -> tuple[Any, ...]:
        """The right answer to the answer last marked wrong."""
        answer = self.sessions.get(request, pending["key"]) if pending else None
        if answer is None or not (text or "").strip():
            return pending, gr.skip(), gr.skip(), "Type the right answer first."
        row = feedback.record(answer, pending["history"], False, correct=text,
                              id=pending["id"])
        path = feedback.save(Path(self.bot.settings.index_dir), row)
        return (None, gr.update(visible=False), "",
                f"Thanks: the right answer is kept; `assistant eval {path}` asks it again.")

    def ask(self, question: str, history: list | None = None, reader: str | None = None
            ) -> dict[str, Any]:
        """Answer a question from the documents; returns the Answer as JSON. `reader`: "llm"
        or "extractive" (default: the server's)."""
        try:
            return self.bot.ask(question, history or (), reader=reader or None).to_dict()
        except AssistantError as exc:  # the user's to fix, not a fault: no traceback logged
            raise gr.Error(str(exc), print_exception=False) from None

    # --- documents ------------------------------------------------------------------------

    def panel(self) -> tuple[Any, ...]:
        docs = self.bot.documents()
        return (status_markdown(self.bot.status()), documents_rows(docs),
                gr.update(choices=[d["source"] for d in docs], value=None))

    def refresh(self, seen: str) -> tuple[Any, ...]:
        """Everything that shows the index, if it changed since generation `seen`: the chat's
        header and example questions, the Documents tab's status, table and choices."""
        try:
            generation = self.bot.generation() or "none"
            if generation == seen:
                return (gr.skip(),) * 6
            docs = self.bot.documents()
            examples = [{"text": q} for q in self.bot.example_questions()]
            return (generation, _header(docs), gr.update(examples=examples), *self.panel())
        except AssistantError as exc:  # a Chroma server gone: said until it is back
            return ("unavailable", _header([], str(exc)), *(gr.skip(),) * 4)

    def header(self) -> str:
        try:
            return _header(self.bot.documents())
        except AssistantError as exc:
            return _header([], str(exc))

    def add_documents(self, files: list[str] | None, replace: bool,
                      progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Add files to the corpus folder (checked on the server) and re-index."""
        if not files:
            return ("Choose one or more files first.", *self.panel())
        results = self.bot.add_documents(files, replace=bool(replace))
        lines = [("Added: " if r.ok else "Not added: ") + r.message for r in results]
        if not any(r.ok for r in results):
            return ("\n\n".join(chat_text(x) for x in lines), *self.panel())
        return self._reindex(progress, lines)

    def remove_document(self, source: str | None, progress: gr.Progress = gr.Progress()
                        ) -> tuple[Any, ...]:
        """Move a document out of the corpus folder (into .removed/) and re-index."""
        if not source:
            return ("Choose a document to remove.", *self.panel())
        try:
            moved = self.bot.remove_document(source)
        except AssistantError as exc:
            return (chat_text(str(exc)), *self.panel())
        rel = moved.relative_to(Path(self.bot.settings.corpus_dir))
        return self._reindex(progress, [f"Removed {source} (kept as {rel})."])

    def reindex(self, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Bring the index up to date with the corpus folder (files edited outside the page)."""
        return self._reindex(progress, [])

    def _reindex(self, progress: gr.Progress, lines: list[str]) -> tuple[Any, ...]:
        def show(done: int, total: int) -> None:
            progress((done, total), desc="Embedding new and changed chunks", unit="chunks")

        try:
            report = self.bot.index(progress=show, say=lambda m: progress(None, desc=m))
            lines.append(f"Index updated: {report.summary()}.")
            lines += [f"Warning: {w}" for w in report.warnings] + report.notes
        except AssistantError as exc:
            lines.append(f"Index not updated: {exc}")
        return ("\n\n".join(chat_text(x) for x in lines), *self.panel())


class _Answers:
    """Each browser session's answers by message position, so a click on a source of any
    answer opens it, and a thumb on one is saved with it. Bounded: the oldest sessions are
    forgotten first."""

    def __init__(self, max_sessions: int = 512) -> None:
        self._by_session: OrderedDict[str, dict[int, Answer]] = OrderedDict()
        self._max = max_sessions
        self._lock = threading.Lock()

    def put(self, request: gr.Request, key: int, answer: Answer) -> None:
        with self._lock:
            session = self._by_session.pop(request.session_hash or "", {})
            session[key] = answer
            self._by_session[request.session_hash or ""] = session
            while len(self._by_session) > self._max:
                self._by_session.popitem(last=False)

    def get(self, request: gr.Request, key: int) -> Answer | None:
        with self._lock:
            return self._by_session.get(request.session_hash or "", {}).get(key)

    def drop(self, request: gr.Request) -> None:
        with self._lock:
            self._by_session.pop(request.session_hash or "", None)

    def drop_all(self) -> None:
        """Forget every session's answers (what a restart does)."""
        with self._lock:
            self._by_session.clear()


def _position(evt: gr.SelectData | gr.LikeData) -> int:
    """Which message of the chat an event is about."""
    return int(evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index)


def _pairs(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(question, answer) pairs of a chat's messages."""
    pairs, question = [], None
    for m in messages:
        if m["role"] == "user":
            question = m["content"]
        elif question is not None:
            pairs.append((question, m["content"]))
            question = None
    return pairs


def _header(documents: list[dict[str, Any]], problem: str = "") -> str:
    n = len(documents)
    if problem:  # the index cannot be read now: what the user is told to do about it
        about = f"**{problem}**"
    elif not n:
        about = "No documents indexed yet: add some in the Documents tab."
    else:
        about = (f"Answers come from your {n} indexed document{'' if n == 1 else 's'} and cite "
                 "them; choose a source under an answer to read it in its document.")
    return f"# Ask your documents\n\n{about}"

