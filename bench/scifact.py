"""SciFact (BEIR layout, CC BY-NC 2.0, ../shared/eval/scifact): nDCG@10 of the product's fused
retriever against BM25-only and dense-only over the same chunks, 300 test claims. Each
abstract is one document (title, blank line, text); a document ranks where its best chunk does.

    python -m bench.scifact      # indexes 5,183 abstracts (~10 min on 2 cores)
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.data import EVAL

FOLDER = EVAL / "scifact"


def ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(rel / math.log2(i + 2) for i, rel in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def _docs(chunks: list) -> list[str]:
    """Document ids in the order of their best chunk."""
    return list(dict.fromkeys(Path(d.metadata["source"]).stem for d in chunks))


def main() -> None:
    from assistant import Assistant
    from assistant.retrieve import Hybrid

    work = Path(tempfile.mkdtemp(prefix="bench-scifact-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        for line in (FOLDER / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            (corpus / f"{row['_id']}.txt").write_text(f"{row['title']}\n\n{row['text']}",
                                                     encoding="utf-8")
        qrels: dict[str, dict[str, int]] = {}
        for line in (FOLDER / "qrels" / "test.tsv").read_text().splitlines()[1:]:
            qid, doc, rel = line.split("\t")
            qrels.setdefault(qid, {})[doc] = int(rel)
        claims = {row["_id"]: row["text"] for row in map(
            json.loads, (FOLDER / "queries.jsonl").read_text().splitlines())
            if row["_id"] in qrels}

        bot = Assistant(corpus, work / "index")
        started = time.perf_counter()
        report = bot.index()
        print(f"indexed {report.documents} abstracts, {report.chunks} chunks in "
              f"{time.perf_counter() - started:.0f} s")
        deep = Hybrid(bot.store, replace(bot.settings.retrieval, top_k=50, fetch_k=50))
        keyword = bot.store.keyword_index()
        totals = {"fused": 0.0, "BM25": 0.0, "dense": 0.0}
        for qid, claim in claims.items():
            vector = bot.embedder.embed_query(claim)
            rankings = {
                "fused": _docs(deep.search(claim, vector)),
                "BM25": _docs([d for d, _ in keyword.search(claim, 50)]),
                "dense": _docs([d for d, _ in bot.store.dense_search(vector, 50)]),
            }
            for name, ranked in rankings.items():
                totals[name] += ndcg_at_10(ranked, qrels[qid])
        print(f"| SciFact test nDCG@10 ({len(claims)} claims) | fused (ours) | BM25 | dense |")
        print("|---|---|---|---|")
        print("| | " + " | ".join(f"{totals[n] / len(claims):.3f}" for n in totals) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
