"""Office documents, spreadsheets, e-books and e-mails to the text a reader sees.

Each converter returns `Converted`: the text citations index into (the viewer shows it), a
title, and where each page (a slide, a sheet) begins. A table's row becomes one line that
carries its row label and its columns' headers, so a quoted row says what its figures are:

    version 22.10 — codename: Kinetic Kudu; release: 2022-10-20; eol: 2023-07-20.

.docx and .pptx are read with python-docx and python-pptx, .xlsx with openpyxl; .odt and
.epub are zip files of XML and XHTML, read with the standard library and `markup.html_text`;
.eml with the standard library's `email` (its headers, then its text, or its HTML as laid out);
.rtf with striprtf, whose table rows ("2.1|2024-03-01|") become rows like any other table's.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree

from .errors import DocumentError
from .markup import html_text
from .tables import table_lines
from .text import normalize_text

OFFICE_SUFFIXES = (".docx", ".pptx", ".xlsx", ".csv", ".odt", ".epub", ".eml", ".rtf")


@dataclass
class Converted:
    text: str
    title: str = ""
    page_starts: list[int] = field(default_factory=list)  # where page (slide, sheet) i+1 begins


# paragraph styles of program text: Word's "Source Code" (pandoc's) and "HTML Preformatted",
# LibreOffice's "Preformatted Text"
_CODE_STYLE = re.compile(r"preformatted|source|code", re.IGNORECASE)


class _Builder:
    """Blocks of text joined by blank lines, with the offsets where pages begin. A run of
    program-text paragraphs (one a line, as word processors keep a code block) is one block."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.page_starts: list[int] = []
        self.code: list[str] = []

    def page(self) -> None:
        self._end_code()
        self.page_starts.append(self.size + (2 if self.parts else 0))

    def add(self, block: str, style: str = "") -> None:
        if _CODE_STYLE.search(style):
            self.code.append(block)
            return
        self._end_code()
        self._add(block)

    def _end_code(self) -> None:
        if self.code:
            lines, self.code = self.code, []
            self._add("\n".join(lines))

    def _add(self, block: str) -> None:
        block = normalize_text(block).strip()
        if not block:
            return
        if self.parts:
            self.size += 2
        self.parts.append(block)
        self.size += len(block)

    def result(self, title: str = "") -> Converted:
        self._end_code()
        text = "\n\n".join(self.parts)
        starts = [min(s, len(text)) for s in self.page_starts]
        return Converted(text, title, starts)


def cell_text(value: object) -> str:
    """A cell as a person reads it: dates as ISO dates, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


# --- Word, PowerPoint, Excel ----------------------------------------------------------------


def docx(data: bytes) -> Converted:
    from docx import Document as Word
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Word(io.BytesIO(data))
    out = _Builder()
    title = doc.core_properties.title or ""
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            style = (block.style.name if block.style is not None else "") or ""
            out.add(block.text, style)
            if not title and style.lower() in ("title", "heading 1"):
                title = block.text.strip()
        elif isinstance(block, Table):
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            for line in table_lines(_unmerged(rows)):
                out.add(line)
    return out.result(title)


def _unmerged(rows: list[list[str]]) -> list[list[str]]:
    """python-docx repeats a merged cell's text in every cell it spans: keep it once."""
    out = []
    for row in rows:
        kept = [c if i == 0 or c != row[i - 1] else "" for i, c in enumerate(row)]
        out.append(kept)
    return out


def pptx(data: bytes) -> Converted:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    out = _Builder()
    title = deck.core_properties.title or ""
    for slide in deck.slides:
        out.page()
        shapes = sorted(slide.shapes, key=lambda s: (s.top or 0, s.left or 0))
        for shape in shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    out.add("".join(run.text for run in paragraph.runs))
            if getattr(shape, "has_table", False) and shape.has_table:
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                for line in table_lines(rows):
                    out.add(line)
        if not title and slide.shapes.title is not None:
            title = slide.shapes.title.text_frame.text.strip()
    return out.result(title)


def xlsx(data: bytes) -> Converted:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = _Builder()
    many = len(book.worksheets) > 1
    for sheet in book.worksheets:
        out.page()
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        lines = table_lines(rows)
        if lines and many:
            out.add(sheet.title)
        for line in lines:
            out.add(line)
    title = book.properties.title or (book.worksheets[0].title if book.worksheets else "")
    book.close()
    return out.result(title)


def csv_text(text: str) -> Converted:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    out = _Builder()
    for line in table_lines(rows):
        out.add(line)
    return out.result()


# --- OpenDocument text and EPUB -------------------------------------------------------------

