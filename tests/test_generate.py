"""The LLM reader on the real llama.cpp runtime with the small SmolLM2 model: streaming, the
citation check, the fallbacks, and the OpenAI-compatible back end against a real server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ARTICLE, ROOT, free_port, smollm2

import assistant
from assistant import Answer, ConfigurationError
from assistant.chat import Rewriter, condense
from assistant.readers import LLMReader, QuoteReader
from assistant.readers.cite import numbers
from assistant.readers.snippets import prompt, snippets
from assistant.text import markers

JOBS = "How many jobs would closing the plant cost?"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("llm")
    (base / "corpus").mkdir()
    shutil.copy(ARTICLE, base / "corpus" / ARTICLE.name)
    assistant.Assistant(base / "corpus", base / "index").index()
    return base


@pytest.fixture(scope="module")
def bot(corpus_dir: Path) -> assistant.Assistant:
    return assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="llm",
                               llm_model=str(smollm2()))


def assert_every_citation_holds_its_sentence(answer: Answer) -> None:
    """Each sentence's [n] points at a citation, and every number it states is in that passage."""
    by_index = {c.index: c for c in answer.citations}
    assert answer.found and answer.citations
    claims = re.findall(r"([^\[\]]*?)((?:\s*\[\d+\])+)", answer.text)
    assert claims and re.sub(r"[\s.!?]", "", answer.text.split("]")[-1]) == "", answer.text
    for text, marks in claims:
        cited = markers(marks)[1]
        assert all(n in by_index for n in cited), answer.text
        held = set().union(*(numbers(by_index[n].text) for n in cited))
        assert numbers(text) <= held, (text, held)
    for c in answer.citations:
        assert c.start <= c.quote_start < c.quote_end <= c.end


def test_the_model_text_streams_then_a_checked_answer_arrives(bot):
    pieces = list(bot.stream(JOBS))
    drafts, final = pieces[:-1], pieces[-1]
    assert len(drafts) >= 2 and all(isinstance(p, str) for p in drafts)
    assert isinstance(final, Answer) and final.question == JOBS
    assert_every_citation_holds_its_sentence(final)
    if final.reader == "extractive":  # the small model's answer was refused: it says why
        assert "no passage supports the generated answer" in final.reason
    assert "3,900" in final.text or final.reader == "llm"


def test_an_off_topic_question_is_not_found_before_any_generation(bot):
    pieces = list(bot.stream("What is the boiling point of liquid nitrogen?"))
    assert len(pieces) == 1 and not pieces[0].found and pieces[0].reader == "llm"


def test_the_prompt_holds_the_best_sentences_and_their_neighbours_within_the_budget(bot):
    evidence = bot.evidence(JOBS)
    reader, passages = bot.readers["llm"], evidence.passages
    shown = snippets(evidence, reader.max_chars)
    text = bot.document_text(passages[0].metadata["source"])
    assert sum(len(sn.text) for sn in shown) <= reader.max_chars
    assert all(text[sn.start:sn.end] == sn.text for sn in shown)  # exact document spans
    best = evidence.ranked[0]
    assert any(sn.start <= best.start and best.end <= sn.end for sn in shown)
    first = [sn for sn in shown if sn.label == 0]  # what the prompt shows as [1]
    assert "3,900 jobs" in " ".join(sn.text for sn in first)  # the best sentence comes first
    # "it now operates at 40%" opens its chunk; the sentence naming "it" ends the chunk before,
    # the sentence after the best one opens the chunk read because it follows (`follow`), and
    # the model sees them as one passage, in document order
    assert first[0].text.endswith("manufacturing prowess.") and len(first) == 3
    assert first[0].end < first[1].start < first[1].end < first[2].start
    assert len({sn.passage for sn in first}) == 3
    assert first[2].text.startswith("Enter Foxconn")
    assert passages[first[2].passage].metadata["follows"] == passages[first[1].passage].id
    numbered = prompt(JOBS, shown, reader.system)[1][1]
    assert numbered.count("[1] ") == 1 and "prowess. Once the birthplace" in numbered


def test_supported_sentences_are_kept_and_cited_the_rest_dropped(bot):
    generated = ("Closing the plant would cost 3,900 jobs, from passage [2]. It would also "
                 "cost Nissan 12,000 robots [1].")
    answer = bot.readers["llm"].check(bot.evidence(JOBS), generated)
    assert answer.reader == "llm" and answer.found
    assert answer.text == "Closing the plant would cost 3,900 jobs [1]."
    assert answer.reason.startswith("dropped 1 generated sentence") and "12,000" in answer.reason
    assert_every_citation_holds_its_sentence(answer)
    assert "3,900 jobs" in answer.citations[0].quote


