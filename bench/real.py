"""Answers on real documents, asked in a reader's own words.

`--set gold` (bench/gold, the default): nine documents of different kinds share one index, as
a user's folder would: the news article in corpus/, two licences, two Markdown READMEs, two
HTML manual pages, a plain-text spec (bench/gold/docs, sources and licences in
bench/gold/README.md) and an SEC 10-Q with tables (read from ../shared/eval). `--set kinds`
(bench/kinds): a man page, a FAQ, a spreadsheet and another company's 10-Q; `--set unseen`
(bench/unseen): release notes, a commented configuration file, a Debian copyright file, held
out for the answer model (issue 27); `--set rst` (bench/rst): reStructuredText pages of Sphinx
and CMake documentation (`--as-text` reads them as plain .txt files, as code that does not
know .rst would have to); `--set typeset` (bench/typeset): PDF manuals and specifications typeset
by TeX; `--set info` (bench/info): GNU Info manuals; `--set debdoc` (bench/debdoc): a reference
list, changelogs and an annotated program from /usr/share/doc; `--set sysdoc` (bench/sysdoc): a
format specification, a README.Debian, a Sphinx policy manual and a GNU ChangeLog; `--set
devdoc` (bench/devdoc): a DocBook manual as text, a TODO list, git's release notes and an X11
protocol extension's specification; `--set libdoc` (bench/libdoc): two C libraries' manuals and
two annotated configuration references; `--set refdoc` (bench/refdoc): two Vim help files and two
Node.js API reference pages; `--set manuals` (bench/manuals): two Perl tutorials in POD and two
chapters of Valgrind's DocBook HTML manual; `--set roff` (bench/roff): five manual pages as
their gzipped roff source (mdoc, man by hand, man from DocBook); `--set office` (bench/office):
Word, OpenDocument, EPUB and RTF files written by pandoc from public pages. The questions are
split by document: `tune.jsonl` may be looked at while changing the code, `heldout.jsonl` only to
measure.

    python -m bench.real                 # both halves, the extractive reader
    python -m bench.real --set kinds     # the documents of new kinds (held-out half only)
    python -m bench.real --misses F      # also writes every wrong answer to F (JSON Lines)
    python -m bench.real --reader llm    # the LLM reader (needs `make model`)
    python -m bench.real --judge         # quoting, the model judging the answers (ditto)
    python -m bench.real --read 0        # without the answer model
    python -m bench.real --where         # also: where each answer stands in the evidence
    python -m bench.real --set rst --as-text  # each document read as a .txt file
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.data import EVAL

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "bench" / "gold"
SETS = {"gold": GOLD, "kinds": ROOT / "bench" / "kinds", "unseen": ROOT / "bench" / "unseen",
        "rst": ROOT / "bench" / "rst", "typeset": ROOT / "bench" / "typeset",
        "info": ROOT / "bench" / "info", "debdoc": ROOT / "bench" / "debdoc",
        "sysdoc": ROOT / "bench" / "sysdoc", "devdoc": ROOT / "bench" / "devdoc",
        "libdoc": ROOT / "bench" / "libdoc", "refdoc": ROOT / "bench" / "refdoc",
        "manuals": ROOT / "bench" / "manuals", "roff": ROOT / "bench" / "roff",
        "office": ROOT / "bench" / "office"}
SPLITS = ("tune", "heldout")
FOUND_TARGET, NOT_FOUND_TARGET = 0.95, 0.80  # issue 14's, on the held-out half


def corpus_files(name: str = "gold") -> list[Path]:
    """The documents of a set: its docs/ folder, and what it reads from elsewhere."""
    extra = {"gold": [ROOT / "corpus" / "nissan-foxconn-ev-alliance.txt",
                      EVAL / "sec10q" / "pdfs" / "2023 Q1 NVDA.pdf"],
             "kinds": [EVAL / "sec10q" / "pdfs" / "2023 Q2 MSFT.pdf"]}.get(name, [])
    for path in extra:
        if not path.exists():
            raise SystemExit(f"{path} is missing: the benchmark reads ../shared/eval")
    return sorted((SETS[name] / "docs").iterdir()) + extra


def build(work: Path, name: str = "gold", suffix: str = "") -> Path:
    """The corpus folder and its index under `work` (kept between runs when given); `suffix`
    is added to every file name."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for path in corpus_files(name):
        target = corpus / (path.name + suffix)
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copy(path, target)
    return corpus


