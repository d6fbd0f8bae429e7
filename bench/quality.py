"""Answer quality on public data, with baselines measured in the same run over the same chunks.

SQuAD dev v1.1: the 48 articles indexed through the product's own pipeline; articles 1-24 are
the tuning half, 25-48 the held-out half; per half, questions sampled with random.seed(0).
  retrieval  gold paragraph hit@1 / hit@5 (a retrieved chunk overlaps it) and the gold answer
             inside the first 2,000 characters retrieved: fused (product), BM25, dense
  answer     found, the answer's first 400 characters (markers removed) hold a gold answer,
             and a citation overlaps the gold paragraph: product reader vs top-1 sentence
Abstention: found on answerable SQuAD; not found for the 300 SciFact test claims asked of the
SQuAD index (off-topic); not found for SQuAD v2.0 unanswerable questions.

    python -m bench.quality [--n 1500] [--v2 500] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from assistant.evaluate import contains_answer, normalize
from bench.data import EVAL, Question, file_name, sample, squad_articles, write_squad_corpus


def _overlaps(doc_meta: dict, q: Question, spans: dict[str, tuple[int, int]]) -> bool:
    gold = spans.get(q.question + q.source)
    if gold is None or doc_meta.get("source") != q.source:
        return False
    return int(doc_meta["start"]) < gold[1] and gold[0] < int(doc_meta["end"])




def gold_spans(bot, questions: list[Question]) -> dict[str, tuple[int, int]]:
    """Where each gold paragraph sits in the product's extracted text of its document."""
    texts: dict[str, str] = {}
    spans = {}
    for q in questions:
        if q.source not in texts:
            texts[q.source] = bot.document_text(q.source)
        at = texts[q.source].find(q.paragraph_text[:200])
        if at >= 0:
            spans[q.question + q.source] = (at, at + len(q.paragraph_text))
    return spans


def squad_half(bot, questions: list[Question]) -> dict[str, float]:
    from assistant.evidence import weigh
    from assistant.rank import Ranker
    from assistant.readers import QuoteReader

    spans = gold_spans(bot, questions)
    store = bot.store
    keyword = store.keyword_index()
    # the baseline: the best sentence alone, every sentence of the passages embedded
    top1, every_sentence = QuoteReader(max_sentences=1), Ranker(bot.embedder)
    counts = {k: 0 for k in (
        "fused@1", "fused@5", "fused2000", "bm25@1", "bm25@5", "bm252000", "dense@1", "dense@5",
        "dense2000", "answer", "answer_top1", "found", "found_top1")}
    for q in questions:
        evidence = bot.evidence(q.question)
        rankings = {  # the product's fused ranking, and each of its two alone as baselines
            "fused": evidence.passages,
            "bm25": [d for d, _ in keyword.search(q.question, 5)],
            "dense": [d for d, _ in store.dense_search(evidence.vector, 5)],
        }
        for name, docs in rankings.items():
            hits = [_overlaps(d.metadata, q, spans) for d in docs]
            counts[f"{name}@1"] += bool(hits[:1] and hits[0])
            counts[f"{name}@5"] += any(hits[:5])
            context = "\n\n".join(d.page_content for d in docs)[:2000]
            counts[f"{name}2000"] += contains_answer(context, q.answers)
        alone = weigh(every_sentence, bot.settings.reader.min_evidence, question=q.question,
                      query=q.question, asked=q.question, vector=evidence.vector,
                      passages=evidence.passages, doc_freq=keyword.doc_freq())
        for answer, suffix in ((bot.reader.read(evidence), ""), (top1.read(alone), "_top1")):
            counts["found" + suffix] += answer.found
            ok = (answer.found and contains_answer(normalize(answer.text)[:400], q.answers)
                  and any(_overlaps({"source": c.source, "start": c.start, "end": c.end}, q,
                                    spans) for c in answer.citations))
            counts["answer" + suffix] += ok
    n = len(questions)
    return {k: v / n for k, v in counts.items()} | {"n": n}


def not_found_rate(bot, questions: list[str]) -> float:
    return sum(not bot.ask(q).found for q in questions) / len(questions)


def scifact_claims() -> list[str]:
    folder = EVAL / "scifact"
    qrels = (folder / "qrels" / "test.tsv").read_text().splitlines()[1:]
    ids = {line.split("\t")[0] for line in qrels}
    claims = [json.loads(line) for line in (folder / "queries.jsonl").read_text().splitlines()]
    return [c["text"] for c in claims if c["_id"] in ids]


def squad_v2_unanswerable(titles: set[str], n: int) -> list[str]:
    data = json.loads((EVAL / "squad" / "dev-v2.0.json").read_text())["data"]
    pool = [qa["question"] for a in data if a["title"] in titles for p in a["paragraphs"]
            for qa in p["qas"] if qa.get("is_impossible")]
    random.seed(0)
    return random.sample(pool, min(n, len(pool)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.quality")
    parser.add_argument("--n", type=int, default=1500, help="questions per SQuAD half")
    parser.add_argument("--v2", type=int, default=500, help="SQuAD v2 unanswerable questions")
    parser.add_argument("--work", type=Path, help="keep the corpus and index here between runs")
    args = parser.parse_args(argv)

    from assistant import Assistant

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-quality-"))
    try:
        articles = squad_articles()
        questions = write_squad_corpus(work / "squad", articles)
        # the extractive path alone: no language model judging its grey zone
        bot = Assistant(work / "squad", work / "index", reader="extractive", judge_below=0.0)
        started = time.perf_counter()
        report = bot.index()
        print(f"indexed {report.documents} SQuAD articles, {report.chunks} chunks in "
              f"{time.perf_counter() - started:.0f} s")
        tune_sources = {file_name(a["title"], i) for i, a in enumerate(articles[:24])}
        halves = {
            "tuning (1-24)": [q for q in questions if q.source in tune_sources],
            "held-out (25-48)": [q for q in questions if q.source not in tune_sources],
        }
        results = {}
        for name, pool in halves.items():
            results[name] = squad_half(bot, sample(pool, args.n))
        off_topic = not_found_rate(bot, scifact_claims())
        v2 = not_found_rate(bot, squad_v2_unanswerable({a["title"] for a in articles}, args.v2))
        _print(results, off_topic, v2)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def _print(results: dict, off_topic: float, v2: float) -> None:
    rows = [
        ("gold paragraph hit@1: fused / BM25 / dense", ("fused@1", "bm25@1", "dense@1")),
        ("gold paragraph hit@5: fused / BM25 / dense", ("fused@5", "bm25@5", "dense@5")),
        ("answer in first 2,000 chars: fused / BM25 / dense",
         ("fused2000", "bm252000", "dense2000")),
        ("answer (<=400 chars) + gold citation: reader / top-1 sentence",
         ("answer", "answer_top1")),
        ("found on answerable: reader / top-1 sentence", ("found", "found_top1")),
    ]
    names = list(results)
    print("| measure | " + " | ".join(f"{n} (n={results[n]['n']})" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for label, keys in rows:
        cells = [" / ".join(f"{results[n][k]:.3f}" for k in keys) for n in names]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"| not found: 300 SciFact claims on the SQuAD index | {off_topic:.3f} |")
    print(f"| not found: SQuAD v2.0 unanswerable | {v2:.3f} |")


if __name__ == "__main__":
    main()
