"""Example questions: what the documents' own sentences answer or ask, each asked before it is
shown (the real assistant in the last test)."""

import shutil

from conftest import ARTICLE
from langchain_core.documents import Document

from assistant import Assistant, examples
from assistant.examples import as_question, candidates, choose


def _chunk(source: str, start: int, text: str) -> Document:
    return Document(text, metadata={"source": source, "start": start})


def test_a_sentence_gives_the_question_it_answers_or_asks():
    assert as_question("The Oppama plant is a 170-hectare facility.") == "What is the Oppama plant?"
    assert as_question("Security threats are a growing cost.") == "What are Security threats?"
    assert as_question('"Licensor" shall mean the copyright owner.') == "What does Licensor mean?"
    assert as_question("43. Is zlib subject to export controls?") == (
        "Is zlib subject to export controls?")


def test_sentences_that_mean_nothing_out_of_context_give_no_question():
    for sentence in ("It is a relic of Japan's manufacturing prowess.",
                     "In general its operation is the same as before.",
                     "The following is a list of changes.",
                     "Can I convert them to .tar.xz without recompressing?",
                     "ONE MICROSOFT WAY is the address.",
                     "Washington, D.C. 20549", "Volunteers counted 57 herons."):
        assert as_question(sentence) is None, sentence


def test_candidates_take_turns_between_documents_newest_first():
    chunks = [_chunk("old.txt", 0, "Oppama is a plant in Japan. Nissan is a carmaker."),
              _chunk("new.txt", 0, "A heron is a wading bird. How many herons were seen?")]
    when = {"old.txt": "2026-01-01", "new.txt": "2026-12-01"}
    assert list(candidates(chunks, when)) == [
        "What is the heron?", "What is Oppama?", "How many herons were seen?", "What is Nissan?"]
    assert choose(chunks, when, lambda q: "Nissan" not in q, n=2) == [
        "What is the heron?", "What is Oppama?"]
    assert list(candidates([], {})) == []


def test_examples_are_checked_at_indexing_and_follow_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus)
    # a definition the assistant answers, and a question the document asks but never answers
    (corpus / "birds.md").write_text(
        "# Birds\n\nThe grey heron is a wading bird of the family Ardeidae.\n\n"
        "## Open questions\n\nWhy do swallows fly low before rain?\n")
    bot = Assistant(corpus, tmp_path / "index")
    bot.index()
    generation = bot.generation()
    shown = bot.example_questions()
    asked = list(candidates(bot.store.keyword_index().docs, {}))
    assert "Why do swallows fly low before rain?" in asked  # a candidate, asked, not kept
    assert "What is the grey heron?" in shown
    assert "Why do swallows fly low before rain?" not in shown
    assert examples.read(tmp_path / "index", generation) == shown  # saved beside the index
    for question in shown:
        assert bot.ask(question).found

    (corpus / "birds.md").unlink()
    bot.index()
    assert "What is the grey heron?" not in bot.example_questions()
    assert examples.read(tmp_path / "index", generation) is None  # an older generation's
