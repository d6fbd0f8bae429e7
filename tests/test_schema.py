"""The public records: what they compute and how they print."""

import json

from assistant import Answer, Citation, IndexReport


def _citation(**changes) -> Citation:
    text = "Once the birthplace of the Z-car, it now runs at 40% capacity. It may close."
    fields = dict(index=1, source="a.txt", title="A", text=text, start=100,
                  end=100 + len(text), score=0.5, quote_start=100 + text.index("It may"),
                  quote_end=100 + len(text))
    return Citation(**{**fields, **changes})


def test_a_citations_quote_is_cut_from_its_passage_by_document_offsets():
    assert _citation().quote == "It may close."
    assert _citation(quote_start=100, quote_end=104).quote == "Once"


def test_an_answer_turns_into_json_with_its_citations():
    answer = Answer(text="It may close. [1]", citations=[_citation()], found=True,
                    question="Will it close?", evidence=0.91)
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["citations"][0]["quote_start"] == 100 + _citation().text.index("It may")
    assert data["found"] is True and data["reader"] == "extractive" and data["warning"] == ""


def test_an_index_report_says_what_changed_in_one_line():
    report = IndexReport(added=3, skipped=26, documents=1, chunks=29, seconds=1.25)
    assert report.summary() == ("added 3, updated 0, skipped 26, deleted 0 chunks; 1 document, "
                                "29 chunks in the index (1.2 s)")
    assert "2 documents" in IndexReport(documents=2).summary()
