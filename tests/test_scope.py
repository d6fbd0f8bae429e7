"""A question that names documents is searched within them: one quarterly filing of many."""

from __future__ import annotations

from pathlib import Path

from assistant.scope import document_names_asked, scope
from assistant.text import DocFreq, document_names

FILINGS = ["2023 Q1 Acme.txt", "2023 Q2 Acme.txt", "2023 Q1 Globex.txt", "2022 Q4 Globex.txt"]
VOCABULARY = frozenset({"what", "was", "revenue", "latest", "form", "the", "in", "report"})


def _doc_freq(titles: dict[str, str]) -> DocFreq:
    names = {s: frozenset(document_names({"source": s, "title": t})) for s, t in titles.items()}
    return DocFreq({}, 10, names, frozenset().union(*names.values()), names)


def test_the_name_and_the_period_choose_the_filing():
    doc_freq = _doc_freq({s: "Form 10-Q" for s in FILINGS})
    assert scope("What was Acme's revenue in Q2 2023?", doc_freq, VOCABULARY) == {
        "2023 Q2 Acme.txt"}
    assert scope("What was Acme's revenue in the second quarter of 2023?", doc_freq,
                 VOCABULARY) == {"2023 Q2 Acme.txt"}  # said in words as file names say it
    # a period that no filing of the company holds leaves all of its filings
    assert scope("What was Acme's revenue in the third quarter?", doc_freq, VOCABULARY) == {
        "2023 Q1 Acme.txt", "2023 Q2 Acme.txt"}
    # the latest: the file name's latest year, then its highest numbers
    assert scope("What was Acme's revenue in the latest report?", doc_freq, VOCABULARY) == {
        "2023 Q2 Acme.txt"}
    assert scope("Globex's most recent revenue?", doc_freq, VOCABULARY) == {
        "2023 Q1 Globex.txt"}
    notes = _doc_freq({"widget-notes-2.9.md": "Widget 2.9", "widget-notes-2.10.md": "Widget 2.10",
                       "gadget.md": "Gadget"})
    assert scope("What changed in the newest Widget release?", notes, VOCABULARY) == {
        "widget-notes-2.10.md"}
    assert scope("What was Globex's revenue in 2023?", doc_freq, VOCABULARY) == {
        "2023 Q1 Globex.txt"}
    # two companies named: the filings of both
    assert scope("Was Acme's revenue above Globex's?", doc_freq, VOCABULARY) == set(FILINGS)


def test_a_document_named_by_an_ordinary_word_is_searched_with_the_one_named_by_a_name():
    # "GNU" is in the notes' title only, "tar" (an ordinary word) in the other's file name
    doc_freq = _doc_freq({"bc-NEWS.txt": "GNU bc NEWS", "tar-copyright.txt": "Format",
                          "adduser.conf.txt": "adduser.conf"})
    vocabulary = VOCABULARY | {"who", "original", "author", "of", "tar"}
    assert scope("Who was the original author of GNU tar?", doc_freq, vocabulary) == {
        "bc-NEWS.txt", "tar-copyright.txt"}
    assert scope("Who wrote GNU bc?", doc_freq, vocabulary) == {"bc-NEWS.txt"}


def test_a_question_that_names_no_document_is_searched_everywhere():
    doc_freq = _doc_freq({s: "Form 10-Q" for s in FILINGS})
    assert scope("What was the revenue in Q2 2023?", doc_freq, VOCABULARY) == set()
    # "Form" is in every title, so it names none of them
    assert document_names_asked("What does the Form say about Acme?", doc_freq,
                                VOCABULARY) == ["acme"]
    one = _doc_freq({"notes.txt": "Notes on Acme"})
    assert scope("What does Acme make?", one, VOCABULARY) == {"notes.txt"}


def test_a_filing_that_never_names_its_company_is_found_by_its_file_name(tmp_path: Path):
    """Each filing says "the Company", never its name; the file name says whose it is and
    which quarter. Asked about one, the answer comes from that one, not a near twin."""
    import assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    figures = {"2023 Q1 Acme.txt": "41.2", "2023 Q2 Acme.txt": "43.9",
               "2023 Q1 Globex.txt": "12.5", "2023 Q2 Globex.txt": "13.1"}
    for name, revenue in figures.items():
        (corpus / name).write_text(
            "Quarterly report\n\nThe Company designs and sells industrial pumps and valves "
            f"to utilities.\n\nNet revenue for the quarter was ${revenue} million, driven by "
            "demand for replacement valves.\n\nThe Company has no off-balance-sheet "
            "arrangements.\n")
    bot = assistant.Assistant(corpus, tmp_path / "index", top_k=2,
                              min_evidence=0.0)  # which filing is quoted, not the bar
    bot.index()
    answer = bot.ask("How much revenue did Acme report for Q2 2023?")
    assert "$43.9 million" in answer.text
    assert {Path(c.source).name for c in answer.citations} == {"2023 Q2 Acme.txt"}
    answer = bot.ask("How much revenue did Globex report for Q1 2023?")
    assert "$12.5 million" in answer.text
    assert {Path(c.source).name for c in answer.citations} == {"2023 Q1 Globex.txt"}


def test_a_file_named_by_a_common_word_is_named_by_it():
    """"ed" and "time" are words, and the names of ed.info and time.info: a question that
    says one is about that manual."""
    doc_freq = _doc_freq({"ed.info.gz": "The GNU ed line editor", "time.info": "Time",
                          "bzip2.info": "bzip2 and libbzip2"})
    assert scope("Where do I send reports of bugs in ed?", doc_freq, VOCABULARY | {"ed"}) == {
        "ed.info.gz"}

