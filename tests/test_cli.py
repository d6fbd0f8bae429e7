"""The CLI as a user runs it: real subprocesses, real index."""

import json
import os
import subprocess
import sys

ENV = {**os.environ, "ASSISTANT_CORPUS_DIR": "", "ASSISTANT_INDEX_DIR": ""}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True,
                          text=True, env=ENV, cwd=cwd, timeout=300)


def test_index_then_ask_json_and_text(corpus, tmp_path):
    index_dir = tmp_path / "index"
    (corpus / "notes.txt").write_bytes(b"\x00\x01\x02 not text")
    built = run("index", str(corpus), "--index", str(index_dir))
    assert built.returncode == 0, built.stderr
    assert "added" in built.stdout and "1 document," in built.stdout
    assert "warning: notes.txt: looks like a binary file" in built.stderr

    asked = run("ask", "How large is the Oppama plant?", "--json", "--corpus", str(corpus),
                "--index", str(index_dir))
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["found"] is True and "170-hectare" in answer["text"]
    cited = answer["citations"][0]
    text = (corpus / cited["source"]).read_text()
    assert set(cited) >= {"index", "source", "title", "text", "start", "end", "score"}
    assert "170-hectare" in cited["text"]
    assert cited["text"] == text.replace("光", "")[cited["start"]:cited["end"]]

    plain = run("ask", "What is the capital of France?", "--corpus", str(corpus),
                "--index", str(index_dir))
    assert plain.returncode == 0 and "could not find" in plain.stdout


def test_errors_are_one_clear_line(tmp_path):
    missing = run("ask", "anything", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: no index in") and "Traceback" not in missing.stderr
    empty = run("ask", "  ", "--index", str(tmp_path / "none"))
    assert empty.returncode == 2 and "question is empty" in empty.stderr
    no_corpus = run("index", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i"))
    assert no_corpus.returncode == 2 and "does not exist" in no_corpus.stderr


HEAVY = ("torch", "transformers", "sentence_transformers", "onnxruntime", "chromadb", "gradio",
         "xllamacpp")


def _modules_after(*commands: list[str], env: dict | None = None) -> list[str]:
    """Which heavy libraries running these commands in one process imported."""
    code = ("import sys; from assistant.cli import main\n"
            f"for argv in {list(commands)!r}:\n"
            "    try: main(argv)\n"
            "    except SystemExit: pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env or ENV, timeout=300)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip().splitlines()[-1])


def test_help_loads_no_model_store_or_web_library():
    assert _modules_after(["--help"]) == []


def test_index_and_ask_run_without_torch(corpus, tmp_path):
    """`index` writes through Chroma; a one-shot `ask` leaves Chroma to the child process that
    checks the index and then searches it, so it imports neither torch nor Chroma."""
    index = str(tmp_path / "index")
    assert _modules_after(["index", str(corpus), "--index", index]) == [
        "chromadb", "onnxruntime"]
    assert _modules_after(["ask", "How large is the Oppama plant?", "--corpus", str(corpus),
                           "--index", index]) == ["onnxruntime"]


def test_the_local_model_is_loaded_only_for_a_question_that_needs_it(corpus, tmp_path):
    """With the local model installed, a question whose quoted sentence holds its words is
    answered without loading the model; one whose sentence lacks 'large' is put to it."""
    from conftest import smollm2

    index = str(tmp_path / "index")
    assert run("index", str(corpus), "--index", index).returncode == 0
    env = {**ENV, "ASSISTANT_LLM_MODEL": str(smollm2())}
    ask = ["ask", "--corpus", str(corpus), "--index", index]
    assert "xllamacpp" not in _modules_after(
        [*ask, "How many jobs would closing the Oppama plant cost?"], env=env)
    assert "xllamacpp" in _modules_after([*ask, "How large is the Oppama plant?"], env=env)


def test_ask_with_the_llm_reader_streams_on_a_terminal_and_prints_the_checked_answer(
        corpus, tmp_path):
    from conftest import smollm2

    index_dir = tmp_path / "index"
    assert run("index", str(corpus), "--index", str(index_dir)).returncode == 0
    args = [sys.executable, "-m", "assistant.cli", "ask", "How many jobs would closing the "
            "plant cost?", "--reader", "llm", "--corpus", str(corpus), "--index", str(index_dir)]
    env = {**ENV, "ASSISTANT_LLM_MODEL": str(smollm2())}
    leader, follower = os.openpty()  # stdout is a terminal: the draft is shown, then erased
    done = subprocess.run(args, stdout=follower, stderr=subprocess.PIPE, env=env, timeout=300)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    out = shown.decode()
    assert done.returncode == 0, done.stderr
    draft, _, final = out.partition("\x1b[J")
    assert "\x1b[2m" in draft and len(draft) > len("\x1b[2m")  # the model's words, dimmed
    assert "3,900" in final and "[1] " in final and "\x1b[2m" not in final

    piped = subprocess.run(args + ["--json"], capture_output=True, text=True, env=env,
                           timeout=300)
    answer = json.loads(piped.stdout)  # not a terminal: only the answer, nothing streamed
    assert answer["found"] and answer["reader"] in ("llm", "extractive") and "reason" in answer


def test_asking_for_the_llm_reader_without_a_model_is_one_clear_line(corpus, tmp_path):
    index_dir = tmp_path / "index"
    assert run("index", str(corpus), "--index", str(index_dir)).returncode == 0
    asked = run("ask", "anything", "--reader", "llm", "--corpus", str(corpus), "--index",
                str(index_dir))
    assert asked.returncode == 2 and "Traceback" not in asked.stderr
    assert asked.stderr.startswith("error: no language model at") and "make model" in asked.stderr


def test_escape_sequences_in_a_document_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "vault.txt").write_text(
        "Vault notes\n\nThe museum vault opens with the code \x1b]0;pwned\x07 4471.\x1b[2J "
        "Guards change shifts at dawn and at dusk. The vault holds \x9b31m three paintings.\n")
    index_dir = tmp_path / "index"
    assert run("index", str(folder), "--index", str(index_dir)).returncode == 0
    asked = run("ask", "What code opens the museum vault?", "--corpus", str(folder), "--index",
                str(index_dir))
    assert asked.returncode == 0 and "4471" in asked.stdout
    assert not any(ch in asked.stdout for ch in "\x1b\x07\x9b")
    as_json = run("ask", "What code opens the museum vault?", "--json", "--corpus", str(folder),
                  "--index", str(index_dir))
    assert not any(ch in as_json.stdout for ch in "\x1b\x07\x9b")
    assert "\x1b]0;pwned" in json.loads(as_json.stdout)["citations"][0]["text"]  # kept, escaped

    # `… | head -1`: the reader of stdout is gone before the answer is written.
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ask", "What code opens the "
                             "museum vault?", "--corpus", str(folder), "--index", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    proc.stdout.close()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 141 and err.decode() == ""


def test_a_question_that_is_not_utf8_is_one_clear_line(tmp_path):
    asked = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", b"plant \xff\xfe size",
                            "--index", str(tmp_path / "none")], capture_output=True, env=ENV,
                           timeout=120)
    err = asked.stderr.decode()
    assert asked.returncode == 2 and err.startswith("error: the question holds bytes")
    assert err.count("\n") == 1


