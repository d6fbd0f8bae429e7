import json
import subprocess
import sys

import pytest
from test_cli import ENV

from assistant.errors import AssistantError
from assistant.evaluate import auc, contains_answer, evaluate, normalize, read_gold


def test_contains_answer_ignores_case_spacing_and_markers():
    assert contains_answer("It cost 3,900\n jobs [1].", ["3,900 JOBS"])
    assert not contains_answer("It cost jobs.", ["3,900"])
    assert not contains_answer("anything", [""])


def test_auc_counts_pairs_ranked_right_and_ties_as_half():
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0  # one bar parts them
    assert auc([0.1], [0.9]) == 0.0
    assert auc([0.5, 0.9], [0.5, 0.1]) == 0.875  # (1/2 + 1) + (1 + 1) of 4 pairs
    assert auc([0.5], []) is None


def test_one_bar_reports_what_the_best_bar_could_reach():
    from bench.real import one_bar

    rows = [{"answerable": True, "evidence": e} for e in (0.9, 0.8, 0.7, 0.6)] * 5
    rows += [{"answerable": False, "evidence": e} for e in (0.1, 0.2, 0.3, 0.4, 0.75)]
    # found >= 0.95 needs the bar at 0.6: 4 of 5 unanswerable fall under it; declining 0.80
    # of them (4 of 5) needs a bar just above 0.4, which keeps every answerable one
    assert one_bar(rows) == (0.8, 1.0)
    rows += [{"answerable": False, "evidence": 0.95}] * 5  # half now outscore every answer
    declined, found = one_bar(rows)
    assert declined == 0.4 and found == 0.0


def test_malformed_gold_line_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"question": "ok?"}\n{"answers": ["no question"]}\n')
    with pytest.raises(AssistantError, match="line 2"):
        read_gold(path)


def test_scores_on_the_article(article_bot, tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [
        {"question": "How large is the Oppama plant?", "answers": ["170-hectare"],
         "source": "nissan-foxconn-ev-alliance.txt"},
        {"question": "How many jobs would closing the plant cost?", "answers": ["3,900"]},
        {"question": "and how many jobs depend on it?", "answers": ["3,900"],
         "history": [["How large is the Oppama plant?", "A 170-hectare facility."]]},
        {"question": "What is the capital of France?", "answers": [], "answerable": False},
        {"question": "How big is the Oppama plant?", "answers": ["42 square miles"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    scores = evaluate(article_bot, read_gold(path))
    assert (scores.answerable, scores.unanswerable) == (4, 1)
    assert scores.answer_hit == 0.75  # the wrong gold answer of the last row misses
    assert scores.found_rate == 1.0 and scores.not_found_rate == 1.0
    assert scores.source_hit == 1.0
    # the last row's citation misses (its gold answer is wrong); the follow-up quotes the
    # sentence that names "it" beside the answer, from the chunk before, which misses too
    assert 0.5 <= scores.citation_precision < 1.0
    assert "answer hit rate      0.750" in scores.table()
    # the capital of France gets less evidence than any question the article answers
    assert scores.evidence_auc == 1.0 and "evidence AUC         1.000" in scores.table()


def test_eval_command_prints_json(article_bot, tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"question": "How large is the Oppama plant?",
                                "answers": ["170-hectare"]}))
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", str(path), "--json",
         "--corpus", str(article_bot.settings.corpus_dir),
         "--index", str(article_bot.settings.index_dir)],
        capture_output=True, text=True, env=ENV, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["answer_hit"] == 1.0


def test_the_real_document_gold_sets_are_well_formed():
    """bench/gold: every answer is in its document's extracted text (so a miss is the
    assistant's, not the gold's), the halves share no document, enough of every kind."""
    from assistant.load import load_document
    from bench.real import GOLD, corpus_files

    texts = {p.name: normalize(load_document(p, p.parent).text) for p in corpus_files()}
    halves = {}
    for split in ("tune", "heldout"):
        gold = read_gold(GOLD / f"{split}.jsonl")
        halves[split] = {g.source for g in gold}
        for g in gold:
            assert g.source in texts, g
            for answer in g.answers:
                assert normalize(answer) in texts[g.source], (g.question, answer)
    assert not halves["tune"] & halves["heldout"]
    everything = read_gold(GOLD / "tune.jsonl") + read_gold(GOLD / "heldout.jsonl")
    assert len(everything) >= 150 and sum(not g.answerable for g in everything) >= 30
    assert len(halves["tune"] | halves["heldout"]) >= 6


@pytest.mark.parametrize("name", ["kinds", "unseen", "rst", "typeset", "info", "debdoc", "sysdoc",
                                  "devdoc", "libdoc", "refdoc", "manuals", "roff", "office"])
def test_the_other_held_out_sets_are_answerable_from_their_documents(name):
    """Every other gold set: every answerable question has an answer in its document's text
    as the assistant reads it (one of its answers: another may be the
    document's raw markup, for reading it as plain text)."""
    from assistant.load import load_document
    from bench.real import SETS, corpus_files

    texts = {p.name: normalize(load_document(p, p.parent).text) for p in corpus_files(name)}
    gold = read_gold(SETS[name] / "heldout.jsonl")
    assert len(gold) >= 30 and any(not g.answerable for g in gold)
    if (SETS[name] / "tune.jsonl").exists():
        gold += read_gold(SETS[name] / "tune.jsonl")
    for g in gold:
        assert g.source in texts, g
        if g.answers:
            assert any(normalize(a) in texts[g.source] for a in g.answers), g.question
