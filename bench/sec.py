"""SEC 10-Q filings: 20 PDFs of five companies in one index, and the 130 analyst questions of
../shared/eval/sec10q that target one filing, answered by the quoting reader.

Per question: does a citation come from a filing of the right company, from the right filing,
and does the answer quote a figure of the reviewed answer (for the questions whose reviewed
answer holds one)? AAPL and AMZN questions are the tuning half; INTC, MSFT and NVDA are held
out. The index build's time and chunks are reported too.

    python -m bench.sec [--work DIR]

Runs on any checkout's `assistant` (PYTHONPATH=OTHER python bench/sec.py measures another
commit on the same questions).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.llm import figures as _figures  # numbers that carry an answer

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "sec10q"
TUNE = ("AAPL", "AMZN")


# A form's name and a date's day carry no answer: every reviewed answer names the form (and a
# quoted page footer, "Form 10-Q | 3", would match its "10"), and "September 30, 2023" closes a
# quarter whatever the question asked.
_NO_FIGURE = re.compile(r"\b10-[QK]\b|\b(?:January|February|March|April|May|June|July|August|"
                        r"September|October|November|December)\s+\d{1,2}\b")


def figures(text: str) -> set[str]:
    """The numbers that carry an answer: not a year, a single digit, a form's name or a day."""
    return _figures(_NO_FIGURE.sub(" ", text))


def questions() -> list[dict]:
    rows = [json.loads(line) for line in (EVAL / "qna.jsonl").read_text().splitlines()]
    return [q for q in rows if len(q["source_docs"]) == 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, help="keep the corpus and index here")
    args = parser.parse_args(argv)
    from assistant import Assistant

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-sec-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for pdf in sorted((EVAL / "pdfs").glob("*.pdf")):
            if not (corpus / pdf.name).exists():
                shutil.copy(pdf, corpus / pdf.name)
        bot = Assistant(corpus, work / "index", reader="extractive", judge_below=0.0)
        started = time.perf_counter()
        report = bot.index()
        print(f"index: {report.documents} filings, {report.chunks} chunks, "
              f"{time.perf_counter() - started:.0f} s ({report.added} chunks embedded)\n")
        halves: dict[str, list[tuple[bool, bool, bool | None]]] = {"tune": [], "held-out": []}
        for q in questions():
            gold = q["source_docs"][0]
            ticker = gold.split()[-1]
            answer = bot.ask(q["question"])
            cited = [Path(c.source).stem for c in answer.citations]
            wanted = figures(q["answer"].split("SOURCE")[0])
            quoted = bool(wanted & figures(answer.text)) if wanted else None
            row = (any(c.split()[-1] == ticker for c in cited), gold in cited, quoted)
            halves["tune" if ticker in TUNE else "held-out"].append(row)
        print("half | questions | right company cited | right filing cited | "
              "a reviewed figure quoted")
        print("--- | --- | --- | --- | ---")
        for name, rows in halves.items():
            with_figure = [r[2] for r in rows if r[2] is not None]
            print(f"{name} | {len(rows)} | {sum(r[0] for r in rows) / len(rows):.3f} | "
                  f"{sum(r[1] for r in rows) / len(rows):.3f} | "
                  f"{sum(with_figure)} of {len(with_figure)} "
                  f"({sum(with_figure) / max(len(with_figure), 1):.3f})")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
