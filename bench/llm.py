"""The LLM reader against the extractive reader, same questions, same index, same run.

    SQuAD       held-out half (articles 25-48), questions sampled with random.seed(0)
    SEC 10-Q    the single-document questions of ../shared/eval/sec10q, its 20 PDFs indexed
                through the product's own loader
    off-topic   the SciFact test claims asked of the SQuAD index

Per reader:
  accuracy            found, and the answer holds a gold answer (SQuAD: a gold span, as in
                      bench.quality; SEC: at least half of the gold answer's figures)
  citation precision  of the citations of correct answers, the share whose passage holds the
                      answer (SQuAD: overlaps the gold paragraph or holds a gold span; SEC:
                      comes from a gold filing)
  off-topic found     share of the claims answered as found (lower is better)
  first words / full  seconds to the first streamed text and to the final Answer, p50 / p95

    python -m bench.llm [--squad 200] [--sec 130] [--claims 300] [--tune] [--dump F.jsonl]
                        [--replay F.jsonl]

--replay keeps every generation in a file keyed by its prompt and reuses it on the next run
(generation is deterministic, temperature 0): a change to the citation check is then measured
in seconds, on exactly the text the model wrote. Timings of replayed answers mean nothing.

Needs the local model (`make model`) or ASSISTANT_LLM_URL. Slow: about 7 s per generated answer.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

from assistant.evaluate import contains_answer, normalize
from bench.data import EVAL, Question, file_name, sample, squad_articles, write_squad_corpus
from bench.quality import gold_spans, scifact_claims

SEC = EVAL / "sec10q"
DUMP: list[dict] = []  # every answer, written by --dump for reading the misses
_FIGURE = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")


class PeakRSS:
    """The highest resident memory of this process while the block runs, sampled every 50 ms
    (a peak-so-far counter would still hold the index build's)."""

    def __enter__(self) -> PeakRSS:
        self.mb = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.mb = max(self.mb, _rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.mb = max(self.mb, _rss_mb())


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Replay:
    """The reader's chat model, with every streamed reply kept in (and read back from) a file."""

    def __init__(self, model, path: Path) -> None:
        self.model, self.path = model, path
        self.seen = {}
        if path.exists():
            for line in path.read_text().splitlines():
                item = json.loads(line)
                self.seen[item["prompt"]] = item["reply"]

    def stream(self, messages):
        key = json.dumps(messages, ensure_ascii=False)
        if key in self.seen:
            yield SimpleNamespace(content=self.seen[key])
            return
        parts = []  # a new generation streams as it comes, so its timings still count
        for chunk in self.model.stream(messages):
            if isinstance(chunk.content, str):
                parts.append(chunk.content)
                yield chunk
        self.seen[key] = "".join(parts)
        with self.path.open("a") as f:
            f.write(json.dumps({"prompt": key, "reply": self.seen[key]}, ensure_ascii=False)
                    + "\n")

    def __getattr__(self, name):  # bind/invoke (follow-up rewrites) go to the real model
        return getattr(self.model, name)


def timed(bot, question: str, reader: str):
    """(answer, seconds to first text, seconds to the answer)."""
    started = time.perf_counter()
    first = answer = None
    for piece in bot.stream(question, reader=reader):
        if first is None and isinstance(piece, str):
            first = time.perf_counter() - started
        answer = piece
    full = time.perf_counter() - started
    return answer, first if first is not None else full, full


def figures(text: str) -> set[str]:
    """Numbers that carry an answer (not years, not 1-digit counts), as digits."""
    out = set()
    for m in _FIGURE.finditer(text):
        n = m.group().strip("$%").replace(",", "").rstrip(".")
        if n and not re.fullmatch(r"(19|20)\d\d|\d", n):
            out.add(n)
    return out


def squad_row(bot, reader: str, questions: list[Question], spans: dict) -> dict:
    rows = []
    for q in questions:
        answer, first, full = timed(bot, q.question, reader)
        correct = answer.found and contains_answer(normalize(answer.text)[:400],
                                                        q.answers)
        precise = []
        if correct:
            gold = spans.get(q.question + q.source)
            for c in answer.citations:
                overlaps = gold is not None and c.source == q.source and (
                    c.start < gold[1] and gold[0] < c.end)
                precise.append(overlaps or contains_answer(c.text, q.answers))
        rows.append((answer, correct, precise, first, full))
        DUMP.append({"set": "squad", "question": q.question, "gold": q.answers,
                     "correct": bool(correct), **answer.to_dict()})
    return _summary(rows)


def sec_questions(n: int) -> list[dict]:
    items = [json.loads(line) for line in (SEC / "qna.jsonl").read_text().splitlines()]
    return [q for q in items if len(q["source_docs"]) == 1][:n]


def sec_row(bot, reader: str, questions: list[dict]) -> dict:
    rows = []
    for q in questions:
        answer, first, full = timed(bot, q["question"], reader)
        gold = figures(q["answer"].split("SOURCE")[0])
        said = figures(answer.text)
        correct = answer.found and bool(gold) and len(gold & said) >= max(1, len(gold) // 2)
        precise = ([Path(c.source).stem in q["source_docs"] for c in answer.citations]
                   if correct else [])
        rows.append((answer, correct, precise, first, full))
        DUMP.append({"set": "sec", "question": q["question"], "gold": sorted(gold),
                     "correct": bool(correct), **answer.to_dict()})
    return _summary(rows)


def _summary(rows: list) -> dict:
    cites = [p for *_, precise, _, _ in rows for p in precise]
    firsts = sorted(r[3] for r in rows if r[3] is not None)
    fulls = sorted(r[4] for r in rows)
    return {
        "n": len(rows),
        "accuracy": sum(r[1] for r in rows) / len(rows),
        "found": sum(r[0].found for r in rows) / len(rows),
        "precision": sum(cites) / len(cites) if cites else float("nan"),
        "by_llm": sum(r[0].reader == "llm" and r[0].found for r in rows) / len(rows),
        "first": (_pct(firsts, 50), _pct(firsts, 95)),
        "full": (_pct(fulls, 50), _pct(fulls, 95)),
    }


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 \
        else values[0]


def off_topic_row(bot, reader: str, claims: list[str]) -> float:
    return sum(bot.ask(c, reader=reader).found for c in claims) / len(claims)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.llm")
    parser.add_argument("--squad", type=int, default=200, help="held-out SQuAD questions")
    parser.add_argument("--sec", type=int, default=130, help="single-document SEC questions")
    parser.add_argument("--claims", type=int, default=300, help="SciFact off-topic claims")
    parser.add_argument("--tune", action="store_true", help="SQuAD tuning half instead")
    parser.add_argument("--work", type=Path, help="keep corpora and indexes here (reused)")
    parser.add_argument("--dump", type=Path, help="write every answer here (JSON Lines)")
    parser.add_argument("--replay", type=Path, help="keep and reuse generations in this file")
    args = parser.parse_args(argv)

    from assistant import Assistant

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-llm-"))
    readers = ("extractive", "llm")
    results: dict[str, dict] = {}
    try:
        articles = squad_articles()
        questions = write_squad_corpus(work / "squad", articles)
        bot = Assistant(work / "squad", work / "squad-index", reader="llm")
        _replay(bot, args.replay)
        bot.index()
        tune = {file_name(a["title"], i) for i, a in enumerate(articles[:24])}
        pool = [q for q in questions if (q.source in tune) == args.tune]
        picked = sample(pool, args.squad)
        spans = gold_spans(bot, picked)
        bot.ask("warm up the embedder", reader="extractive")
        for r in readers:  # the extractive reader first: its memory is the LLM's baseline
            with PeakRSS() as peak:
                if r == "llm":
                    bot.ask("warm up the models", reader="llm")  # loads the model
                if args.squad:
                    results[f"SQuAD {'tuning' if args.tune else 'held-out'}|{r}"] = squad_row(
                        bot, r, picked, spans)
                if args.claims:
                    results.setdefault("off-topic", {})[r] = off_topic_row(
                        bot, r, scifact_claims()[: args.claims])
            results.setdefault("memory", {})[r] = peak.mb
        if args.sec:
            corpus = work / "sec"
            corpus.mkdir(exist_ok=True)
            for pdf in sorted((SEC / "pdfs").glob("*.pdf")):
                if not (corpus / pdf.name).exists():
                    shutil.copy(pdf, corpus / pdf.name)
            sec_bot = Assistant(corpus, work / "sec-index", reader="llm")
            _replay(sec_bot, args.replay)
            sec_bot.index()
            for r in readers:
                results[f"SEC 10-Q|{r}"] = sec_row(sec_bot, r, sec_questions(args.sec))
        _print(results)
        if args.dump:
            args.dump.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n"
                                         for d in DUMP))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def _replay(bot, path: Path | None) -> None:
    if path is not None:
        reader = bot.readers["llm"]
        reader.model = functools.cache(functools.partial(Replay, reader.model(), path))


def _print(results: dict) -> None:
    print(f"\n{'set':<22} {'reader':<11} {'n':>4} {'accuracy':>9} {'found':>6} "
          f"{'cite prec':>9} {'by LLM':>7} {'first p50/p95 s':>16} {'full p50/p95 s':>15}")
    for key, r in results.items():
        if key in ("off-topic", "memory"):
            continue
        name, reader = key.split("|")
        print(f"{name:<22} {reader:<11} {r['n']:>4} {r['accuracy']:>9.3f} {r['found']:>6.3f} "
              f"{r['precision']:>9.3f} {r['by_llm']:>7.3f} "
              f"{r['first'][0]:>7.2f} / {r['first'][1]:<6.2f} {r['full'][0]:>6.2f} / "
              f"{r['full'][1]:<6.2f}")
    for reader, rate in results.get("off-topic", {}).items():
        print(f"{'off-topic claims':<22} {reader:<11} answered as found: {rate:.3f}")
    for reader, mb in results.get("memory", {}).items():
        print(f"{'peak RSS, SQuAD rows':<22} {reader:<11} {mb:,.0f} MB")


if __name__ == "__main__":
    main()
