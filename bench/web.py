"""The web page as a user meets it: `make run` to a usable page (index already built), time to
the first streamed words and to the full answer (over the API and in Chromium), and 5 users
asking at once against 1 user alone, in the same run.

    python -m bench.web            # prints a table; serves on a free port, reads corpus/
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
            q = QUESTIONS[i % 4]  # answerable ones: they end with a sources panel
            bots = page.locator("#chatbot [data-testid='bot']")
            before = bots.count()
            box.fill(q)
            t0 = time.perf_counter()
            box.press("Enter")
            expect(bots.nth(before)).not_to_be_empty(timeout=60_000)
            first.append(time.perf_counter() - t0)
            expect(page.locator("#sources [data-cite]").first).to_be_visible(timeout=60_000)
            expect(bots.nth(before).locator(".sources")).to_be_visible(timeout=60_000)
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


def main() -> None:
    from gradio_client import Client

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
