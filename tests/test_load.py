import os
from pathlib import Path

import pytest
from conftest import ARTICLE, write_pdf

from assistant.documents import find_documents
from assistant.errors import CorpusError, DocumentError
from assistant.load import load_document
from assistant.text import normalize_text


def load(path: Path, **kw):
    return load_document(path, path.parent, **kw)


def test_article_title_leftovers_and_stray_character():
    doc = load(ARTICLE)
    assert doc.title == "Nissan-Foxconn Alliance: A Blueprint for EV Dominance?"
    assert "In May 2025, Nissan sold 76,977 vehicles" in doc.text  # the stray 光 is gone
    body = "".join(doc.text[s:e] for s, e in doc.body())
    for leftover in ("Add a public comment", "No comments yet", "author avatar",
                     "AI Writing Agent built on"):
        assert leftover in doc.text and leftover not in body
    assert "Stay tuned to milestones" in body
    # a mark of that script set apart is meant: DHAT's manual explains its ditto symbol
    assert normalize_text('The ditto symbol (\u3003) means "same".') == (
        'The ditto symbol (\u3003) means "same".')


def test_markdown_title_and_rendered_text(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Intro line\n\n# Release notes\n\nVersion 2 ships **today**.\n")
    doc = load(path)
    assert doc.title == "Release notes"
    assert doc.text == "Intro line\n\nRelease notes\n\nVersion 2 ships today."


def test_html_keeps_prose_joins_inline_tags_and_drops_chrome(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Tides</title><style>p{}</style></head><body>"
        "<nav>Home | About</nav><h1>Tides</h1><p>The <b>moon</b> pulls the sea.</p>"
        "<script>alert(1)</script><footer>Copyright</footer></body></html>")
    doc = load(path)
    assert doc.title == "Tides"
    assert "The moon pulls the sea." in doc.text
    for chrome in ("Home", "alert", "Copyright", "p{}"):
        assert chrome not in doc.text


def test_pdf_pages_are_kept(tmp_path):
    path = write_pdf(tmp_path / "report.pdf", ["Page one talks about apples.",
                                               "Page two talks about pears."])
    doc = load(path)
    assert doc.page_at(doc.text.index("apples")) == 1
    assert doc.page_at(doc.text.index("pears")) == 2
    assert all(not (s < doc.page_starts[1] < e) for s, e in doc.body())


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("latin.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not valid UTF-8"),
    ("empty.md", b"  \n", "empty"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "not a readable PDF"),
])
def test_bad_files_get_a_specific_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason) as err:
        load(path)
    assert err.value.path == name


def _pdf_with_a_big_array(path: Path, elements: int) -> Path:
    """A one-page PDF with text whose page dictionary holds an array of `elements` numbers, as
    some real filings do (two of the SEC 10-Q PDFs have arrays over pypdf's default cap)."""
    content = b"BT /F1 12 Tf 72 720 Td (Quarterly revenue grew.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /PieceInfo [" + b"0 " * elements + b"] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_pdf_with_arrays_over_pypdfs_default_cap_is_read(tmp_path):
    pdf = _pdf_with_a_big_array(tmp_path / "filing.pdf", 150_000)
    doc = load_document(pdf, tmp_path)
    assert "Quarterly revenue grew." in doc.text


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = write_pdf(tmp_path / "scan.pdf", [""])  # a blank page: OCR finds nothing either
    with pytest.raises(DocumentError, match="has no text layer.*OCR"):
        load(path)


