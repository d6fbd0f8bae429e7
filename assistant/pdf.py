"""PDFs read with the positions of their characters (PDFium, through pypdfium2), so that the
layout says what a line of text alone cannot:

- a table's row is rebuilt as one line carrying its label and its columns' headers, found by
  where the figures stand under the headings ("Products — Three Months Ended July 1, 2023:
  $60,584; …"), so a quoted row says which quarter each figure is;
- a line repeated at the top or bottom of most pages ("Apple Inc. | Q3 2023 Form 10-Q | 11"),
  or of a chapter's pages with their numbers ("Chapter 4: Function reference 12"), is a
  running header or footer, marked as a leftover and never quoted, as is a page number alone;
- the title is the document's own (its metadata) when it reads as one, else the words set
  in the largest type on the first page ("Apple Inc. — FORM 10-Q"), not "UNITED STATES";
- a word broken at a line's end is one word again: PDFium marks that hyphen U+FFFE, whether
  TeX hyphenated the word ("manip-" / "ulation", dropped) or the line broke at a compound's
  own hyphen ("forward-" / "looking", kept: its halves are words the embedding model knows,
  the joined word is not);
- an identifier whose underscores TeX drew as rules ("asn1 delete structure2") is whole
  again where the document spells it elsewhere ("asn1_delete_structure2");
- a page with no text layer (a scan) is read by Tesseract when it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .contents import PAGE_NUMBER
from .pdftables import Line, Word, line_key, tables
from .text import Span, normalize_text

_HYPHEN_EOL = "\ufffe"  # PDFium's mark for a hyphen that breaks a word at a line's end
_FOLIO = re.compile(PAGE_NUMBER)  # a page's number alone
_SNAKE_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")  # "asn1_delete_structure2"


@dataclass
class PdfPages:
    text: str
    title: str = ""
    page_starts: list[int] = field(default_factory=list)
    leftovers: list[Span] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)  # pages (from 1) without a text layer
    ocr: bool = False  # whether Tesseract read them


def read_pdf(data: bytes, password: str | None = None) -> PdfPages:
    """Every page's text, tables as rows with their headers, furniture marked."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data, password=password)
    tesseract = shutil.which("tesseract")
    scanned: list[int] = []
    try:
        pages = [_lines(doc[i]) for i in range(len(doc))]
        scans: dict[int, str] = {}
        for i, lines in enumerate(pages):
            if not lines:
                scanned.append(i + 1)
                if tesseract:
                    scans[i] = _ocr(doc[i], tesseract)
        metadata = doc.get_metadata_dict()
    finally:
        doc.close()
    furniture = _furniture(pages)
    parts: list[str] = []
    starts: list[int] = []
    leftovers: list[Span] = []
    pos = 0
    for number, lines in enumerate(pages):
        starts.append(pos)
        page_lines: list[tuple[str, bool]] = [(line, False) for line in
                                              scans.get(number, "").split("\n")]
        blocks = tables(lines, furniture)
        for k, block in enumerate(blocks):
            if isinstance(block, list):
                page_lines += [(row, False) for row in block]
            else:  # a running head, or the page's number alone at its top or foot
                page_lines.append((block.text, line_key(block.text) in furniture or (
                    k in (0, len(blocks) - 1) and _FOLIO.fullmatch(block.text.strip()))))
        page_text = ""
        for text, leftover in page_lines:
            text = normalize_text(text).strip()
            if not text:
                if page_text and not page_text.endswith("\n\n"):
                    page_text += "\n"  # a scan's paragraph break
                continue
            if page_text:
                page_text += "\n"
            if leftover:
                leftovers.append((pos + len(page_text), pos + len(page_text) + len(text)))
            page_text += text
        page_text = page_text.rstrip("\n")
        parts.append(page_text)
        pos += len(page_text) + 2
    return PdfPages(_underscored("\n\n".join(parts)), _title(metadata, pages), starts,
                    leftovers, scanned, bool(tesseract))


def _underscored(text: str) -> str:
    """The text with identifiers whole where TeX drew their underscores as rules, not glyphs:
    "asn1 delete structure2" is "asn1_delete_structure2" when the document spells it so
    elsewhere (in typewriter type). Same length: every offset stays. A run of words that are
    all common ("is_open" against "this is open") is left alone."""
    from .embeddings import whole_words
    from .found import common_word

    words = whole_words()
    spaced = {}
    for name in set(_SNAKE_NAME.findall(text)):
        parts = [p for p in name.split("_") if p]
        if len(parts) == name.count("_") + 1 and not all(common_word(p.lower(), words)
                                                          for p in parts):
            spaced[" ".join(parts)] = name
    if not spaced:
        return text
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
        re.escape(k) for k in sorted(spaced, key=len, reverse=True)) + r")(?![\w-])")
    return pattern.sub(lambda m: spaced[m.group()], text)


