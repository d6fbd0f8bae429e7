"""PDFs read with their layout: table rows with their headers, running heads and feet, the
title, and scanned pages read by Tesseract. The PDFs are drawn here with reportlab, set as a
filing sets its statements."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant import DocumentError
from assistant.load import load_document

FOOTER = "Heron Holdings | Q3 2023 Form 10-Q | {n}"


def statement(path: Path, pages: int = 3) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    c.setTitle("0000320193-23-000077")  # what EDGAR puts there: an accession number
    for n in range(1, pages + 1):
        if n == 1:
            c.setFont("Helvetica-Bold", 16)
            c.drawString(72, 720, "Heron Holdings Inc.")
            c.setFont("Helvetica", 9)
            c.drawString(72, 700, "CONDENSED STATEMENTS OF OPERATIONS (In millions)")
            c.drawCentredString(390, 680, "Three Months Ended")
            c.drawRightString(360, 668, "July 1,")
            c.drawRightString(360, 656, "2023")
            c.drawRightString(440, 668, "June 25,")
            c.drawRightString(440, 656, "2022")
            c.drawString(72, 640, "Net sales:")
            for y, (label, now, before) in zip((626, 612, 598), (
                    ("Herons", "39,669", "40,665"), ("Egrets", "6,840", "7,382"),
                    ("Total net sales", "46,509", "48,047")), strict=True):
                c.drawString(84, y, label)
                c.drawRightString(360, y, now)
                c.drawRightString(440, y, before)
            c.drawString(72, 570, "Sales of herons fell in the quarter as the season ended "
                                  "early in the north.")
        else:
            c.setFont("Helvetica", 9)
            c.drawString(72, 700, f"Page {n} discusses risk factors of the heron trade.")
        c.setFont("Helvetica", 8)
        c.drawString(200, 40, FOOTER.format(n=n))
        c.showPage()
    c.save()
    return path


@contextmanager
def one_page(path: Path) -> Iterator[object]:
    """A one-page PDF drawn by the caller on a reportlab canvas, 9-point Helvetica."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 9)
    yield c
    c.showPage()
    c.save()


def test_a_tables_rows_carry_their_label_and_column_headers(tmp_path):
    doc = load_document(statement(tmp_path / "heron.pdf"), tmp_path)
    lines = doc.text.split("\n")
    assert ("Net sales, Herons — Three Months Ended July 1, 2023: 39,669; Three Months Ended "
            "June 25, 2022: 40,665.") in lines
    assert any(line.startswith("Net sales, Total net sales — ") for line in lines)
    assert "Sales of herons fell in the quarter as the season ended early in the north." in lines
    assert doc.page_at(doc.text.index("Egrets")) == 1


def test_headings_over_groups_of_columns_and_a_row_of_years_head_each_column(tmp_path):
    """Set as some filings set their statements: "Three Months Ended" and "Nine Months Ended"
    flush right over their pair of columns, the years on a line of their own, a "$" set far
    left of its figure."""
    path = tmp_path / "grouped.pdf"
    with one_page(path) as c:
        c.drawString(72, 720, "INCOME STATEMENTS (In millions)")
        columns = (340, 410, 480, 550)
        for right, group in ((410, "Three Months Ended"), (550, "Nine Months Ended")):
            c.drawRightString(right, 700, group)
            c.drawRightString(right, 690, "March 31,")
        for right, year in zip(columns, ("2023", "2022", "2023", "2022"), strict=True):
            c.drawRightString(right, 676, year)
        for y, label, figures in ((660, "Product", ("15,588", "17,366", "47,846", "54,776")),
                                  (646, "Service and other", ("37,269", "31,994", "107,880",
                                                              "91,629"))):
            c.drawString(72, y, label)
            for right, figure in zip(columns, figures, strict=True):
                if label == "Product":
                    c.drawString(right - 60, y, "$")
                c.drawRightString(right, y, figure)
        c.drawString(72, 620, "Revenue grew with the cloud.")
    lines = load_document(path, tmp_path).text.split("\n")
    assert ("Product — Three Months Ended March 31, 2023: $15,588; Three Months Ended March "
            "31, 2022: $17,366; Nine Months Ended March 31, 2023: $47,846; Nine Months Ended "
            "March 31, 2022: $54,776.") in lines
    assert any(line.startswith("Service and other — Three Months Ended March 31, 2023: "
                               "37,269;") for line in lines)


