"""Tables in plain text, set in columns under a header and a rule, read as rows that carry
their headers (as `tables` gives every other format's):

      Name         Value    Meaning
      ---------------------------------------------------------
      MATCH            1    Brief information about font matching
      CONFIG        1024    Monitor which config files are loaded

    becomes, under the same header and rule,

      Name MATCH — Value: 1; Meaning: Brief information about font matching.
      Name CONFIG — Value: 1024; Meaning: Monitor which config files are loaded.

so a quoted row says which column is which. Only a header of short words over a drawn rule
starts a table, and only rows that fall into its columns belong to it: a line of another
shape, or a blank line, ends it. Columns are set apart by two spaces or more, a tab or "|".
"""

from __future__ import annotations

import re

from .tables import table_lines

_RULE = re.compile(r"\s*[-=]{3,}(?:[ +|]+[-=]{3,})*\s*")
_GAP = re.compile(r"\s*\|\s*| {2,}")
_MAX_HEADER_WORDS = 4
_MAX_HEADER_WIDTH = 200  # characters: a header is a line of a few short words
_SLACK = 3  # columns a cell may start off its header's start (numbers set flush right)


def read_plain_tables(text: str) -> str:
    """The text with each plain-text table's rows rewritten to name their columns."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        head = i + 2 < len(lines) and _RULE.fullmatch(lines[i + 1]) and _header(lines[i])
        if head:
            rows, end = _rows(lines, i + 2, head)
            read = sum(isinstance(row, list) for row in rows)
            if read >= 2 and read * 2 > len(rows):
                out.append(lines[i + 1])
                indent = re.match(r"\s*", lines[i + 2]).group()
                names = [name for name, _ in head]
                out.extend(row if isinstance(row, str) else
                           indent + (table_lines([names, row]) or ["  ".join(row)])[0]
                           for row in rows)
                i = end
                continue
        i += 1
    return "\n".join(out)


def _cells(line: str) -> list[tuple[str, int]]:
    """A line's cells and the column each starts at."""
    line = _expand(line).rstrip()
    cells, pos = [], 0
    for gap in [*_GAP.finditer(line), None]:
        end = gap.start() if gap else len(line)
        if line[pos:end].strip():
            cells.append((line[pos:end].strip(), pos + len(line[pos:end]) - len(
                line[pos:end].lstrip())))
        pos = gap.end() if gap else pos
    return cells


def _expand(line: str) -> str:
    """Tabs to the next stop of eight, and always two spaces at least: a tab sets cells
    apart even where it moves one column on ("Fa<tab>Fb" with "Fa" at column 6)."""
    out = ""
    for char in line:
        out += " " * max(2, 8 - len(out) % 8) if char == "\t" else char
    return out


def _header(line: str) -> list[tuple[str, int]]:
    """A header's columns: two or more cells of a few words, none of them a number."""
    if len(line) > _MAX_HEADER_WIDTH:
        return []
    cells = _cells(line)
    if len(cells) < 2 or any(len(name.split()) > _MAX_HEADER_WORDS or
                             not re.search(r"[^\W\d]", name) for name, _ in cells):
        return []
    return cells


def _rows(lines: list[str], start: int, head: list[tuple[str, int]]
          ) -> tuple[list[list[str] | str], int]:
    """The rows under a header from line `start` to the next blank line or rule, and the line
    after them. A row has a cell at its first column's start and one more, each near one
    column's start; a line with only a cell under the last column goes on the row above, and
    so does a lone word left of the first column (at the margin, the end of a word a fixed
    width cut). A line of another shape is kept as it is written."""
    starts = [col for _, col in head]
    rows: list[list[str] | str] = []
    i = start
    while i < len(lines) and lines[i].strip() and not _RULE.fullmatch(lines[i]):
        cells = _cells(lines[i])
        last = rows[-1] if rows and isinstance(rows[-1], list) else None
        i += 1
        if last and len(cells) == 1 and " " not in cells[0][0] and cells[0][1] < starts[0]:
            # a word the text's width cut goes on at the margin ("charcel" / "l"); one set
            # off by a space is a word of its own (" of")
            last[-1] += ("" if cells[0][1] == 0 else " ") + cells[0][0]
            continue
        cells = [part for cell in cells for part in _split_at(cell, starts)]
        columns = [_column(col, len(text), starts) for text, col in cells]
        if None in columns or columns != sorted(set(columns)):
            rows.append(lines[i - 1])
        elif columns == [len(starts) - 1] and last:
            last[-1] = f"{last[-1]} {cells[0][0]}".strip()
        elif abs(cells[0][1] - starts[0]) <= _SLACK and len(columns) >= 2:  # set left
            row = [""] * len(starts)
            for (text, _), column in zip(cells, columns, strict=True):
                row[column] = text
            rows.append(row)
        else:
            rows.append(lines[i - 1])
    return rows, i


