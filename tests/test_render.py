"""The page's HTML, from the public records alone: escaped, highlighted, and honest about a
document that changed."""

from assistant import Answer, Citation
from assistant.render import (
    NOT_FOUND_LABEL,
    answer_html,
    chat_text,
    document_html,
    documents_rows,
    sources_html,
    status_markdown,
    unchat_text,
)

DOC = "Intro line.\n\nThe plant <b>covers</b> 170 hectares. It employs 3,900 people.\n\nEnd."


def _citation() -> Citation:
    start = DOC.index("The plant")
    end = DOC.index("people.") + len("people.")
    quote = DOC.index("It employs")
    return Citation(index=1, source="plant & co.txt", title="Plant", text=DOC[start:end],
                    start=start, end=end, score=0.1, quote_start=quote, quote_end=end)


def test_chat_text_escapes_html_and_markdown_and_comes_back():
    text = "A *star*, a <tag>, a [link](x) and `code`\n on two lines"
    shown = chat_text(text)
    assert "<tag>" not in shown and "\\*star\\*" in shown and "\n" not in shown
    assert unchat_text(shown) == " ".join(text.split())


def test_an_answer_shows_its_quote_marked_inside_its_passage():
    answer = Answer(text="It employs 3,900 people. [1]", citations=[_citation()], found=True)
    shown = answer_html(answer)
    assert "<mark>It employs 3,900 people.</mark>" in shown
    assert "&lt;b&gt;covers&lt;/b&gt;" in shown and "<b>covers</b>" not in shown
    assert "plant &amp; co.txt" in shown and 'data-cite="1"' in shown


def test_a_not_found_answer_has_its_own_look_and_no_sources():
    shown = answer_html(Answer(text="I could not find it.", citations=[], found=False))
    assert NOT_FOUND_LABEL in shown and 'class="not-found"' in shown
    assert 'class="sources"' not in shown


def test_the_viewer_marks_the_quote_or_says_the_document_changed():
    c = _citation()
    shown = document_html(DOC, c)
    assert '<mark id="cited-span">It employs 3,900 people.</mark>' in shown
    assert 'class="passage"' in shown and "Intro line." in shown
    changed = document_html(DOC.replace("170", "171"), c)
    assert "changed after it was indexed" in changed and "cited-span" not in changed


def test_the_viewer_keeps_the_layout_of_text_set_in_short_lines():
    page = "\n".join(f"     ForwardAgent{i:02d}  Specifies whether the connection to the "
                     "agent is forwarded." for i in range(12))
    c = Citation(index=1, source="ssh_config.5.txt", title="", text=page[:60], start=0,
                 end=60, score=1.0, quote_start=0, quote_end=20)
    assert 'class="doc-text laid-out"' in document_html(page, c)
    prose = "\n\n".join("The plant employs many people in the town. " * 8 for _ in range(6))
    c = Citation(index=1, source="notes.txt", title="", text=prose[:60], start=0, end=60,
                 score=1.0, quote_start=0, quote_end=20)
    assert 'class="doc-text"' in document_html(prose, c)  # a paragraph per line: wrapped


def test_the_sources_panel_lists_each_quote_once():
    c = _citation()
    shown = sources_html([c.__dict__])
    assert shown.count("source-item") == 1 and "It employs 3,900 people." in shown
    assert "Sources of the selected answer" in sources_html([])


def test_status_and_documents_read_from_the_manifest():
    status = {"embedding_model": "all-MiniLM-L6-v2", "built_at": "2026-12-01T10:00:00+00:00",
              "state": "building", "chunks": 29, "documents": {"a.txt": {}}}
    line = status_markdown(status)
    assert "1 document, 29 chunks" in line and "2026-12-01 10:00:00 UTC" in line
    assert "state: building" in line
    assert "not built yet" in status_markdown({})
    rows = documents_rows([{"source": "a.txt", "title": "A", "chunks": 29,
                            "indexed_at": "2026-12-01T10:00:00+00:00"}])
    assert rows == [["a.txt", "A", 29, "2026-12-01 10:00:00 UTC"]]
