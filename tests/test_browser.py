"""The page in a real browser: Debian's Chromium driven by Playwright (`make test` installs
Chromium). Screenshots go to tests/screenshots/ (git-ignored); the README's picture is one."""

import contextlib
import json
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant import Assistant, feedback
from assistant.cli import main

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
QUESTION = "How large is the Oppama plant?"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("browser tests need /usr/bin/chromium; `make test` installs it")
    pytest.skip("no /usr/bin/chromium: run `make test`, which installs it", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    """A fresh tab on the page; fails the test if the page asked anything of another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda r: outside.append(r.url)
           if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") else None)
    tab.goto(site[0], wait_until="load")  # gradio keeps a connection open: never networkidle
    expect(tab.locator("#chatbot")).to_be_visible(timeout=30_000)
    yield tab
    context.close()
    assert outside == [], f"the page reached outside the machine: {outside}"


@contextlib.contextmanager
def own_page(browser, bot):
    """`bot` served on a page of its own, and a tab on it: (tab, app)."""
    from conftest import free_port

    from assistant.web import serve

    app = serve(bot, "127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(app.local_url, wait_until="load")
        yield tab, app
    finally:
        context.close()
        app.close()


def shot(tab, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def ask(tab, question: str) -> None:
    box = tab.locator("#chatbot").locator("xpath=following::textarea[1]")
    box.fill(question)
    box.press("Enter")


def answers(tab):
    return tab.locator("#chatbot [data-testid='bot']")


def test_ask_see_the_answer_once_and_open_its_source(page):
    ask(page, QUESTION)
    answer = answers(page).last
    expect(answer.locator(".reader-note")).to_contain_text("Strong support", timeout=60_000)
    # the quote once, highlighted; its source once, in one line
    assert answer.inner_text().count("170-hectare") == 1
    expect(answer.locator("mark")).to_have_count(1)
    expect(answer.locator("mark")).to_contain_text("170-hectare")
    expect(answer.locator(".cite-link")).to_have_text("[1] nissan-foxconn-ev-alliance.txt")
    # the viewer opens the answer's source by itself, at the quote
    span = page.locator("#viewer #cited-span")
    expect(span).to_contain_text("170-hectare", timeout=30_000)
    expect(span).to_be_in_viewport()
    page.get_by_role("button", name="Copy message").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == ("Nissan's Oppama plant, a 170-hectare facility in Kanagawa Prefecture, is "
                      "a relic of Japan's manufacturing prowess. [1]\n\n[1] nissan-foxconn-ev-"
                      "alliance.txt: “Nissan's Oppama plant, a 170-hectare facility in Kanagawa "
                      "Prefecture, is a relic of Japan's manufacturing prowess.”")
    shot(page, "answer-with-citation")


def test_a_source_of_an_earlier_answer_opens_and_the_chat_follows_the_newest(page):
    ask(page, QUESTION)
    expect(page.locator("#viewer #cited-span")).to_contain_text("170-hectare", timeout=60_000)
    ask(page, "Who is the Taiwanese tech giant?")
    expect(page.locator("#viewer #cited-span")).to_contain_text("Foxconn", timeout=60_000)
    ask(page, "How many jobs would closing the Oppama plant cost?")
    expect(page.locator("#viewer #cited-span")).to_contain_text("3,900", timeout=60_000)
    page.locator("#chatbot .cite-link").first.click()  # scrolls the chat up to it
    expect(page.locator("#viewer #cited-span")).to_contain_text("170-hectare", timeout=30_000)
    answers(page).nth(1).locator(".cite-mark").click()  # an [n] marker opens it too
    expect(page.locator("#viewer #cited-span")).to_contain_text("Foxconn", timeout=30_000)

    ask(page, "What will Foxconn build at Oppama?")
    expect(answers(page)).to_have_count(4, timeout=60_000)
    expect(page.locator("#chatbot .reader-note, #chatbot .not-found").last).to_be_visible()
    chat = page.locator("#chatbot .bubble-wrap").bounding_box()
    last = answers(page).last.bounding_box()
    assert chat and last and last["y"] + last["height"] <= chat["y"] + chat["height"] + 2

    page.locator("#chatbot").get_by_role("button", name="Clear").click()
    expect(page.locator("#chatbot")).not_to_contain_text("170-hectare", timeout=30_000)
    expect(page.locator("#viewer")).to_contain_text("Choose a source")


def test_on_a_phone_nothing_is_cut_off_and_a_source_scrolls_into_sight(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(site[0], wait_until="load")
    expect(tab.locator("#chatbot")).to_be_visible(timeout=30_000)
    ask(tab, QUESTION)
    expect(answers(tab).last.locator(".support")).to_be_visible(timeout=60_000)
    ask(tab, "Who is the Taiwanese tech giant?")
    expect(answers(tab)).to_have_count(2, timeout=60_000)
    expect(answers(tab).last.locator(".support")).to_be_visible(timeout=60_000)
    # one column, no sideways scrolling, the chat not a scrolling box of its own
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    chat = tab.locator("#chatbot .bubble-wrap")
    assert chat.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    for box in (answers(tab).first.bounding_box(), answers(tab).last.bounding_box()):
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(tab, "phone", full_page=True)
    answers(tab).first.locator(".cite-link").click()
    expect(tab.locator("#viewer #cited-span")).to_contain_text("170-hectare", timeout=30_000)
    expect(tab.locator("#viewer .doc-head")).to_be_in_viewport()
    context.close()


def test_off_topic_question_gets_the_not_found_style(page):
    ask(page, "What is the capital of France?")
    not_found = page.locator("#chatbot .not-found")
    expect(not_found).to_contain_text("Not found in your documents", timeout=60_000)
    assert not_found.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    expect(page.locator("#chatbot .cite-link")).to_have_count(0)
    shot(page, "not-found")


def test_example_question_from_the_documents_answers_with_strong_support(page):
    example = page.locator("#chatbot").get_by_role("button", name="What is Nissan's Oppama plant?")
    expect(example).to_be_visible()
    example.click()
    expect(page.locator("#chatbot .support")).to_have_text("Strong support", timeout=60_000)


def test_thumbs_and_a_right_answer_are_saved_and_assistant_eval_reads_them(page, site,
                                                                          capsys):
    url, bot = site
    saved = Path(bot.settings.index_dir) / feedback.FILE
    saved.unlink(missing_ok=True)
    ask(page, QUESTION)
    expect(answers(page).last.locator(".support")).to_be_visible(timeout=60_000)
    ask(page, "Who is the Taiwanese tech giant?")
    expect(answers(page)).to_have_count(2, timeout=60_000)
    expect(answers(page).last.locator(".support")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Like", exact=True).first.click()
    expect(page.locator("#feedback-note")).to_contain_text("kept as a right answer")
    expect(page.locator("#correction")).to_be_hidden()
    page.get_by_role("button", name="Dislike", exact=True).last.click()
    expect(page.locator("#feedback-note")).to_contain_text("kept as a wrong answer")
    page.locator("#right-answer textarea").fill("Foxconn")
    page.locator("#save-right-answer").click()
    expect(page.locator("#feedback-note")).to_contain_text("the right answer is kept")
    expect(page.locator("#correction")).to_be_hidden()

    rows = [json.loads(line) for line in saved.read_text().splitlines()]
    assert [r["verdict"] for r in rows] == ["up", "down", "down"]
    assert rows[2]["id"] == rows[1]["id"] and rows[2]["answers"] == ["Foxconn"]
    assert rows[1]["history"] == [[QUESTION, rows[0]["answer"]]]  # the follow-up's context
    capsys.readouterr()
    assert main(["eval", str(saved), "--corpus", str(bot.settings.corpus_dir), "--index",
                 str(bot.settings.index_dir), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["questions"] == 2 and scores["answer_hit"] == 1.0
    saved.unlink()


def test_upload_a_document_then_ask_about_it(page, tmp_path):
    note = tmp_path / "heron_count.md"
    note.write_text("# Heron count\n\nVolunteers counted 57 grey herons at Rye_Harbour *east*.\n")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(note))
    # Gradio shows the name and its extension in two elements ("heron-count .md")
    expect(page.locator("#upload")).to_contain_text(re.compile(r"heron_count\s*\.md"),
                                                    timeout=30_000)
    page.locator("#add").click()
    expect(page.locator("#index-log")).to_contain_text("Index updated", timeout=120_000)
    expect(page.locator("#index-log")).to_contain_text("added as heron_count.md")
    expect(page.locator("#documents")).to_contain_text("heron_count.md")
    shot(page, "documents")

    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#chat-header")).to_contain_text("your 2 indexed documents")
    ask(page, "How many grey herons did the volunteers count?")
    # a name and a passage with Markdown's characters read as written, not backslashed
    expect(page.locator("#chatbot .cite-link").last).to_contain_text("heron_count.md",
                                                                     timeout=60_000)
    expect(page.locator("#chatbot mark").last).to_contain_text("57 grey herons at Rye_Harbour "
                                                               "east")
    expect(page.locator("#viewer #cited-span")).to_contain_text("57 grey herons")


def test_the_page_follows_an_index_changed_by_another_program(page, site):
    """Another `Assistant` on the same folders (as `assistant index` in a shell would be)
    adds a document, then removes it: the open page shows both, without a reload."""
    url, bot = site
    other = Assistant(bot.settings.corpus_dir, bot.settings.index_dir)
    n = len(bot.documents())
    added = Path(bot.settings.corpus_dir) / "lighthouse.md"
    added.write_text("# Lighthouses\n\nThe Fastnet lighthouse is a granite tower off the coast "
                     "of Ireland.\n")
    try:
        other.index()
        expect(page.locator("#chat-header")).to_contain_text(f"your {n + 1} indexed documents",
                                                             timeout=30_000)
        example = page.locator("#chatbot").get_by_role(
            "button", name="What is the Fastnet lighthouse?")
        expect(example).to_be_visible()
        page.get_by_role("tab", name="Documents").click()
        expect(page.locator("#documents")).to_contain_text("lighthouse.md")
        page.get_by_role("tab", name="Chat").click()
        example.click()
        expect(page.locator("#chatbot .cite-link")).to_contain_text("lighthouse.md",
                                                                    timeout=60_000)
    finally:
        added.unlink()
        other.index()
    expect(page.locator("#chat-header")).to_contain_text(f"your {n} indexed document",
                                                         timeout=30_000)
    page.get_by_role("tab", name="Documents").click()
    expect(page.locator("#documents")).not_to_contain_text("lighthouse.md")



@pytest.fixture
def llm_page(browser, llm_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(llm_site[0], wait_until="load")
    expect(tab.locator("#chatbot")).to_be_visible(timeout=30_000)
    yield tab
    context.close()


def test_the_reader_switch_picks_who_writes_the_answer(llm_page):
    page = llm_page
    generated = page.get_by_role("radio", name="Generated, citations checked")
    expect(generated).to_be_checked()
    page.evaluate("""() => { window.sawDraft = false;
        new MutationObserver(() => { if (document.querySelector('#chatbot .draft'))
            window.sawDraft = true; }).observe(document.querySelector('#chatbot'),
            {subtree: true, childList: true, characterData: true}); }""")
    ask(page, "How many jobs would closing the plant cost?")
    note = page.locator("#chatbot .reader-note").last
    expect(note).not_to_contain_text("checking", timeout=60_000)
    assert page.evaluate("window.sawDraft")  # the model's words streamed in first
    answer = answers(page).last
    expect(answer.locator("mark")).to_contain_text("3,900")
    shot(page, "llm-answer")

    page.get_by_role("radio", name="Quoted", exact=True).check()
    ask(page, "How large is the Oppama plant?")
    expect(page.locator("#chatbot .reader-note").nth(1)).to_contain_text(
        "· Quoted from your documents", timeout=60_000)


def test_a_source_opens_when_the_server_no_longer_holds_its_answer(browser, site):
    """As after a restart that the page did not notice, or behind another worker: the
    server forgets every answer it gave; their sources still open, from what each link
    says of itself. (A real restart is not used: Gradio reloads the page, empty, when a
    request of its own fails while the server is down.)"""
    from assistant.page import Page

    with own_page(browser, site[1]) as (tab, app):
        ask(tab, QUESTION)
        expect(tab.locator("#viewer #cited-span")).to_contain_text("170-hectare",
                                                                   timeout=60_000)
        ask(tab, "Who is the Taiwanese tech giant?")
        expect(tab.locator("#viewer #cited-span")).to_contain_text("Foxconn", timeout=60_000)
        pages = {f.fn.__self__ for f in app.fns.values()
                 if isinstance(getattr(f.fn, "__self__", None), Page)}
        assert len(pages) == 1
        pages.pop().sessions.drop_all()
        answers(tab).first.locator(".cite-link").click()
        expect(tab.locator("#viewer #cited-span")).to_contain_text("170-hectare",
                                                                   timeout=30_000)


def test_a_worker_on_a_chroma_server_says_when_the_server_is_gone(browser, chroma_server,
                                                                   corpus, tmp_path):
    """The page of a worker whose index is on a Chroma server: the server stopped, the
    header and an answer say so in one line each; started again, the same worker answers."""
    bot = Assistant(corpus, tmp_path / "w", chroma_url=chroma_server.url("page"))
    bot.index()
    with own_page(browser, bot) as (tab, _):
        ask(tab, QUESTION)
        expect(answers(tab).last).to_contain_text("170-hectare", timeout=60_000)
        chroma_server.stop()
        try:
            header = tab.locator("#chat-header")
            expect(header).to_contain_text("does not answer", timeout=20_000)
            ask(tab, QUESTION)
            expect(answers(tab).last.locator(".error")).to_contain_text(
                f"Chroma server at {chroma_server.url('page')} does not answer", timeout=30_000)
            shot(tab, "server-gone")
        finally:
            chroma_server.start()
        expect(header).to_contain_text("your 1 indexed document", timeout=20_000)
        ask(tab, "Who is the Taiwanese tech giant?")
        expect(answers(tab).last).to_contain_text("Foxconn", timeout=60_000)
