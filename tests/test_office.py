"""Office documents, spreadsheets and e-books, written by the libraries people's tools use,
read back as text a person would see: paragraphs in order, table rows carrying their
headers, slides and sheets as pages."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from assistant import DocumentError
from assistant.load import load_document
from assistant.office import table_lines


def _docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Heron survey 2024"
    doc.add_heading("Heron survey", level=1)
    doc.add_paragraph("Volunteers counted grey herons at three sites in May.")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("Site", "Nests", "Adults"), ("Rye Harbour", "12", "31"),
                             ("Pett Level", "4", "9")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph("The count is repeated every spring.")
    doc.save(path)
    return path


def test_a_word_document_reads_in_order_with_its_table_rows_headed(tmp_path):
    doc = load_document(_docx(tmp_path / "survey.docx"), tmp_path)
    assert doc.title == "Heron survey 2024"
    assert doc.text.split("\n\n") == [
        "Heron survey", "Volunteers counted grey herons at three sites in May.",
        "Site Rye Harbour — Nests: 12; Adults: 31.", "Site Pett Level — Nests: 4; Adults: 9.",
        "The count is repeated every spring."]


def test_slides_are_pages_and_their_tables_rows(tmp_path):
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    for title, body in [("Why herons", "They nest in colonies."),
                        ("Results", "Rye Harbour had the most nests.")]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    shape = deck.slides[1].shapes.add_table(2, 2, Inches(1), Inches(5), Inches(4), Inches(1))
    for c, (head, value) in enumerate([("Site", "Rye Harbour"), ("Nests", "12")]):
        shape.table.cell(0, c).text, shape.table.cell(1, c).text = head, value
    deck.save(tmp_path / "talk.pptx")
    doc = load_document(tmp_path / "talk.pptx", tmp_path)
    assert doc.title == "Why herons"
    second = doc.text.index("Results")
    assert doc.page_starts == [0, second] and doc.page_at(second + 5) == 2
    assert "Site Rye Harbour — Nests: 12." in doc.text[second:]


def test_a_spreadsheets_rows_carry_their_headers_and_dates_read_as_dates(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Releases"
    sheet.append(["version", "codename", "release", "users"])
    sheet.append(["22.10", "Kinetic Kudu", dt.date(2022, 10, 20), 1500.0])
    sheet.append(["23.04", "Lunar Lobster", dt.date(2023, 4, 20), None])
    second = book.create_sheet("Notes")
    second.append(["Dates are release days."])
    book.save(tmp_path / "releases.xlsx")
    doc = load_document(tmp_path / "releases.xlsx", tmp_path)
    assert "version 22.10 — codename: Kinetic Kudu; release: 2022-10-20; users: 1500." in doc.text
    assert "version 23.04 — codename: Lunar Lobster; release: 2023-04-20." in doc.text
    assert len(doc.page_starts) == 2 and doc.text[doc.page_starts[1]:].startswith("Notes")


def test_a_csv_file_is_read_as_a_table(tmp_path):
    (tmp_path / "rates.csv").write_text("country;rate;since\nFrance;20%;2014\nJapan;10%;2019\n")
    doc = load_document(tmp_path / "rates.csv", tmp_path)
    assert doc.text.split("\n\n") == ["country France — rate: 20%; since: 2014.",
                                      "country Japan — rate: 10%; since: 2019."]


def test_rows_without_a_header_stay_as_they_are():
    assert table_lines([["1", "2"], ["3", "4"]]) == ["1; 2", "3; 4"]
    assert table_lines([["Notes only"]]) == ["Notes only"]


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def test_a_word_code_block_of_a_paragraph_a_line_reads_as_one_block(tmp_path):
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    doc.styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("Count the herons with:")
    for line in ("herons --count \\", "  --site rye"):
        doc.add_paragraph(line, style="Source Code")
    doc.add_paragraph("The count prints one line a site.")
    doc.save(tmp_path / "count.docx")
    text = load_document(tmp_path / "count.docx", tmp_path).text
    assert text.split("\n\n") == ["Count the herons with:", "herons --count \\\n  --site rye",
                                  "The count prints one line a site."]


ODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:h text:outline-level="1">Minutes of the garden club</text:h>
<text:p>The club met on<text:s/>Tuesday. <text:span>Anne</text:span> chaired.</text:p>
<table:table><table:table-row><table:table-cell><text:p>Item</text:p></table:table-cell>
<table:table-cell><text:p>Cost</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><text:p>Seeds</text:p></table:table-cell>
<table:table-cell><text:p>£12</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"""


def test_an_opendocument_text_reads_its_headings_paragraphs_and_tables(tmp_path):
    doc = load_document(_zip(tmp_path / "minutes.odt", {"content.xml": ODT}), tmp_path)
    assert doc.title == "Minutes of the garden club"
    assert doc.text.split("\n\n") == ["Minutes of the garden club",
                                      "The club met on Tuesday. Anne chaired.",
                                      "Item Seeds — Cost: £12."]


ODT_CODE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"><office:automatic-styles>
<style:style style:name="P1" style:family="paragraph"
 style:parent-style-name="Preformatted_20_Text"/></office:automatic-styles>
