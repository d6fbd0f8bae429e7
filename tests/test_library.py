"""Adding and removing corpus files: checked before they land, never overwritten or lost."""

import hashlib

import pytest

from assistant.documents import find_documents
from assistant.errors import DocumentError
from assistant.library import TRASH, add_file, remove_file, safe_name


@pytest.mark.parametrize("offered, safe", [
    ("report.txt", "report.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\me\\Notes.MD", "Notes.md"),
    (".hidden.txt", "hidden.txt"),
    ("a;rm -rf $HOME|x.html", "a_rm -rf _HOME_x.html"),
    ("....pdf", "document.pdf"),
    ("résumé 2025 (final).txt", "résumé 2025 (final).txt"),
])
def test_safe_name_keeps_a_plain_name_inside_the_folder(offered, safe):
    assert safe_name(offered) == safe


@pytest.fixture
def upload(tmp_path):
    def make(name: str, data: bytes | str):
        path = tmp_path / "uploads" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path
    return make


def test_added_file_lands_under_a_safe_name(tmp_path, upload):
    corpus = tmp_path / "corpus"
    result = add_file(corpus, upload("tmp123", "Owls hunt at night."), name="../Owl notes.txt")
    assert result.outcome == "added" and result.ok and result.source == "Owl notes.txt"
    assert (corpus / "Owl notes.txt").read_text() == "Owls hunt at night."


def test_taken_name_gets_a_free_variant_unless_replacing(tmp_path, upload):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "owls.txt").write_text("Owls hunt at night.")
    renamed = add_file(corpus, upload("owls.txt", "Owls sleep by day."))
    assert renamed.outcome == "renamed" and renamed.source == "owls (2).txt"
    assert (corpus / "owls.txt").read_text() == "Owls hunt at night."
    replaced = add_file(corpus, upload("owls.txt", "Owls nest in trees."), replace=True)
    assert replaced.outcome == "replaced"
    assert (corpus / "owls.txt").read_text() == "Owls nest in trees."
    kept = list((corpus / TRASH).rglob("owls.txt"))
    assert [p.read_text() for p in kept] == ["Owls hunt at night."]
    assert [p.name for p in find_documents(corpus)] == ["owls (2).txt", "owls.txt"]


def test_bytes_already_indexed_are_not_added_twice(tmp_path, upload):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "owls.txt").write_text("Owls hunt at night.")
    known = {"owls.txt": hashlib.sha256(b"Owls hunt at night.").hexdigest()}
    result = add_file(corpus, upload("copy of owls.txt", "Owls hunt at night."),
                      known_sha256=known)
    assert result.outcome == "duplicate" and result.source == "owls.txt"
    assert "already in the index as owls.txt" in result.message
    assert [p.name for p in find_documents(corpus)] == ["owls.txt"]


@pytest.mark.parametrize("name, data, reason", [
    ("tool.exe", b"MZ\x90\x00", "only .txt"),
    ("tool", b"\x7fELF\x02\x01\x01\x00" * 64, "only .txt"),  # no suffix, and no text
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("broken.pdf", b"%PDF-1.7 this is not really a pdf", "PDF"),
    ("empty.md", b"   \n", "empty"),
    ("big.txt", "word " * 300_000, "over the 1 MB limit"),
])
def test_refused_files_never_reach_the_corpus(tmp_path, upload, name, data, reason):
    corpus = tmp_path / "corpus"
    result = add_file(corpus, upload(name, data), max_bytes=1_000_000)
    assert result.outcome == "rejected" and not result.ok
    assert reason in result.message and result.message.startswith(name)
    assert not corpus.exists() or find_documents(corpus) == []


def test_removed_file_is_moved_aside_not_deleted(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "bees.md").write_text("# Bees\nBees make honey.")
    moved = remove_file(corpus, "sub/bees.md")
    assert moved.read_text() == "# Bees\nBees make honey." and TRASH in moved.parts
    assert find_documents(corpus) == []
    with pytest.raises(DocumentError, match="already removed"):
        remove_file(corpus, "sub/bees.md")
    with pytest.raises(DocumentError, match="not a document"):
        remove_file(corpus, "../outside.txt")


def test_a_corpus_that_cannot_take_the_file_is_reported_not_raised(tmp_path, upload):
    corpus = tmp_path / "corpus"
    corpus.write_text("a file where the folder should be")
    result = add_file(corpus, upload("owls.txt", "Owls hunt at night."))
    assert result.outcome == "rejected"
    assert "could not be saved in the corpus folder" in result.message
    assert corpus.read_text() == "a file where the folder should be"


def test_a_gzipped_document_is_added_and_a_taken_name_keeps_its_kind(tmp_path, upload):
    import gzip

    corpus = tmp_path / "corpus"
    data = gzip.compress(b"# Owls\n\nOwls hunt at night.\n")
    assert add_file(corpus, upload("owls.md.gz", data)).source == "owls.md.gz"
    again = add_file(corpus, upload("owls.md.gz", gzip.compress(b"# Owls\n\nThey nest.\n")))
    assert again.outcome == "renamed" and again.source == "owls (2).md.gz"
    assert [p.name for p in find_documents(corpus)] == ["owls (2).md.gz", "owls.md.gz"]
    refused = add_file(corpus, upload("photos.tar.gz", gzip.compress(b"tar")))
    assert refused.outcome == "rejected" and "only .txt" in refused.message



def test_a_text_known_by_its_name_is_added_and_a_second_copy_is_still_read(tmp_path, upload):
    corpus = tmp_path / "corpus"
    assert add_file(corpus, upload("CHANGES", "1.0\n---\n\n- Owls.\n")).source == "CHANGES"
    again = add_file(corpus, upload("CHANGES", "1.1\n---\n\n- Herons.\n"))
    assert again.outcome == "renamed" and again.source == "CHANGES (2)"
    assert [p.name for p in find_documents(corpus)] == ["CHANGES", "CHANGES (2)"]
    assert add_file(corpus, upload("preferences", "Package: *\nPin: release a=stable\n")
                    ).source == "preferences"  # text with no suffix at all
    refused = add_file(corpus, upload("heron", b"\x7fELF\x02\x01\x01\x00" * 64))
    assert refused.outcome == "rejected" and "text named README, CHANGES" in refused.message
    assert [p.name for p in find_documents(corpus)] == ["CHANGES", "CHANGES (2)", "preferences"]