def _split_at(cell: tuple[str, int], starts: list[int]) -> list[tuple[str, int]]:
    """A cell that runs into the next column with one space before its start is two cells
    ("FT_Face Use the specified FreeType face object" under Type and Description)."""
    text, col = cell
    for begin in starts:
        cut = begin - col
        if 0 < cut < len(text) and text[cut - 1] == " " and text[cut] != " ":
            return [(text[:cut].rstrip(), col), *_split_at((text[cut:], begin), starts)]
    return [cell]


def _column(col: int, width: int, starts: list[int]) -> int | None:
    """Which column a cell starting at `col` falls in: the one whose start it is near, or
    whose start it spans (a number set flush right under its header's last letters)."""
    for index, begin in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        if abs(col - begin) <= _SLACK or (begin <= col and (end is None or col + width <= end)):
            return index
    return None


# A table drawn with box characters, as tbl sets a boxed table in a man page and psql, MySQL
# or Python's tabulate print one: rules of corners and dashes around rows of cells between bars.
_BOX_RULE = re.compile(r"\s*[┌├└╒╞╘╔╠╚╭╰+][─━═┄╌\-=┬┼┴╤╪╧╦╬╩+]*[┐┤┘╕╡╛╗╣╝╮╯+]\s*")
_BOX_ROW = re.compile(r"\s*[│┃║|].*[│┃║|]\s*")
_BAR = re.compile(r"[│┃║|]")


def read_box_tables(text: str) -> str:
    """The text with each box-drawn table replaced by its rows, one paragraph each, as
    `tables.table_lines` writes them ("Available Disk Space <= 1MB — Burst Multiplier: 1.");
    the rules are dropped. Lines between two rules are one row (tbl rules every row of an
    `allbox` table, a wrapped cell going on on the next line); with one rule under the header
    only, each line is a row and a line with its first cell empty goes on the row above."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        end, rows = _box_table(lines, i)
        if not rows:
            out.append(lines[i])
            i += 1
            continue
        indent = re.match(r"\s*", lines[i]).group()
        out.append("")  # each row a paragraph of its own, the table one apart from its text
        for row in table_lines(rows):
            out.extend([indent + row, ""])
        i = end
    return "\n".join(out)


def _box_table(lines: list[str], start: int) -> tuple[int, list[list[str]]]:
    """The rows of a box-drawn table whose top rule is line `start`, and the line after its
    bottom rule; no rows when no such table starts there."""
    if not _BOX_RULE.fullmatch(lines[start]) or lines[start].strip()[0] not in "┌╒╔╭+":
        return start, []
    groups: list[list[list[str]]] = [[]]
    i = start + 1
    while i < len(lines):
        if _BOX_RULE.fullmatch(lines[i]):
            groups.append([])
            if lines[i].strip()[0] in "└╘╚╰":
                i += 1
                break
        elif _BOX_ROW.fullmatch(lines[i]):
            groups[-1].append([c.strip() for c in _BAR.split(lines[i].strip())[1:-1]])
        else:
            break
        i += 1
    groups = [g for g in groups if g]
    if len(groups) < 2 or len({len(cells) for g in groups for cells in g}) != 1:
        return start, []  # no header rule, or cells that span columns: left as drawn
    if len(groups) == 2 and len(groups[1]) > 1:  # rules around the header only
        body: list[list[list[str]]] = []
        for cells in groups[1]:
            if body and not cells[0]:
                body[-1].append(cells)
            else:
                body.append([cells])
        groups = [groups[0], *body]
    rows = [[" ".join(filter(None, column)) for column in zip(*g, strict=True)] for g in groups]
    return i, rows
