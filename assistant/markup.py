"""Markup to the text a reader sees: HTML laid out as a browser would, Markdown without its
syntax. Citations index into this text, and quotes are cut from it, so an answer never shows
`**`, a backslash escape or a link's address in the middle of a sentence, and a link or a line
break in the markup never splits one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from .tables import table_lines

_DROP_TAGS = frozenset(("script", "style", "noscript", "template", "nav", "header", "footer",
                        "aside", "form", "button", "svg", "iframe", "head"))
# ARIA landmarks of a site's chrome (menus, page banners, footers, search boxes), and the
# marks of a link to a heading's own anchor ("timeout.refresh()#", "Installation¶")
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "search"))
# the classes such chrome goes by without a role: DocBook's "Prev | Up | Next" bars above and
# below every page of a manual ("navheader", Valgrind's <table class="nav">) and its table of
# contents (DocBook's and MediaWiki's "toc"), a site's menu and breadcrumbs
_DROP_CLASSES = frozenset(("navheader", "navfooter", "nav", "navbar", "toc", "breadcrumb",
                           "breadcrumbs"))
_SELF_LINK_MARKS = frozenset(("#", "¶", "§", "🔗"))
# elements whose end tag may be left out: one dropped by its role would take the page with it
_OPTIONAL_END = frozenset(("p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
                           "thead", "tbody", "tfoot", "colgroup", "rt", "rp"))
_BLOCK_TAGS = frozenset(("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5",
                         "h6", "li", "ul", "ol", "table", "tr", "blockquote", "pre", "dd", "dt",
                         "dl", "figcaption", "td", "th", "body"))
# A definition's term this short is joined to its description ("dialout — Full and direct
# access to serial ports."): apart, the description is quoted without what it describes.
_TERM_WORDS = 8
_VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "source", "track", "wbr"))


class _HTMLText(HTMLParser):
    """One pass over the tags, as a browser lays out text: blocks become paragraphs, `<br>` a
    line break, and source whitespace inside a paragraph one space, so a link or a line break
    in the markup never splits a sentence. Linear in the input: a tree library's inserts made
    50,000 nested divs take minutes (each insert walked the whole subtree)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.brk = 0  # line breaks owed before the next text: 1 (br) or 2 (block)
        self.skip = 0  # depth inside dropped elements (navigation, scripts, the head)
        self.pre = 0
        self.capture: str | None = None  # "title" or "h1" while collecting the first one
        self.names: dict[str, list[str]] = {}  # the first <title>'s and <h1>'s text
        self.tables: list[_Table] = []  # the tables open around the text, innermost last
        self.term = 0  # where the open <dt>'s text began
        self.join: str | None = None  # what joins a closed term to what follows it
        self.anchor = False  # inside a heading's permalink ("¶"), which is not its text
        self.self_link = False  # inside a link to an anchor of this page
        self.dropped: list[list] = []  # [tag, depth] of the chrome element being dropped

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.dropped:  # inside a page's chrome nothing is read; count its tag's nesting
            self.dropped[-1][1] += tag == self.dropped[-1][0]
            return
        if tag == "body" and self.skip:  # a head left open ends where the body starts
            self.skip = 0
        if tag in _VOID_TAGS:
            if tag == "br" and not self.skip:
                self.brk = max(self.brk, 1)
            return
        if tag in ("title", "h1") and tag not in self.names and self.capture is None:
            self.capture = tag
            self.names[tag] = []
        named = dict(attrs)
        classes = (named.get("class") or "").split()
        if tag == "a":
            self.self_link = (named.get("href") or "").startswith("#")
        if tag == "a" and "headerlink" in classes:
            self.anchor = True  # Sphinx's and MkDocs' "¶" after a heading
            self.skip += 1
        elif tag not in _OPTIONAL_END and (
                named.get("role") in _DROP_ROLES or "hidden" in named
                or not _DROP_CLASSES.isdisjoint(classes)
                or tag == "a" and self.self_link and any(c.startswith("skip") for c in classes)):
            self.dropped.append([tag, 1])  # chrome, a hidden element, a "Skip to content" link
            self.skip += 1
        elif tag in _DROP_TAGS:
            self.skip += 1
        elif self.join is not None and tag in ("dd", "dt", "p"):  # a note or a list keeps apart
            if tag == "dt":  # a second term for the same description: "-h, --help — …"
                self.join, self.term = ", ", len(self.out)
        elif tag in _BLOCK_TAGS:
            self.join = None
            self.brk = 2
            self.term = len(self.out) if tag == "dt" else self.term
            self.pre += tag == "pre"
            if not self.skip:
                self._table_start(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br" and not self.skip:
            self.brk = max(self.brk, 1)

    def handle_endtag(self, tag: str) -> None:
        if self.dropped:
            if tag == self.dropped[-1][0]:
                self.dropped[-1][1] -= 1
                if not self.dropped[-1][1]:
                    self.dropped.pop()
                    self.skip = max(0, self.skip - 1)
            return
        self.self_link = self.self_link and tag != "a"
        if tag == self.capture:
            self.capture = None
        if tag == "a" and self.anchor:
            self.anchor = False
            self.skip = max(0, self.skip - 1)
        elif tag in _DROP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "dt" and not self.skip and (
                self.join is not None  # a second term ("-h, --help"), joined already
                or 0 < len("".join(self.out[self.term:]).split()) <= _TERM_WORDS):
            self.join = " — "
        elif tag in _BLOCK_TAGS:
            self.join = None
            self.brk = 2
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            if not self.skip:
                self._table_end(tag)

    def handle_data(self, data: str) -> None:
        if self.self_link and data.strip() in _SELF_LINK_MARKS:
            return
        if self.capture and not self.anchor:
            self.names[self.capture].append(data)
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.brk or not self.out or self.out[-1].endswith((" ", "\n")):
                data = data.lstrip(" ")
        if not data or (self.join is not None and not data.strip()):
            return
        if self.join is not None:
            self.out[-1] = self.out[-1].rstrip(" ")
            data, self.join, self.brk = self.join + data.lstrip(" "), None, 0
        if self.brk and self.out:
            self.out[-1] = self.out[-1].rstrip(" ")
            self.out.append("\n" * self.brk)
        self.brk = 0
        self.out.append(data)

    # A data table's rows become lines that carry their headers (see `tables`); a table
    # used for layout (one column, long cells, another table inside) stays blocks of text.

    def _table_start(self, tag: str) -> None:
        if tag == "table":
            if self.tables:
                self.tables[-1].layout = True
            self.tables.append(_Table(len(self.out)))
        elif self.tables:
            table = self.tables[-1]
            if tag == "tr":
                table.close_cell(self.out)
                table.rows.append([])
            elif tag in ("td", "th"):
                table.close_cell(self.out)
                table.cell = len(self.out)

    def _table_end(self, tag: str) -> None:
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in ("td", "th", "tr"):
            table.close_cell(self.out)
        elif tag == "table":
            table.close_cell(self.out)
            self.tables.pop()
            lines = None if table.layout else table.lines()
            if lines:
                self.out[table.start:] = ["\n\n" if table.start else "", "\n\n".join(lines)]

    def text(self) -> str:
        return "".join(self.out).strip()

    def name(self, tag: str) -> str:
        return " ".join("".join(self.names.get(tag, [])).split())


class _Table:
    """An HTML table being read: where its text began in the output, its rows of cells."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.rows: list[list[str]] = []
        self.cell: int | None = None  # where the open cell's text began
        self.layout = False

    def close_cell(self, out: list[str]) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(" ".join("".join(out[self.cell:]).split()))
            self.cell = None

    def lines(self) -> list[str] | None:
        """The rows as lines, or None for a table that lays out a page, not data."""
        cells = [c for row in self.rows for c in row]
        if max(map(len, self.rows), default=0) < 2 or max(map(len, cells), default=0) > 300:
            return None
        return table_lines(self.rows)


def html_text(html: str) -> tuple[str, str]:
    """Readable text of an HTML page (blocks become paragraphs, inline tags join) and its title:
    the `<title>`, else the first `<h1>`."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return parser.text(), parser.name("title") or parser.name("h1")


# --- Markdown -------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HTML_TAG = re.compile(
    r"</?(?:details|summary|br|p|div|span|img|a|b|i|u|em|strong|code|pre|sup|sub|kbd|small|"
    r"table|thead|tbody|tr|td|th|ul|ol|li|h[1-6]|hr|center|picture|source|video)\b[^>]*>",
    re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REF_DEFINITION = re.compile(r"^\s{0,3}\[(?!\^)([^\]]+)\]:\s+\S+.*$")
_IMAGE = re.compile(r"!\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")  # ![alt](url), ![alt][ref]
_SHORTCUT_IMAGE = re.compile(r"!\[([^\]]+)\](?![(\[:])")  # ![alt], alt defined elsewhere
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_SHORTCUT = re.compile(r"\[([^\]^][^\]]*)\](?![(\[:])")  # [text], defined elsewhere
_FOOTNOTE = re.compile(r"\[\^[^\]]+\](?::\s?)?")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_CODE = re.compile(r"(`+)\s?(.+?)\s?\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|"
                       r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_text(markdown: str) -> str:
    """The words of a Markdown file as they read once rendered: headings without their `#`,
    emphasis, code spans and escapes without their marks, links as their text, HTML tags and
    comments dropped, a table's rows as lines that carry its headers (see `tables`). Code
    blocks are kept as written (a command is often the answer) and lines stay lines, so the
    text still reads in order."""
    markdown = _COMMENT.sub("", markdown)
    labels = {m.group(1).lower() for line in markdown.split("\n")
              if (m := _REF_DEFINITION.match(line))}
    out: list[str] = []
    fence: str | None = None
    lines = _join_code_spans(markdown.split("\n"))
    table: list[list[str]] = []
    for i, line in enumerate(lines):
        if not fence and (table or i + 1 < len(lines) and "|" in line
                          and _TABLE_RULE.match(lines[i + 1]) and "|" in lines[i + 1]):
            if "|" in line and line.strip():  # a row (or the header, or the rule under it)
                if not _TABLE_RULE.match(line):
                    table.append([_markdown_line(c, labels).strip() for c in _cells(line)])
                continue
            out.extend(["", _table_text(table), ""])
            table = []
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1) == fence:
                fence = None
                out.append("")
            else:
                out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append("")
            continue
        out.append(_markdown_line(line, labels))
    if table:
        out.extend(["", _table_text(table)])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _defined(labels: set[str]) -> Callable[[re.Match[str]], str]:
    """A shortcut reference ("[text]", "![alt]") as its words when its label is defined
    elsewhere in the file, else as written."""
    return lambda m: m.group(1) if m.group(1).lower() in labels else m.group()


def _table_text(rows: list[list[str]]) -> str:
    """A pipe table's rows as lines with their headers; a table of headers alone, as they are."""
    return "\n\n".join(table_lines(rows) or ["; ".join(c for c in rows[0] if c)])


def _cells(row: str) -> list[str]:
    """A pipe table row's cells: outer pipes optional, an escaped pipe kept in its cell."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.replace("\x00", "|") for c in row.replace("\\|", "\x00").split("|")]


def _join_code_spans(lines: list[str]) -> list[str]:
    """A code span broken across two lines ("instead of just\n`os.PathLike`" is fine, "`foo\n
    bar`" is not) joined into one line, as a renderer reads it: otherwise each half keeps a
    stray backtick and the words beside it lose their spaces."""
    out: list[str] = []
    fence = False
    for line in lines:
        if _FENCE.match(line):
            fence = not fence
        elif (not fence and out and out[-1].count("`") % 2 == 1 and line.strip()
              and not _FENCE.match(out[-1])):
            out[-1] = f"{out[-1].rstrip()} {line.lstrip()}"
            continue
        out.append(line)
    return out


def _markdown_line(line: str, labels: set[str]) -> str:
    if _REF_DEFINITION.match(line) or _RULE.match(line) or _TABLE_RULE.match(line):
        return ""
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(1)
    line = _HTML_TAG.sub("", line)
    line = re.sub(r"^(\s*)(?:>\s?)+", r"\1", line)  # blockquote marks
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        line = " | ".join(cell.strip() for cell in stripped[1:-1].split("|"))  # no header rule
    line = _FOOTNOTE.sub("", line)
    line = _IMAGE.sub(r"\1", line)
    defined = _defined(labels)
    line = _SHORTCUT_IMAGE.sub(defined, line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _SHORTCUT.sub(defined, line)
    line = _AUTOLINK.sub(r"\1", line)
    spans: list[str] = []  # code spans and escaped marks are kept as written, out of the way

    def keep(text: str) -> str:
        spans.append(text)
        return f"\x00{len(spans) - 1}\x00"

    line = _CODE.sub(lambda m: keep(m.group(2)), line)
    line = _ESCAPE.sub(lambda m: keep(m.group(1)), line)
    for _ in range(2):  # nested: **bold _and italic_**
        line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)
        line = _STRIKE.sub(r"\1", line)
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], line)


# --- boxed plain text -----------------------------------------------------------------------

_BOX_LINE = re.compile(r"^(\s*)\*\s*(.*?)\s*\*\s*$")


def unbox(text: str) -> str:
    """Plain text drawn in a box of asterisks (licences set their disclaimers so) without the
    box: a quote otherwise reads "death or * * personal injury". Only runs of three or more
    such lines count, so a lone "*emphasis*" line stays as it is."""
    lines = text.split("\n")
    boxed = [bool(_BOX_LINE.match(line)) for line in lines]
    out = []
    for i, line in enumerate(lines):
        run = sum(boxed[max(0, i - 2):i + 3]) >= 3 and boxed[i]
        if run:
            line = _BOX_LINE.sub(r"\1\2", line)
            line = "" if set(line.strip()) <= {"*"} else line
        out.append(line)
    return "\n".join(out)
