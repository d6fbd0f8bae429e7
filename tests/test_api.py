"""Questions about the article through the public API, on the real index and model."""

import math

import pytest

from assistant import Answer, Assistant, IndexNotBuiltError, QuestionError, tuned

# question -> a fact the answer must quote (and the cited span must hold)
FACTS = {
    "How large is the Oppama plant?": "170-hectare",
    "How many jobs would closing the Oppama plant cost?": "3,900 jobs",
    "How many vehicles did Nissan sell in the U.S. in May 2025?": "76,977",
    "At what share of capacity does the Oppama plant run today?": "40% capacity",
    "What is Nissan's refinanced debt?": "$4 billion",
    "Which company is already using the MIH platform for a compact crossover?": "Mitsubishi",
}
OFF_TOPIC = ["What is the capital of France?", "How do I bake sourdough bread?",
             "Who won the 1998 football world cup?"]


@pytest.mark.parametrize(("question", "fact"), FACTS.items())
def test_answers_quote_the_fact_and_cite_its_exact_span(article_bot, question, fact):
    answer = article_bot.ask(question)
    assert answer.found, answer
    assert fact in answer.text
    assert answer.citations and "[1]" in answer.text
    text = article_bot.document_text(answer.citations[0].source)
    assert any(fact in c.quote for c in answer.citations)
    for c in answer.citations:
        assert c.source == "nissan-foxconn-ev-alliance.txt"
        assert text[c.start:c.end] == c.text
        assert c.start <= c.quote_start < c.quote_end <= c.end
        assert f"[{c.index}]" in answer.text


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_are_not_found(article_bot, question):
    answer = article_bot.ask(question)
    assert not answer.found and answer.citations == []
    assert "could not find" in answer.text


def test_page_leftovers_are_never_quoted(article_bot):
    for question in ("What do the comments say?", "Who is the author avatar?",
                     "What inference system is the writing agent built on?"):
        answer = article_bot.ask(question)
        for c in answer.citations:
            assert "No comments" not in c.text and "author avatar" not in c.text
            assert "32-billion-parameter" not in c.text


def test_follow_up_uses_the_history(article_bot):
    first = article_bot.ask("How large is the Oppama plant?")
    follow = article_bot.ask("and how many jobs depend on it?",
                             history=[("How large is the Oppama plant?", first.text)])
    assert follow.found and "3,900" in follow.text
    assert "Oppama" in follow.query
    alone = article_bot.ask("and how many jobs depend on it?")
    assert alone.query == "and how many jobs depend on it?"


def test_a_huge_earlier_question_is_cut_to_the_question_limit(article_bot):
    # The page sends back every message, even a question refused as too long.
    earlier = "Tell me about the Oppama plant. " + "blah " * 2_000_000  # 10 MB
    answer = article_bot.ask("and how many jobs depend on it?",
                             history=[(earlier, "The question is too long.")])
    assert "Oppama" in answer.query  # the earlier question still counts, its first 2,000 chars
    limit = article_bot.settings.reader.max_question_chars
    assert len(answer.query) <= len("and how many jobs depend on it?") + 1 + limit


def test_stream_yields_text_then_the_answer(article_bot):
    pieces = list(article_bot.stream("How large is the Oppama plant?"))
    assert isinstance(pieces[-1], Answer) and len(pieces) > 2
    assert "".join(pieces[:-1]) == pieces[-1].text


@pytest.mark.parametrize(("question", "message"), [
    ("", "empty"), ("   \n", "empty"), ("x" * 2001, "2,001 characters"),
    (None, "empty"), (42, "must be text"), ("plant \udcff\udcfe size", "not UTF-8"),
])
def test_bad_questions_get_a_clear_error(article_bot, question, message):
    with pytest.raises(QuestionError, match=message):
        article_bot.ask(question)


def test_missing_index_says_how_to_build_it(corpus, tmp_path):
    with pytest.raises(IndexNotBuiltError, match="assistant index"):
        Assistant(corpus, tmp_path / "no-index").ask("How large is the Oppama plant?")


def test_retriever_is_a_langchain_retriever(article_bot):
    docs = article_bot.retriever.invoke("Oppama plant capacity")
    assert 0 < len(docs) <= article_bot.settings.retrieval.top_k
    assert "Oppama" in docs[0].page_content
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_document_text_refuses_paths_outside_the_corpus(article_bot):
    with pytest.raises(ValueError, match="outside"):
        article_bot.document_text("../../etc/passwd")


def test_the_evidence_is_what_the_answer_rests_on(article_bot):
    """`evidence()` is the first half of `ask()`: the same passages, ranking and decision."""
    import dataclasses

    question = "How large is the Oppama plant?"
    evidence = article_bot.evidence(question)
    answer = article_bot.ask(question)
    assert evidence.question == evidence.query == evidence.asked == question
    assert evidence.found == answer.found and round(evidence.confidence, 4) == answer.evidence
    best = evidence.ranked[0]
    assert " ".join(best.text.split()) in answer.text and best.score > evidence.ranked[1].score
    assert answer.citations[0].text == evidence.passages[best.passage].page_content
    assert len(evidence.vector) == 384
    # the found decision weighs the best score before the answer model read the sentences,
    # and the model's highest probability beside it
    read = [c for c in evidence.ranked if c.answers is not None]
    before = max(c.score - tuned.SENTENCE.model * (c.answers or 0.0) for c in evidence.ranked)
    assert len(read) == tuned.READ_SENTENCES or len(read) == len(evidence.ranked)
    assert math.isclose(evidence.signals.evidence, before, abs_tol=1e-9)
    assert evidence.signals.answers == max(c.answers for c in read)
    with pytest.raises(dataclasses.FrozenInstanceError):
        evidence.found = False
    off = article_bot.evidence("What is the boiling point of liquid nitrogen?")
    assert not off.found and off.confidence < evidence.confidence
