"""Public evaluation data from ../shared/eval, turned into corpora the product indexes itself.

SQuAD dev v1.1 (CC BY-SA 4.0, see ../shared/eval/squad/README.md): each of the 48 articles
becomes one document: its title, a blank line, then its paragraphs separated by blank lines.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SQUAD_V1 = EVAL / "squad" / "dev-v1.1.json"


@dataclass(frozen=True)
class Question:
    question: str
    answers: list[str]
    source: str  # the document file name
    paragraph_text: str  # the gold paragraph, to be found in the product's extracted text


def squad_articles(path: Path = SQUAD_V1) -> list[dict]:
    if not path.exists():
        raise SystemExit(f"{path} is missing: the benchmark reads ../shared/eval (see its README)")
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def file_name(title: str, i: int) -> str:
    return f"{i + 1:02d}-{re.sub(r'[^A-Za-z0-9]+', '-', title).strip('-')[:60]}.txt"


def write_squad_corpus(dest: Path, articles: list[dict]) -> list[Question]:
    """Write one .txt per article; return every question with its gold paragraph span."""
    dest.mkdir(parents=True, exist_ok=True)
    questions: list[Question] = []
    for i, article in enumerate(articles):
        title = article["title"].replace("_", " ")
        name = file_name(article["title"], i)
        text = title + "\n\n"
        for para in article["paragraphs"]:
            context = para["context"].strip()
            text += context + "\n\n"
            for qa in para["qas"]:
                questions.append(Question(qa["question"], [a["text"] for a in qa["answers"]],
                                          name, context))
        (dest / name).write_text(text, encoding="utf-8")
    return questions


def sample(questions: list[Question], n: int, seed: int = 0) -> list[Question]:
    random.seed(seed)
    return random.sample(questions, min(n, len(questions)))