def test_unreadable_and_oversized_files(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(DocumentError, match="cannot be read"):
        load(tmp_path / "gone.txt")
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(DocumentError, match="limit"):
        load(big, max_bytes=100)


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("Hello wide world.".encode("utf-16"))
    assert load(path).text == "Hello wide world."


def test_find_documents_skips_hidden_and_unsupported(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.pdf", "e.docx", "f.exe", ".hidden.txt",
                 "sub/f.htm"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    os.makedirs(tmp_path / ".git")
    (tmp_path / ".git" / "g.txt").write_text("x")
    others: list[str] = []
    found = [p.relative_to(tmp_path).as_posix() for p in find_documents(tmp_path, others)]
    assert found == ["a.txt", "b.md", "c.html", "d.pdf", "e.docx", "sub/f.htm"]
    assert others == ["f.exe"]  # named by `assistant index`; hidden files are not


def test_missing_corpus_folder_says_what_to_do(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        find_documents(tmp_path / "nope")


def test_special_files_are_refused_before_any_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.mkfifo(corpus / "pipe.txt")  # reading it would wait forever for a writer
    (corpus / "zero.txt").symlink_to("/dev/zero")  # endless, and stat says 0 bytes
    with pytest.raises(DocumentError, match="named pipe"):
        load_document(corpus / "pipe.txt", corpus)
    with pytest.raises(DocumentError, match="character device"):
        load_document(corpus / "zero.txt", corpus, outside_links=True)
    sparse = corpus / "huge.txt"
    with sparse.open("wb") as f:
        f.truncate(8 * 2**30)  # 8 GiB on paper, nothing on disk: must not be read to refuse
    with pytest.raises(DocumentError, match="8589.9 MB, over the 50 MB limit"):
        load_document(sparse, corpus, max_bytes=50_000_000)


def test_links_leaving_the_corpus_are_refused_unless_allowed(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch code is 0000.")
    (corpus / "inside.txt").write_text("Owls hunt at night.")
    (corpus / "sub" / "alias.txt").symlink_to("../inside.txt")
    (corpus / "leak.txt").symlink_to(secret)
    assert load_document(corpus / "sub" / "alias.txt", corpus).text == "Owls hunt at night."
    with pytest.raises(DocumentError, match="outside the corpus folder") as err:
        load_document(corpus / "leak.txt", corpus)
    assert "ASSISTANT_OUTSIDE_LINKS" in str(err.value)
    assert "launch code" in load_document(corpus / "leak.txt", corpus, outside_links=True).text


def test_html_text_flows_like_a_browser_lays_it_out(tmp_path):
    path = tmp_path / "manual.html"
    path.write_text(
        "<html><head><title>Pump manual</title></head><body><h1>Pump</h1>\n"
        "<p>Service the pump every\n   <a href='#s'>400 hours</a>\n or once a year.</p>\n"
        "<p>Line one<br>line two</p><pre>keep\n  this</pre><ul><li>a &amp; b</li></ul>"
        "</body></html>")
    doc = load(path)
    assert doc.title == "Pump manual"
    assert doc.text == ("Pump\n\nService the pump every 400 hours or once a year.\n\n"
                        "Line one\nline two\n\nkeep\n  this\n\na & b")


def test_deeply_nested_html_is_read_in_one_pass(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div>" * 50_000 + "Deep text." + "</div>" * 50_000
                    + "</body></html>")  # minutes with a tree library's inserts
    assert load(path).text == "Deep text."


def test_a_gzipped_document_is_read_as_the_document_inside(tmp_path):
    """Debian installs documentation compressed (README.md.gz, sed.info.gz)."""
    import gzip

    (tmp_path / "README.md.gz").write_bytes(gzip.compress(b"# Vaults\n\nVault 3 is **red**.\n"))
    (tmp_path / "photo.png.gz").write_bytes(gzip.compress(b"no kind of document read"))
    assert [p.name for p in find_documents(tmp_path)] == ["README.md.gz"]
    doc = load(tmp_path / "README.md.gz")
    assert doc.title == "Vaults" and doc.text == "Vaults\n\nVault 3 is red."
    (tmp_path / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not gzip after all")
    with pytest.raises(DocumentError, match="broken.txt.gz: is not a readable gzip file"):
        load(tmp_path / "broken.txt.gz")
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 3_000_000))
    with pytest.raises(DocumentError, match="bomb.txt.gz: unpacks to over the 1 MB limit"):
        load(tmp_path / "bomb.txt.gz", max_bytes=1_000_000)


def test_text_known_by_its_name_is_read_and_programs_are_not(tmp_path):
    """Projects and Debian keep their history and licence in files named, not suffixed."""
    import gzip

    (tmp_path / "CHANGES").write_text("1.2.0\n-----\n\n- Add the heron counter.\n")
    (tmp_path / "changelog.Debian.gz").write_bytes(gzip.compress(
        b"heron (1.2-1) unstable; urgency=medium\n\n  * New upstream release.\n"))
    # copies of several projects' files are named after their project
    (tmp_path / "heron-TODO.gz").write_bytes(gzip.compress(b"Count the egrets too.\n"))
    for other in ("readme.py", "install.sh", "heron-todo.sh"):
        (tmp_path / other).write_text("print('not a document')\n")
    others: list[str] = []
    assert [p.name for p in find_documents(tmp_path, others)] == [
        "CHANGES", "changelog.Debian.gz", "heron-TODO.gz"]
    assert others == ["heron-todo.sh", "install.sh", "readme.py"]
    assert "Count the egrets too." in load(tmp_path / "heron-TODO.gz").text
    assert "Add the heron counter." in load(tmp_path / "CHANGES").text
    assert "New upstream release." in load(tmp_path / "changelog.Debian.gz").text


def test_text_with_no_suffix_is_read_and_programs_and_binaries_are_not(tmp_path):
    """apt's "configure-index" and "preferences" have no suffix; a user keeping them expects
    them read, but not the scripts, build files and programs that have none either."""
    (tmp_path / "configure-index").write_text(
        "/* This file is an index of all APT configuration directives.\n*/\n\n"
        'Acquire\n{\n  Retries "<INT>"; // how often a download is tried again\n};\n')
    (tmp_path / "notes").write_text("Herons nest in \u00e9tangs.\n" * 400)  # cut mid-character
    (tmp_path / "build").write_text("#!/bin/sh\nmake all\n")
    (tmp_path / "Makefile").write_text("all:\n\tcc heron.c\n")
    (tmp_path / "heron").write_bytes(b"\x7fELF\x02\x01\x01\x00" * 64)
    (tmp_path / "latin").write_bytes("Caf\xe9 cr\xe8me\n".encode("latin-1"))
    (tmp_path / "data.bin").write_text("text, but named as another kind\n")
    os.mkfifo(tmp_path / "pipe")  # never opened: a read would hang
    import gzip  # as Debian installs them: bash's "COMPAT.gz"
    (tmp_path / "COMPAT.gz").write_bytes(gzip.compress(b"Herons changed in version 5.\n"))
    (tmp_path / "tool.gz").write_bytes(gzip.compress(b"\x7fELF\x02\x01\x01\x00" * 64))
    others: list[str] = []
    assert [p.name for p in find_documents(tmp_path, others)] == [
        "COMPAT.gz", "configure-index", "notes"]
    assert others == ["Makefile", "build", "data.bin", "heron", "latin", "pipe", "tool.gz"]
    assert "Herons changed in version 5." in load(tmp_path / "COMPAT.gz").text
    index = load(tmp_path / "configure-index")
    assert "how often a download is tried again" in index.text
    assert index.title == "This file is an index of all APT configuration directives."
