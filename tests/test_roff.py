"""Manual pages in roff source read as `man` shows them: set by groff, then read back as
paragraphs, an option with its description, a boxed table as rows that name their columns."""

import gzip

import pytest

from assistant import Assistant
from assistant.documents import document_suffix, find_documents
from assistant.errors import DocumentError
from assistant.load import load_document

MAN = r"""'\" t
.\" A page written by hand with the man macros, a tbl table in a box
.TH HERONCTL 8 "2026-12-07" "heron 2.1" "Heron Manual"
.SH NAME
heronctl \- count herons by colony
.SH OPTIONS
.TP
.BR \-c ", " \-\-colony =\fIname\fR
Counts only the colony called
.IR name .
The default is every colony on the survey list, which the ornithological society keeps
up to date each spring.
.TP
.B \-\-nests
Counts nests, not birds.
.SH LIMITS
Counts are capped by the size of the wetland:
.TS
allbox;
l l.
Wetland size	Largest count
under 10 ha	400
10 to 50 ha	2500
.TE
Larger counts are refused.
"""

MDOC = r""".\" A BSD page with the mdoc macros
.Dd December 7, 2026
.Dt EGRETD.CONF 5
.Os
.Sh NAME
.Nm egretd.conf
.Nd egret daemon configuration file
.Sh DESCRIPTION
.Bl -tag -width Ds
.It Cm ListenAddress
Specifies the local addresses
.Xr egretd 8
should listen on, one per line, in the order they are tried.
The default is to listen on every address of the machine, including
internationalization-observatory interfaces.
.It Cm MaxEgrets
The number of egrets counted at most.
The default is 12.
.El
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    return path


def test_a_man_page_reads_as_man_shows_it(tmp_path):
    doc = load_document(_write(tmp_path, "heronctl.8.gz", MAN), tmp_path)
    assert doc.title == "heronctl - count herons by colony"
    text = doc.text
    assert ("-c, --colony=name — Counts only the colony called name. The default is every "
            "colony on the survey list, which the ornithological society keeps up to date each "
            "spring.") in text
    assert "--nests — Counts nests, not birds." in text
    assert "Wetland size under 10 ha — Largest count: 400." in text
    assert "Wetland size 10 to 50 ha — Largest count: 2500." in text
    assert "┌" not in text and "│" not in text
    assert "\\f" not in text and ".TH" not in text and "\b" not in text


def test_a_bsd_mdoc_page_keeps_every_word_whole(tmp_path):
    doc = load_document(_write(tmp_path, "egretd.conf.5", MDOC), tmp_path)
    assert doc.title == "egretd.conf — egret daemon configuration file"
    assert ("ListenAddress — Specifies the local addresses egretd(8) should listen on, one per "
            "line, in the order they are tried.") in doc.text
    # a line is never broken after a word's own hyphen, to be read as a word hyphenated at
    # its end ("internationalizationobservatory")
    assert "internationalization-observatory interfaces." in doc.text
    assert "‐" not in doc.text
    assert "MaxEgrets — The number of egrets counted at most. The default is 12." in doc.text


def test_manual_pages_are_found_by_their_section():
    assert document_suffix("ssh_config.5.gz") == ".man"
    assert document_suffix("openssl.1ssl") == ".man"
    assert document_suffix("Heron::Count.3pm.gz") == ".man"
    assert document_suffix("heron.man") == ".man"
    assert document_suffix("libz.so.1") == ""  # a library, not section 1
    assert document_suffix("python3.11") == ""


def test_a_page_that_points_to_another_says_which(tmp_path):
    path = _write(tmp_path, "heronctl-count.8.gz", ".so man8/heronctl.8\n")
    with pytest.raises(DocumentError, match=r"only points to another manual page "
                       r"\(man8/heronctl.8\); index that page instead"):
        load_document(path, tmp_path)


def test_without_groff_the_page_says_what_to_install(tmp_path, monkeypatch):
    path = _write(tmp_path, "heronctl.8", MAN)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DocumentError, match=r"groff is not installed; install it"):
        load_document(path, tmp_path)


def test_a_section_suffix_on_plain_text_reads_as_text(tmp_path):
    doc = load_document(_write(tmp_path, "minutes.1", "Heron counts rose in the spring.\n"),
                        tmp_path)
    assert doc.text.strip() == "Heron counts rose in the spring."


def test_a_folder_of_man_pages_is_indexed_and_answers(tmp_path):
    corpus = tmp_path / "man"
    corpus.mkdir()
    _write(corpus, "heronctl.8.gz", MAN)
    _write(corpus, "egretd.conf.5", MDOC)
    assert len(find_documents(corpus)) == 2
    bot = Assistant(corpus, tmp_path / "index", reader="extractive")
    bot.index()
    ev = bot.evidence("How many egrets are counted at most by default?")
    assert ev.found and "The default is 12." in ev.ranked[0].text
    assert ev.passages[ev.ranked[0].passage].metadata["source"] == "egretd.conf.5"
