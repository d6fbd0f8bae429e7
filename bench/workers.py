"""Workers behind one index (issue 31): one `assistant serve` on the embedded index, one on a
Chroma server, and two on that server, 20 clients asking 10 questions each over the page's
`/chat`, in the same run. Clients are spread over the workers as a load balancer would,
and one whose worker stops answering moves to the other.

With `--faults`, the two-worker run is also run again while one worker is killed with
SIGKILL (a third of the way) and the Chroma server is restarted (two thirds of the way):
every request either answers or fails with a message, and the server's chunks are counted
after it, unique and as many as the manifest says.

    python -m bench.workers [--clients 20] [--questions 10] [--articles 16] [--faults]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from assistant.evaluate import percentiles_ms
from bench.data import sample, squad_articles, write_squad_corpus
from bench.web import _free_port

BIN = Path(sys.executable).parent
TIMEOUT = 30.0  # seconds a client waits for an answer


def _wait(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


class Chroma:
    def __init__(self, path: Path) -> None:
        self.path, self.port, self.proc = path, _free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bench"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "chroma"), "run", "--path", str(self.path), "--host", "127.0.0.1",
             "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.proc, "chroma run")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def serve(corpus: Path, index: Path, chroma: str = "") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    cmd = [str(BIN / "assistant"), "serve", "--no-index", "--corpus", str(corpus), "--index",
           str(index), "--port", str(port), *(["--chroma", chroma] if chroma else [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    _wait(url, proc, "assistant serve")
    return proc, url


def _tree(pid: int) -> list[int]:
    """The process and its descendants (a worker's index-check child searches for it)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for c in children for p in _tree(int(c)))]


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds the processes and their descendants used so far."""
    total = 0
    for pid in {p for root in pids for p in _tree(root)}:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # what each failed request said
    wall: float = 0.0
    answered: int = 0
    cpu: float = 0.0  # CPU seconds of the workers and the Chroma server meanwhile

    def __str__(self) -> str:
        p50, p95 = percentiles_ms(self.latencies)
        return (f"{self.answered / self.wall:.2f} answers/s | {p50:.0f} / {p95:.0f} ms | "
                f"{len(self.failures)} | {self.cpu / self.wall:.2f} of {os.cpu_count()} | "
                f"{1000 * self.cpu / max(self.answered, 1):.0f} ms")


def load(urls: list[str], questions: list[str], clients: int, per_client: int,
         on_progress=None, pids: list[int] = ()) -> Load:
    """`clients` threads, client k starting on worker k mod len(urls)."""
    from gradio_client import Client

    out = Load()
    lock = threading.Lock()
    done = 0

    def run(k: int) -> None:
        nonlocal done
        at = k % len(urls)
        client = Client(urls[at], verbose=False, download_files=False)
        for i in range(per_client):
            question = questions[(k * per_client + i) % len(questions)]
            started = time.perf_counter()
            try:
                message = _final(client, question)
                failed = 'class="error"' in message and message
            except Exception as exc:  # noqa: BLE001 - a worker gone: the client says how
                failed = f"{type(exc).__name__}: {exc}"
                at = (at + 1) % len(urls)  # as a load balancer would: the next worker
                with contextlib.suppress(Exception):
                    client = Client(urls[at], verbose=False, download_files=False)
            with lock:
                done += 1
                if failed:
                    out.failures.append(" ".join(str(failed).split())[:200])
                else:
                    out.answered += 1
                    out.latencies.append(time.perf_counter() - started)
            if on_progress:
                on_progress(done)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    started, cpu = time.perf_counter(), _cpu_seconds(list(pids))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.wall = time.perf_counter() - started
    out.cpu = _cpu_seconds(list(pids)) - cpu
    return out


def _final(client, question: str) -> str:
    """The chat's last message; a worker killed mid-answer never ends its stream, so a client
    gives up after TIMEOUT seconds."""
    last = client.submit(message=question, api_name="/chat").result(timeout=TIMEOUT)
    return str(last[0] if isinstance(last, (list, tuple)) else last)


def _chunks_on_server(chroma: Chroma) -> tuple[int, int, int]:
    """(chunks, distinct ids, the manifest's count) on the server, read with Chroma's client."""
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
    raw = client.get_collection("bench-meta").get(ids=["manifest"], include=["documents"])
    manifest = json.loads(raw["documents"][0])
    chunks = client.get_collection(manifest["collection"])
    ids: list[str] = []
    while batch := chunks.get(include=[], limit=5000, offset=len(ids))["ids"]:
        ids.extend(batch)
    return len(ids), len(set(ids)), manifest["chunks"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workers")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="per client")
    parser.add_argument("--articles", type=int, default=16, help="SQuAD dev articles indexed")
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    corpus = work / "corpus"
    asked = write_squad_corpus(corpus, squad_articles()[:args.articles])
    questions = [q.question for q in sample(asked, args.clients * args.questions)]
    chroma = Chroma(work / "chroma")
    procs: list[subprocess.Popen] = []
    total = args.clients * args.questions
    try:
        chroma.start()
        for extra in ([], ["--chroma", chroma.url]):
            subprocess.run([str(BIN / "assistant"), "index", "--corpus", str(corpus), "--index",
                            str(work / ("server-w1" if extra else "embedded")), *extra],
                           check=True, capture_output=True)
        one, url = serve(corpus, work / "embedded")
        procs.append(one)
        embedded = load([url], questions, args.clients, args.questions, pids=[one.pid])
        one.terminate()
        one.wait()
        workers = [serve(corpus, work / f"server-w{i}", chroma.url) for i in (1, 2)]
        procs += [p for p, _ in workers]
        urls = [u for _, u in workers]
        pids = [chroma.proc.pid, *(p.pid for p, _ in workers)]
        alone = load(urls[:1], questions, args.clients, args.questions, pids=pids)
        two = load(urls, questions, args.clients, args.questions, pids=pids)
        faulted = chunks = None
        if args.faults:
            def faults(done: int) -> None:
                if done == total // 3 and workers[1][0].poll() is None:
                    workers[1][0].send_signal(signal.SIGKILL)
                if done == 2 * total // 3:
                    chroma.stop()
                    chroma.start()

            faulted = load(urls, questions, args.clients, args.questions, faults)
            chunks = _chunks_on_server(chroma)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        chroma.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"{args.clients} clients x {args.questions} questions over `/chat`, "
          f"{args.articles} SQuAD articles, {os.cpu_count()} cores\n")
    print("| setup | throughput | latency p50 / p95 | failed requests | cores busy | CPU per "
          "answer |\n|---|---|---|---|---|---|")
    print(f"| 1 worker, embedded index | {embedded} |")
    print(f"| 1 worker, one Chroma server | {alone} |")
    print(f"| 2 workers, one Chroma server | {two} |")
    ratio = (two.answered / two.wall) / (embedded.answered / embedded.wall)
    print(f"\n2 workers vs 1: x{ratio:.2f} answers/s")
    if faulted is not None and chunks is not None:
        print(f"\n| 2 workers, one killed (SIGKILL) and the server restarted | {faulted} |")
        kinds: dict[str, int] = {}
        for f in faulted.failures:
            kinds[f[:120]] = kinds.get(f[:120], 0) + 1
        for kind, n in sorted(kinds.items(), key=lambda x: -x[1]):
            print(f"- {n} x {kind}")
        print(f"\nchunks on the server after it: {chunks[0]}, distinct {chunks[1]}, "
              f"manifest {chunks[2]}")


if __name__ == "__main__":
    main()
