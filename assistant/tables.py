"""A table as lines a person can quote: each row names its label and its columns' headers.

    version 22.10 — codename: Kinetic Kudu; release: 2022-10-20; eol: 2023-07-20.

Spreadsheets, Word and OpenDocument tables, RTF and HTML tables all come out this way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines that carry their headers: the first row holding text in most of its cells
    is the header; each later row is named by its first cell and lists the others under their
    headers. A table of one column, or without a header, gives its rows as they are."""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    head = rows[0]
    if width < 2 or sum(bool(c) and not _numeric(c) for c in head) < (width + 1) // 2:
        return ["; ".join(c for c in row if c) for row in rows]
    out = []
    for row in rows[1:]:
        label = f"{head[0]} {row[0]}".strip() if row[0] else ""
        cells = [f"{h}: {c}" if h else c for h, c in zip(head[1:], row[1:], strict=True) if c]
        line = f"{label} — {'; '.join(cells)}" if label and cells else "; ".join(cells) or label
        if line:
            out.append(line if line.endswith((".", "!", "?")) else line + ".")
    return out


_NUMBER = re.compile(r"[-+$€£(]*[\d.,]+%?\)?")


def _numeric(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell.replace(" ", "")))