def test_a_word_ending_like_a_pointer_keeps_its_letters(bot):
    """"… supply chain [1]" is not "… supply cha" plus a pointer "in [1]"."""
    question = "What does Nissan bring to the alliance?"
    generated = "Nissan brings decades of automotive expertise and established supply chain [1]."
    answer = bot.readers["llm"].check(bot.evidence(question), generated)
    assert answer.reader == "llm" and answer.text.startswith(generated[:-4]), answer.text


def test_nothing_supported_falls_back_to_quoting_and_says_why(bot):
    answer = bot.readers["llm"].check(bot.evidence(JOBS), "The plant employs 250 people [1].")
    assert answer.reader == "extractive" and "250 people" in answer.reason
    assert_every_citation_holds_its_sentence(answer)


def test_a_reply_of_only_a_passage_number_is_quoted_and_said_so(bot):
    answer = bot.readers["llm"].check(bot.evidence(JOBS), "[1]")
    assert answer.reader == "extractive" and "3,900" in answer.text
    assert answer.reason.startswith("the language model gave no answer, only “[1]”")


def test_quoting_instead_keeps_to_one_stretch_of_text(bot):
    """The extractive reader may quote a second sentence from anywhere in the best one's
    document; in the LLM reader's place it takes one only from near the best (those from
    elsewhere were where its citations missed the answer), so a question asking two things of
    one paragraph still gets both."""
    reader = bot.readers["llm"]
    for question, nearby in [("How big is the Oppama plant and what share of its capacity is "
                              "used?", True),
                             ("Which plant could Nissan close and why?", False)]:
        evidence = bot.evidence(question)
        chunk = {int(d.metadata["start"]): int(d.metadata["chunk"]) for d in evidence.passages}
        quoted = QuoteReader().read(evidence)
        assert len(quoted.citations) == 2, quoted.text  # two sentences, two passages
        first, second = (chunk[c.start] for c in quoted.citations)
        assert (abs(first - second) <= 2) == nearby, (first, second)
        fallback = reader.check(evidence, "The plant employs 250 people [1].")
        assert fallback.reader == "extractive" and "250 people" in fallback.reason
        if nearby:
            assert fallback.text == quoted.text and "40% capacity" in fallback.text
        else:
            assert fallback.text == quoted.text.split(" [1]")[0] + " [1]", fallback.text
            assert [c.start for c in fallback.citations] == [quoted.citations[0].start]


def test_the_models_not_in_the_documents_stands_unless_the_evidence_is_strong(bot):
    evidence = bot.evidence(JOBS)
    reader = bot.readers["llm"]
    strong = reader.check(evidence, "Not in the documents.")
    assert strong.evidence >= reader.decline_bar
    assert strong.reader == "extractive" and "3,900" in strong.text
    assert "found no answer" in strong.reason
    strict = LLMReader(reader.model, decline_bar=1.0)
    declined = strict.check(evidence, "The passages do not say.")
    assert not declined.found and declined.citations == []
    assert "do not answer" in declined.reason


def test_a_follow_up_is_searched_as_the_models_rewrite_or_else_with_the_last_question(bot):
    first = bot.ask("Which plant could Nissan close?")
    follow, pairs = "How many jobs depend on it?", [(first.question, first.text)]
    rewritten = Rewriter(bot.readers["llm"].model)(follow, pairs)  # None unless one question
    assert rewritten is None or (rewritten.endswith("?") and "\n" not in rewritten)
    answer = bot.ask(follow, pairs)
    assert answer.question == follow
    assert answer.query == (rewritten or condense(follow, pairs))


def test_a_dead_endpoint_falls_back_to_quoting(corpus_dir):
    dead = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="llm",
                               llm_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5)
    answer = dead.ask(JOBS)
    assert answer.reader == "extractive" and "language model failed" in answer.reason
    assert "3,900" in answer.text


@pytest.fixture(scope="module")
def endpoint():
    """A real llama.cpp server process (OpenAI protocol) with its own key."""
    port, key = free_port(), "test-key-123"
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "llm_server.py"),
                             str(smollm2()), str(port), key],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("ready"), f"the model server did not start: {line!r}"
        yield f"http://127.0.0.1:{port}/v1", key
    finally:
        proc.kill()
        proc.wait()


def test_an_openai_compatible_endpoint_streams_the_answer(corpus_dir, endpoint):
    url, key = endpoint
    bot = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="llm",
                              llm_url=url, llm_name="smollm2", llm_api_key=key)
    pieces = list(bot.stream(JOBS))
    assert sum(isinstance(p, str) for p in pieces) >= 2
    final = pieces[-1]
    assert_every_citation_holds_its_sentence(final)
    assert final.reader == "llm" or "generated answer" in final.reason


def test_a_wrong_key_is_reported_and_the_answer_still_comes(corpus_dir, endpoint):
    url, _ = endpoint
    bot = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="llm",
                              llm_url=url, llm_api_key="wrong")
    answer = bot.ask(JOBS)
    assert answer.reader == "extractive" and re.search(r"401|[Aa]uthentication", answer.reason)


