"""The web page as a user meets it: `make run` to a usable page (index already built), time to
the first streamed words and to the full answer (over the API and in Chromium), and 5 users
asking at once against 1 user alone, in the same run.

    python -m bench.web            # prints a table; serves on a free port, reads corpus/
    python -m bench.web --start BASE   # `assistant serve` to its first answer, and a PDF
                                   # citation opened in the viewer: this code and the code
                                   # checked out in BASE (a git worktree), same run
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from assistant.evaluate import percentiles_ms

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["How large is the Oppama plant?", "How many jobs would closing the plant cost?",
             "What is the MIH platform?", "Who is the Taiwanese tech giant?",
             "What is the capital of France?"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> tuple[subprocess.Popen, float]:
    """`make run` on a free port; seconds until the page answers HTTP 200."""
    env = {**os.environ, "ASSISTANT_PORT": str(port)}
    started = time.perf_counter()
    proc = subprocess.Popen(["make", "-s", "run"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("make run exited before serving") from None
            time.sleep(0.1)


def chat_once(client, question: str) -> tuple[float, float]:
    """Seconds to the first streamed words and to the final message, over `/chat`."""
    started = time.perf_counter()
    first = None
    for update in client.submit(message=question, api_name="/chat"):
        if first is None and update[0]:
            first = time.perf_counter() - started
    return first or 0.0, time.perf_counter() - started


def browser_times(url: str, runs: int) -> tuple[float, list[float], list[float]]:
    """Seconds to a usable page in Chromium, then per question: first words, sources shown."""
    from playwright.sync_api import expect, sync_playwright

    first, full = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = b.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(url, wait_until="load")
        box = page.locator("#chatbot").locator("xpath=following::textarea[1]")
        expect(box).to_be_editable(timeout=60_000)
        usable = time.perf_counter() - started
        for i in range(runs):
            q = QUESTIONS[i % 4]  # answerable ones: they end with their sources
            bots = page.locator("#chatbot [data-testid='bot']")
            before = bots.count()
            box.fill(q)
            t0 = time.perf_counter()
            box.press("Enter")
            expect(bots.nth(before)).not_to_be_empty(timeout=60_000)
            first.append(time.perf_counter() - t0)
            expect(bots.nth(before).locator(".cite-link").first).to_be_visible(timeout=60_000)
            full.append(time.perf_counter() - t0)
        b.close()
    return usable, first, full


def users(url: str, n_users: int, per_user: int) -> tuple[list[float], float]:
    """`n_users` threads, each with its own client, asking `per_user` questions over `/chat`."""
    from gradio_client import Client

    clients = [Client(url, verbose=False, download_files=False) for _ in range(n_users)]
    latencies: list[float] = []
    lock = threading.Lock()

    def run(c, offset: int) -> None:
        for i in range(per_user):
            _, total = chat_once(c, QUESTIONS[(offset + i) % len(QUESTIONS)])
            with lock:
                latencies.append(total)

    threads = [threading.Thread(target=run, args=(c, k)) for k, c in enumerate(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started


PDF = ROOT.parent / "shared" / "eval" / "sec10q" / "pdfs" / "2023 Q1 NVDA.pdf"
PDF_QUESTION = "What is NVIDIA Omniverse Cloud?"


def start_times(code: Path, work: Path, runs: int = 3) -> tuple[float, float, list[float]]:
    """With the code in `code`, on the article and a 10-Q PDF (index built beforehand):
    seconds from `assistant serve` to its page, to its first answer over `/chat`, and the
    times to open the PDF's citation of an earlier answer in Chromium's viewer."""
    from gradio_client import Client

    corpus, index = work / "corpus", work / "index"
    corpus.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "corpus" / "nissan-foxconn-ev-alliance.txt", PDF):
        (corpus / f.name).write_bytes(f.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(code)}
    cli = [sys.executable, "-m", "assistant.cli"]
    # (cwd: `python -m` puts the working folder before PYTHONPATH)
    subprocess.run([*cli, "index", "--corpus", str(corpus), "--index", str(index)], env=env,
                   cwd=work, check=True, capture_output=True)
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([*cli, "serve", "--no-index", "--corpus", str(corpus), "--index",
                             str(index), "--port", str(port)], env=env, cwd=work,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                client = Client(url, verbose=False, download_files=False)
                break
            except Exception:  # noqa: BLE001 — not up yet
                if proc.poll() is not None:
                    raise RuntimeError("assistant serve exited before serving") from None
                time.sleep(0.05)
        to_page = time.perf_counter() - started
        chat_once(client, QUESTIONS[0])
        to_answer = time.perf_counter() - started
        return to_page, to_answer, open_pdf_citation(url, runs)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def open_pdf_citation(url: str, runs: int) -> list[float]:
    """Ask about the PDF, then about the article (the viewer now shows the article, or
    nothing), then open the PDF answer's citation: seconds from the click to the quote marked
    in the viewer. Both pages are handled: the sources panel of b6989b4 (choose the answer,
    then its source) and the sources line under each answer."""
    from playwright.sync_api import expect, sync_playwright

    times = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for _ in range(runs):
            page = b.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url, wait_until="load")
            box = page.locator("#chatbot").locator("xpath=following::textarea[1]")
            bots = page.locator("#chatbot [data-testid='bot']")
            for n, q in enumerate((PDF_QUESTION, QUESTIONS[0])):
                expect(box).to_be_editable(timeout=60_000)
                box.fill(q)
                box.press("Enter")
                try:
                    expect(bots.nth(n).locator(".cite-link, .sources")).not_to_have_count(
                        0, timeout=60_000)
                except AssertionError:
                    page.screenshot(path="/tmp/bench-web-fail.png")
                    raise
            viewer = page.locator("#viewer")
            expect(viewer).not_to_contain_text(PDF.name, timeout=60_000)
            if page.locator("#sources").count():  # b6989b4: choose the answer, then a source
                bots.first.click()
                expect(page.locator("#sources")).to_contain_text(PDF.name, timeout=60_000)
                link = page.locator("#sources [data-cite='1']")
            else:
                link = bots.first.locator(".cite-link").first
            started = time.perf_counter()
            link.click()
            expect(viewer.locator(".doc-head")).to_contain_text(PDF.name, timeout=60_000)
            expect(viewer.locator("#cited-span")).to_be_visible(timeout=60_000)
            times.append(time.perf_counter() - started)
            page.close()
        b.close()
    return times


def compare_start(base: Path) -> None:
    import tempfile

    rows = []
    for name, code in ((_commit(base), base), ("this code", ROOT)):
        with tempfile.TemporaryDirectory() as work:
            rows.append((name, *start_times(code, Path(work))))
    print("| code | serve → page | serve → first answer | PDF citation → quote in the viewer, "
          "median (runs) |\n|---|---|---|---|")
    for name, to_page, to_answer, opens in rows:
        print(f"| {name} | {to_page:.1f} s | {to_answer:.1f} s | "
              f"{statistics.median(opens):.2f} s ({', '.join(f'{t:.2f}' for t in opens)}) |")


def _commit(path: Path) -> str:
    out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    return out.stdout.strip() or str(path)


def main() -> None:
    from gradio_client import Client

    if len(sys.argv) == 3 and sys.argv[1] == "--start":
        return compare_start(Path(sys.argv[2]).resolve())

    port = _free_port()
    proc, to_200 = start_server(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        usable, b_first, b_full = browser_times(url, runs=8)
        client = Client(url, verbose=False, download_files=False)
        chat_once(client, QUESTIONS[0])  # warm
        api = [chat_once(client, QUESTIONS[i % len(QUESTIONS)]) for i in range(20)]
        one, one_wall = users(url, 1, 20)
        five, five_wall = users(url, 5, 4)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)

    def ms(xs: list[float]) -> str:
        p50, p95 = percentiles_ms(xs)
        return f"{p50:.0f} / {p95:.0f}"

    print("| measure | value |\n|---|---|")
    print(f"| `make run` → HTTP 200 (index built, no changes) | {to_200:.1f} s |")
    print(f"| page load → chat box usable in Chromium | {usable:.2f} s |")
    print(f"| Chromium, Enter → first words, p50 / p95 ms ({len(b_first)} questions) | "
          f"{ms(b_first)} |")
    print(f"| Chromium, Enter → answer with sources shown, p50 / p95 ms | {ms(b_full)} |")
    print(f"| `/chat` API, first streamed words, p50 / p95 ms (20) | "
          f"{ms([f for f, _ in api])} |")
    print(f"| `/chat` API, full answer, p50 / p95 ms (20) | {ms([t for _, t in api])} |")
    print(f"| 1 user, 20 questions: latency p50 / p95 ms, wall | {ms(one)}, {one_wall:.1f} s |")
    print(f"| 5 users at once, 4 questions each: latency p50 / p95 ms, wall | {ms(five)}, "
          f"{five_wall:.1f} s |")
    print(f"| 5 users: throughput vs 1 user | {20 / five_wall:.1f} vs {20 / one_wall:.1f} "
          f"answers/s (ratio {one_wall / five_wall:.2f}); median latency ratio "
          f"{statistics.median(five) / statistics.median(one):.1f}× |")


if __name__ == "__main__":
    sys.exit(main())
