"""The page's HTML, from the public records alone: escaped, highlighted, and honest about a
document that changed."""

from assistant import Answer, Citation
from assistant.render import (
    NOT_FOUND_LABEL,
    answer_html,
    answer_plain,
    chat_text,
    document_html,
    documents_rows,
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


def test_an_answer_shows_its_quote_marked_once_and_its_source_once():
    answer = Answer(text="It employs 3,900 people. [1]", citations=[_citation()], found=True,
                    evidence=0.995)
    shown = answer_html(answer, key=4)
    assert shown.count("<mark>") == 1 and "<mark>It employs 3,900 people.</mark>" in shown
    assert shown.count("3,900") == 2  # the answer, and the copy button's data-quote
    assert shown.count("plant &amp; co.txt") == 2  # the source line, and its tooltip
    assert shown.count('href="#cite-4-1"') == 2  # the [1] marker and the source line
    assert "<b>covers</b>" not in shown and "Strong support" in shown
    assert answer_plain(shown) == "It employs 3,900 people. [1]"


def test_a_documents_own_footnote_number_in_a_quote_is_no_link():
    """Perl's Test::Tutorial quoted: "…off the top of my head. [9]" is the document's
    footnote, not a ninth source; only markers that name a citation link to one."""
    doc = "MacPerl is one off the top of my head. [9] Skip it."
    quote = doc.index("[9]") + 3
    cite = Citation(index=1, source="Tutorial.pod", title="Tutorial", text=doc, start=0,
                    end=len(doc), score=0.1, quote_start=0, quote_end=quote)
    shown = answer_html(Answer(text=f"{doc[:quote]} [1] [7]", citations=[cite], found=True,
                               evidence=0.99), key=3)
    assert "<mark>MacPerl is one off the top of my head. [9]</mark>" in shown
    assert 'href="#cite-3-1">[1]</a>' in shown and "cite-3-9" not in shown
    assert "cite-3-7" not in shown and " [7]" in shown


def test_a_generated_answer_shows_the_quote_beside_its_source():
    answer = Answer(text="About 3,900 jobs [1].", citations=[_citation()], found=True,
                    reader="llm", evidence=0.8)
    shown = answer_html(answer, key=2)
    assert '<mark class="cite-quote">It employs 3,900 people.</mark>' in shown
    assert "Some support" in shown and "language model" in shown


def test_the_support_shown_follows_the_confidence():
    words = [answer_html(Answer("x [1]", [_citation()], True, evidence=e))
             for e in (0.999, 0.8, 0.62)]
    assert ["Strong support" in words[0], "Some support" in words[1],
            "Weak support" in words[2]] == [True, True, True]


def test_a_not_found_answer_has_its_own_look_and_no_sources():
    shown = answer_html(Answer(text="I could not find it.", citations=[], found=False))
    assert NOT_FOUND_LABEL in shown and 'class="not-found"' in shown
    assert "cite-link" not in shown and answer_plain(shown) is None


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
