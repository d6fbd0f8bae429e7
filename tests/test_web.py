"""The page served for real and driven through its API with gradio_client: the same endpoints
the browser uses, plus `/ask` for programs. Uploads go through Gradio's upload route, so the
server-side limits are what is tested."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import free_port
from gradio_client import Client, handle_file

from assistant.errors import ConfigurationError
from assistant.guard import check_exposure, check_port
from assistant.page import plain_history
from assistant.web import serve

ARTICLE = "nissan-foxconn-ev-alliance.txt"


@pytest.fixture(scope="module")
def client(site):
    return Client(site[0], verbose=False, download_files=False)


def test_chat_streams_the_answer_then_opens_its_source_in_the_viewer(client):
    updates = list(client.submit(message="How large is the Oppama plant?", api_name="/chat"))
    message, viewer = updates[-1]
    assert len(updates) > 2  # streamed
    assert "170-hectare" in message and message.count("<mark>") == 1
    assert ARTICLE in message and 'href="#cite-1-1"' in message
    assert ARTICLE in viewer and '<mark id="cited-span">' in viewer
    assert "Choose a source" in updates[-2][1]  # the answer first, then its source


def test_chat_marks_an_answer_the_documents_do_not_support(client):
    message, viewer = client.predict(message="What is the capital of France?",
                                     api_name="/chat")
    assert 'class="not-found"' in message and "Not found in your documents" in message
    assert "Choose a source" in viewer


def test_follow_up_reads_the_history_the_page_keeps():
    history = [{"role": "user", "content": "How large is the Oppama plant?"},
               {"role": "assistant", "content": [{"type": "text", "text":
                '<div class="answer"><div class="answer-text"><mark>It is &lt;big&gt;.</mark> '
                '<a class="cite-mark" href="#cite-2-1">[1]</a></div><ul class="cite-list">'
                '<li>…</li></ul></div>'}]},
               {"role": "user", "content": "what is \\*that\\*?"}]
    assert plain_history(history)[1:] == [{"role": "assistant", "content": "It is <big>. [1]"},
                                          {"role": "user", "content": "what is *that*?"}]


def test_ask_endpoint_returns_the_answer_as_json(client):
    answer = client.predict("How many jobs would closing the Oppama plant cost?", [],
                            api_name="/ask")
    assert answer["found"] is True and "3,900" in answer["text"]
    cite = answer["citations"][0]
    assert cite["source"] == ARTICLE and {"index", "title", "text", "start", "end",
                                          "score"} <= cite.keys()
    follow = client.predict("and how many jobs depend on it?",
                            [["How large is the Oppama plant?", "A 170-hectare facility."]],
                            api_name="/ask")
    assert "3,900" in follow["text"]


def test_ask_endpoint_reports_a_bad_question_as_an_error(client):
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("   ", [], api_name="/ask")


def test_upload_reindex_ask_then_remove(site, client, tmp_path):
    url, bot = site
    note = tmp_path / "owl survey.md"
    note.write_text("# Owl survey\n\nThe 2024 survey counted 412 barn owls in Kent.\n")
    log, status, table, _ = client.predict([handle_file(str(note))], False,
                                           api_name="/add_documents")
    assert "added as owl survey.md" in log and "Index updated" in log
    assert "2 documents" in status and "owl survey.md" in str(table)
    answer = client.predict("How many barn owls did the survey count?", [], api_name="/ask")
    assert "412" in answer["text"] and answer["citations"][0]["source"] == "owl survey.md"

    again, *_ = client.predict([handle_file(str(note))], False, api_name="/add_documents")
    assert "already in the index as owl survey.md" in again and "Index updated" not in again
    note.write_text("# Owl survey\n\nA later survey counted 415 barn owls.\n")
    renamed, *_ = client.predict([handle_file(str(note))], False, api_name="/add_documents")
    assert "added as owl survey (2).md" in renamed

    for source in ("owl survey.md", "owl survey (2).md"):
        log, status, *_ = client.predict(source, api_name="/remove_document")
        assert f"Removed {source}" in log and ".removed" in log
    assert "1 document," in status
    answer = client.predict("How many barn owls did the survey count?", [], api_name="/ask")
    assert all(c["source"] == ARTICLE for c in answer["citations"])


@pytest.mark.parametrize("name, data, message", [
    ("setup.exe", b"MZ\x90\x00\x03", "only .txt"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    ("broken.pdf", b"%PDF-1.4 not a pdf at all", "PDF"),
])
def test_upload_checks_hold_for_clients_that_skip_the_page(site, client, tmp_path, name, data,
                                                           message):
    url, bot = site
    before = sorted(p.name for p in bot.settings.corpus_dir.iterdir())
    bad = tmp_path / name
    bad.write_bytes(data)
    try:
        log, *_ = client.predict([handle_file(str(bad))], False, api_name="/add_documents")
    except Exception as exc:  # Gradio itself may refuse the type before our handler runs
        log = str(exc)
    assert message in log or "Invalid file type" in log
    assert sorted(p.name for p in bot.settings.corpus_dir.iterdir()) == before


def test_upload_size_limit_is_enforced_by_the_server(site, client, tmp_path):
    url, bot = site  # served with max_file_mb=0.2
    big = tmp_path / "big.txt"
    big.write_text("Owls. " * 50_000)  # 300 kB
    with pytest.raises(Exception, match="(?i)too large|exceeds|413|size"):
        client.predict([handle_file(str(big))], False, api_name="/add_documents")
    assert not (bot.settings.corpus_dir / "big.txt").exists()


def test_public_address_needs_a_login_or_an_explicit_no_auth():
    assert check_exposure("127.0.0.1", None, False) is None
    assert check_exposure("0.0.0.0", "ann:s3cret:x", False) == ("ann", "s3cret:x")
    assert check_exposure("0.0.0.0", None, True) is None
    with pytest.raises(ConfigurationError, match="--auth user:password"):
        check_exposure("0.0.0.0", None, False)
    with pytest.raises(ConfigurationError, match="must be user:password"):
        check_exposure("127.0.0.1", "ann", False)


def test_serve_refuses_a_public_address_before_doing_any_work(tmp_path):
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--host", "0.0.0.0",
                          "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "--auth user:password" in run.stderr
    assert not (tmp_path / "i").exists()


def test_serve_refuses_a_port_in_use_before_doing_any_work(site, tmp_path):
    port = int(site[0].rsplit(":", 1)[1].strip("/"))
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                          "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and f"cannot serve on 127.0.0.1:{port}" in run.stderr
    assert "--port" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "i").exists()


def test_login_protects_the_page_and_the_api(site):
    port = free_port()
    app = serve(site[1], "127.0.0.1", port, auth="ann:s3cret", prevent_thread_lock=True,
                quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, verbose=False).predict("How large is the Oppama plant?", [],
                                               api_name="/ask")
        with pytest.raises(Exception):  # noqa: B017
            Client(url, auth=("ann", "wrong"), verbose=False)
        answer = Client(url, auth=("ann", "s3cret"), verbose=False).predict(
            "How large is the Oppama plant?", [], api_name="/ask")
        assert "170-hectare" in answer["text"]
    finally:
        app.close()


def test_malformed_history_on_the_ask_endpoint_is_an_error_that_says_why(client):
    with pytest.raises(Exception, match="history item 1 is an int"):
        client.predict("How large is the Oppama plant?", [1, 2], api_name="/ask")


def test_a_port_left_in_time_wait_by_a_stopped_server_can_be_served_again():
    # A server that closed a connection first leaves it in TIME_WAIT (a minute or more);
    # `assistant serve` binds with SO_REUSEADDR as uvicorn does, so a restart is not refused.
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    visitor = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server's side closes first: its end waits in TIME_WAIT
    visitor.recv(1)
    visitor.close()
    listener.close()
    time_wait = [line for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "06"]
    assert time_wait  # the case under test is real
    check_port("127.0.0.1", port)  # raised "Address already in use" before


def test_each_wrong_password_costs_the_login_delay(site):
    port = free_port()
    app = serve(site[1], "127.0.0.1", port, auth="ann:s3cret", login_delay=0.5,
                prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/login"

    def login(password):
        body = urllib.parse.urlencode({"username": "ann", "password": password}).encode()
        try:
            return urllib.request.urlopen(url, data=body, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:  # guessing in parallel does not go faster
            codes = list(pool.map(login, ["guess1", "guess2", "guess3", "guess4"]))
        took = time.monotonic() - started
        assert codes == [400] * 4 and took >= 4 * 0.5
        assert login("s3cret") == 200
    finally:
        app.close()


JOBS = "How many jobs would closing the plant cost?"


def test_the_llm_page_streams_a_draft_then_the_checked_answer(llm_site):
    llm = Client(llm_site[0], verbose=False, download_files=False)
    updates = list(llm.submit(message=JOBS, reader="llm", api_name="/chat"))
    drafts = [u[0] for u in updates if 'class="draft"' in u[0]]
    final = updates[-1][0]
    assert len(drafts) >= 2 and "checking" in drafts[0]
    assert 'class="draft"' not in final and 'class="reader-note"' in final
    assert "3,900" in final and "<mark>" in final  # the small model's words, or the quote


def test_the_ask_endpoint_says_which_reader_answered(llm_site):
    llm = Client(llm_site[0], verbose=False, download_files=False)
    generated = llm.predict(JOBS, [], "llm", api_name="/ask")
    quoted = llm.predict(JOBS, [], "extractive", api_name="/ask")
    assert generated["reader"] in ("llm", "extractive") and quoted["reader"] == "extractive"
    assert quoted["reason"] == "" and "3,900" in quoted["text"]
    if generated["reader"] == "extractive":  # the model's answer was refused, and it says so
        assert "generated answer" in generated["reason"]
    with pytest.raises(Exception, match="unknown reader"):
        llm.predict(JOBS, [], "gpt", api_name="/ask")



def test_serve_says_where_the_page_is_and_never_suggests_a_public_link(site, tmp_path):
    """`assistant serve`, as a user starts it: one line with the address, once the page is up
    (Gradio's own start-up lines suggest share=True)."""
    url, bot = site
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
                             "--corpus", str(bot.settings.corpus_dir), "--index",
                             str(bot.settings.index_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving"):
                break
        assert lines[-1] == f"serving the chat on http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).status == 200
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=60)
    assert "share" not in "".join(lines) + rest


def test_a_source_of_an_answer_the_server_no_longer_holds_opens_by_its_quote(site):
    """After a restart the page still shows old answers; their links carry the source and
    the quoted words, and the viewer finds them (a path outside the corpus is refused)."""
    import gradio as gr

    from assistant.page import Page

    page = Page(site[1])
    request = type("Request", (), {"session_hash": "never-seen"})()
    quote = "Nissan's Oppama plant, a 170-hectare facility in\nKanagawa Prefecture,"
    shown = page.open_citation(gr.EventData(None, {"cite": 1, "answer": 2, "source": ARTICLE,
                                                   "quote": quote}), request)
    assert '<mark id="cited-span">Nissan&#x27;s Oppama plant, a 170-hectare' in shown
    outside = page.open_citation(gr.EventData(None, {"cite": 1, "answer": 2, "source":
                                                     "../../etc/passwd", "quote": "root"}),
                                 request)
    assert "outside the corpus folder" in outside
