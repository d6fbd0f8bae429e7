"""Questions asked while another process rebuilds the index: does any get another document's
fact? A corpus of invented places, each with its own fact and filler enough that a rebuild
takes half a minute; `assistant index --rebuild` runs in a child process while this one asks
about the places, each question while the child is still at work.

    python -m bench.rebuild [--runs 3] [--questions 20]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYLLABLES = ["mi", "vel", "ka", "quo", "brim", "tav", "or", "sen", "dal", "te", "pru", "vik",
             "zal", "mo", "ra", "kesh", "wyn", "ul", "brast", "var", "noque", "eth", "lin"]
DOCS = 40


def _places(rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < DOCS:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize())
    return sorted(names)


def _write(folder: Path, places: list[str]) -> None:
    folder.mkdir(parents=True)
    for i, place in enumerate(places):
        filler = " ".join(f"The {w} road of {place} was paved in year {1700 + i * 7 + k}."
                          for k, w in enumerate(["north", "south", "east", "west"] * 16))
        (folder / f"place{i:02d}.txt").write_text(
            f"{place} gazette\n\n{filler}\n\nThe harbour of {place} holds {i + 3} cranes.\n")


def _probe(corpus: Path, index: Path, places: list[str], questions: int,
           rng: random.Random) -> dict[str, int]:
    from assistant import Assistant

    reader = Assistant(corpus, index)
    reader.ask("warm up")
    tally = {"asked during the rebuild": 0, "right fact": 0, "another document's fact": 0,
             "declined": 0, "error": 0}
    child = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", str(corpus),
                              "--index", str(index), "--rebuild"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    started = time.monotonic()
    picks = rng.sample(range(DOCS), questions)
    time.sleep(2.0)  # past the model load, into the writing
    for i in picks:
        if child.poll() is not None:
            break
        try:
            answer = reader.ask(f"How many cranes are in the harbour of {places[i]}?")
        except Exception:  # noqa: BLE001 - counted: a reader that cannot answer
            outcome = "error"
        else:
            sources = {c.source for c in answer.citations}
            outcome = ("declined" if not answer.found else "right fact"
                       if f"place{i:02d}.txt" in sources and f"{i + 3} cranes" in answer.text
                       else "another document's fact")
        if child.poll() is None:  # still rebuilding when the answer came
            tally["asked during the rebuild"] += 1
            tally[outcome] += 1
        time.sleep(0.5)
    child.wait()
    tally["rebuild seconds"] = round(time.monotonic() - started)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    from assistant import Assistant

    work = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    places = _places(rng)
    _write(work / "corpus", places)
    Assistant(work / "corpus", work / "index").index()
    rows = [_probe(work / "corpus", work / "index", places, args.questions, rng)
            for _ in range(args.runs)]
    keys = list(rows[0])
    print("| run | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for n, row in enumerate(rows, 1):
        print(f"| {n} | " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
