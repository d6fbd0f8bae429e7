"""The Gradio chat: a thin page over `Assistant`. The only module that imports gradio.

Two endpoints: `/chat` (the streamed conversation the page uses) and `/ask` (the Answer as
JSON, for programs), both on the same `Assistant`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import gradio as gr

from .api import Assistant
from .errors import AssistantError
from .schema import Answer, Citation

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_citation(c: Citation) -> str:
    """The passage with the quoted sentences in bold, so the evidence stands out in context."""
    before = c.text[: c.quote_start - c.start]
    after = c.text[c.quote_end - c.start :]
    where = f"{_md(c.source)}" + (f", page {c.page}" if c.page else "")
    passage = f"{_md(before)} **{_md(c.quote)}** {_md(after)}".strip()
    return f"**[{c.index}] {where}** · characters {c.start}–{c.end}\n> {passage}"


def render_answer(answer: Answer) -> str:
    if not answer.found:
        return f"*{answer.text}*"
    sources = "\n\n".join(render_citation(c) for c in answer.citations)
    return f"{answer.text}\n\n---\n**Sources**\n\n{sources}"


def build_app(bot: Assistant) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        text = ""
        try:
            for piece in bot.stream(message, history):
                if isinstance(piece, Answer):
                    yield render_answer(piece)
                else:
                    text += piece
                    yield text
        except AssistantError as exc:
            yield f"⚠️ {exc}"

    def ask(question: str, history: list | None = None) -> dict[str, Any]:
        """Answer a question from the documents; returns the Answer as JSON."""
        try:
            return bot.ask(question, history or ()).to_dict()
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None

    status = bot.status()
    docs = ", ".join(sorted(status.get("documents", {}))) or "none yet"
    with gr.Blocks(title="Document assistant", fill_height=True) as app:
        gr.ChatInterface(
            respond,
            title="Ask your documents",
            description=f"Answers quote your documents and cite them. Indexed: {docs}.",
            examples=["How large is the Oppama plant?", "How many jobs would closing it cost?"]
            if "nissan-foxconn-ev-alliance.txt" in status.get("documents", {}) else None,
            api_name="chat",
            flagging_mode="never",
        )
        gr.api(ask, api_name="ask")
    return app


def serve(bot: Assistant, host: str = "127.0.0.1", port: int = 7860, **launch: Any) -> Any:
    theme = gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    return build_app(bot).launch(server_name=host, server_port=port, share=False, theme=theme,
                                 footer_links=["api"], **launch)
