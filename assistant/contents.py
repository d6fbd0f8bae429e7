"""A document's table of contents: the lines that list its headings with their page numbers.

They answer nothing, yet they hold every heading's words at once, so a question's words find
them first ("Consolidated Statements of Cash Flows 3" for "What cash flows from operations
did Amazon disclose?") and they take a retrieved passage's place. `table_of_contents` gives
their spans, which the loader marks as leftovers: kept in the text, never chunked or quoted.

An entry is a line with words that ends in a page number, after dot leaders or a space:

    Item 2. Management's Discussion and Analysis of Financial Condition … 15
    2.1 ASN.1 syntax. . . . . . . . . . . . . . . . . . . . . . . . . . . 2

Four or more entries with rising page numbers make a table when a "Contents", "Index" or
"Page" line heads it or their leaders show it; without either, rising numbers at lines' ends
are as often a list of values ("XSLT_DEBUG_QUIT = 9", "heavy  weight  210"). Up to two lines
between entries belong to it ("Part II", a title wrapped before its number).
"""

from __future__ import annotations

import re

from .text import Span, line_spans

# The words before the page are a heading's, not prose wrapped after a number ("raised to 4",
# "in version 12") nor a label's value ("weight 210").
PAGE_NUMBER = r"\d{1,3}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})"  # "12"; front matter's "iv"
_ENTRY = re.compile(r"(?=.*[^\W\d_]{2})(?P<title>.*?)(?P<leaders>(?:\s*\.){3,}\s*|\s+)"
                    rf"(?P<page>{PAGE_NUMBER})")
_NOT_BEFORE_PAGE = re.compile(
    r"(?:\b(?:to|at|in|by|of|and|or|is|are|was|were|than|from|with|for|on|over|under|about|"
    r"the|a|an|version|release|page|pages|step|weight|level|size|n|no|number)|[=:,$#(+*/-])$",
    re.IGNORECASE)
_HEADING = re.compile(r"(table of )?contents|index|page", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;]$")
MIN_ENTRIES = 4
MAX_GAP = 2  # lines between two entries that still belong to the table
HEADING_REACH = 6  # lines before the first entry where its heading may stand


def table_of_contents(text: str) -> list[Span]:
    """Spans of the text's tables of contents, each from its first entry to its last."""
    lines = list(line_spans(text))
    spans: list[Span] = []
    run: list[int] = []  # indexes of the current run's entries
    gap = 0
    for i, (start, end) in enumerate(lines):
        line = text[start:end].strip()
        if not line:
            continue
        entry = _entry(line)
        if entry and (not run or _page(entry) >= _page(_entry(
                text[slice(*lines[run[-1]])].strip()))):
            run.append(i)
            gap = 0
            continue
        if run and gap < MAX_GAP and not _SENTENCE_END.search(line):
            gap += 1
            continue
        spans += _table(text, lines, run)
        run, gap = ([i], 0) if entry else ([], 0)
    spans += _table(text, lines, run)
    return spans


def _table(text: str, lines: list[Span], run: list[int]) -> list[Span]:
    """The run's span when it is a table: from its heading (which goes with it, as do the lines
    between, "PART I. FINANCIAL INFORMATION") or its first entry, to its last entry."""
    if len(run) < MIN_ENTRIES:
        return []
    entries = [_entry(text[slice(*lines[i])].strip()) for i in run]
    dotted = sum("." in m.group("leaders") for m in entries if m) * 2 >= len(entries)
    reach = range(max(run[0] - HEADING_REACH, 0), run[0])
    headings = [i for i in reach if _HEADING.fullmatch(text[slice(*lines[i])].strip())]
    if not (headings or dotted):
        return []
    first = headings[0] if headings else run[0]
    return [(lines[first][0], lines[run[-1]][1])]


def _entry(line: str) -> re.Match[str] | None:
    entry = _ENTRY.fullmatch(line)
    if entry is None or _NOT_BEFORE_PAGE.search(entry.group("title").rstrip()):
        return None
    return entry


def _page(entry: re.Match[str] | None) -> int:
    """An entry's page as a number; front matter's roman pages come before page 1."""
    page = entry.group("page") if entry else "0"
    return int(page) if page.isdigit() else 0
