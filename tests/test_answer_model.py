"""The shipped answer model: it loads without torch, reads what answers and what only sounds
alike, and the found decision uses it to decline questions about things the documents lack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer_model import MODEL_DIR, AnswerModel, Pair

FACTS = {
    "mivelka.txt": "The Mivelka monastery\n\nThe Mivelka monastery is 6827 years old. Its "
                   "library holds 412 scrolls, and the monks keep bees on the north terrace.\n",
    "quobrimtav.txt": "The Quobrimtav lighthouse\n\nThe Quobrimtav lighthouse stands 61 metres "
                      "tall. Its lamp was first lit in 1894 and can be seen 40 km out to sea.\n",
    "orvane.txt": "Orvane river\n\nThe Orvane river floods every spring. Ferries cross it at "
                  "Dellick, where the water runs slowest.\n",
}


def test_the_model_ships_small_with_its_card() -> None:
    model = MODEL_DIR / "model.onnx"
    assert AnswerModel.available()
    assert model.stat().st_size <= 30_000_000
    card = (MODEL_DIR / "CARD.md").read_text(encoding="utf-8")
    for says in ("all-MiniLM-L6-v2", "python -m bench.train_reader", "seed", "AUC"):
        assert says in card


def test_loading_and_scoring_import_no_torch() -> None:
    code = ("import sys; from assistant.answer_model import AnswerModel, Pair; "
            "p = AnswerModel().score([Pair('How tall is it?', 'It is 61 metres tall.')]); "
            "assert 0 <= p[0] <= 1; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_answering_sentence_outscores_a_neighbour_and_a_name_swap() -> None:
    model = AnswerModel()
    answer = "The Mivelka monastery is 6827 years old."
    probs = model.score([
        Pair("How old is the Mivelka monastery?", answer, title="The Mivelka monastery"),
        Pair("How old is the Mivelka monastery?", "The monks keep bees on the north terrace.",
             before=answer, title="The Mivelka monastery"),
        Pair("How old is the Zorblaxian monastery?", answer, title="The Mivelka monastery"),
    ])
    assert probs[0] > 0.5
    assert probs[0] > probs[1] and probs[0] > probs[2]


@pytest.fixture(scope="module")
def facts_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("facts")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in FACTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    bot = Assistant(corpus, root / "index", read_sentences=20)
    bot.index()
    return bot


def test_a_question_about_a_name_the_documents_lack_is_doubted(facts_bot: Assistant) -> None:
    asked = facts_bot.ask("How old is the Mivelka monastery?")
    assert asked.found and "6827" in asked.text
    assert not facts_bot.ask("How tall is the Zorblaxian lighthouse?").found
    # the model doubts a swapped name: its probability and the confidence are lower than for
    # the right name (on three short files the words may still carry "How old is the
    # Zorblaxian monastery?" over the bar: docs/benchmarks.md)
    swapped = facts_bot.evidence("How old is the Zorblaxian monastery?")
    right = facts_bot.evidence("How old is the Mivelka monastery?")
    assert swapped.signals is not None and right.signals is not None
    assert swapped.signals.answers < right.signals.answers
    assert swapped.confidence < right.confidence


def test_the_model_reads_the_best_sentences_and_can_be_turned_off(facts_bot: Assistant,
                                                                    tmp_path: Path) -> None:
    ev = facts_bot.evidence("When was the lighthouse lamp first lit?")
    assert ev.signals is not None and ev.signals.answers is not None
    assert "1894" in ev.ranked[0].text and ev.ranked[0].answers is not None
    plain = Assistant(facts_bot.settings.corpus_dir, facts_bot.settings.index_dir,
                      read_sentences=0)
    ev0 = plain.evidence("When was the lighthouse lamp first lit?")
    assert ev0.signals is not None and ev0.signals.answers is None
    assert all(c.answers is None for c in ev0.ranked)