def test_unusable_settings_are_one_clear_line(tmp_path):
    for name, raw in (("TOP_K", "abc"), ("CHUNK_TOKENS", "0"), ("EMBED_BATCH_SIZE", "0")):
        env = {**ENV, f"ASSISTANT_{name}": raw}
        asked = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "anything",
                                "--index", str(tmp_path / "none")], capture_output=True,
                               text=True, env=env, timeout=120)
        assert asked.returncode == 2 and asked.stderr.startswith("error: setting ")
        assert f"ASSISTANT_{name}" in asked.stderr and asked.stderr.count("\n") == 1


def test_chat_reads_follow_ups_with_the_conversation_and_goes_on_after_a_bad_line(corpus,
                                                                                 tmp_path):
    index_dir = tmp_path / "index"
    assert run("index", str(corpus), "--index", str(index_dir)).returncode == 0
    lines = ["How large is the Oppama plant?", "", "and how many jobs depend on it?",
             "x" * 3000, "/new", "and how many jobs depend on it?"]
    chat = subprocess.run([sys.executable, "-m", "assistant.cli", "chat", "--corpus",
                           str(corpus), "--index", str(index_dir)], input="\n".join(lines),
                          capture_output=True, text=True, env=ENV, timeout=300)
    assert chat.returncode == 0, chat.stderr  # the end of input (Ctrl-D) leaves
    said = chat.stdout.strip().split("\n\n")  # an answer, its sources, the next answer…
    assert "170-hectare" in said[0] and said[1].startswith("[1] nissan-foxconn-ev-alliance.txt")
    assert "3,900" in said[2]  # the follow-up, read with the first question
    assert "over the 2,000 limit" in chat.stderr  # one bad line, and the chat goes on
    assert len(said) == 5 and "could not find" in said[4]  # after /new, no context


def test_chat_on_a_terminal_prompts_answers_and_leaves_on_ctrl_d(corpus, tmp_path):
    import pty
    import select

    index_dir = tmp_path / "index"
    assert run("index", str(corpus), "--index", str(index_dir)).returncode == 0
    leader, follower = pty.openpty()
    chat = subprocess.Popen([sys.executable, "-m", "assistant.cli", "chat", "--corpus",
                             str(corpus), "--index", str(index_dir)], stdin=follower,
                            stdout=follower, stderr=follower, env=ENV)
    os.close(follower)
    seen, cursor = b"", 0

    def read_until(text: bytes, timeout: float = 120) -> None:
        """Wait for `text` after what was read before (a key typed before the prompt is up
        can be dropped when readline sets the terminal up)."""
        nonlocal seen, cursor
        while text not in seen[cursor:]:
            ready, _, _ = select.select([leader], [], [], timeout)
            assert ready, f"waited for {text!r}; the terminal shows {seen[-300:]!r}"
            seen += os.read(leader, 4096)
        cursor = seen.index(text, cursor) + len(text)

    read_until(b"Ctrl-D leaves")
    read_until(b"? ")
    os.write(leader, b"How large is the Oppoma\x7f\x7f\x7fama plant?\r")  # edited: backspaces
    read_until(b"characters 810-984")
    read_until(b"\n? ")  # the next prompt
    os.write(leader, b"\x04")  # Ctrl-D at the prompt
    assert chat.wait(timeout=60) == 0
    os.close(leader)
    assert b"170-hectare" in seen
