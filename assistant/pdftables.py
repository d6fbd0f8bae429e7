"""A PDF page's tables, from where its words stand: each row rebuilt as one line carrying its
label and its columns' headings ("Products — Three Months Ended July 1, 2023: $60,584; …").

Figures are set flush right under their columns; headings stand above them, alone, over a
group of columns, or on the line of a caption; labels stand left, some of them alone over
the rows they name ("Net sales:", "Revenue").
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

# A figure as a filing prints it: 60,584  (265)  4.67  12%  — (nothing)
_FIGURE = re.compile(r"^\(?-?\$?[\d,]*\d(?:\.\d+)?\)?%?$|^[—–-]$")
_GAP = 12.0  # points between two columns' right edges that make them two columns
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass
class Word:
    text: str
    x0: float
    x1: float


@dataclass
class Line:
    words: list[Word]
    top: float
    height: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0 if self.words else 0.0


def line_key(text: str) -> str:
    """A line as it repeats from page to page: its numbers (the page's) not told apart."""
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _cells(line: Line) -> tuple[list[Word], list[Word]]:
    """The row's label words and its figures (two or more; a "$" set apart joined to the
    figure after it, a "%" to the figure before it), or its words and no figures."""
    words = list(line.words)
    figures: list[Word] = []
    percent: Word | None = None
    while words and (_FIGURE.match(words[-1].text) or words[-1].text in ("$", "%")):
        word = words.pop()
        if word.text == "%":
            percent = word
        elif word.text == "$":
            if figures:
                figures[0] = Word("$" + figures[0].text, word.x0, figures[0].x1)
        else:
            if percent is not None:
                word, percent = Word(word.text + "%", word.x0, percent.x1), None
            figures.insert(0, word)
    if percent is not None:  # "% of net revenue": the label's own sign
        words.append(percent)
    return (words, figures) if len(figures) >= 2 else (line.words, [])


def tables(lines: list[Line], furniture: Set[str] = frozenset()) -> list[Line | list[str]]:
    """The page's lines, each table's rows (and the heading lines they now carry) replaced by
    the rows as lines with their headers, where the table begins. A running head ("Table of
    Contents") is never a column's heading."""
    out: list[Line | list[str]] = []
    used: set[int] = set()
    heads = {i for i, line in enumerate(lines) if line_key(line.text) in furniture}
    placed: dict[int, list[str]] = {}  # a table's rows, by the line where it begins
    i = 0
    while i < len(lines):
        table = _table_at(lines, i, used | heads)
        if table is None:
            i += 1
            continue
        taken, rows = table
        placed[min(taken)] = rows
        used.update(taken)
        i = max(taken) + 1
    for i, line in enumerate(lines):
        if i in placed:
            out.append(placed[i])
        elif i not in used:
            out.append(line)
    return out


def _table_at(lines: list[Line], start: int, used: set[int]
              ) -> tuple[set[int], list[str]] | None:
    """A table whose first row of figures is `lines[start]`: the lines it takes (its heading
    lines among them) and its rows as text, or None."""
    _, figures = _cells(lines[start])
    if not figures or start in used or _years(lines[start]):
        return None  # a row of years alone heads the columns under it
    found: dict[int, list[Word]] = {}
    end = start
    while end < len(lines):
        _, cells = _cells(lines[end])
        if cells and len(cells) <= len(figures) + 2:
            found[end] = cells
        elif cells or len(lines[end].words) > 12:
            break  # another table, or running text
        end += 1
    widest = max(len(cells) for cells in found.values())
    full = [cells for cells in found.values() if len(cells) == widest]  # no column left empty
    columns = _columns(full)
    if columns is None:
        return None
    rows = {k: placed for k, cells in found.items()
            if (placed := _place(cells, columns)) is not None}
    if len(rows) < 2 or start not in rows:
        return None
    last = max(rows)
    heading, labels, shared = _heading_lines(lines, start, min(c[0] for c in columns) - 2,
                                             used)
    names = _headers([shared.get(k, lines[k]) for k in heading],
                     _centres(full))
    text_rows = [lines[k].text for k in labels]
    parent, indent = ("", 0.0) if not labels else (lines[labels[-1]].text.rstrip(" :"),
                                                    lines[labels[-1]].x0)
    level: bool | None = None  # whether the group's rows stand level with its label
    for index in range(start, last + 1):
        line = lines[index]
        if index not in rows:
            if not _cells(line)[1]:  # a label of its own ("Operating expenses:")
                parent, indent, level = line.text.rstrip(" :"), line.x0, None
            text_rows.append(line.text)
            continue
        label = [w for w in line.words if w.x1 < columns[0][0] - 1]
        name = " ".join(w.text for w in label).rstrip(" :")
        if parent and label and name:
            # Rows indented under a label of their own ("Net sales:") belong to it until one
            # stands out of the indent; rows level with it ("Revenue" over the segments'
            # rows) until a total closes the group.
            flush = abs(label[0].x0 - indent) <= 1
            level = flush if level is None else level
            if label[0].x0 < indent - 1 or flush != level:
                parent = ""
            else:
                name = f"{parent}, {name}"
                if level and name.split(", ", 1)[1].lower().startswith("total"):
                    parent = ""
        cells = [f"{h}: {v.text}" if h else v.text
                 for h, v in zip(names, rows[index], strict=True) if v is not None]
        text_rows.append(f"{name} — {'; '.join(cells)}." if name else "; ".join(cells) + ".")
    return (set(range(start, last + 1)) | set(heading) - set(shared) | set(labels),
            text_rows)


def _heading_lines(lines: list[Line], start: int, left: float, used: set[int]
                   ) -> tuple[list[int], list[int], dict[int, Line]]:
    """The lines set above the table's first row and over its columns (right of the labels),
    top to bottom, up to the first line that reaches into the labels' side (a caption,
    running text); the rows' labels set alone between them and the first row ("Net
    sales:"), top to bottom; and, of the lines that hold a caption on the labels' side and,
    far right of it, the columns' headings ("(In Millions; Unaudited)   Sep 30, 2023 …"),
    those headings: the line itself stays text."""
    first = lines[start]
    above = sorted((k for k, line in enumerate(lines) if k not in used and k != start
                    and first.top < line.top <= first.top + 90), key=lambda k: lines[k].top)
    out: list[int] = []
    labels: list[int] = []
    shared: dict[int, Line] = {}
    for k in above:
        line = lines[k]
        if line.words[-1].x1 < left:
            if not out:
                labels.append(k)  # a row's label set alone ("Net sales:")
            continue
        if _cells(line)[1] and not _years(line):
            break
        if line.words[0].x0 < left:
            # split at the widest gap: a caption within the labels' side, then headings
            gaps = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:], strict=False)]
            cut = max(range(len(gaps)), key=gaps.__getitem__, default=-1) + 1
            if not cut or gaps[cut - 1] < 40 or line.words[cut - 1].x1 >= left:
                break  # running text, or a caption that runs over the columns
            shared[k] = Line(line.words[cut:], line.top, line.height)
        out.append(k)
    def top_down(ks: list[int]) -> list[int]:
        return sorted(ks, key=lambda k: -lines[k].top)
    return top_down(out), top_down(labels), shared