def test_quoting_is_the_default_even_with_a_model_at_hand(corpus_dir, monkeypatch):
    monkeypatch.delenv("ASSISTANT_READER")
    bot = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index",
                              llm_model=str(smollm2()))
    assert "llm" in bot.readers and bot.reader_name() == "extractive"
    quoted = bot.ask(JOBS)
    assert quoted.reader == "extractive" and not quoted.reason  # quoted by choice, not fallback
    generated = bot.ask(JOBS, reader="llm")  # the tiny test model may be overruled by the check
    assert generated.reader == "llm" or re.search("generated|language model", generated.reason)


class _StandIn(BaseHTTPRequestHandler):
    """A remote model behind the OpenAI chat-completions protocol (streamed or not) that
    replies with `server.reply`, for the judge's tests: no local model can be told what to say."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)  # type: ignore[attr-defined]
        reply, model = self.server.reply, body.get("model", "m")  # type: ignore[attr-defined]
        if body.get("stream"):
            events = [{"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model,
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                      for delta, finish in (({"role": "assistant", "content": reply}, None),
                                            ({}, "stop"))]
            data = ("".join(f"data: {json.dumps(e)}\n\n" for e in events)
                    + "data: [DONE]\n\n").encode()
            kind = "text/event-stream"
        else:
            data = json.dumps({"id": "c", "object": "chat.completion", "created": 0,
                               "model": model, "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": reply}}]}).encode()
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    server.reply, server.requests = "", []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", server
    server.shutdown()


def test_the_model_may_decline_a_quoted_answer_only_under_the_bar(corpus_dir, stand_in):
    url, server = stand_in
    bot = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="extractive",
                              llm_url=url, llm_name="judge", judge_below=0.95)
    grey = "What does Foxconn bring to the partnership?"
    server.reply = "No."
    declined = bot.ask(grey)
    assert not declined.found and 0.6 <= declined.evidence < 0.95, declined
    assert "language model" in declined.reason
    asked = server.requests[-1]
    assert asked.get("max_completion_tokens", asked.get("max_tokens")) == 3  # a word, no more
    assert "yes" in asked["messages"][0]["content"]
    assert grey in asked["messages"][-1]["content"]
    sure = bot.ask(JOBS)  # confident: quoted without asking the model
    assert sure.found and sure.evidence >= 0.95 and len(server.requests) == 1
    for reply in ("Yes, they do.", "Perhaps"):  # yes, or no verdict: the evidence decides
        server.reply = reply
        kept = bot.ask(grey)
        assert kept.found and kept.text == bot.ask(grey, reader="extractive").text
        assert not kept.reason
    off = bot.ask("What is the capital of France?")  # not found: nothing to judge
    assert not off.found and "language model" not in off.reason
    assert len(server.requests) == 3 + 2  # the two grey questions above, and bot.ask(grey, ...)
    # The default bar (1.0) puts every quoted answer short of certain to the model, when it
    # is asked whatever words the sentence holds.
    default = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index",
                                  reader="extractive", llm_url=url, llm_name="judge",
                                  judge_words=1.0)
    server.reply = "No."
    doubted = default.ask(JOBS)
    assert not doubted.found and doubted.evidence == sure.evidence and len(server.requests) == 6


def test_the_model_is_not_asked_when_the_quoted_sentence_holds_the_questions_words(
        corpus_dir, stand_in):
    """"What would closing the Oppama plant disrupt?" is quoted with the sentence that says
    closing the plant would disrupt R&D: no judge needed. "What does Foxconn bring to the
    partnership?" is matched by the article's names and a word or two: the model is asked."""
    url, server = stand_in
    bot = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="extractive",
                              llm_url=url, llm_name="judge")
    server.reply = "No."
    held = bot.ask("What would closing the Oppama plant disrupt?")
    assert held.found and "disrupt" in held.text and held.evidence < 1.0, held
    assert not server.requests
    named = bot.ask("What does Foxconn bring to the partnership?")
    assert not named.found and "language model" in named.reason and len(server.requests) == 1
    always = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index",
                                 reader="extractive", llm_url=url, llm_name="judge",
                                 judge_words=1.0)
    assert not always.ask("What would closing the Oppama plant disrupt?").found
    assert len(server.requests) == 2


def test_asking_for_the_llm_without_one_says_what_to_do(corpus_dir, tmp_path):
    with pytest.raises(ConfigurationError, match="make model"):
        assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="llm")
    with pytest.raises(ConfigurationError, match="make model"):
        assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index",
                            reader="llm", llm_model=str(tmp_path / "missing.gguf"))
    plain = assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index")
    assert plain.reader_name() == "extractive" and "llm" not in plain.readers
    with pytest.raises(ConfigurationError, match="make model"):
        plain.ask(JOBS, reader="llm")
    with pytest.raises(ConfigurationError, match="unknown reader"):
        assistant.Assistant(corpus_dir / "corpus", corpus_dir / "index", reader="gpt")
