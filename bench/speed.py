"""Speed and memory: index build (the article, the 48 SQuAD dev articles), the embedding
model's raw throughput on the same chunks (the baseline), warm `ask` latency, cold start of
`assistant ask`, and peak memory. Each measurement runs in its own process so that peak
memory and cold start are honest.

    python -m bench.speed            # prints a table
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_build(corpus: str, index: str) -> dict:
    from assistant import Assistant

    started = time.perf_counter()
    bot = Assistant(corpus, index, reader="extractive")
    bot.embedder.embed_query("load the model")  # so model load is reported apart
    loaded = time.perf_counter()
    report = bot.index()
    built = time.perf_counter()
    _, docs = bot.store.all_chunks()
    texts = [d.page_content for d in docs]
    raw_started = time.perf_counter()
    bot.embedder.encode(texts)
    raw = time.perf_counter() - raw_started
    return {"model_load_s": loaded - started, "index_s": built - loaded,
            "chunks": report.chunks, "documents": report.documents,
            "index_chunks_per_s": report.chunks / (built - loaded),
            "raw_chunks_per_s": len(texts) / raw, "peak_mb": _peak_mb()}


def worker_ask(corpus: str, index: str, questions_file: str) -> dict:
    from assistant import Assistant
    from assistant.evaluate import percentiles_ms

    questions = json.loads(Path(questions_file).read_text())
    bot = Assistant(corpus, index, reader="extractive", judge_below=0.0)  # the path alone
    for q in questions[:5]:  # warm-up: model, caches, keyword index
        bot.ask(q)
    times = []
    for q in questions:
        started = time.perf_counter()
        bot.ask(q)
        times.append(time.perf_counter() - started)
    p50, p95 = percentiles_ms(times)
    return {"asks": len(times), "p50_ms": p50, "p95_ms": p95, "peak_mb": _peak_mb()}


def _run_worker(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.speed", "--worker", *args], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cold_ask(corpus: Path, index: Path, question: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "assistant"), "ask", question,
                        "--corpus", str(corpus), "--index", str(index),
                        "--reader", "extractive"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from bench.data import sample, squad_articles, write_squad_corpus

    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        article = work / "article"
        article.mkdir()
        shutil.copy(ROOT / "corpus" / "nissan-foxconn-ev-alliance.txt", article)
        squad = work / "squad"
        questions = write_squad_corpus(squad, squad_articles())
        qfile = work / "questions.json"
        qfile.write_text(json.dumps([q.question for q in sample(questions, 200)]))
        article_q = work / "article-q.json"
        article_q.write_text(json.dumps(["How large is the Oppama plant?",
                                         "How many jobs would closing the plant cost?",
                                         "What is the MIH platform?",
                                         "What is the capital of France?"] * 10))
        rows = []
        for name, corpus, qs in (("article", article, article_q), ("squad-48", squad, qfile)):
            index = work / f"index-{name}"
            build = _run_worker("build", str(corpus), str(index))
            ask = _run_worker("ask", str(corpus), str(index), str(qs))
            cold = _cold_ask(corpus, index, "How large is the Oppama plant?")
            rows.append((name, build, ask, cold))
        _print(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(rows: list) -> None:
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    head = ("corpus", "docs", "chunks", "model load s", "index s", "index ch/s", "raw ch/s",
            "ratio", "ask p50 ms", "ask p95 ms", "cold ask s", "peak MB build", "peak MB ask")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for name, b, a, cold in rows:
        print(" | ".join([
            name, str(b["documents"]), str(b["chunks"]), f"{b['model_load_s']:.1f}",
            f"{b['index_s']:.1f}", f"{b['index_chunks_per_s']:.1f}", f"{b['raw_chunks_per_s']:.1f}",
            f"{b['index_chunks_per_s'] / b['raw_chunks_per_s']:.2f}", f"{a['p50_ms']:.0f}",
            f"{a['p95_ms']:.0f}", f"{cold:.1f}", f"{b['peak_mb']:.0f}", f"{a['peak_mb']:.0f}",
        ]))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        action, *rest = sys.argv[2:]
        result = worker_build(*rest) if action == "build" else worker_ask(*rest)
        print(json.dumps(result))
    else:
        main()
