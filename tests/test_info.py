"""GNU Info manuals read as the paragraphs `info` shows: navigation dropped, headings kept,
definitions whole, examples as set, cross references as words."""

from assistant import Assistant
from assistant.documents import SUPPORTED_SUFFIXES
from assistant.load import load_document

MANUAL = """This is heron.info, produced by makeinfo version 6.8 from heron.texi.

INFO-DIR-SECTION Birds
START-INFO-DIR-ENTRY
* Heron: (heron).               Count the herons.
END-INFO-DIR-ENTRY

\x1f
File: heron.info,  Node: Top,  Next: Counting,  Up: (dir)

The Heron Counter
*****************

This manual is for heron (version 2.4).

* Menu:

* Counting::        How nests are counted.
* Concept index::   Index of concepts.

\x1f
File: heron.info,  Node: Counting,  Next: Concept index,  Prev: Top,  Up: Top

1 Counting nests
================

'heron' counts the nests of a colony from a survey file and prints the
total on the standard output, one line per colony (*note Concept
index::).

'-w'
'--wading'
     Count wading birds too.  Egrets and bitterns are counted as herons
     when this option is given.

'--limit=N'
     Stop after N colonies.

   An example of a survey:

     $ heron --wading rye.survey
     Rye Harbour: 57 nests

\x1f
File: heron.info,  Node: Concept index,  Prev: Counting,  Up: Top

Concept index
*************

\x00\x08[index\x00\x08]
* Menu:

* nests, counting:                       Counting.             (line 6)

\x1f
Tag Table:
Node: Top\x7f178
Node: Counting\x7f430
\x1f
End Tag Table
"""


def test_an_info_manual_reads_as_its_paragraphs(tmp_path):
    assert ".info" in SUPPORTED_SUFFIXES
    path = tmp_path / "heron.info"
    path.write_text(MANUAL)
    doc = load_document(path, tmp_path)
    assert doc.title == "The Heron Counter"
    text = doc.text
    for gone in ("\x1f", "File: heron.info", "* Menu:", "Tag Table", "START-INFO-DIR-ENTRY",
                 "produced by makeinfo", "(line 6)", "=====", "*****"):
        assert gone not in text, gone
    paragraphs = text.split("\n\n")
    assert "1 Counting nests" in paragraphs
    assert ("'heron' counts the nests of a colony from a survey file and prints the total on "
            "the standard output, one line per colony (see Concept index).") in paragraphs
    assert ("'-w', '--wading' — Count wading birds too. Egrets and bitterns are counted as "
            "herons when this option is given.") in paragraphs
    assert "'--limit=N' — Stop after N colonies." in paragraphs
    assert "     $ heron --wading rye.survey" in paragraphs  # an example, as it is set


def test_an_option_of_an_info_manual_is_quoted_with_its_name(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "heron.info").write_text(MANUAL)
    bot = Assistant(corpus, tmp_path / "index")
    bot.index()
    answer = bot.ask("How do I make heron count egrets as well?")
    assert answer.found and "'-w', '--wading' — Count wading birds too." in answer.text


def test_the_parts_of_a_split_manual_are_found_and_read(tmp_path):
    """makeinfo splits a long manual: gnupg.info-1.gz, gnupg.info-2.gz beside gnupg.info.gz."""
    import gzip

    from assistant.documents import find_documents

    part = MANUAL.replace("heron.info", "heron.info-1")
    (tmp_path / "heron.info-1.gz").write_bytes(gzip.compress(part.encode()))
    (tmp_path / "heron.info-x").write_text("not a part")
    assert [p.name for p in find_documents(tmp_path)] == ["heron.info-1.gz"]
    doc = load_document(tmp_path / "heron.info-1.gz", tmp_path)
    assert doc.title == "The Heron Counter" and "'--limit=N' — Stop after N colonies." in doc.text

