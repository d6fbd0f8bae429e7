from conftest import ARTICLE, write_pdf

from assistant.embeddings import MAX_SEQ_TOKENS, Embedder
from assistant.load import load_document
from assistant.split import SplitSettings, split_document

EMBEDDER = Embedder()


def test_chunks_are_exact_slices_within_the_window_and_free_of_leftovers():
    doc = load_document(ARTICLE, ARTICLE.parent)
    chunks = split_document(doc, EMBEDDER.count_tokens)
    assert len(chunks) > 3
    for c in chunks:
        assert doc.text[c.metadata["start"]:c.metadata["end"]] == c.page_content
        assert EMBEDDER.count_tokens([c.page_content])[0] <= 200 < MAX_SEQ_TOKENS
        assert "No comments" not in c.page_content and "author avatar" not in c.page_content
    covered = "".join(c.page_content for c in chunks)
    assert "Closing the plant would cost 3,900 jobs" in covered


def test_overlong_sentence_is_cut_to_fit(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("word " * 900 + "end.")
    doc = load_document(path, tmp_path)
    chunks = split_document(doc, EMBEDDER.count_tokens, SplitSettings(chunk_tokens=100))
    assert len(chunks) >= 9
    assert all(EMBEDDER.count_tokens([c.page_content])[0] <= 100 for c in chunks)


def test_pdf_chunks_carry_their_page(tmp_path):
    path = write_pdf(tmp_path / "r.pdf", ["Apples grow on trees in autumn.",
                                          "Pears ripen after picking."])
    chunks = split_document(load_document(path, tmp_path), EMBEDDER.count_tokens)
    assert [(c.page_content[:6], c.metadata["page"]) for c in chunks] == [("Apples", 1),
                                                                          ("Pears ", 2)]