def _ocr(page: object, tesseract: str) -> str:
    """A scanned page's text, read by Tesseract from the page rendered at 300 dpi."""
    image = page.render(scale=300 / 72).to_pil()  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="assistant-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        try:
            done = subprocess.run([tesseract, str(path), "stdout"], capture_output=True,
                                  text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return done.stdout if done.returncode == 0 else ""


def _lines(page: object) -> list[Line]:
    """The page's lines in PDFium's reading order, each word with its horizontal extent."""
    tp = page.get_textpage()  # type: ignore[attr-defined]
    text = tp.get_text_range()
    lines: list[Line] = []
    pos = 0
    for raw in re.split(r"\r\n|\n|\r", text):
        words: list[Word] = []
        top = height = 0.0
        for m in re.finditer(r"\S+", raw):
            boxes = [tp.get_charbox(pos + i) for i in range(m.start(), m.end())]
            word = _unbroken(m.group())
            if word:
                words.append(Word(word, min(b[0] for b in boxes), max(b[2] for b in boxes)))
            top = max(top, max(b[3] for b in boxes))
            height = max(height, max(b[3] - b[1] for b in boxes))
        if words:
            lines.append(Line(words, top, height))
        pos += len(raw) + (2 if text[pos + len(raw):pos + len(raw) + 2] == "\r\n" else 1)
    return lines


def _unbroken(word: str) -> str:
    """A word without PDFium's line-end hyphen marks: a hyphenation is undone ("manip-ulation",
    "iden-tifier"), a compound's hyphen stays ("non-GAAP", "one-time", "13a-15": halves that
    are words, or are not both letters, while the joined word is not one)."""
    if _HYPHEN_EOL not in word:
        return word
    from .embeddings import whole_words
    from .found import common_word

    words = whole_words()
    parts = word.split(_HYPHEN_EOL)
    out = parts[0]
    for part in parts[1:]:
        left, right = re.search(r"[A-Za-z]+$", out), re.match(r"[a-z]+", part)
        if left is None or right is None:
            out += "-" + part
            continue
        halves = (left.group().lower(), right.group())
        compound = (not common_word("".join(halves), words)
                    and all(common_word(h, words) for h in halves))
        out += ("-" if compound else "") + part
    return out


def _furniture(pages: list[list[Line]]) -> set[str]:
    """Lines that open or close most pages, page numbers aside: running heads and feet. And a
    chapter's running head, on fewer pages ("Chapter 4: Function reference 12"): a line that
    opens or closes a page with that page's number, counted as most pages count theirs."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    offsets: Counter[int] = Counter()  # printed number less the page's index, as pages say
    numbered: list[tuple[str, int]] = []  # (key, offset) of a page's end lines with a number
    for index, lines in enumerate(pages):
        ends = [(line_key(line.text), line.text) for line in lines[:2] + lines[-2:]]
        seen.update({key for key, _ in ends})
        here = {(key, n - index) for key, text in ends if (n := _folio(text)) is not None}
        offsets.update({offset for _, offset in here})
        numbered += here
    bar = max(3, len(pages) // 2)
    keys = {key for key, n in seen.items() if n >= bar and key.strip("# ")}
    if offsets:
        offset, n = offsets.most_common(1)[0]
        if n >= bar:  # the document's own page numbering; three words or more, since
            # "Item 2" opening a page on page 2 is a heading, not a running head
            keys |= {key for key, o in numbered if o == offset and len(key.split()) >= 3}
    return keys


def _folio(line: str) -> int | None:
    """The page number a running head ends with ("Chapter 4: Function reference 12", "5"), or
    None. Not one it opens with: that is a chapter's number ("2 ASN.1 structure handling")."""
    m = re.fullmatch(r"(?:.*\s)?(\d{1,3})", line.strip())
    return int(m.group(1)) if m else None




def _title(metadata: dict, pages: list[list[Line]]) -> str:
    """The metadata's title when it has words (not an accession number), else the first
    page's text in the largest type."""
    title = " ".join(str(metadata.get("Title") or "").split())
    if len(re.findall(r"[^\W\d_]{3,}", title)) >= 2:
        return title
    first = pages[0] if pages else []
    if not first:
        return ""
    largest = max(line.height for line in first)
    big = [line.text for line in first if line.height >= 0.9 * largest][:3]
    return " — ".join(big)[:200]