def test_rows_level_with_a_label_belong_to_it_until_a_total(tmp_path):
    """Segments listed level with "Revenue", then again level with "Operating income": each
    row says which it is; the headings of the two groups stand 3 points apart in height."""
    path = tmp_path / "segments.pdf"
    with one_page(path) as c:
        c.drawString(72, 720, "Segment revenue and operating income were as follows:")
        c.drawRightString(410, 700, "Three Months Ended")
        c.drawRightString(550, 703, "Nine Months Ended")
        for right, year in zip((340, 410, 480, 550), ("2023", "2022", "2023", "2022"), strict=True):
            c.drawRightString(right, 688, year)
        y = 672
        for group, rows in (("Revenue", (("Cloud", "22,081"), ("Devices", "13,260"),
                                         ("Total", "35,341"))),
                            ("Operating income", (("Cloud", "9,476"), ("Devices", "4,237"),
                                                  ("Total", "13,713")))):
            c.drawString(72, y, group)
            y -= 14
            for label, figure in rows:
                c.drawString(72, y, label)
                for right in (340, 410, 480, 550):
                    c.drawRightString(right, y, figure)
                y -= 14
        c.drawString(72, y - 20, "Cloud revenue grew with demand.")
    lines = load_document(path, tmp_path).text.split("\n")
    assert ("Revenue, Cloud — Three Months Ended 2023: 22,081; Three Months Ended 2022: "
            "22,081; Nine Months Ended 2023: 22,081; Nine Months Ended 2022: 22,081.") in lines
    assert any(line.startswith("Operating income, Cloud — Three Months Ended 2023: 9,476;")
               for line in lines), lines
    assert any(line.startswith("Revenue, Total — ") for line in lines)


def test_dates_set_on_the_line_of_a_caption_head_the_columns(tmp_path):
    """"(In Millions; Unaudited)" at the left and the columns' dates far right of it, on one
    line: the dates head the columns, the caption stays text."""
    path = tmp_path / "caption.pdf"
    with one_page(path) as c:
        c.drawString(72, 720, "Consolidated Statements of Income")
        c.drawRightString(410, 700, "Three Months Ended")
        c.drawString(72, 688, "(In Millions; Unaudited)")
        c.drawRightString(340, 688, "Sep 30, 2023")
        c.drawRightString(410, 688, "Oct 1, 2022")
        for y, label, now, before in ((672, "Net revenue", "14,158", "15,338"),
                                      (658, "Cost of sales", "8,140", "8,803")):
            c.drawString(72, y, label)
            c.drawRightString(340, y, now)
            c.drawRightString(410, y, before)
    text = load_document(path, tmp_path).text
    assert ("Net revenue — Three Months Ended Sep 30, 2023: 14,158; Three Months Ended Oct 1, "
            "2022: 15,338.") in text.split("\n")
    assert "(In Millions; Unaudited)" in text


def test_running_feet_are_leftovers_and_the_title_is_the_largest_type(tmp_path):
    doc = load_document(statement(tmp_path / "heron.pdf"), tmp_path)
    marked = [doc.text[s:e] for s, e in doc.leftovers]
    assert marked == [FOOTER.format(n=n) for n in (1, 2, 3)]
    assert doc.title == "Heron Holdings Inc."  # not the accession number in its metadata


@pytest.mark.skipif(shutil.which("tesseract") is None,
                    reason="Tesseract is not installed (`make test` installs it)")
