"""`assistant eval FILE`: score the assistant against a user's gold questions.

Gold file: JSON Lines, one object per question:
    {"question": "...", "answers": ["accepted", "strings"], "history": [["q", "a"], ...],
     "source": "file.txt", "answerable": true}
Only `question` is required. `answerable` defaults to whether `answers` is non-empty. The
page's feedback file, `index/feedback.jsonl`, is such a file (see `feedback`).

An answer *hits* when its text (citation markers removed) contains an accepted answer, compared
case- and whitespace-insensitively; a citation is *precise* when its passage contains one.

*Evidence AUC* asks whether any bar on the reader's confidence (`Answer.evidence`) could tell
the answerable questions from the unanswerable ones: 1.0 when one bar parts them all, 0.5 when
none does better than a coin. A poor found or not-found rate with a high AUC is a bar set
wrong (`Settings.min_evidence`); with an AUC near 0.5 no bar helps, and the confidence itself
must change.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import feedback
from .errors import AssistantError, QuestionError
from .readers.base import NOT_FOUND
from .schema import Answer

_MARKER = re.compile(r"\s*\[\d+\]")


@dataclass
class GoldQuestion:
    question: str
    answers: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    source: str | None = None
    answerable: bool = True


def normalize(text: str) -> str:
    return " ".join(_MARKER.sub("", text).lower().split())


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    haystack = normalize(text)
    return any(needle and needle in haystack for needle in map(normalize, answers))


def percentiles_ms(seconds: Iterable[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds; p95 is the nearest-rank value below the 95th percentile."""
    ordered = sorted(seconds)
    if not ordered:
        return 0.0, 0.0
    return 1000 * statistics.median(ordered), 1000 * ordered[int(0.95 * (len(ordered) - 1))]


def read_gold(path: Path, left_out: list[str] | None = None) -> list[GoldQuestion]:
    """Parse the gold file, naming the line of any malformed entry. A file of the page's
    feedback (`feedback`) is read too: the last word on each answer, and of those only the
    ones that can score (the questions of the others are appended to `left_out`)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AssistantError(f"cannot read gold file {path}: {exc.strerror or exc}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers = [str(a) for a in row.get("answers", [])]
            rows.append((row, GoldQuestion(
                question=str(row["question"]), answers=answers,
                history=[(str(q), str(a)) for q, a in row.get("history", [])],
                source=row.get("source"), answerable=bool(row.get("answerable", bool(answers))),
            )))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AssistantError(
                f"{path}, line {number}: not a gold question ({exc.__class__.__name__}: {exc}); "
                'each line must be a JSON object with at least "question"'
            ) from None
    gold = []
    kept = {id(row) for row in feedback.latest([row for row, _ in rows])}
    for row, question in rows:
        if id(row) not in kept:
            continue
        if feedback.usable(row):
            gold.append(question)
        elif left_out is not None:
            left_out.append(question.question)
    if not gold:
        raise AssistantError(f"{path} holds no questions that can be scored" if rows else
                             f"{path} holds no questions")
    return gold


@dataclass
class Scores:
    questions: int = 0
    answerable: int = 0
    unanswerable: int = 0
    answer_hit: float | None = None  # answerable questions whose answer holds a gold answer
    citation_precision: float | None = None  # citations (of found answers) holding a gold answer
    source_hit: float | None = None  # answerable with a source: a citation names it
    found_rate: float | None = None  # answerable questions answered as found
    not_found_rate: float | None = None  # unanswerable questions answered as not found
    evidence_auc: float | None = None  # answerable over unanswerable, by `Answer.evidence`
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def table(self) -> str:
        def fmt(value: float | None) -> str:
            return "-" if value is None else f"{value:.3f}"

        lines = [
            f"questions            {self.questions} ({self.answerable} answerable, "
            f"{self.unanswerable} unanswerable)",
            f"answer hit rate      {fmt(self.answer_hit)}",
            f"citation precision   {fmt(self.citation_precision)}",
            f"source hit rate      {fmt(self.source_hit)}",
            f"found (answerable)   {fmt(self.found_rate)}",
            f"not found (unansw.)  {fmt(self.not_found_rate)}",
            f"evidence AUC         {fmt(self.evidence_auc)}",
            f"latency p50 / p95    {self.latency_p50_ms:.0f} / {self.latency_p95_ms:.0f} ms",
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def auc(higher: Sequence[float], lower: Sequence[float]) -> float | None:
    """The chance that a value drawn from `higher` exceeds one drawn from `lower`, ties counting
    half: the area under the ROC curve of a bar between them. None when either is empty."""
    if not higher or not lower:
        return None
    ordered = sorted(lower)
    wins = sum(bisect_left(ordered, h) + (bisect_right(ordered, h) - bisect_left(ordered, h)) / 2
               for h in higher)
    return wins / (len(higher) * len(lower))


def score(gold: list[GoldQuestion], answers: list[Answer], seconds: list[float]) -> Scores:
    s = Scores(questions=len(gold))
    hits = found = sources = with_source = cited = precise = declined = 0
    for g, a in zip(gold, answers, strict=True):
        hit = a.found and contains_answer(a.text, g.answers)
        if g.answerable:
            s.answerable += 1
            hits += hit
            found += a.found
            if g.source:
                with_source += 1
                sources += any(c.source == g.source for c in a.citations)
            if a.found:
                cited += len(a.citations)
                precise += sum(contains_answer(c.text, g.answers) for c in a.citations)
        else:
            s.unanswerable += 1
            declined += not a.found
        s.rows.append({"question": g.question, "answerable": g.answerable, "found": a.found,
                       "hit": hit, "evidence": a.evidence, "answer": a.text})
    if s.answerable:
        s.answer_hit, s.found_rate = hits / s.answerable, found / s.answerable
    if cited:
        s.citation_precision = precise / cited
    if with_source:
        s.source_hit = sources / with_source
    if s.unanswerable:
        s.not_found_rate = declined / s.unanswerable
    s.evidence_auc = auc([r["evidence"] for r in s.rows if r["answerable"]],
                         [r["evidence"] for r in s.rows if not r["answerable"]])
    s.latency_p50_ms, s.latency_p95_ms = percentiles_ms(seconds)
    return s


def evaluate(bot: Any, gold: list[GoldQuestion]) -> Scores:
    """Ask every gold question of `bot` (an Assistant) and score the answers."""
    answers, seconds = [], []
    for g in gold:
        started = time.perf_counter()
        try:
            answers.append(bot.ask(g.question, g.history))
        except QuestionError:  # a bad gold question counts as unanswered, not as a crash
            answers.append(Answer(text=NOT_FOUND, citations=[], found=False,
                                  question=g.question, reader="none"))
        seconds.append(time.perf_counter() - started)
    return score(gold, answers, seconds)
