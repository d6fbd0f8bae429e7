"""Fit the found decision (`assistant.found.Signals`): a logistic regression over the reader's
signals, then score it on data it never saw.

Fitted on: the SQuAD tuning half (articles 1-24, answerable) against SciFact *train* claims
asked of the same index (off-topic), and the questions of every real-document set that is
tuning data now (`FIT_SETS`: both halves, each read once as held-out before: paraphrased
answerable questions, and unanswerable ones that use the documents' names), weighted to count
as much as the other two sets together: SQuAD alone teaches that an answer repeats the
question's words, which readers' questions do not. Each set has an index of its own, so the
bar is fitted across corpora of different sizes and kinds. Scored on: the held-out SQuAD half,
the SciFact *test* claims, SQuAD v2.0 unanswerable questions and bench/rst (tuning data kept
out of the fit, to choose on; a new held-out set is measured by bench.real, once).

    python -m bench.calibrate [--n 600] [--work DIR] [--read 10] [--features F.npz]

Prints the fitted weights (paste them into `tuned.FOUND_WEIGHTS` / `FOUND_BIAS`, or with
--read 0, the decision without the answer model, `FOUND_WEIGHTS_PLAIN`) and, for the
weights shipped and the weights just fitted, found / not-found rates at the shipped threshold.
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

# every real-document set read once as held-out, tuning data since, as of the last fit
# (313e697; bench/office was read after it)
FIT_SETS = ("gold", "kinds", "unseen", "typeset", "info", "debdoc", "sysdoc", "devdoc", "libdoc",
            "refdoc", "manuals", "roff")


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


def signals(bot, questions: list[tuple[str, list]]) -> list[tuple[float, ...]]:
    """The found decision's signals for each (question, history), as `ask` computes them."""
    from assistant import tuned

    out = []
    for question, history in questions:
        s = bot.evidence(question, history).signals
        out.append(s.features() if s else (0.0,) * len(
            tuned.FOUND_WEIGHTS if bot.settings.reader.read_sentences else
            tuned.FOUND_WEIGHTS_PLAIN))
    return out


def _gold(path: Path, answerable: bool) -> list[tuple[str, list]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [(r["question"], [tuple(h) for h in r.get("history", [])]) for r in rows
            if bool(r.get("answers")) == answerable]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate")
    parser.add_argument("--n", type=int, default=600, help="questions per public set")
    parser.add_argument("--work", type=Path, help="keep the indexes here between runs")
    parser.add_argument("--features", type=Path,
                        help="also save every set's signals here (.npz), to try other fits")
    parser.add_argument("--read", type=int, default=None,
                        help="sentences the answer model reads (default: as the assistant "
                        "does, tuned.READ_SENTENCES; 0: fit the decision without it)")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from assistant import Assistant, tuned
    from bench import real

    if args.read is None:
        args.read = tuned.READ_SENTENCES
    reading = {"read_sentences": args.read}

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-calibrate-"))
    try:
        articles = squad_articles()
        questions = write_squad_corpus(work / "squad", articles)
        squad = Assistant(work / "squad", work / "squad-index", reader="extractive", **reading)
        squad.index()
        sets = {}
        for name in (*FIT_SETS, "rst"):
            sets[name] = Assistant(real.build(work / name, name), work / name / "index",
                                   reader="extractive", **reading)
            sets[name].index()
        tune = {file_name(a["title"], i) for i, a in enumerate(articles[:24])}

        def plain(texts: list[str]) -> list[tuple[str, list]]:
            return [(t, []) for t in texts]

        fit = {  # name: (assistant, questions, label)
            "SQuAD tuning half (answerable)": (squad, plain(
                [q.question for q in sample([q for q in questions if q.source in tune],
                                            args.n)]), 1),
            "SciFact train claims (off-topic)": (squad, plain(scifact_train_claims(args.n)), 0),
            **{f"{name} {half}, {kind}": (sets[name], _gold(path, label), label)
               for name in FIT_SETS for half in real.SPLITS
               if (path := real.SETS[name] / f"{half}.jsonl").exists()
               for kind, label in (("answerable", True), ("unanswerable", False))},
        }
        score = {
            "SQuAD held-out half (answerable)": (squad, plain(
                [q.question for q in sample([q for q in questions if q.source not in tune],
                                            args.n)]), 1),
            "SciFact test claims (off-topic)": (squad, plain(scifact_claims()), 0),
            "SQuAD v2.0 unanswerable": (squad, plain(
                squad_v2_unanswerable({a["title"] for a in articles}, 300)), 0),
            "rst, answerable": (sets["rst"], _gold(real.SETS["rst"] / "heldout.jsonl", True), 1),
            "rst, unanswerable": (sets["rst"], _gold(real.SETS["rst"] / "heldout.jsonl", False),
                                  0),
        }
        features = {name: np.array(signals(bot, qs)) for name, (bot, qs, _) in
                    {**fit, **score}.items()}
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)

    if args.features:
        np.savez(args.features, **features)
    x = np.vstack([features[name] for name in fit])
    y = np.concatenate([np.full(len(features[name]), label)
                        for name, (_, _, label) in fit.items()])
    public = sum(len(features[name]) for name in list(fit)[:2])
    real_n = sum(len(features[name]) for name in list(fit)[2:])
    weight = np.concatenate([np.full(len(features[name]), 1.0 if i < 2 else public / real_n)
                             for i, name in enumerate(fit)])
    model = LogisticRegression(C=10, max_iter=1000).fit(x, y, sample_weight=weight)
    fitted = (tuple(round(float(w), 2) for w in model.coef_[0]),
              round(float(model.intercept_[0]), 2))
    shipped = ((tuned.FOUND_WEIGHTS, tuned.FOUND_BIAS) if args.read
               else (tuned.FOUND_WEIGHTS_PLAIN, tuned.FOUND_BIAS_PLAIN))
    threshold = squad.settings.reader.min_evidence
    print(f"fitted:  WEIGHTS = {fitted[0]}  BIAS = {fitted[1]}")
    print(f"shipped: WEIGHTS = {shipped[0]}  BIAS = {shipped[1]}")
    print(f"\n| set: share answered as found (threshold {threshold}) | label | shipped | "
          "fitted now |")
    print("|---|---|---|---|")
    for name, (_, _, label) in {**fit, **score}.items():
        rates = []
        for weights, bias in (shipped, fitted):
            z = bias + features[name] @ np.array(weights)
            rates.append(float(np.mean(1 / (1 + np.exp(-z)) >= threshold)))
        role = "fit" if name in fit else "scored"
        print(f"| {name} ({role}) | {'answerable' if label else 'not'} | {rates[0]:.3f} | "
              f"{rates[1]:.3f} |")


if __name__ == "__main__":
    main()
