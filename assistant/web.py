"""The Gradio page: a thin shell over the public `Assistant` API; this module lays it out and
`page` holds its handlers (they are the only modules that import gradio).

    Chat tab        streamed answers, sources of the selected answer, document viewer
    Documents tab   index status, the documents, upload / remove / re-index with progress

API endpoints (what `gradio_client` sees): `/chat` (streamed, what the page uses), `/ask` (the
Answer as JSON), `/add_documents`, `/remove_document`, `/reindex`. Every check on uploads
(type, size, readable text, name) runs on the server, so a client that skips the page meets
the same limits. `page.Page` holds the handlers, one method each; `build_app` lays them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from gradio.data_classes import ListFiles

from . import SUPPORTED_SUFFIXES
from .api import Assistant
from .guard import LoginGuard, check_exposure
from .page import VIEWER_EMPTY, Page
from .render import documents_rows, status_markdown

REFRESH_SECONDS = 5  # how soon an open page shows an index changed by another process
CSS = Path(__file__).with_name("web.css").read_text(encoding="utf-8")
JS = Path(__file__).with_name("web.js").read_text(encoding="utf-8")  # plain-text copy
# A click on a source or an [n] in an answer opens the viewer there (the viewer holds the
# listener: its `trigger` is what reaches the server); the viewer then scrolls to the quote,
# and, after a click, into sight when the page is one column (a phone).
VIEWER_JS = """
window.openCitation = (a) => {
  const [, answer, cite] = a.hash.split('-').map(Number);
  // what the link says of itself, for a server that no longer holds the answer (restarted)
  const msg = a.closest('.answer'), end = `-${cite}`;
  const link = msg && [...msg.querySelectorAll('.cite-link')].find(l => l.hash.endsWith(end));
  const marker = msg && [...msg.querySelectorAll('.cite-mark')].find(m => m.hash.endsWith(end));
  const mark = link?.nextElementSibling?.matches('.cite-quote') ? link.nextElementSibling
    : marker?.previousElementSibling?.matches('mark') ? marker.previousElementSibling : null;
  const source = (link?.title.match(/^Open (.*) at the quoted words$/) || [])[1] || '';
  window.citationAsked = true;
  trigger('click', {cite, answer, source, quote: mark ? mark.textContent : ''});
};
if (!window.citationClicks) {  // once per page, however often the viewer mounts
  window.citationClicks = true;
  document.addEventListener('click', (e) => {
    const a = e.target.closest('#chatbot a[href^="#cite-"]');
    if (a) { e.preventDefault(); e.stopPropagation(); window.openCitation(a); }
  }, true);
}
watch('value', () => {
  const m = element.querySelector('#cited-span'), t = element.querySelector('.doc-text');
  if (m && t) t.scrollTop = m.offsetTop - t.clientHeight / 4;
  const r = element.getBoundingClientRect(), asked = window.citationAsked;
  window.citationAsked = false;  // an answer's own first source opens without a jump
  if (m && asked && (r.top > innerHeight || r.bottom < 0)) element.scrollIntoView();
});"""

def build_app(bot: Assistant) -> gr.Blocks:
    page = Page(bot)
    with gr.Blocks(title="Document assistant", fill_height=True) as app:
        with gr.Tab("Chat"):
            header, chatbot = _chat_tab(page)
        with gr.Tab("Documents"):
            panel, changes = _documents_tab(page)
        gr.api(page.ask, api_name="ask")
        # What shows the index follows it: on every visit, after each change made here, and
        # within REFRESH_SECONDS of one made elsewhere (another process, a file removed).
        seen = gr.State("")  # the index generation the page shows
        live = dict(fn=page.refresh, inputs=[seen], outputs=[seen, header, chatbot, *panel],
                    api_visibility="private", show_progress="hidden")
        app.load(**live)
        gr.Timer(REFRESH_SECONDS).tick(**live)
        for change in changes:
            change.then(**live)
    return app


def _named_refusals(upload: gr.File) -> gr.File:
    """Gradio refuses a file of another type before any handler runs, and logs a traceback
    for it; a refused file is the user's to fix, not a fault, so here its message names the
    file and nothing is logged. (Set on the instance: a subclass of a Gradio component makes
    Gradio write a .pyi file beside this module at import.)"""
    preprocess = upload.preprocess

    def named(payload: Any) -> Any:
        try:
            return preprocess(payload)
        except gr.Error:
            files = payload.root if isinstance(payload, ListFiles) else [payload]
            names = ", ".join(Path(f.orig_name or f.path).name for f in files)
            raise gr.Error(f"{names}: only {', '.join(SUPPORTED_SUFFIXES)} files can be added",
                           print_exception=False) from None

    upload.preprocess = named  # type: ignore[method-assign]
    return upload


def _chat_tab(page: Page) -> tuple[gr.Markdown, gr.Chatbot]:
    bot = page.bot
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            # a callable: each visit gets the index as it is, not as it was at start
            header = gr.Markdown(page.header, elem_id="chat-header")
            model = bot.model_description()
            reader_choice = gr.Radio(
                [("Generated, citations checked", "llm"), ("Quoted", "extractive")],
                value=bot.reader_name(), label=f"Answers ({model})", visible=bool(model),
                elem_id="reader", container=False)
            viewer = gr.HTML(VIEWER_EMPTY, js_on_load=VIEWER_JS, render=False,
                             elem_id="viewer")
            chat = gr.ChatInterface(
                page.respond,
                chatbot=gr.Chatbot(elem_id="chatbot", buttons=["copy"], height=560,
                                   placeholder="Ask about your documents. Answers quote "
                                               "them and cite where the words are."),
                # one example at least, so that Gradio wires clicks on the ones that come
                examples=[[q] for q in bot.example_questions()] or [[""]],
                additional_inputs=[reader_choice],
                additional_outputs=[viewer],
                api_name="chat",
                flagging_mode="never",
                fill_height=False,
            )
            with gr.Row(visible=False, elem_id="correction") as correction:
                right = gr.Textbox(label="The right answer, if you know it (optional)",
                                   elem_id="right-answer", scale=4)
                save = gr.Button("Save", elem_id="save-right-answer", scale=1)
            said = gr.Markdown(elem_id="feedback-note")
        with gr.Column(scale=2):
            gr.Markdown("### Document")
            viewer.render()
    chat.chatbot.select(page.select_answer, None, viewer, api_visibility="private")
    chat.chatbot.clear(page.clear, None, viewer, api_visibility="private")
    viewer.click(page.open_citation, None, viewer, api_visibility="private")
    pending = gr.State(None)  # the answer last marked wrong, for its right answer
    chat.chatbot.like(page.feedback, chat.chatbot, [pending, correction, said],
                      api_visibility="private")
    save.click(page.correct, [pending, right], [pending, correction, right, said],
               api_visibility="private")
    return header, chat.chatbot


def _documents_tab(page: Page) -> tuple[list[gr.components.Component], list[Any]]:
    """The tab's index status, table and removal choice, and the events that change them."""
    docs = page.bot.documents()
    status_md = gr.Markdown(status_markdown(page.bot.status()), elem_id="index-status")
    table = gr.Dataframe(documents_rows(docs), elem_id="documents",
                         headers=["Document", "Title", "Chunks", "Indexed"],
                         interactive=False, wrap=True)
    with gr.Row():
        with gr.Column():
            upload = _named_refusals(gr.File(label="Add documents", file_count="multiple",
                                             file_types=[*SUPPORTED_SUFFIXES, ".gz"],
                                             elem_id="upload"))
            replace = gr.Checkbox(label="Replace documents that have the same name")
            add_btn = gr.Button("Add and index", variant="primary", elem_id="add")
        with gr.Column():
            choice = gr.Dropdown([d["source"] for d in docs], label="Document to remove",
                                 elem_id="remove-choice")
            remove_btn = gr.Button("Remove and re-index", variant="stop")
            reindex_btn = gr.Button("Re-index the folder")
    log = gr.Markdown(elem_id="index-log")
    outputs = [log, status_md, table, choice]
    added = add_btn.click(page.add_documents, [upload, replace], outputs,
                          api_name="add_documents")
    added.then(lambda: None, None, upload, api_visibility="private")  # for the next files
    removed = remove_btn.click(page.remove_document, [choice], outputs,
                               api_name="remove_document")
    reindexed = reindex_btn.click(page.reindex, None, outputs, api_name="reindex")
    return outputs[1:], [added, removed, reindexed]


def serve(bot: Assistant, host: str = "127.0.0.1", port: int = 7860, *,
          auth: str | None = None, no_auth: bool = False, login_delay: float = 1.0,
          **launch: Any) -> gr.Blocks:
    """Launch the page; returns the app (running in the background with prevent_thread_lock).
    `login_delay`: seconds each wrong password costs (see `LoginGuard`)."""
    credentials = check_exposure(host, auth, no_auth)
    guard = LoginGuard(*credentials, delay=login_delay) if credentials else None
    theme = gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    app = build_app(bot)
    app.launch(
        # show_error: a request Gradio refuses before our handlers (a file path it did not
        # receive as an upload) says why, instead of an empty error
        server_name=host, server_port=port, share=False, show_error=True, theme=theme, css=CSS,
        js=JS,
        footer_links=["api"], auth=guard.check if guard else None,
        auth_message="Document assistant",
        max_file_size=int(bot.settings.indexing.max_file_mb * 1e6), **launch)
    return app
