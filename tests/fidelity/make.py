"""Writes the fidelity set's Office files and e-book from the real texts they carry (see
README.md). Run once from the repository root, on a Debian machine with base-files and
distro-info-data installed: `python tests/fidelity/make.py`. The files it wrote are committed;
the tests only read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def faq_entries(text: str) -> list[tuple[str, list[str]]]:
    """base-files' FAQ as (heading, paragraphs), each paragraph's lines joined."""
    sections: list[tuple[str, list[str]]] = []
    for block in re.split(r"\n\s*\n", text):
        line = " ".join(block.split())
        if not line or set(line) <= {"="}:
            continue
        if line.startswith("* "):
            sections.append((line[2:].rstrip(":"), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            sections.append((line.split(" ====")[0], []))
    return sections


def docx(source: Path, dest: Path) -> None:
    from docx import Document

    doc = Document()
    entries = faq_entries(source.read_text(encoding="utf-8"))
    doc.core_properties.title = entries[0][0]
    doc.add_heading(entries[0][0], level=1)
    for heading, paragraphs in entries[1:]:
        doc.add_heading(heading, level=2)
        for paragraph in paragraphs:
            doc.add_paragraph(paragraph)
    doc.save(dest)


def pptx(source: Path, dest: Path, questions: int = 6) -> None:
    """The zlib FAQ's first questions, one a slide: the question its title, the answer its
    body."""
    from pptx import Presentation

    text = source.read_text(encoding="utf-8")
    deck = Presentation()
    deck.core_properties.title = "Frequently Asked Questions about zlib"
    for m in list(re.finditer(r"\n ?(\d+)\. (.+?)\n\n(.+?)(?=\n ?\d+\. |\Z)", text,
                              re.S))[:questions]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = m.group(2).strip()
        body = slide.placeholders[1].text_frame
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", m.group(3))]
        body.text = paragraphs[0]
        for paragraph in paragraphs[1:]:
            body.add_paragraph().text = paragraph
    deck.save(dest)


def xlsx(source: Path, dest: Path) -> None:
    from openpyxl import Workbook

    rows = list(csv.reader(source.open(encoding="utf-8")))
    book = Workbook()
    sheet = book.active
    sheet.title = "Debian releases"
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([dt.date.fromisoformat(v) if i >= 3 and v else v
                      for i, v in enumerate(row)])
    book.properties.title = "Debian releases"
    book.save(dest)


def epub(source: Path, dest: Path) -> None:
    """The Mozilla Public License's sections, one chapter each."""
    text = source.read_text(encoding="utf-8")
    parts = re.split(r"\n(?=\d+\. [A-Z])", text)
    chapters = [p for p in parts if re.match(r"\d+\. ", p)]
    files = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": (
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
            'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>'),
    }
    items, spine = [], []
    for n, chapter in enumerate(chapters, start=1):
        head, _, body = chapter.partition("\n")
        paragraphs = "".join(f"<p>{_escape(' '.join(p.split()))}</p>"
                             for p in re.split(r"\n\s*\n", body) if p.strip())
        files[f"OEBPS/c{n}.xhtml"] = (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>{_escape(head)}</title></head><body><h1>{_escape(head.strip())}</h1>"
            f"{paragraphs}</body></html>")
        items.append(f'<item id="c{n}" href="c{n}.xhtml" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="c{n}"/>')
    files["OEBPS/content.opf"] = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:identifier id="id">mpl-2.0</dc:identifier><dc:title>Mozilla Public License '
        'Version 2.0</dc:title><dc:language>en</dc:language></metadata>'
        f'<manifest>{"".join(items)}</manifest><spine>{"".join(spine)}</spine></package>')
    with zipfile.ZipFile(dest, "w") as z:
        z.writestr("mimetype", files.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    docx(Path("/usr/share/doc/base-files/FAQ"), HERE / "base-files-FAQ.docx")
    pptx(HERE / "zlib-FAQ.txt", HERE / "zlib-FAQ.pptx")
    xlsx(HERE / "debian-releases.csv", HERE / "debian-releases.xlsx")
    epub(ROOT / "bench" / "gold" / "docs" / "mozilla-public-license-2.0.txt",
         HERE / "mozilla-public-license-2.0.epub")