def run(reader: str, work: Path, misses: Path | None, judge: bool = False,
        name: str = "gold", read: int | None = None, splits: tuple[str, ...] = SPLITS,
        suffix: str = "", where: bool = False) -> None:
    from assistant import Assistant
    from assistant.evaluate import evaluate, read_gold

    corpus = build(work, name, suffix)
    gold_dir = SETS[name]
    # None keeps the setting (Assistant drops None overrides); 0 measures quoting alone
    bot = Assistant(corpus, work / "index", reader=reader, judge_below=None if judge else 0.0,
                    read_sentences=read)
    if judge and "llm" not in bot.readers:
        raise SystemExit("--judge needs a language model: run `make model`")
    report = bot.index()
    judged = f", the model judging answers under {bot.settings.reader.judge_below}" if judge else ""
    reads = getattr(bot.settings.reader, "read_sentences", 0)  # (older commits: none)
    model = f"the answer model reading {reads} sentences" if reads else "no answer model"
    print(f"{report.documents} documents, {report.chunks} chunks; reader {reader}{judged}; "
          f"{model}\n")
    head = ("split", "questions", "answer hit", "citation precision", "found (answerable)",
            "not found (unanswerable)", "evidence AUC", "p50 ms")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    wrong = []
    by_kind: dict[tuple[str, str], list[bool]] = defaultdict(list)
    # per document: (answerable found, unanswerable not found), for the found decision's bar
    by_doc: dict[tuple[str, str, bool], list[bool]] = defaultdict(list)
    reach: dict[str, tuple[float, float]] = {}
    asked: dict[str, list] = {}  # each split's questions, for --where
    support: dict[str, list[dict]] = {}
    for split in splits:
        if not (gold_dir / f"{split}.jsonl").exists():
            continue
        gold = [dataclasses.replace(g, source=g.source and g.source + suffix)
                for g in read_gold(gold_dir / f"{split}.jsonl")]
        rows = [json.loads(line) for line in (gold_dir / f"{split}.jsonl").read_text(
            ).splitlines() if line.strip()]
        scores = evaluate(bot, gold)
        print(" | ".join([split, str(scores.questions), _f(scores.answer_hit),
                          _f(scores.citation_precision), _f(scores.found_rate),
                          _f(scores.not_found_rate), _f(scores.evidence_auc),
                          f"{scores.latency_p50_ms:.0f}"]))
        reach[split] = one_bar(scores.rows)
        asked[split] = gold
        support[split] = scores.rows
        for g, row, scored in zip(gold, rows, scores.rows, strict=True):
            ok = scored["hit"] if g.answerable else not scored["found"]
            by_kind[(split, row.get("kind", ""))].append(ok)
            by_doc[(split, g.source or "", g.answerable)].append(scored["found"] == g.answerable)
            if not ok:
                wrong.append({"split": split, "source": g.source, "kind": row.get("kind"),
                              "question": g.question, "answers": g.answers,
                              "found": scored["found"], "answer": scored["answer"]})
    print(f"\nwhat one bar on the evidence could reach, chosen knowing the answers (targets: "
          f"found {FOUND_TARGET:.2f}, not found {NOT_FOUND_TARGET:.2f}):\n")
    print(f"split | not found, keeping found >= {FOUND_TARGET:.2f} | found, keeping not found "
          f">= {NOT_FOUND_TARGET:.2f}")
    print("--- | --- | ---")
    for split, (declined, found) in reach.items():
        print(f"{split} | {declined:.3f} | {found:.3f}")
    print_support(support)
    print("\nright (hit, or not found when unanswerable), by kind of question:\n")
    kinds = sorted({k for _, k in by_kind})
    print("kind | " + " | ".join(SPLITS))
    print("--- | " + " | ".join("---" for _ in SPLITS))
    for kind in kinds:
        cells = []
        for split in SPLITS:
            oks = by_kind.get((split, kind), [])
            cells.append(f"{sum(oks)}/{len(oks)}" if oks else "-")
        print(f"{kind} | " + " | ".join(cells))
    print("\nthe found decision by document: answerable found, unanswerable not found\n")
    print("split | document | found | not found")
    print("--- | --- | --- | ---")
    for split, doc in sorted({(s, d) for s, d, _ in by_doc}):
        cells = [f"{sum(oks)}/{len(oks)}" if (oks := by_doc.get((split, doc, a))) else "-"
                 for a in (True, False)]
        print(f"{split} | {doc} | " + " | ".join(cells))
    if where:
        print_where(bot, asked)
    if misses:
        misses.write_text("".join(json.dumps(w, ensure_ascii=False) + "\n" for w in wrong))
        print(f"\n{len(wrong)} wrong answers written to {misses}")


