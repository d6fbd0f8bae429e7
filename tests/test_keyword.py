"""The BM25 index: what a chunk's keyword text holds, and a saved index in an old format."""

from langchain_core.documents import Document

from assistant.keyword import KeywordIndex, keyword_text
from assistant.text import tokenize

BOILERPLATE = ("Net revenue for the quarter increased compared with the prior year, driven by "
               "higher demand across our segments.")


def filing(name: str) -> Document:
    return Document(page_content=BOILERPLATE,
                    metadata={"source": f"reports/{name}.pdf", "title": "UNITED STATES"})


def test_a_chunk_is_found_by_its_file_names_words_when_its_text_lacks_them():
    docs = [filing("2023 Q3 NVDA"), filing("2023 Q2 AAPL"), filing("2022 Q3 AAPL")]
    index = KeywordIndex.build(["a", "b", "c"], docs)
    hits = index.search("net revenue of NVDA", k=3)
    assert hits[0][0].metadata["source"] == "reports/2023 Q3 NVDA.pdf"
    assert hits[0][1] > hits[1][1]  # the other filings match the boilerplate only
    assert index.search("AAPL revenue Q2", k=3)[0][0].metadata["source"].endswith("Q2 AAPL.pdf")


def test_the_file_names_words_are_not_repeated_when_the_title_has_them():
    doc = Document(page_content="Chloroplasts hold chlorophyll.",
                   metadata={"source": "40-Chloroplast.txt", "title": "Chloroplast"})
    assert keyword_text(doc).split("\n")[:2] == ["Chloroplast", "40"]


def test_an_index_saved_in_another_format_is_not_loaded(tmp_path):
    KeywordIndex.build(["a"], [filing("2023 Q3 NVDA")]).save(tmp_path / "keyword")
    assert KeywordIndex.load(tmp_path / "keyword").search("NVDA", k=1)
    (tmp_path / "keyword" / "format").write_text("title-only", encoding="utf-8")
    assert KeywordIndex.load(tmp_path / "keyword") is None  # the store rebuilds it
    (tmp_path / "keyword" / "format").unlink()  # saved before formats were recorded
    assert KeywordIndex.load(tmp_path / "keyword") is None


def test_the_document_frequencies_know_which_terms_each_document_holds(tmp_path):
    docs = [filing("2023 Q3 NVDA"), Document("Nissan builds cars at Oppama.",
                                             metadata={"source": "nissan.txt", "title": "Nissan"})]
    built = KeywordIndex.build(["a", "b"], docs)
    built.save(tmp_path / "keyword")
    for index in (built, KeywordIndex.load(tmp_path / "keyword")):
        df = index.doc_freq()
        assert df.df["nissan"] == 1 and df.n == 2
        assert df.holds("nissan.txt", "oppama") and not df.holds("nissan.txt", "revenue")
        assert df.holds("reports/2023 Q3 NVDA.pdf", "nvda")  # from the file's name
        assert not df.holds("reports/2023 Q3 NVDA.pdf", "nissan")
        assert df.holds("unknown.txt", "nissan")  # no terms known: no objection
        assert {"nissan", "nvda", *tokenize("UNITED STATES")} <= df.titles  # titles and file names
        assert "oppama" not in df.titles
        assert index.doc_freq() is df  # built once
