"""`index/feedback.jsonl`: what the people using the page said of its answers, kept as a gold
set so that a team's own use becomes its test (`assistant eval index/feedback.jsonl`).

Each line is a gold question (see `evaluate`) with what was said of the answer:

    {"id": "…", "at": "2026-12-06T19:20:00+00:00", "verdict": "up" | "down" | "",
     "question": "…", "history": [["q", "a"], …], "answer": "the answer given",
     "answers": ["accepted", "strings"], "source": "file.txt", "answerable": true}

A thumbs-up keeps the answer as right: its quotes become the accepted answers, or, when the
documents were said not to answer, the question becomes one they do not answer. A thumbs-down
with the right answer typed in keeps that answer; without it the line says only "not this",
which no score can use, and `assistant eval` leaves it out and says so. A later line with the
same id (the right answer typed after the thumbs-down, the thumb taken back: verdict "")
replaces the earlier one. The file only grows, is written by this process alone, and is never
sent anywhere; a rebuild of the index keeps it.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

from .manifest import now
from .schema import Answer

FILE = "feedback.jsonl"
_lock = threading.Lock()


def record(answer: Answer, history: list[tuple[str, str]], liked: bool | None,
           correct: str = "", id: str = "") -> dict[str, Any]:
    """The gold line for what was said of `answer` (`liked` None: the thumb taken back)."""
    row: dict[str, Any] = {"id": id or uuid.uuid4().hex, "at": now(),
                           "verdict": "" if liked is None else "up" if liked else "down",
                           "question": answer.question,
                           "history": [list(pair) for pair in history],
                           "answer": answer.text, "found": answer.found}
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    if correct.strip():
        row.update(answers=[correct.strip()], answerable=True)
    elif liked and answer.found:
        row.update(answers=quotes, answerable=True)
    elif liked:
        row.update(answers=[], answerable=False)
    else:  # "not this": answerable or not, the right answer is unknown
        row.update(answers=[], answerable=True)
    if liked and answer.found and answer.citations and not correct.strip():
        row["source"] = answer.citations[0].source
    return row


def save(index_dir: Path, row: dict[str, Any]) -> Path:
    """Append one line; the file is created on the first."""
    path = Path(index_dir) / FILE
    with _lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def latest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last line of each id (lines without one stand alone), in first-seen order; lines
    whose thumb was taken back are dropped."""
    by_id: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows):
        by_id[str(row.get("id") or f"line {n}")] = row
    return [row for row in by_id.values() if row.get("verdict", "x") != ""]


def usable(row: dict[str, Any]) -> bool:
    """Whether a line of feedback can score an answer: not a bare "not this"."""
    return "verdict" not in row or bool(row.get("answers")) or not row.get("answerable", True)
