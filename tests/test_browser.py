"""The page in a real browser: Debian's Chromium driven by Playwright (`make test` installs
Chromium). Screenshots go to tests/screenshots/ (git-ignored); the README's picture is one."""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

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


def shot(tab, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"))


def ask(tab, question: str) -> None:
    box = tab.locator("#chatbot").locator("xpath=following::textarea[1]")
    box.fill(question)
    box.press("Enter")


def test_ask_see_the_cited_answer_and_open_the_citation(page):
    ask(page, QUESTION)
    answer = page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").last
    expect(answer).to_contain_text("170-hectare", timeout=60_000)
    expect(answer.locator(".sources mark")).to_contain_text("170-hectare")
    page.get_by_role("button", name="Copy message").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Nissan's Oppama plant, a 170-hectare facility") and "<" not in copied
    assert copied.endswith("[1] nissan-foxconn-ev-alliance.txt: “Nissan's Oppama plant, a "
                           "170-hectare facility in Kanagawa Prefecture, is a relic of Japan's "
                           "manufacturing prowess.”")

    page.locator("#sources [data-cite='1']").click()
    span = page.locator("#viewer #cited-span")
    expect(span).to_contain_text("170-hectare", timeout=30_000)
    expect(span).to_be_in_viewport()
    expect(page.locator("#viewer .doc-head")).to_contain_text("nissan-foxconn-ev-alliance.txt")
    shot(page, "answer-with-citation")


def test_choosing_an_earlier_answer_shows_its_sources_and_clear_empties_all(page):
    ask(page, QUESTION)
    expect(page.locator("#sources")).to_contain_text("170-hectare", timeout=60_000)
    ask(page, "Who is the Taiwanese tech giant?")
    expect(page.locator("#sources")).to_contain_text("Foxconn", timeout=60_000)
    expect(page.locator("#sources")).not_to_contain_text("170-hectare")
    page.locator("#chatbot").get_by_text("170-hectare").first.click()
    expect(page.locator("#sources")).to_contain_text("170-hectare", timeout=30_000)

    page.locator("#chatbot").get_by_role("button", name="Clear").click()
    expect(page.locator("#chatbot")).not_to_contain_text("170-hectare", timeout=30_000)
    expect(page.locator("#sources")).to_contain_text("Sources of the selected answer")


def test_off_topic_question_gets_the_not_found_style(page):
    ask(page, "What is the capital of France?")
    not_found = page.locator("#chatbot .not-found")
    expect(not_found).to_contain_text("Not found in your documents", timeout=60_000)
    assert not_found.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    expect(page.locator("#sources")).to_contain_text("Sources of the selected answer")
    shot(page, "not-found")


def test_example_question_from_the_documents_answers(page):
    example = page.locator("#chatbot").get_by_role("button", name="What is")
    expect(example.first).to_be_visible()
    example.first.click()
    expect(page.locator("#chatbot .sources")).to_be_visible(timeout=60_000)


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
    ask(page, "How many grey herons did the volunteers count?")
    expect(page.locator("#sources")).to_contain_text("heron_count.md", timeout=60_000)
    expect(page.locator("#chatbot .sources mark").last).to_contain_text("57 grey herons")
    # a name and a passage with Markdown's characters read as written, not backslashed
    expect(page.locator("#chatbot .cite-head").last).to_contain_text("heron_count.md")
    expect(page.locator("#chatbot .sources mark").last).to_contain_text("Rye_Harbour east")
    page.locator("#sources [data-cite='1']").click()
    expect(page.locator("#viewer #cited-span")).to_contain_text("57 grey herons")



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
    answer = page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").last
    expect(answer.locator(".sources mark")).to_contain_text("3,900")
    shot(page, "llm-answer")

    page.get_by_role("radio", name="Quoted", exact=True).check()
    ask(page, "How large is the Oppama plant?")
    expect(page.locator("#chatbot .reader-note").nth(1)).to_have_text(
        "Quoted from your documents", timeout=60_000)