def test_a_scanned_page_is_read_by_tesseract(tmp_path):
    import pypdfium2 as pdfium
    from conftest import write_pdf

    text = write_pdf(tmp_path / "typed.pdf", ["The heron colony at Rye Harbour held\n"
                                               "fifty seven nests in the spring of 2023."])
    image = pdfium.PdfDocument(text.read_bytes())[0].render(scale=2).to_pil()
    image.convert("RGB").save(tmp_path / "scan.pdf")  # a picture of the page, no text layer
    doc = load_document(tmp_path / "scan.pdf", tmp_path)
    assert "heron colony at Rye Harbour" in doc.text and "2023" in doc.text


def test_a_pdf_that_is_not_one_is_a_clear_error(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    with pytest.raises(DocumentError, match="broken.pdf: is not a readable PDF"):
        load_document(tmp_path / "broken.pdf", tmp_path)


def test_a_word_hyphenated_at_a_lines_end_is_one_word_again(tmp_path):
    """TeX hyphenates words at line ends; PDFium marks such a hyphen U+FFFE, which would split
    "identifier" into two words nobody searches for. It marks a compound broken at its own
    hyphen the same way, and that hyphen stays."""
    with one_page(tmp_path / "manual.pdf") as c:
        c.drawString(72, 700, "The library handles Distinguished Encoding Rules (DER) manip-")
        c.drawString(72, 689, "ulation, and an iden-")
        c.drawString(72, 678, "tifier's man-")
        c.drawString(72, 667, "agement needs no generated code, as the forward-")
        c.drawString(72, 656, "looking statements and the non-")
        c.drawString(72, 645, "GAAP measures say.")
    text = load_document(tmp_path / "manual.pdf", tmp_path).text
    assert "\ufffe" not in text
    assert ("Distinguished Encoding Rules (DER) manipulation, and an identifier's management "
            "needs no generated code, as the forward-looking statements and the non-GAAP "
            "measures say.") in text


def test_a_chapters_running_heads_and_bare_page_numbers_are_leftovers(tmp_path):
    """A manual's running head names the chapter and the page, so it repeats on a few pages
    only; a page may carry its number alone. The chapter's own heading stays."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "manual.pdf"), pagesize=letter)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(72, 700, "Libheron")
    c.showPage()
    heads = {2: "1", 3: "Chapter 1: Nesting 2", 4: "Chapter 1: Nesting 3", 5: "4",
             6: "Chapter 2: Feeding 5", 7: "Chapter 2: Feeding 6"}
    for page, head in heads.items():
        c.setFont("Helvetica", 9)
        c.drawString(72, 740, head)
        if page in (2, 5):
            c.setFont("Helvetica-Bold", 14)
            c.drawString(72, 700, "1 Nesting" if page == 2 else "2 Feeding")
            c.setFont("Helvetica", 9)
        c.drawString(72, 680, f"Herons build nest {'ABCDEFG'[page - 1]} in tall trees.")
        c.showPage()
    c.save()
    doc = load_document(tmp_path / "manual.pdf", tmp_path)
    body = "".join(doc.text[a:b] for a, b in doc.body())
    assert [doc.text[a:b] for a, b in doc.leftovers] == list(heads.values())
    assert "1 Nesting" in body and "2 Feeding" in body and "nest G in tall trees" in body


def test_identifiers_whose_underscores_tex_drew_as_rules_are_whole_again(tmp_path):
    """TeX draws "_" outside typewriter type as a rule, which has no text: a function's
    heading reads "hrn nest count". Where the document spells the name elsewhere it is whole
    again; a run of common words ("is open") stays as it is."""
    with one_page(tmp_path / "manual.pdf") as c:
        c.drawString(72, 700, "hrn nest count")
        c.drawString(72, 689, "int hrn_nest_count (hrn node * colony, int is_open)")
        c.drawString(72, 678, "Counts the nests of colony when the season is open, with its")
        c.drawString(72, 667, "hrn node as the root. See hrn_node.")
    text = load_document(tmp_path / "manual.pdf", tmp_path).text
    assert text.startswith("hrn_nest_count\nint hrn_nest_count (hrn_node * colony")
    assert "the season is open" in text and "with its\nhrn_node as the root." in text
