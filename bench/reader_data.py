"""Training pairs for the answer model (`assistant.answer_model`): (question, candidate, label).

Sources, none of them measured as held-out anywhere:
- squad: SQuAD 2.0 dev, the 17 articles that are not among bench.quality's held-out articles
  (25-48 of v1.1 dev). The answer's sentence is positive; the other sentences of its paragraph
  and the sentences of an unanswerable question's paragraph (the one holding the plausible
  answer first) are negatives.
- scifact: SciFact *train* rationales (claim -> evidence sentence); the abstract's other
  sentences are negatives. bench.quality asks the *test* claims.
- manual: man pages of commands installed on this machine (sections 1 and 8), rendered by
  `man`: "What does --all do in ls?" -> the option's entry, and "Which ls option do I use to
  list entries by columns?" -> the entry whose description that is; the page's other entries
  are negatives. The programs of bench/unseen (bc, tar, adduser) are left out.
- product: the questions of bench/gold/tune.jsonl and bench/kinds (read once, now tuning
  data) asked of the assistant itself: its best 20 candidate sentences, labelled by whether
  they hold an accepted answer. This is the distribution the model is used on.
- written: questions in a reader's words that the local language model wrote for sentences of
  the machine's other documents (`bench.reader_questions`; its docstring names the command that
  made bench/reader_questions.jsonl.gz): the sentence is positive, 3 of its 8 nearest
  neighbours are negatives, each pair counted thrice. Tried, not shipped (the model card).
- swap: a positive pair with the question's name swapped for a name from another document
  ("How old is the Zorblaxian monastery?" -> "The Mivelka monastery is 6827 years old"),
  negative: the documents do not have what the question names.

Recipes: `squad` (SQuAD and its swaps), `mixed` (all of the above but `written`), `written`
(mixed and the written questions), `sets` (mixed, the product's pairs from every real set's
questions in a reader's words but bench/devdoc's and bench/libdoc's), `wide` (mixed, plus the
assistant's own candidates for the questions of bench/gold's held-out half and bench/unseen,
read once as held-out and tuning data since, and a name swap for more of the answering pairs).
bench/rst is left out of every recipe, to choose between them on; bench/typeset is held out.

    python -m bench.reader_data OUT.jsonl [--recipe squad|mixed|wide] [--work DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.text import sentences
from bench.data import EVAL, SQUAD_V1, squad_articles
from bench.reader_questions import gives_away, held_out

SEED = 0
NEGATIVES = 3  # negatives per positive (per question for unanswerable ones)
MAN_PAGES = 250  # man pages sampled (sections 1 and 8; gcloud's thousands left out)
MAN_QUESTIONS = 8  # options asked about per page, at most
HELD_OUT_PROGRAMS = {"bc", "tar", "adduser", "addgroup"}  # bench/unseen's documents
PRODUCT_TOP = 20  # candidates read per question, as in use
# times each of the product's own pairs is counted, by recipe: they are few and the closest to
# use (thrice), but in `sets`, four times as many, twice
PRODUCT_REPEAT = {"mixed": 3, "written": 3, "wide": 3, "sets": 2}
WRITTEN_REPEAT = 3  # so are the questions in a reader's words (a few hundred, ~3 s each)
# the share of positives that also give a swap, by recipe
SWAP_SHARE = {"squad": 0.25, "mixed": 0.25, "written": 0.25, "wide": 0.6, "sets": 0.25}
WRITTEN = Path(__file__).parent / "reader_questions.jsonl.gz"  # bench.reader_questions' output
# the real sets whose questions the product pairs ask, by recipe: (set, half)
PRODUCT_SETS = {"mixed": (("gold", "tune"), ("kinds", "heldout")),
                "written": (("gold", "tune"), ("kinds", "heldout")),
                "wide": (("gold", "tune"), ("kinds", "heldout"), ("gold", "heldout"),
                         ("unseen", "heldout")),
                # every set read once and tuning data since, but bench/devdoc (to choose on)
                # and bench/libdoc (whose held-out half is read at the end)
                "sets": (("gold", "tune"), ("gold", "heldout"), ("kinds", "heldout"),
                         ("unseen", "heldout"), ("rst", "heldout"), ("typeset", "heldout"),
                         ("info", "tune"), ("info", "heldout"), ("debdoc", "tune"),
                         ("debdoc", "heldout"), ("sysdoc", "tune"), ("sysdoc", "heldout"))}


def _row(question: str, sentence: str, label: float, source: str, *, before: str = "",
         title: str = "") -> dict:
    return {"question": question, "sentence": sentence, "before": before, "title": title,
            "label": label, "source": source}


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def squad_pairs(rng: random.Random) -> Iterator[dict]:
    held_out = {a["title"] for a in squad_articles(SQUAD_V1)[24:48]}
    v2 = json.loads((EVAL / "squad" / "dev-v2.0.json").read_text())["data"]
    for article in v2:
        if article["title"] in held_out:
            continue
        title = article["title"].replace("_", " ")
        for para in article["paragraphs"]:
            context = para["context"]
            spans = sentences(context)
            texts = [context[s:e] for s, e in spans]
            for qa in para["qas"]:
                answers = qa["answers"] or qa.get("plausible_answers", [])
                at = answers[0]["answer_start"] if answers else -1
                hit = next((i for i, (s, e) in enumerate(spans) if s <= at < e), None)
                order = [i for i in range(len(texts)) if i != hit]
                rng.shuffle(order)
                if qa.get("is_impossible"):
                    order = ([hit] if hit is not None else []) + order
                    for i in order[:NEGATIVES]:
                        yield _row(qa["question"], texts[i], 0.0, "squad",
                                   before=texts[i - 1] if i else "", title=title)
                elif hit is not None:
                    yield _row(qa["question"], texts[hit], 1.0, "squad",
                               before=texts[hit - 1] if hit else "", title=title)
                    for i in order[:NEGATIVES]:
                        yield _row(qa["question"], texts[i], 0.0, "squad",
                                   before=texts[i - 1] if i else "", title=title)


def scifact_pairs(rng: random.Random) -> Iterator[dict]:
    folder = EVAL / "scifact"
    claims = {c["_id"]: c["text"] for c in map(json.loads, (folder / "queries.jsonl").open())}
    wanted = {json.loads(line)["doc_id"] for line in (folder / "rationales.jsonl").open()}
    docs = {}
    for line in (folder / "corpus.jsonl").open():
        d = json.loads(line)
        if d["_id"] in wanted:
            docs[d["_id"]] = d
    for line in (folder / "rationales.jsonl").open():
        r = json.loads(line)
        if r["split"] != "train" or r["doc_id"] not in docs:
            continue
        doc = docs[r["doc_id"]]
        claim = claims[str(r["query_id"])]
        gold = {" ".join(s.split()) for s in r["sentences"]}
        others = [s for s in _sentences(doc["text"]) if " ".join(s.split()) not in gold]
        for s in r["sentences"][:2]:
            yield _row(claim, s, 1.0, "scifact", title=doc["title"])
        for s in rng.sample(others, min(NEGATIVES, len(others))):
            yield _row(claim, s, 0.0, "scifact", title=doc["title"])


# an option entry as `man` renders it: "       -a, --all" (its text below, or after 2 spaces)
_OPTION = re.compile(
    r"^ {7}(-{1,2}[A-Za-z0-9?][^ ]*(?:[ ,]+-{1,2}\S+)*(?:[ =]\S+)?)(?: {2,}(.*))?$")


def man_entries(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A man page's program name and its option entries: (option, description)."""
    name = path.name.split(".")[0]
    try:
        out = subprocess.run(["man", "-P", "cat", "-l", str(path)], capture_output=True,
                             text=True, timeout=20, env={"MANWIDTH": "80", "PATH": "/usr/bin"}
                             ).stdout
    except (subprocess.TimeoutExpired, OSError):
        return name, []
    entries: list[tuple[str, list[str]]] = []
    for line in out.splitlines():
        m = _OPTION.match(line)
        if m:
            entries.append((m.group(1).strip(), [m.group(2)] if m.group(2) else []))
        elif entries and line.startswith(" " * 14) and line.strip():
            entries[-1][1].append(line.strip())
        elif entries and entries[-1][1] and not line.strip():
            entries.append(("", []))  # a blank line closes the entry
    return name, [(o, " ".join(" ".join(d).split())) for o, d in entries if o and d]


