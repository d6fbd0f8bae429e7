from langchain_core.documents import Document

from assistant.examples import example_questions


def _chunk(source: str, start: int, text: str) -> Document:
    return Document(text, metadata={"source": source, "start": start})


def test_examples_name_what_each_documents_opening_mentions_most_newest_first():
    chunks = [_chunk("old.txt", 0, "The Oppama plant and the Oppama wharf of Nissan."),
              _chunk("old.txt", 500, "Later text about Yokohama, Yokohama and Yokohama."),
              _chunk("new.txt", 0, "The Heron count: volunteers saw the Heron twice.")]
    when = {"old.txt": "2026-01-01", "new.txt": "2026-12-01"}
    assert example_questions(chunks, when, n=3) == [
        "What is Heron?", "What is Oppama?", "What is Nissan?"]
    assert example_questions([], {}) == []
