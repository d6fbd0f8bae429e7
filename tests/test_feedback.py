"""Feedback on answers becomes a gold set: each thumb as a gold line, the last word on an
answer kept, a bare "not this" left out of the scores, and `assistant eval` reading it."""

import json

import pytest
from conftest import ARTICLE

from assistant import Answer, Citation, feedback
from assistant.cli import main
from assistant.errors import AssistantError
from assistant.evaluate import read_gold

TEXT = ("Nissan's Oppama plant, a 170-hectare facility in Kanagawa Prefecture, is a relic of "
        "Japan's manufacturing prowess.")


def _answer(found: bool = True) -> Answer:
    cite = Citation(index=1, source="nissan.txt", title="", text=TEXT, start=0, end=len(TEXT),
                    score=1.0, quote_start=0, quote_end=len(TEXT))
    return Answer(text=f"{TEXT} [1]" if found else "I could not find it.",
                  citations=[cite] if found else [], found=found,
                  question="How large is the Oppama plant?")


def test_each_thumb_becomes_a_gold_line(tmp_path):
    up = feedback.record(_answer(), [("Who builds cars?", "Nissan [1]")], liked=True)
    assert up["verdict"] == "up" and up["answers"] == [TEXT] and up["answerable"] is True
    assert up["source"] == "nissan.txt" and up["history"] == [["Who builds cars?", "Nissan [1]"]]
    declined = feedback.record(_answer(found=False), [], liked=True)
    assert declined["answers"] == [] and declined["answerable"] is False
    corrected = feedback.record(_answer(), [], liked=False, correct=" 170 hectares ")
    assert corrected["answers"] == ["170 hectares"] and "source" not in corrected
    bare = feedback.record(_answer(), [], liked=False)
    assert bare["answers"] == [] and bare["answerable"] is True and not feedback.usable(bare)


def test_the_last_word_on_an_answer_counts_and_bare_not_this_is_left_out(tmp_path):
    first = feedback.record(_answer(), [], liked=False)
    for row in (first, feedback.record(_answer(), [], liked=False, correct="170",
                                       id=first["id"]),
                feedback.record(_answer(found=False), [], liked=True),
                feedback.record(_answer(), [], liked=False),  # "not this", never corrected
                feedback.record(_answer(), [], liked=None)):  # a thumb taken back
        path = feedback.save(tmp_path, row)
    left_out: list[str] = []
    gold = read_gold(path, left_out)
    assert [(g.answers, g.answerable) for g in gold] == [(["170"], True), ([], False)]
    assert left_out == ["How large is the Oppama plant?"]


def test_a_file_of_only_not_this_says_so(tmp_path):
    path = feedback.save(tmp_path, feedback.record(_answer(), [], liked=False))
    with pytest.raises(AssistantError, match="no questions that can be scored"):
        read_gold(path)


def test_assistant_eval_reads_the_feedback_file(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    index = tmp_path / "index"
    assert main(["index", "--corpus", str(corpus), "--index", str(index)]) == 0
    feedback.save(index, feedback.record(_answer(), [], liked=True))
    feedback.save(index, feedback.record(_answer(), [], liked=False))
    capsys.readouterr()
    assert main(["eval", str(index / feedback.FILE), "--corpus", str(corpus), "--index",
                 str(index), "--json"]) == 0
    out = capsys.readouterr()
    scores = json.loads(out.out)
    assert scores["questions"] == 1 and scores["answer_hit"] == 1.0
    assert "1 answer marked wrong without the right answer left out" in out.err
