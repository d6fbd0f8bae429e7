"""Files to `SourceDocument`s: the extracted text, a title, page starts for PDFs, and the spans of
page leftovers (comment boxes, author blurbs, share buttons, tables of contents) that must never
be quoted.

The extracted text is what citations index into: `document.text[c.start:c.end] == c.text`.
Leftovers stay in that text (so offsets match what the user sees) but are marked, and the
splitter never puts them in a chunk.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import unicodedata
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from .changelog import is_debian_changelog, read_debian_changelog
from .contents import table_of_contents
from .documents import document_suffix
from .errors import DocumentError
from .info import is_info, read_info
from .layout import is_man_page, reflow_man_page
from .markup import html_text, markdown_text, unbox
from .office import OFFICE_SUFFIXES, convert
from .pdf import PdfPages, read_pdf
from .plaintables import read_box_tables, read_plain_tables
from .pod import read_pod
from .roff import is_roff, read_roff
from .text import Span, line_spans, normalize_text
from .vimhelp import is_vim_help, read_vim_help


@dataclass
class SourceDocument:
    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    text: str  # the extracted text every offset refers to
    sha256: str  # of the file's bytes: tells a changed file from an unchanged one
    page_starts: list[int] = field(default_factory=list)  # PDFs: offset where page i+1 begins
    leftovers: list[Span] = field(default_factory=list)  # spans that are not answer material
    notes: list[str] = field(default_factory=list)  # what could not be read, the rest indexed

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for documents without pages."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset)

    def body(self) -> list[Span]:
        """The parts of the text outside leftovers and split at page breaks: what may be quoted."""
        cuts = sorted(self.leftovers)
        spans: list[Span] = []
        pos = 0
        for start, end in cuts + [(len(self.text), len(self.text))]:
            if start > pos:
                spans.append((pos, start))
            pos = max(pos, end)
        if not self.page_starts:
            return spans
        out: list[Span] = []
        for start, end in spans:
            breaks = [p for p in self.page_starts if start < p < end]
            for a, b in zip([start, *breaks], [*breaks, end], strict=True):
                out.append((a, b))
        return out


def load_document(path: Path, corpus_dir: Path, *, max_bytes: int | None = None,
                  outside_links: bool = False) -> SourceDocument:
    """Read one file; raise DocumentError with the reason and the remedy when it cannot be read.

    `outside_links`: follow a symbolic link that leads out of the corpus folder (refused by
    default: a link to /etc or to a device is a way to read what the user never offered)."""
    source, data = read_source(path, corpus_dir, max_bytes=max_bytes,
                               outside_links=outside_links)
    suffix = document_suffix(path.name) or path.suffix.lower()
    if path.name.lower().endswith(".gz"):
        data = _gunzip(source, data, max_bytes)
    if not data.strip():
        raise DocumentError(source, "is empty; nothing to index")
    page_starts: list[int] = []
    marked: list[Span] = []  # leftovers the converter knows of (a man page's header)
    notes: list[str] = []
    if suffix == ".pdf":
        pdf = _pdf(source, data)
        text, page_starts, marked = pdf.text, pdf.page_starts, pdf.leftovers
        if pdf.scanned and not pdf.ocr:
            notes.append(_unread_pages(pdf.scanned))
        title = pdf.title or _first_line_title(text) or _stem_title(path)
    elif suffix in OFFICE_SUFFIXES:
        converted = convert(source, suffix, data)
        text, page_starts = converted.text, converted.page_starts
        title = converted.title or _first_line_title(text) or _stem_title(path)
    else:
        raw = _decode(source, data)
        if suffix in (".html", ".htm"):
            text, title = html_text(raw)
            text = normalize_text(text)
        elif suffix in (".md", ".markdown"):
            text, title = markdown_text(raw), _markdown_title(raw)
        elif suffix == ".rst":
            text, title = _rst(raw, notes)
        elif suffix == ".pod":
            text, title = read_pod(raw)
        elif suffix == ".man" and is_roff(raw):
            page = read_roff(source, raw)
            text, title, marked = page.text, page.title, page.leftovers
        elif suffix == ".info" or is_info(raw):
            text, title = read_info(raw)
        elif is_debian_changelog(raw):
            text, title = read_debian_changelog(raw)
        elif is_man_page(raw):
            page = reflow_man_page(read_box_tables(raw))
            text, title, marked = page.text, page.title, page.leftovers
        elif is_vim_help(raw):
            text, title = read_vim_help(raw)
        else:
            text, title = read_plain_tables(read_box_tables(unbox(raw))), ""
        title = title or _first_line_title(text) or _stem_title(path)
    if not text.strip():
        raise DocumentError(source, "holds no text once extracted; check its content")
    return SourceDocument(
        source=source,
        title=title,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        page_starts=page_starts,
        leftovers=sorted(find_leftovers(text) + marked),
        notes=notes,
    )


def read_source(path: Path, corpus_dir: Path, *, max_bytes: int | None = None,
                outside_links: bool = False) -> tuple[str, bytes]:
    """A corpus file's name and bytes, read as `load_document` reads them (same refusals),
    before anything is parsed."""
    source = path.relative_to(corpus_dir).as_posix()
    if not outside_links:
        target = path.resolve()
        if not target.is_relative_to(corpus_dir.resolve()):
            raise DocumentError(
                source, f"is a link to {target}, outside the corpus folder; copy the file in, "
                "or set ASSISTANT_OUTSIDE_LINKS=true to follow such links")
    return source, read_file(path, source, max_bytes)


def read_file(path: Path, name: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, its size checked before reading. Opened without blocking
    and checked on the open descriptor: a named pipe would hang the read, and a device such as
    /dev/zero (size 0, endless) would fill the memory."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise DocumentError(
            name, f"cannot be read ({exc.strerror or exc}); check it exists and is readable"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):  # a folder opens read-only like a file on POSIX
            raise DocumentError(name, "is a folder, not a file; rename it")
        if not stat.S_ISREG(info.st_mode):
            kind = _KIND.get(stat.S_IFMT(info.st_mode), "a special file")
            raise DocumentError(name, f"is {kind}, not a regular file; skipped")
        if max_bytes is not None and info.st_size > max_bytes:
            raise DocumentError(name, _too_big(info.st_size, max_bytes))
        try:
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
        except OSError as exc:
            raise DocumentError(
                name, f"cannot be read ({exc.strerror or exc}); check the disk or the file"
            ) from None
    if max_bytes is not None and len(data) > max_bytes:  # it grew while we looked
        raise DocumentError(name, _too_big(len(data), max_bytes))
    return data


_KIND = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _gunzip(source: str, data: bytes, max_bytes: int | None) -> bytes:
    """A gzip file's content, no more than `max_bytes` of it: a small file may unpack to
    gigabytes."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            out = unpacked.read(-1 if max_bytes is None else max_bytes + 1)
    except (OSError, EOFError, zlib.error):
        raise DocumentError(source, "is not a readable gzip file; check it, or unpack it with "
                            "gunzip") from None
    if max_bytes is not None and len(out) > max_bytes:
        raise DocumentError(source, f"unpacks to over the {max_bytes / 1e6:g} MB limit "
                            "(ASSISTANT_MAX_FILE_MB); split it or raise the limit")
    return out