def print_support(support: dict[str, list[dict]]) -> None:
    """Found answers right (the gold answer in the text), by the support the page shows them
    with (`render.support_words`): what "strong", "some" and "weak" mean in practice."""
    from assistant import Answer
    from assistant.render import support_words

    print("\nfound answers right, by the support the page shows (right / found):\n")
    print("split | strong | some | weak")
    print("--- | --- | --- | ---")
    for split, rows in support.items():
        bands: dict[str, list[bool]] = defaultdict(list)
        for r in rows:
            if r["found"]:
                level, _ = support_words(Answer("", [], True, evidence=r["evidence"]))
                bands[level].append(r["hit"])
        print(f"{split} | " + " | ".join(f"{sum(b)}/{len(b)}" if (b := bands[level]) else "-"
                                        for level in ("strong", "some", "weak")))


def one_bar(rows: list[dict]) -> tuple[float, float]:
    """The best a single bar on `evidence` could do, set with the answers known: the share of
    unanswerable questions declined by the lowest bar that keeps `FOUND_TARGET` of the
    answerable ones found, and the share found under the lowest bar that declines
    `NOT_FOUND_TARGET` of the unanswerable. Both falling short of the targets means no bar
    meets them: the evidence itself has to tell the two apart better (`evidence AUC`)."""
    yes = [r["evidence"] for r in rows if r["answerable"]]
    no = [r["evidence"] for r in rows if not r["answerable"]]
    if not yes or not no:
        return float("nan"), float("nan")
    bars = sorted(set(yes) | set(no) | {float("inf")})  # found when evidence >= bar

    def found(bar: float) -> float:
        return sum(e >= bar for e in yes) / len(yes)

    def declined(bar: float) -> float:
        return sum(e < bar for e in no) / len(no)

    keep = max(b for b in bars if found(b) >= FOUND_TARGET)
    strict = min(b for b in bars if declined(b) >= NOT_FOUND_TARGET)
    return declined(keep), found(strict)


def print_where(bot, gold: dict[str, list]) -> None:
    """Where each answerable question's answer stands in the evidence: the rank of the first
    candidate sentence holding it (its heading counted), in a passage but in no candidate, or
    in no retrieved passage. Tells ranking misses from reading and retrieval misses."""
    from assistant.evaluate import contains_answer

    columns = ("1st", "2nd-3rd", "4th-10th", "lower", "in a passage, no candidate",
               "not retrieved")
    print("\nwhere the answer stands (answerable questions):\n")
    print("split | " + " | ".join(columns))
    print("--- | " + " | ".join("---" for _ in columns))
    for split, questions in gold.items():
        counts = dict.fromkeys(columns, 0)
        for g in (g for g in questions if g.answerable):
            ev = bot.evidence(g.question, g.history)
            rank = next((i for i, c in enumerate(ev.ranked)
                         if contains_answer(f"{c.section} {c.text}", g.answers)), None)
            if rank is not None:
                counts[columns[0 if rank == 0 else 1 if rank < 3 else 2 if rank < 10 else 3]] += 1
            elif any(contains_answer(p.page_content, g.answers) for p in ev.passages):
                counts[columns[4]] += 1
            else:
                counts[columns[5]] += 1
        print(f"{split} | " + " | ".join(str(n) for n in counts.values()))


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", default="extractive", choices=("extractive", "llm"))
    parser.add_argument("--judge", action="store_true",
                        help="let the language model judge quoted answers under judge_below "
                        "(ASSISTANT_JUDGE_BELOW, default 1.0: all but the certain ones)")
    parser.add_argument("--set", default="gold", choices=sorted(SETS), dest="name",
                        help="the documents and questions: bench/gold, kinds, unseen, rst, "
                        "typeset, info, debdoc, sysdoc, devdoc, libdoc, refdoc, manuals, roff "
                        "or office")
    parser.add_argument("--as-text", action="store_true",
                        help="read every document as plain text (its name + .txt)")
    parser.add_argument("--work", type=Path, help="keep the corpus and index here")
    parser.add_argument("--misses", type=Path, help="write the wrong answers here")
    parser.add_argument("--split", choices=SPLITS, help="one half only (tuning: tune)")
    parser.add_argument("--read", type=int, help="sentences the answer model reads per "
                        "question (0: without the model; default: the setting)")
    parser.add_argument("--where", action="store_true", help="also count where each answer "
                        "stands: best sentence, lower, unquotable or not retrieved")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-real-"))
    try:
        run(args.reader, work, args.misses, args.judge, args.name, args.read,
            (args.split,) if args.split else SPLITS, ".txt" if args.as_text else "",
            where=args.where)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
