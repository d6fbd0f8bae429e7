"""The viewer's copy of each document's text: saved at indexing, used while the file is as
indexed, read anew when it changed, pruned with the documents, kept across a rebuild."""

import gzip
import shutil

from conftest import ARTICLE

from assistant import Assistant, texts
from assistant.load import load_document


def test_the_viewer_reads_the_text_saved_at_indexing_while_the_file_is_unchanged(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus)
    note = corpus / "note.md"
    note.write_text("# Note\n\nThe *heron* count was 57.\n")
    index = tmp_path / "index"
    bot = Assistant(corpus, index)
    bot.index()
    record = bot.status()["documents"]["note.md"]
    saved = texts.load(index, record["sha256"])
    assert saved == load_document(note, corpus).text == bot.document_text("note.md")

    # the saved text is what the viewer shows: mark it, and the viewer shows the mark
    texts.path(index, record["sha256"]).write_bytes(
        gzip.compress(saved.replace("57", "fifty-seven").encode()))
    assert "fifty-seven" in bot.document_text("note.md")

    note.write_text("# Note\n\nThe *heron* count was 58.\n")  # changed, not re-indexed
    assert "58" in bot.document_text("note.md")

    bot.index(rebuild=True)
    assert texts.load(index, texts.file_sha256(note)) == bot.document_text("note.md")
    note.unlink()
    bot.index()
    assert sorted(p.name.split(".")[0] for p in (index / texts.DIR).iterdir()) == [
        texts.file_sha256(corpus / ARTICLE.name)]