def _too_big(size: int, max_bytes: int) -> str:
    return (f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit "
            "(ASSISTANT_MAX_FILE_MB); split it or raise the limit")


# --- decoding and cleaning ------------------------------------------------------------------


_BINARY = "looks like a binary file, not text; remove it or convert it to .txt/.pdf"


def _decode(source: str, data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused rather than
    guessed, since a wrong guess silently garbles every answer drawn from the file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        # makeinfo marks an index node "\0\b[index\0\b]": text, not a binary file's NULs
        if b"\x00" in data[:8192].replace(b"\x00\x08[", b"").replace(b"\x00\x08]", b""):
            raise DocumentError(source, _BINARY)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                source,
                f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "re-save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`",
            ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > 0.05 * len(text):
        raise DocumentError(source, _BINARY)
    return normalize_text(text)


# Whole lines that are page furniture wherever they appear.
_UI_LINE = re.compile(
    r"(add a (public )?comment|leave a (reply|comment)|no comments( yet)?|\d+ comments?|comments?"
    r"|author avatar|share( this( article| post| story)?)?( on \w+)?|sign in|log in"
    r"|subscribe( now)?"
    r"|advertisement|read more|related (articles|stories|posts)|follow us( on \w+)?"
    r"|click to (share|print|email).*|(previous|next) (article|post)|back to top)[\s.…!:]*",
    re.IGNORECASE,
)
# Lines that open a page's trailing furniture: the author box, the comments, related links.
_FOOTER_START = re.compile(
    r"(author avatar|about the author|comments?|add a (public )?comment|leave a (reply|comment)"
    r"|related (articles|stories|posts)|you may also like)[\s.…!:]*",
    re.IGNORECASE,
)


def find_leftovers(text: str) -> list[Span]:
    """Spans of page furniture: the trailing block that starts at an author box or a comments
    heading in the last third of the text, furniture lines anywhere, tables of contents."""
    spans: list[Span] = table_of_contents(text)
    tail_from = len(text)
    for start, end in line_spans(text):
        line = text[start:end].strip()
        if not line:
            continue
        if start >= len(text) * 2 / 3 and _FOOTER_START.fullmatch(line):
            tail_from = start
            break
        if _UI_LINE.fullmatch(line):
            spans.append((start, end))
    if tail_from < len(text):
        spans.append((tail_from, len(text)))
    return spans


# --- titles ---------------------------------------------------------------------------------


# the marks a comment opens or closes with, which a configuration file's first line may hold:
# "/* This file is an index of all APT configuration directives." is titled without "/*"
_COMMENT_MARKS = re.compile(r"^(?:/\*+|//+|#+|;+|--(?=\s))\s*|\s*\*+/$")


def _first_line_title(text: str) -> str:
    for line in text.split("\n"):
        line = _COMMENT_MARKS.sub("", line.strip()).strip()
        if line:
            return line if len(line) <= 120 and len(text) > len(line) + 1 else ""
    return ""


def _markdown_title(text: str) -> str:
    front = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if front:
        m = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", front.group(1), re.MULTILINE)
        if m:
            return m.group(1)
    m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return m.group(1) if m else ""


def _stem_title(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


# --- PDF ------------------------------------------------------------------------------------


def _unread_pages(pages: list[int]) -> str:
    """What a PDF's pages without a text layer, left unread, ask of the user."""
    shown = ", ".join(map(str, pages[:10])) + (", …" if len(pages) > 10 else "")
    one = len(pages) == 1
    return (f"{'page' if one else 'pages'} {shown} {'has' if one else 'have'} no text layer "
            f"and {'was' if one else 'were'} not read; install Tesseract (`apt-get install "
            f"tesseract-ocr`) to have {'it' if one else 'them'} read, then index again")


def _rst(raw: str, notes: list[str]) -> tuple[str, str]:
    """reStructuredText as its built page reads, or as plain text where docutils fails on it
    (the document is still indexed; the note says how it was read)."""
    from .rst import rst_text  # docutils: imported only for a folder that holds .rst files

    try:
        return rst_text(raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure leaves the plain text
        notes.append(f"read as plain text: docutils could not parse it "
                     f"({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})")
        return unbox(raw), ""


def _pdf(source: str, data: bytes) -> PdfPages:
    """Every page's text (`pdf.read_pdf`); DocumentError when it cannot be read."""
    import pypdfium2 as pdfium

    try:
        pages = read_pdf(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentError(source, "is an encrypted PDF; save an unencrypted copy") from None
        raise DocumentError(
            source, f"is not a readable PDF ({' '.join(str(exc).split())}); re-export or "
            "remove it") from None
    if not pages.text.strip():
        if pages.scanned and pages.ocr:
            raise DocumentError(source, "has no text layer, and Tesseract (OCR) found no text "
                                "on its pages; check the scan")
        raise DocumentError(
            source, "has no text layer (a scanned PDF?); install Tesseract (`apt-get install "
            "tesseract-ocr`) to have it read, or run OCR on it (e.g. ocrmypdf) first")
    return pages
