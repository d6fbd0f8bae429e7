"""The Gradio app served for real, asked through its API with gradio_client."""

import socket

import pytest
from gradio_client import Client

from assistant.web import build_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def url(article_bot):
    app = build_app(article_bot)
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_chat_streams_the_answer_then_lists_cited_passages(url):
    client = Client(url, verbose=False, download_files=False)
    updates = list(client.submit(message="How large is the Oppama plant?", api_name="/chat"))
    final = updates[-1]
    assert len(updates) > 2  # streamed
    assert "170-hectare" in final and "**Sources**" in final
    assert "nissan-foxconn-ev-alliance.txt" in final


def test_chat_says_when_documents_do_not_answer(url):
    client = Client(url, verbose=False, download_files=False)
    out = client.predict(message="What is the capital of France?", api_name="/chat")
    assert "could not find" in out and "Sources" not in out


def test_ask_endpoint_returns_the_answer_as_json(url):
    client = Client(url, verbose=False, download_files=False)
    answer = client.predict("How many jobs would closing the Oppama plant cost?", [],
                            api_name="/ask")
    assert answer["found"] is True and "3,900" in answer["text"]
    assert answer["citations"][0]["source"] == "nissan-foxconn-ev-alliance.txt"
    follow = client.predict("and how many jobs depend on it?",
                            [["How large is the Oppama plant?", "A 170-hectare facility."]],
                            api_name="/ask")
    assert "3,900" in follow["text"]