def _purpose(description: str) -> str:
    """The description's first clause, lower-cased: "do not list implied . and .."."""
    first = re.split(r"(?<=[.;])\s", description, maxsplit=1)[0].rstrip(".;")
    return first[:1].lower() + first[1:]


def manual_pairs(rng: random.Random) -> Iterator[dict]:
    pages = sorted(p for section in ("1", "8")
                   for p in Path(f"/usr/share/man/man{section}").glob(f"*.{section}*.gz")
                   if p.name.split(".")[0] not in HELD_OUT_PROGRAMS
                   and not p.name.startswith("gcloud"))
    for path in rng.sample(pages, min(MAN_PAGES, len(pages))):
        name, entries = man_entries(path)
        entries = [(o, d) for o, d in entries if 3 <= len(d.split()) <= 60]
        if len(entries) < 4:
            continue
        title = f"{name.upper()}(1) manual"
        for i in rng.sample(range(len(entries)), min(MAN_QUESTIONS, len(entries))):
            option, description = entries[i]
            flag = re.match(r"-{1,2}[\w?]+(?:-\w+)*", option).group()
            purpose = _purpose(description)
            if rng.random() < 0.5 or len(purpose.split()) < 3:
                question = f"What does {flag} do in {name}?"
            elif purpose.split()[0].endswith("s"):
                question = f"Which {name} option {purpose}?"
            else:
                question = f"Which {name} option do I use to {purpose}?"
            text = f"{option} {description}"
            yield _row(question, text, 1.0, "manual", title=title)
            for j in rng.sample([j for j in range(len(entries)) if j != i], NEGATIVES):
                yield _row(question, " ".join(entries[j]), 0.0, "manual", title=title)


