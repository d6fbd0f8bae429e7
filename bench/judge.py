"""Where the language model's judge spends its time, against the quoting it checks.

For the first questions of bench/gold's tuning half (`--questions`, 40), in one process on one
index: the extractive answer's time, then the judge's prompt (exactly what
`JudgedReader.verdict` sends) posted to the local llama.cpp server with its prompt cache off, so
every call reads its whole prompt. The server's own `timings` split each call into reading the
prompt and writing the verdict.

    python -m bench.judge [--questions 40] [--work DIR]

Needs the local model (`make model`): it reads the timings of the server this process runs,
so with ASSISTANT_LLM_URL set it stops and says so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from assistant import Assistant
from assistant.config import Settings
from assistant.llm import llm_available, local_model
from bench.real import GOLD, build


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--work", type=Path, help="keep the index here between runs")
    args = parser.parse_args(argv)
    settings = Settings.load()
    if settings.llm.url:
        raise SystemExit("bench.judge times the local model: unset ASSISTANT_LLM_URL")
    if not llm_available(settings.llm):
        raise SystemExit("bench.judge needs the local model: run `make model`")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-judge-"))
    try:
        _run(settings, work, args.questions)
    finally:
        if not args.work:  # as every other benchmark, leave no index behind in /tmp
            shutil.rmtree(work, ignore_errors=True)


def _run(settings: Settings, work: Path, questions: int) -> None:
    bot = Assistant(build(work), work / "index", settings=settings)
    bot.index()
    judge = bot.readers["extractive"]  # quoting, judged by the model
    local = local_model(settings.llm)  # the one the reader loaded
    bot.ask("warm-up: load the embedder and the model before anything is timed")
    rows = []
    for line in (GOLD / "tune.jsonl").read_text(encoding="utf-8").splitlines()[:questions]:
        question = json.loads(line)["question"]
        started = time.perf_counter()
        evidence = bot.evidence(question)
        judge.quoter.read(evidence)
        quoting = time.perf_counter() - started
        messages = judge.messages(evidence)
        body = {"messages": [{"role": r, "content": c} for r, c in messages], "max_tokens": 3,
                "temperature": 0, "cache_prompt": False}
        started = time.perf_counter()
        reply = httpx.post(f"{local.url}/chat/completions", json=body, timeout=300,
                           headers={"Authorization": f"Bearer {local.api_key}"},
                           trust_env=False).json()  # loopback: no proxy, as in chat_model
        call, t = time.perf_counter() - started, reply["timings"]
        rows.append((quoting, call, t["prompt_n"], t["prompt_ms"] / 1000, t["predicted_n"],
                     t["predicted_ms"] / 1000, sum(len(c) for _, c in messages)))
    med = [statistics.median(r[i] for r in rows) for i in range(len(rows[0]))]
    print(f"{len(rows)} questions of the tuning half, medians\n")
    print("measure | value\n--- | ---")
    print(f"quoting the answer (retrieval and extractive reader) | {med[0] * 1000:.0f} ms")
    print(f"judge call, whole | {med[1]:.2f} s ({med[1] / med[0]:.0f}x the quoting)")
    print(f"prompt: characters / tokens | {med[6]:.0f} / {med[2]:.0f}")
    print(f"reading the prompt | {med[3]:.2f} s ({med[2] / med[3]:.0f} tokens/s)")
    print(f"writing the verdict | {med[5]:.2f} s ({med[4]:.0f} tokens)")


if __name__ == "__main__":
    main()
