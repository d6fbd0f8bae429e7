"""Indexing under `kill -9`: nothing lost, nothing twice.

Builds a reference index of a generated corpus in one clean run, then indexes a copy of the
same corpus again and again, each run killed at a random moment, with files edited between
runs so that kills land in updates and deletions too. One last run must then leave exactly the
reference's chunks: none missing, none duplicated, every fact answered from its own file.

    python -m bench.faults [--kills 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

DOCS = 60


def _write(folder: Path, version: dict[int, int]) -> None:
    for i in range(DOCS):
        v = version.get(i, 0)
        (folder / f"note{i:03d}.txt").write_text(
            f"Note {i}\n\n" + f"Shelf {i} holds item{i}v{v}, counted in round {v}. " * 6)


def _index(corpus: Path, index: Path, kill_after: float | None) -> tuple[str, float]:
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", str(corpus),
                             "--index", str(index)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if kill_after is None:
        out, _ = proc.communicate()
        return out, time.monotonic() - started
    try:
        out, _ = proc.communicate(timeout=kill_after)
        return out, time.monotonic() - started  # finished before the kill
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return "killed", time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    from assistant import Assistant

    work = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        version: dict[int, int] = {}
        _write(corpus, version)
        _, clean_s = _index(corpus, work / "warmup", None)  # how long one whole run takes
        killed = finished = 0
        for _ in range(args.kills):
            for i in rng.sample(range(DOCS), 5):  # edits between runs: updates to interrupt
                version[i] = version.get(i, 0) + 1
            _write(corpus, version)
            out, _ = _index(corpus, work / "index", rng.uniform(0.3, clean_s))
            killed += out == "killed"
            finished += out != "killed"
        final, _ = _index(corpus, work / "index", None)
        _index(corpus, work / "reference", None)  # the same corpus, indexed once, untouched

        bot = Assistant(corpus, work / "index", reader="extractive")
        ref = Assistant(corpus, work / "reference", reader="extractive")
        _, docs = bot.store.all_chunks()
        _, ref_docs = ref.store.all_chunks()
        got = Counter((d.metadata["source"], d.page_content) for d in docs)
        want = Counter((d.metadata["source"], d.page_content) for d in ref_docs)
        lost = sum((want - got).values())
        extra = sum((got - want).values())
        wrong = 0
        for i in rng.sample(range(DOCS), 15):
            answer = bot.ask(f"What does shelf {i} hold?")
            wrong += f"item{i}v{version.get(i, 0)}" not in answer.text
        print(f"kills | runs that finished first | chunks (reference) | lost | duplicated or "
              f"stale | wrong answers (of 15) | one clean run s\n---|---|---|---|---|---|---\n"
              f"{killed} | {finished} | {sum(got.values())} ({sum(want.values())}) | {lost} | "
              f"{extra} | {wrong} | {clean_s:.1f}")
        notes = [line for line in final.splitlines() if "rebuil" in line or "did not" in line]
        print("\nlast run said:", "; ".join(notes) or "nothing to repair")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