def _years(line: Line) -> bool:
    """A line of years alone ("2023 2022 2023 2022"): the columns' heading, not a row."""
    return len(line.words) >= 2 and all(_YEAR.match(w.text) for w in line.words)


def _place(cells: list[Word], columns: list[tuple[float, float]]) -> list[Word | None] | None:
    """A row's figures under the columns whose right edges they stand at (a row may leave a
    column empty), or None when one stands under none."""
    placed: list[Word | None] = [None] * len(columns)
    for cell in cells:
        k = min(range(len(columns)), key=lambda k: abs(columns[k][1] - cell.x1))
        if abs(columns[k][1] - cell.x1) > _GAP or placed[k] is not None:
            return None
        placed[k] = cell
    return placed


def _columns(rows: list[list[Word]]) -> list[tuple[float, float]] | None:
    """The columns' extents from where the rows' figures stand, or None when their right
    edges (figures are set flush right) are too close to tell two columns apart."""
    out = [(min(w.x0 for w in column), max(w.x1 for w in column))
           for column in zip(*rows, strict=True)]
    rights = [b for _, b in out]
    if any(b - a < _GAP for a, b in zip(rights, rights[1:], strict=False)):
        return None
    return out


def _centres(rows: list[list[Word]]) -> list[float]:
    """Where each column's figures stand: the median middle of its figures, those joined to
    a "$" set apart left out (the sign stands far left of the digits)."""
    out = []
    for column in zip(*rows, strict=True):
        plain = [w for w in column if not w.text.startswith("$")] or list(column)
        mids = sorted((w.x0 + w.x1) / 2 for w in plain)
        out.append(mids[len(mids) // 2])
    return out


def _headers(lines: list[Line], centres: list[float]) -> list[str]:
    """Each column's heading: of each line set above the table, the phrase nearest the
    column, top to bottom. A phrase centred over a group of columns ("Three Months Ended"
    over two quarters, "Nine Months Ended" over the next two) heads each column of its group;
    a phrase farther from a column than the columns are apart heads none of it."""
    pitch = min((b - a for a, b in zip(centres, centres[1:], strict=False)), default=1e9)
    names: list[list[str]] = [[] for _ in centres]
    rows: list[list[Line]] = []  # phrases set apart at (nearly) one height are one line
    for line in sorted(lines, key=lambda line: -line.top):
        if rows and rows[-1][-1].top - line.top < 3.5:
            rows[-1].append(line)
        else:
            rows.append([line])
    for row in rows:
        words = sorted((w for line in row for w in line.words), key=lambda w: w.x0)
        phrases = _phrases(Line(words, row[0].top, 0.0))
        for k, centre in enumerate(centres):
            def apart(phrase: tuple[str, float, float], c: float = centre) -> float:
                return max(phrase[1] - c, c - phrase[2], 0.0)
            nearest = min(phrases, key=apart)
            if apart(nearest) < pitch:
                names[k].append(nearest[0])
    return [" ".join(parts) for parts in names]


def _phrases(line: Line) -> list[tuple[str, float, float]]:
    """Words close together as one phrase, with its extent."""
    out: list[tuple[str, float, float]] = []
    for w in line.words:
        if out and w.x0 - out[-1][2] < 4.5:
            text, x0, _ = out[-1]
            out[-1] = (f"{text} {w.text}", x0, w.x1)
        else:
            out.append((w.text, w.x0, w.x1))
    return out
