from conftest import ARTICLE, WRAPPED_LICENCE, write_pdf

from assistant.config import SplitSettings
from assistant.embeddings import Embedder
from assistant.load import load_document
from assistant.split import split_document

EMBEDDER = Embedder()


def test_chunks_are_exact_slices_within_the_window_and_free_of_leftovers():
    doc = load_document(ARTICLE, ARTICLE.parent)
    chunks = split_document(doc, EMBEDDER.count_tokens)
    assert len(chunks) > 3
    for c in chunks:
        assert doc.text[c.metadata["start"]:c.metadata["end"]] == c.page_content
        assert EMBEDDER.count_tokens([c.page_content])[0] <= SplitSettings().chunk_tokens
        assert SplitSettings().chunk_tokens < EMBEDDER.max_tokens
        assert "No comments" not in c.page_content and "author avatar" not in c.page_content
    covered = "".join(c.page_content for c in chunks)
    assert "Closing the plant would cost 3,900 jobs" in covered


def test_a_long_sentence_stays_whole_unless_the_embedder_cannot_read_it(tmp_path):
    from assistant.split import WINDOW_MARGIN

    clause = ("Licensor provides the Work on an as is basis, without warranties or conditions "
              "of any kind, either express or implied, including, without limitation, any "
              "warranties or conditions of title, non-infringement, merchantability, or "
              "fitness for a particular purpose.")
    path = tmp_path / "long.txt"
    path.write_text("Short opener here. " + clause + " Short closer here.\n\n"
                    + "word " * 900 + "end.")
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens, SplitSettings(chunk_tokens=32))
    assert EMBEDDER.count_tokens([clause])[0] > 32
    assert any(c.page_content == clause for c in chunks)  # one chunk, not three fragments
    endless = [c for c in chunks if c.page_content.startswith("word")]
    assert len(endless) >= 4  # 900 words: past the embedder's window, so cut
    assert all(EMBEDDER.count_tokens([c.page_content])[0] <= EMBEDDER.max_tokens - WINDOW_MARGIN
               for c in chunks)


def test_pdf_chunks_carry_their_page(tmp_path):
    path = write_pdf(tmp_path / "r.pdf", ["Apples grow on trees in autumn.",
                                          "Pears ripen after picking."])
    chunks = split_document(load_document(path, tmp_path), EMBEDDER.count_tokens)
    assert [(c.page_content[:6], c.metadata["page"]) for c in chunks] == [("Apples", 1),
                                                                          ("Pears ", 2)]


def test_a_chunk_opening_mid_paragraph_carries_the_sentence_before(tmp_path):
    path = tmp_path / "plant.txt"
    path.write_text("The Oppama plant covers 170 hectares near the bay. It now runs at 40% "
                    "capacity. Closing it would cost 3,900 jobs.\n\nA new paragraph starts "
                    "here. It goes on.\n")
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens, SplitSettings(chunk_tokens=16))
    by_start = {c.page_content.split()[0] + " " + c.page_content.split()[1]: c for c in chunks}
    assert by_start["It now"].metadata["before"] == (
        "The Oppama plant covers 170 hectares near the bay.")
    assert "before" not in by_start["The Oppama"].metadata  # the document's first sentence
    assert "before" not in by_start["A new"].metadata  # a paragraph is its own context


RELEASES = ("Changes\n=======\n\n2.1.0\n-----\n\n- Add the heron counter, which counts every "
            "heron on the island.\n\n- Count egrets too when asked.\n\n- Keep the old "
            "totals in a file of their own.\n\n2.0.0\n-----\n\n- Drop Python 2.\n")


def test_a_chunk_carries_the_heading_it_stands_under(tmp_path):
    path = tmp_path / "CHANGES"
    path.write_text(RELEASES)
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens, SplitSettings(chunk_tokens=16))
    sections = {c.page_content.splitlines()[0]: c.metadata.get("section") for c in chunks}
    assert sections["- Count egrets too when asked."] == "2.1.0"  # underlined, as rst sets it
    assert sections["2.0.0"] == "2.1.0"  # a chunk opening with a heading: the one before it
    assert sections["Changes"] is None


def test_a_field_under_a_heading_is_not_the_heading_of_what_follows(tmp_path):
    """An API reference's "Added in: v10.2.0" is a field of the entry, not its heading."""
    path = tmp_path / "timers.txt"
    path.write_text("timeout.refresh()\n\nAdded in: v10.2.0\n\nSets the timer's start time to "
                    "the current time, and reschedules the timer to call its callback.\n\n"
                    "Using this on a timer that has already called its callback will "
                    "reactivate the timer.\n")
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens,
                            SplitSettings(chunk_tokens=16, chunk_overlap_sentences=0))
    sections = {c.page_content.split()[0]: c.metadata.get("section") for c in chunks}
    assert sections["Using"] == "timeout.refresh()"