<office:body><office:text>
<text:p text:style-name="Title">Garden scripts</text:p>
<text:h text:outline-level="3">Watering</text:h>
<text:p>The timer runs this at dawn:</text:p>
<text:p text:style-name="P1">for bed in north south; do</text:p>
<text:p text:style-name="P1"><text:s text:c="2"/>water "$bed"</text:p>
<text:p text:style-name="P1">done</text:p>
<text:p>It stops when the butt is empty.</text:p>
</office:text></office:body></office:document-content>"""
ODT_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>Allotment handbook</dc:title>
</office:meta></office:document-meta>"""


def test_an_opendocument_code_block_is_one_block_and_its_title_is_the_documents(tmp_path):
    """pandoc and LibreOffice write a code block as one paragraph a line; it reads as the
    lines of one block. The title is meta.xml's, else the Title paragraph, not the first
    heading ("Watering")."""
    doc = load_document(_zip(tmp_path / "garden.odt", {"content.xml": ODT_CODE}), tmp_path)
    assert doc.title == "Garden scripts"
    assert doc.text.split("\n\n") == ["Garden scripts", "Watering",
                                      "The timer runs this at dawn:",
                                      'for bed in north south; do\n  water "$bed"\ndone',
                                      "It stops when the butt is empty."]
    both = {"content.xml": ODT_CODE, "meta.xml": ODT_META}
    assert load_document(_zip(tmp_path / "book.odt", both), tmp_path).title == \
        "Allotment handbook"


def test_an_epub_reads_its_chapters_in_spine_order(tmp_path):
    files = {
        "META-INF/container.xml": '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:'
        'container"><rootfiles><rootfile full-path="OEBPS/book.opf"/></rootfiles></container>',
        "OEBPS/book.opf": '<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://'
        'purl.org/dc/elements/1.1/"><metadata><dc:title>Owls</dc:title></metadata><manifest>'
        '<item id="b" href="two.xhtml"/><item id="a" href="one.xhtml"/></manifest><spine>'
        '<itemref idref="a"/><itemref idref="b"/></spine></package>',
        "OEBPS/one.xhtml": "<html><body><h1>Barn owls</h1><p>They hunt at night.</p></body>"
                           "</html>",
        "OEBPS/two.xhtml": "<html><body><p>Tawny owls call <i>too-wit</i>.</p></body></html>",
    }
    doc = load_document(_zip(tmp_path / "owls.epub", files), tmp_path)
    assert doc.title == "Owls"
    assert doc.text == "Barn owls\n\nThey hunt at night.\n\nTawny owls call too-wit."
    assert doc.page_at(doc.text.index("Tawny")) == 2


@pytest.mark.parametrize("name", ["broken.docx", "broken.pptx", "broken.xlsx", "broken.odt",
                                  "broken.epub"])
def test_a_damaged_office_file_is_a_document_error_naming_it(tmp_path, name):
    (tmp_path / name).write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(DocumentError, match=rf"{name}: is not a readable"):
        load_document(tmp_path / name, tmp_path)



MAIL = """From: Anne Field <anne@example.org>
To: garden-club@example.org
Date: Tue, 3 Jun 2025 09:12:00 +0100
Subject: Seed order for the spring
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Hello all,

The seed order went in on Monday and cost =C2=A312 in all.
It arrives on Friday.

--b1
Content-Type: text/html; charset="utf-8"

<p>Hello all,</p><p>The seed order went in on Monday.</p>
--b1--
"""


def test_an_email_reads_its_headers_then_its_plain_text(tmp_path):
    (tmp_path / "seeds.eml").write_text(MAIL)
    doc = load_document(tmp_path / "seeds.eml", tmp_path)
    assert doc.title == "Seed order for the spring"
    assert doc.text.startswith("From: Anne Field <anne@example.org>\nTo: garden-club@")
    assert ("The seed order went in on Monday and cost £12 in all.\nIt arrives on Friday."
            in doc.text)


def test_a_mail_with_no_headers_is_refused(tmp_path):
    (tmp_path / "note.eml").write_text("just some words\n")
    with pytest.raises(DocumentError, match="note.eml: is not a readable EML file"):
        load_document(tmp_path / "note.eml", tmp_path)


RTF = r"""{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}
{\info{\title Release notes for Widget 2.1}{\author Ann Example}}
\pard\b Widget 2.1\b0\par
\pard The widget now starts in half the time. The caf\'e9 mode was removed\u8212?it never
 worked.\par
\trowd\cellx2000\cellx4000
\intbl Version\cell Released\cell\row
\trowd\cellx2000\cellx4000
\intbl 2.1\cell 2024-03-01\cell\row
\pard Thanks to all contributors.\par
}
"""


def test_rich_text_reads_its_paragraphs_escapes_and_table_rows(tmp_path):
    """A line break in RTF source is no space (writers wrap before one), escapes are read."""
    (tmp_path / "notes.rtf").write_text(RTF)
    doc = load_document(tmp_path / "notes.rtf", tmp_path)
    assert doc.title == "Release notes for Widget 2.1"
    assert ("The widget now starts in half the time. The café mode was removed—it never "
            "worked.") in doc.text
    assert "\n\nVersion 2.1 — Released: 2024-03-01.\n\nThanks to all contributors." in doc.text


def test_text_that_is_not_rich_text_is_refused(tmp_path):
    (tmp_path / "memo.rtf").write_text("just some words\n")
    with pytest.raises(DocumentError, match="memo.rtf: is not a readable RTF file"):
        load_document(tmp_path / "memo.rtf", tmp_path)
