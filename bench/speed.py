"""Speed and memory: index build (the article, the 48 SQuAD dev articles), the embedding
model's raw throughput on the same chunks (the baseline), warm `ask` latency, cold start of
`assistant ask` with its peak memory, and `assistant serve` from start to the page answering.
Each measurement runs in its own process so that peak memory and cold start are honest.

    python -m bench.speed            # prints a table
    python -m bench.speed --cold     # the cold start table alone (article index), LLM=path
                                     # in the environment adds a run with that local model

Cold figures are medians of `--runs` runs (default 5). "peak MB" is the `ask` process's own
peak (as GNU time reports it); "tree MB" the largest sum of it and its child processes (the
index check) sampled every 10 ms.
"""

from __future__ import annotations

import argparse
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

from bench.web import _free_port

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


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS:")).split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _run_measured(args: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, the process's own peak MB and its tree's sampled peak MB."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, _tree_rss_kb(proc.pid))
        time.sleep(0.01)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{args} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024, tree / 1024


def _cold_ask(corpus: Path, index: Path, question: str, runs: int = 5,
              env: dict | None = None) -> dict:
    cmd = [str(Path(sys.executable).parent / "assistant"), "ask", question, "--corpus",
           str(corpus), "--index", str(index)]
    got = [_run_measured(cmd, env) for _ in range(runs)]
    return {"s": statistics.median(g[0] for g in got), "peak_mb": max(g[1] for g in got),
            "tree_mb": max(g[2] for g in got)}


def _serve_start(corpus: Path, index: Path, runs: int = 3) -> float:
    """Seconds from `assistant serve` (index up to date) to its page answering HTTP 200."""
    import httpx

    times = []
    for _ in range(runs):
        port = _free_port()
        started = time.perf_counter()
        proc = subprocess.Popen([str(Path(sys.executable).parent / "assistant"), "serve",
                                 "--corpus", str(corpus), "--index", str(index),
                                 "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while proc.poll() is None:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                        times.append(time.perf_counter() - started)
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            else:
                raise RuntimeError("assistant serve exited before serving its page")
        finally:
            proc.terminate()
            proc.wait()
    return statistics.median(times)


def _article(work: Path) -> Path:
    """A corpus folder holding the article alone."""
    article = work / "article"
    article.mkdir()
    shutil.copy(ROOT / "corpus" / "nissan-foxconn-ev-alliance.txt", article)
    return article


def cold(runs: int) -> None:
    """Cold `ask` and `serve` on the article index, with and without the local model."""
    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        article = _article(work)
        index = work / "index"
        _run_worker("build", str(article), str(index))
        question = "How large is the Oppama plant?"
        rows = [("ask", _cold_ask(article, index, question, runs))]
        if os.environ.get("LLM"):  # a GGUF file: the local model counts as installed
            env = {**os.environ, "ASSISTANT_LLM_MODEL": os.environ["LLM"]}
            # the judge asks the model about the first (its sentence lacks 'large'), not the
            # second (its sentence holds the question's words)
            rows.append(("ask, local model installed", _cold_ask(article, index, question,
                                                                 runs, env)))
            rows.append(("the same, a question the judge leaves alone", _cold_ask(
                article, index, "How many jobs would closing the Oppama plant cost?", runs,
                env)))
        serve = _serve_start(article, index, runs)
        print("command | median s | peak MB | tree MB")
        print("--- | --- | --- | ---")
        for name, r in rows:
            print(f"{name} | {r['s']:.2f} | {r['peak_mb']:.0f} | {r['tree_mb']:.0f}")
        print(f"serve, start to page | {serve:.2f} | - | -")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    from bench.data import sample, squad_articles, write_squad_corpus

    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        article = _article(work)
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
            cold = _cold_ask(corpus, index, "How large is the Oppama plant?", 3)["s"]
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
        parser = argparse.ArgumentParser(description="speed and memory")
        parser.add_argument("--cold", action="store_true", help="the cold start table alone")
        parser.add_argument("--runs", type=int, default=5, help="runs per cold figure")
        args = parser.parse_args()
        cold(args.runs) if args.cold else main()
