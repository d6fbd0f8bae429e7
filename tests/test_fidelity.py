"""The fidelity set (tests/fidelity): real documents of thirty kinds, and sentences and table
facts of each that must come out whole in one chunk, as a person reads them. A fact given as
a list is parts that must share one chunk (an option and its default, a FAQ's question and its
answer). Whitespace is compared loosely; nothing else is."""

import json
from pathlib import Path

import pytest

from assistant.config import SplitSettings
from assistant.embeddings import Embedder
from assistant.load import load_document
from assistant.split import split_document

HERE = Path(__file__).parent / "fidelity"
FACTS = json.loads((HERE / "facts.json").read_text(encoding="utf-8"))
TARGET = 0.98


def _flat(text: str) -> str:
    return " ".join(text.split())


def _misses() -> tuple[int, list[str]]:
    embedder = Embedder()
    total, missed = 0, []
    for name, facts in FACTS.items():
        path = (HERE / name).resolve()
        if not path.exists():  # ../shared/eval, read from there
            pytest.skip(f"{path} is missing: the fidelity set reads ../shared/eval")
        doc = load_document(path, path.parent)
        chunks = [_flat(c.page_content) for c in split_document(
            doc, embedder.count_tokens, SplitSettings(), embedder.max_tokens)]
        for fact in facts:
            parts = [_flat(p) for p in ([fact] if isinstance(fact, str) else fact)]
            total += 1
            if not any(all(p in c for p in parts) for c in chunks):
                missed.append(f"{path.name}: {' | '.join(parts)}")
    return total, missed


def test_sentences_and_table_facts_come_out_whole_in_one_chunk():
    total, missed = _misses()
    assert len(FACTS) >= 10 and total >= 40
    share = 1 - len(missed) / total
    assert share >= TARGET, f"{share:.3f} of {total} whole; missed:\n" + "\n".join(missed)