def product_pairs(work: Path, recipe: str) -> Iterator[dict]:
    """The assistant's own candidates for the tuning questions, labelled by the answers."""
    from assistant import Assistant
    from assistant.evaluate import contains_answer, read_gold
    from bench import real

    sets = PRODUCT_SETS[recipe]
    # documents whose questions are not trained on are not read, not even as negatives
    held_out = ({g.source for g in read_gold(real.GOLD / "heldout.jsonl")}
                if ("gold", "heldout") not in sets else set())
    bots = {}
    for name, split in sets:
        if name not in bots:  # the candidates the model will be given: today's, without one
            bots[name] = Assistant(real.build(work / name, name), work / name / "index",
                                   reader="extractive", read_sentences=0)
            bots[name].index()
        bot = bots[name]
        for g in read_gold(real.SETS[name] / f"{split}.jsonl"):
            ev = bot.evidence(g.question, g.history)
            for cand in ev.ranked[:PRODUCT_TOP]:
                if Path(cand.source).name in held_out:
                    continue
                label = float(contains_answer(cand.text, g.answers))  # bench.real's hit
                title = str(ev.passages[cand.passage].metadata.get("title", ""))
                for _ in range(PRODUCT_REPEAT[recipe]):
                    yield _row(ev.asked, cand.text, label, f"product-{name}",
                               before=cand.before, title=title)


def written_pairs(rng: random.Random) -> Iterator[dict]:
    with gzip.open(WRITTEN, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    for r in rows:
        if gives_away(r["question"], r["answer"]) or held_out(r["source"]):
            continue
        pairs = [_row(r["question"], r["sentence"], 1.0, "written", before=r["before"],
                      title=r["title"])]
        pairs += [_row(r["question"], s, 0.0, "written", title=r["title"])
                  for s in rng.sample(r["near"], min(NEGATIVES, len(r["near"])))]
        for _ in range(WRITTEN_REPEAT):
            yield from pairs


_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z]\w*)?\b|\b[a-z]+[0-9]\w*\b")


def swap_pairs(rows: list[dict], rng: random.Random, share: float) -> Iterator[dict]:
    """Name-swapped negatives: a name of the question that its sentence also says, replaced
    by a name another pair's sentence says."""
    pool = sorted({m.group() for r in rows if r["label"] == 1.0
                   for m in _NAME.finditer(r["sentence"]) if m.start() > 0
                   and m.group()[0].isupper()})
    for r in rows:
        if r["label"] != 1.0 or rng.random() >= share:
            continue
        names = [m.group() for m in _NAME.finditer(r["question"]) if m.start() > 0
                 and m.group() in r["sentence"] + r["title"]]
        if not names:
            continue
        name = rng.choice(names)
        other = rng.choice(pool)
        if other.lower() in (r["question"] + r["sentence"] + r["title"]).lower():
            continue
        question = re.sub(rf"\b{re.escape(name)}\b", other, r["question"])
        yield {**r, "question": question, "label": 0.0, "source": "swap-" + r["source"]}


def make(recipe: str, work: Path) -> tuple[list[dict], dict[str, float]]:
    rng = random.Random(SEED)
    rows: list[dict] = []
    seconds: dict[str, float] = {}
    makers = {"squad": lambda: squad_pairs(rng)}
    if recipe in PRODUCT_SETS:
        makers.update(scifact=lambda: scifact_pairs(rng), manual=lambda: manual_pairs(rng),
                      product=lambda: product_pairs(work, recipe))
    if recipe == "written":
        makers["written"] = lambda: written_pairs(rng)
    for name, maker in makers.items():
        started = time.perf_counter()
        rows.extend(maker())
        seconds[name] = time.perf_counter() - started
    started = time.perf_counter()
    rows.extend(list(swap_pairs(rows, rng, SWAP_SHARE[recipe])))
    seconds["swap"] = time.perf_counter() - started
    rng.shuffle(rows)
    return rows, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reader_data")
    parser.add_argument("out", type=Path)
    parser.add_argument("--recipe", choices=tuple(SWAP_SHARE), default="mixed")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reader-data"))
    args = parser.parse_args(argv)
    rows, seconds = make(args.recipe, args.work)
    opener = gzip.open if args.out.suffix == ".gz" else open
    with opener(args.out, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    counts: dict[str, list[int]] = {}
    for r in rows:
        c = counts.setdefault(r["source"], [0, 0])
        c[int(r["label"] == 1.0)] += 1
    print("source | positives | negatives | seconds")
    print("--- | --- | --- | ---")
    for source, (neg, pos) in sorted(counts.items()):
        print(f"{source} | {pos} | {neg} | {seconds.get(source.split('-')[0], 0):.0f}")
    print(f"{len(rows)} pairs written to {args.out}")


if __name__ == "__main__":
    main()
