"""Fit the found decision (`assistant.read.Signals`): a logistic regression over the reader's
signals, trained on the SQuAD tuning half (articles 1-24, answerable) against SciFact *train*
claims asked of the same index (off-topic), then scored on data it never saw: the held-out
SQuAD half, the SciFact *test* claims, and SQuAD v2.0 unanswerable questions.

    python -m bench.calibrate [--n 600] [--index DIR]

Prints the fitted weights (paste them into `Signals.WEIGHTS` / `BIAS`) and, for the weights
shipped and the weights just fitted, found / not-found rates at the shipped threshold.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

from bench.data import EVAL, file_name, sample, squad_articles, write_squad_corpus
from bench.quality import scifact_claims, squad_v2_unanswerable


def scifact_train_claims(n: int) -> list[str]:
    folder = EVAL / "scifact"
    claims = {}
    for line in (folder / "queries.jsonl").read_text().splitlines():
        c = json.loads(line)
        claims[c["_id"]] = c["text"]
    ids = sorted({line.split("\t")[0]
                  for line in (folder / "qrels" / "train.tsv").read_text().splitlines()[1:]})
    random.seed(0)
    pool = [claims[i] for i in ids if i in claims]
    return random.sample(pool, min(n, len(pool)))


def signals(bot, questions: list[str]) -> list[tuple[float, float, float]]:
    """The reader's signals for each question, exactly as `ask` computes them."""
    doc_freq = bot.store.keyword_index().doc_freq()
    out = []
    for q in questions:
        vector = bot.embedder.embed_query(q)
        passages = bot.retriever.search(q, vector)
        _, s = bot.reader.rank(q, q, vector, passages, doc_freq)
        out.append((s.evidence, s.missing, s.dense) if s else (0.0, 0.0, 0.0))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate")
    parser.add_argument("--n", type=int, default=600, help="questions per set")
    parser.add_argument("--index", type=Path, help="reuse this SQuAD index folder")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from assistant import Assistant
    from assistant.read import Signals

    work = Path(tempfile.mkdtemp(prefix="bench-calibrate-"))
    try:
        articles = squad_articles()
        questions = write_squad_corpus(work / "squad", articles)
        bot = Assistant(work / "squad", args.index or work / "index", reader="extractive")
        bot.index()
        tune = {file_name(a["title"], i) for i, a in enumerate(articles[:24])}
        sets = {
            "SQuAD tuning half (fit, answerable)":
                [q.question for q in sample([q for q in questions if q.source in tune], args.n)],
            "SciFact train claims (fit, off-topic)": scifact_train_claims(args.n),
            "SQuAD held-out half (answerable)":
                [q.question for q in sample([q for q in questions if q.source not in tune],
                                            args.n)],
            "SciFact test claims (off-topic)": scifact_claims(),
            "SQuAD v2.0 unanswerable": squad_v2_unanswerable({a["title"] for a in articles}, 300),
        }
        features = {name: np.array(signals(bot, qs)) for name, qs in sets.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    names = list(sets)
    x = np.vstack([features[names[0]], features[names[1]]])
    y = np.r_[np.ones(len(features[names[0]])), np.zeros(len(features[names[1]]))]
    model = LogisticRegression(C=10).fit(x, y)
    fitted = (tuple(round(float(w), 2) for w in model.coef_[0]),
              round(float(model.intercept_[0]), 2))
    shipped = (Signals.WEIGHTS, Signals.BIAS)
    threshold = bot.settings.min_evidence
    print(f"fitted:  WEIGHTS = {fitted[0]}  BIAS = {fitted[1]}")
    print(f"shipped: WEIGHTS = {shipped[0]}  BIAS = {shipped[1]}")
    print(f"\n| set (share answered as found, threshold {threshold}) | shipped | fitted now |")
    print("|---|---|---|")
    for name in names:
        rates = []
        for weights, bias in (shipped, fitted):
            z = bias + features[name] @ np.array(weights)
            rates.append(float(np.mean(1 / (1 + np.exp(-z)) >= threshold)))
        print(f"| {name} | {rates[0]:.3f} | {rates[1]:.3f} |")


if __name__ == "__main__":
    main()
