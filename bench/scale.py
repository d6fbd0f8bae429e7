"""How the index grows (issue 31): at about 10k and 100k chunks of text nobody on the project
wrote, build time and chunks/s, index size on disk, warm `ask` p50 / p95 and a worker's peak
memory, and SQuAD held-out answers, each size in its own processes.

The corpus: the 48 SQuAD dev articles first (so that bench.quality's held-out questions can
be asked at every size), then the 10-Q filings' text, SciFact's abstracts (50 to a file),
and the copyright files and changelogs Debian installed in /usr/share/doc (each text once),
until their chunks, counted by the assistant's own loader and splitter, reach the size asked
for.

    python -m bench.scale [--sizes 10000,100000] [--questions 300] [--work DIR]
    python -m bench.scale --server --work DIR   # the indexes built there, on a Chroma server

`--server` serves a copy of each size's Chroma files with `chroma run` (its manifest written
beside them, as `assistant index --chroma` writes it) and measures a new worker, which holds
nothing of its own: its start to the first answer (the keyword index rebuilt from the server's
chunks), warm asks, its peak memory and the server's; then the same worker started again on
its folder, which loads the keyword index it kept there.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import EVAL, file_name, sample, squad_articles, write_squad_corpus
from bench.speed import _run_measured

ROOT = Path(__file__).resolve().parents[1]
DOC = Path("/usr/share/doc")


def write_corpus(dest: Path, chunks: int) -> int:
    """Documents for at least `chunks` chunks; returns how many chunks they make."""
    from assistant.embeddings import Embedder
    from assistant.load import load_document
    from assistant.split import split_document

    embedder = Embedder()
    write_squad_corpus(dest, squad_articles())

    def chunks_of(path: Path) -> int:
        doc = load_document(path, dest)
        return len(split_document(doc, embedder.count_tokens, window=embedder.max_tokens))

    total = sum(chunks_of(p) for p in dest.iterdir())
    seen: set[str] = set()

    def add(name: str, text: str) -> bool:
        nonlocal total
        digest = hashlib.sha256(text.encode()).hexdigest()
        if total >= chunks:
            return False
        if digest not in seen and len(text.strip()) > 200:
            seen.add(digest)
            (dest / name).write_text(text, encoding="utf-8")
            total += chunks_of(dest / name)
        return True

    for path in sorted((EVAL / "sec10q" / "text").glob("*.txt")):
        if not add(path.name, path.read_text(encoding="utf-8")):
            return total
    abstracts = [json.loads(line) for line in (EVAL / "scifact" / "corpus.jsonl").open()]
    for start in range(0, len(abstracts), 50):
        group = abstracts[start:start + 50]
        text = "\n\n".join(f"{a['title']}\n\n{a['text']}" for a in group)
        if not add(f"scifact-{start // 50:03d}.txt", text):
            return total
    for path in sorted(DOC.glob("*/copyright")) + sorted(DOC.glob("*/changelog*.gz")):
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
        if not add(f"debian-{path.parent.name}-{path.name.removesuffix('.gz')}.txt", text):
            return total
    return total


def worker(corpus: str, index: str, questions_file: str, chroma_url: str = "",
           first_only: str = "") -> dict:
    """Warm asks and SQuAD held-out answers in one process (its peak memory is the worker's);
    with `first_only`, its start to the first answer alone."""
    import resource

    from assistant import Assistant
    from assistant.evaluate import percentiles_ms
    from bench.data import Question
    from bench.quality import squad_half

    questions = [Question(**q) for q in json.loads(Path(questions_file).read_text())]
    started = time.perf_counter()
    bot = Assistant(corpus, index, reader="extractive", judge_below=0.0, chroma_url=chroma_url)
    bot.ask(questions[0].question)
    first = time.perf_counter() - started
    if first_only:
        return {"first_s": first,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for q in questions[1:5]:
        bot.ask(q.question)
    times = []
    for q in questions[:100]:
        started = time.perf_counter()
        bot.ask(q.question)
        times.append(time.perf_counter() - started)
    p50, p95 = percentiles_ms(times)
    quality = squad_half(bot, questions)
    return {"first_s": first, "p50_ms": p50, "p95_ms": p95, "answer": quality["answer"],
            "fused@5": quality["fused@5"],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(work: Path, chunks: int, n_questions: int) -> dict:
    corpus, index = work / f"corpus-{chunks}", work / f"index-{chunks}"
    if not corpus.exists():
        write_corpus(corpus, chunks)
    questions = write_squad_corpus(work / "squad-questions", squad_articles())
    held = {file_name(a["title"], i) for i, a in enumerate(squad_articles()[24:], start=24)}
    picked = sample([q for q in questions if q.source in held], n_questions)
    qfile = work / "questions.json"
    qfile.write_text(json.dumps([q.__dict__ for q in picked]))
    cli = [sys.executable, "-m", "assistant.cli"]
    wall, peak, _ = _run_measured([*cli, "index", "--corpus", str(corpus), "--index",
                                   str(index)])
    manifest = json.loads((index / "manifest.json").read_text())
    size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    out = subprocess.run([sys.executable, "-m", "bench.scale", "--worker", str(corpus),
                          str(index), str(qfile)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    asked = json.loads(out.stdout.strip().splitlines()[-1])
    return {"chunks": manifest["chunks"], "documents": len(manifest["documents"]),
            "build_s": wall, "chunks_per_s": manifest["chunks"] / wall, "build_peak_mb": peak,
            "disk_mb": size / 1e6, **asked}


def measure_server(work: Path, chunks: int) -> dict:
    """A worker on a Chroma server serving a copy of the size's index (see the module)."""
    import chromadb

    from assistant.health import COLLECTION
    from bench.workers import Chroma

    index = work / f"index-{chunks}"
    manifest = json.loads((index / "manifest.json").read_text())
    served = work / f"server-{chunks}"
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(index / "chroma", served)
    chroma = Chroma(served)
    chroma.start()
    try:
        meta = chromadb.HttpClient(host="127.0.0.1", port=chroma.port).get_or_create_collection(
            "bench-meta", embedding_function=None)
        meta.upsert(ids=["manifest"], embeddings=[[1.0]],
                    documents=[json.dumps({**manifest, "collection": COLLECTION})])
        cache = work / f"worker-cache-{chunks}"
        shutil.rmtree(cache, ignore_errors=True)  # a new worker, then the same started again
        runs = [json.loads(subprocess.run(
            [sys.executable, "-m", "bench.scale", "--worker", str(work / f"corpus-{chunks}"),
             str(cache), str(work / "questions.json"), chroma.url, *again], cwd=ROOT,
            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
            for again in ([], ["first-only"])]
        status = Path(f"/proc/{chroma.proc.pid}/status").read_text()
        server_peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
    finally:
        chroma.stop()
        shutil.rmtree(served, ignore_errors=True)
    return {"chunks": manifest["chunks"], "server_peak_mb": server_peak, **runs[0],
            "again_s": runs[1]["first_s"], "again_mb": runs[1]["peak_mb"]}


def main(argv: list[str] | None = None) -> None:
    if argv is None and sys.argv[1:2] == ["--worker"]:
        print(json.dumps(worker(*sys.argv[2:7])))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="10000,100000", help="chunks, comma-separated")
    parser.add_argument("--questions", type=int, default=300,
                        help="SQuAD held-out questions asked at each size")
    parser.add_argument("--work", type=Path, help="keep corpora and indexes here")
    parser.add_argument("--server", action="store_true",
                        help="measure workers on a Chroma server over the indexes in --work")
    args = parser.parse_args(argv)
    if args.server:
        if not args.work:
            parser.error("--server measures the indexes of an earlier run: give its --work")
        print("| chunks | start to first answer: new worker / started again | warm ask p50 / "
              "p95 | worker peak: new / started again | server peak | SQuAD held-out answer / "
              "hit@5 |\n|---|---|---|---|---|---|", flush=True)
        for size in (int(s) for s in args.sizes.split(",")):
            r = measure_server(args.work, size)
            print(f"| {r['chunks']:,} | {r['first_s']:.1f} / {r['again_s']:.1f} s | "
                  f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms | {r['peak_mb']:.0f} / "
                  f"{r['again_mb']:.0f} MB | {r['server_peak_mb']:.0f} MB | "
                  f"{r['answer']:.3f} / {r['fused@5']:.3f} |", flush=True)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| chunks | documents | build | chunks/s | build peak | on disk | warm ask p50 / p95 "
          "| worker peak | SQuAD held-out answer / hit@5 |\n|---|---|---|---|---|---|---|---|---|",
          flush=True)
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            r = measure(work, size, args.questions)
            print(f"| {r['chunks']:,} | {r['documents']:,} | {r['build_s']:.0f} s | "
                  f"{r['chunks_per_s']:.1f} | {r['build_peak_mb']:.0f} MB | "
                  f"{r['disk_mb']:.0f} MB | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms | "
                  f"{r['peak_mb']:.0f} MB | {r['answer']:.3f} / {r['fused@5']:.3f} |",
                  flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