_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def odt(data: bytes) -> Converted:
    """Paragraphs, headings and tables in order, a code block as one. The title is the
    document's own (meta.xml), else its Title paragraph, else its first heading."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("content.xml"))
        meta = z.read("meta.xml") if "meta.xml" in z.namelist() else b""
    title = _odf_meta_title(meta)
    # an automatic style ("P3") stands for the named one it derives from
    parents = {e.get(f"{{{_ODF_STYLE}}}name"): e.get(f"{{{_ODF_STYLE}}}parent-style-name", "")
               for e in root.iter(f"{{{_ODF_STYLE}}}style")}
    out = _Builder()
    heading = ""
    for block in _odf_blocks(root):
        if isinstance(block, list):
            for line in table_lines(block):
                out.add(line)
            continue
        text, is_heading, style = block
        out.add(text, f"{style} {parents.get(style, '')}")
        if not title and style.lower() == "title":
            title = text.strip()
        if is_heading and not heading:
            heading = text.strip()
    return out.result(title or heading)


def _odf_meta_title(meta: bytes) -> str:
    if not meta:
        return ""
    try:
        root = ElementTree.fromstring(meta)
    except ElementTree.ParseError:
        return ""  # the title is a nicety; the text is still read
    return next(((e.text or "").strip()
                 for e in root.iter("{http://purl.org/dc/elements/1.1/}title")), "")


def _odf_blocks(node: ElementTree.Element) -> Iterable[tuple[str, bool, str] | list[list[str]]]:
    """Paragraphs and headings as (text, heading, style name), tables as lists of rows, in
    order."""
    for child in node:
        tag = child.tag
        if tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            style = child.get(f"{{{_ODF_TEXT}}}style-name", "")
            yield _odf_inline(child), tag.endswith("}h"), style
        elif tag == f"{{{_ODF_TABLE}}}table":
            yield [[_odf_inline(cell) for cell in row.iter(f"{{{_ODF_TABLE}}}table-cell")]
                   for row in child.iter(f"{{{_ODF_TABLE}}}table-row")]
        else:
            yield from _odf_blocks(child)


def _odf_inline(node: ElementTree.Element) -> str:
    parts = [node.text or ""]
    for child in node:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "s":
            parts.append(" " * int(child.get(f"{{{_ODF_TEXT}}}c", "1")))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        else:
            parts.append(_odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def epub(data: bytes) -> Converted:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        container = ElementTree.fromstring(z.read("META-INF/container.xml"))
        opf_path = next(e.get("full-path") for e in container.iter()
                        if e.tag.endswith("rootfile"))
        opf = ElementTree.fromstring(z.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {e.get("id"): e.get("href") for e in opf.iter() if e.tag.endswith("}item")}
        spine = [e.get("idref") for e in opf.iter() if e.tag.endswith("}itemref")]
        title = next((e.text or "" for e in opf.iter() if e.tag.endswith("}title")), "")
        out = _Builder()
        for ref in spine:
            href = items.get(ref)
            if not href:
                continue
            name = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
            text, _ = html_text(z.read(name).decode("utf-8", "replace"))
            out.page()
            out.add(text)
    return out.result(title.strip())


def eml(data: bytes) -> Converted:
    """An e-mail: From, To, Date and Subject, then its plain text (or its HTML laid out as a
    browser would); the subject is the title. Attachments are not read."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not message.keys():
        raise ValueError("no mail headers")
    out = _Builder()
    out.add("\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject")
                       if message[name]))
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            text = html_text(text)[0]
        for block in re.split(r"\n\s*\n", text):
            out.add(block)
    return out.result(str(message["Subject"] or ""))


_RTF_TITLE = re.compile(r"\{\\title\s+([^}]*)\}")


def rtf(data: bytes) -> Converted:
    """Rich Text: each paragraph a block, each run of table rows a table; the title from the
    document's information group. RTF is 7-bit: other characters come as escapes."""
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("latin-1")
    if not raw.lstrip().startswith("{\\rtf"):
        raise ValueError("no {\\rtf header")
    out = _Builder()
    rows: list[list[str]] = []
    for line in rtf_to_text(raw, errors="replace").splitlines() + [""]:
        if line.endswith("|"):
            rows.append(line[:-1].split("|"))
            continue
        for row in table_lines(rows):
            out.add(row)
        rows = []
        out.add(line)
    title = _RTF_TITLE.search(raw)
    return out.result(title.group(1).strip() if title else "")


# --- dispatch ---------------------------------------------------------------------------------


def convert(source: str, suffix: str, data: bytes) -> Converted:
    """The text of an office document, e-book or spreadsheet; DocumentError when it cannot be
    read."""
    readers = {".docx": docx, ".pptx": pptx, ".xlsx": xlsx, ".odt": odt, ".epub": epub,
               ".eml": eml, ".rtf": rtf}
    try:
        if suffix == ".csv":
            return csv_text(data.decode("utf-8-sig"))
        return readers[suffix](data)
    except UnicodeDecodeError as exc:
        raise DocumentError(source, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at "
                            f"offset {exc.start}); re-save it as UTF-8") from None
    except Exception as exc:  # noqa: BLE001 - each library has its own errors for a bad file
        kind = suffix.lstrip(".").upper()
        raise DocumentError(source, f"is not a readable {kind} file ({exc.__class__.__name__}: "
                            f"{' '.join(str(exc).split())[:160]}); re-save it or remove it"
                            ) from None