def test_a_chunk_keeps_the_sentences_the_whole_document_has(tmp_path):
    """Hard-wrapped text: the chunk opening mid-line at "For the purposes" holds one sentence
    running to "thereof.", not the fragments its own text splits into."""
    from langchain_core.documents import Document

    from assistant.split import chunk_sentences
    from assistant.text import sentences

    path = tmp_path / "licence.txt"
    path.write_text(WRAPPED_LICENCE)
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens,
                            SplitSettings(chunk_tokens=48, chunk_overlap_sentences=0))
    opening = [c for c in chunks if c.page_content.startswith("For the purposes")]
    assert len(opening) == 1
    chunk = opening[0]
    text = chunk.page_content
    assert [text[s:e] for s, e in chunk_sentences(chunk)] == [text]
    assert len(sentences(text)) > 1  # split alone, its first line stood on its own
    for c in chunks:  # every chunk's sentences are the document's
        start, end = c.metadata["start"], c.metadata["end"]
        whole = [(s - start, e - start) for s, e in sentences(doc.text) if start <= s < end]
        assert chunk_sentences(c) == whole
    # A chunk from an index built before the spans were recorded: split from its text.
    assert chunk_sentences(Document(page_content="One. Two.", metadata={})) == [(0, 4), (5, 9)]
    # Spans that do not fit the text (a damaged or foreign index) are not trusted either.
    for bad in ("0-4 5-90", "0-x", "4-0"):
        doc = Document(page_content="One. Two.", metadata={"sentences": bad})
        assert chunk_sentences(doc) == [(0, 4), (5, 9)], bad


def _chunk_texts(path):
    """The chunks of one document, as the index would hold them, by their text."""
    doc = load_document(path, path.parent)
    return [c.page_content for c in split_document(doc, EMBEDDER.count_tokens)]


def test_a_sentence_that_introduces_a_command_stays_with_it(tmp_path):
    """Clippy's README: "…run the following command:" closed one chunk, and the command it
    introduces opened the next."""
    path = tmp_path / "README.md"
    path.write_text(
        "## Install\n\nYou can install Rustup on supported platforms. This will help us install "
        "Clippy and its dependencies. If you already have Rustup installed, update to ensure "
        "you have the latest Rustup and compiler. Once you have rustup and the latest stable "
        "release (at least Rust 1.29) installed, run the following command:\n\n"
        "```terminal\nrustup component add clippy\n```\n\nThat is all.\n")
    chunks = _chunk_texts(path)
    assert any("run the following command:" in c and "rustup component add clippy" in c
               for c in chunks), chunks


def test_a_heading_stays_with_the_paragraph_it_heads(tmp_path):
    """ca-certificates' README.Debian: the underline's dashes filled half a chunk, the heading
    closed it alone, and "What has to happen before an authority is added?" found neither."""
    path = tmp_path / "README.Debian"
    path.write_text(
        "The README file in the above directory has step-by-step instructions for\n"
        "building a local CA certificate package.\n\n"
        "How certificates will be accepted into the ca-certificates package\n" + "-" * 66 +
        "\n\n - Get it included in the Mozilla CA Certificate Store.\n"
        "   https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/\n")
    chunks = _chunk_texts(path)
    assert any("will be accepted" in c and "Mozilla CA Certificate Store" in c
               for c in chunks), chunks


def test_a_tables_header_and_rule_open_the_chunk_of_its_rows(tmp_path):
    """fontconfig's manual: "Constant  Property  Value" closed the chunk of the sentence
    above it, and its rows went on in the next without saying which column is which."""
    path = tmp_path / "heron-manual.txt"
    path.write_text(
        "   Holds the name of a constant; these are always integers and serve as symbolic\n"
        "   names for common heron values, which the counting tools read at start-up and\n"
        "   which every configuration file may use in place of the number itself:\n"
        "  Constant        Property        Value\n"
        "  -------------------------------------\n"
        + "".join(f"  {name:<16}weight          {value}\n" for name, value in (
            ("thin", 0), ("light", 50), ("regular", 80), ("bold", 200), ("heavy", 210))))
    chunks = _chunk_texts(path)
    assert any("Constant" in c and "thin" in c for c in chunks), chunks
