"""The index on a real Chroma server (`chroma run`, setting chroma_url): workers with folders
of their own answer from one index, one writer at a time, and a server that goes away is one
clear line, not a traceback, until it is back."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from assistant import (
    Assistant,
    ConfigurationError,
    IndexLockedError,
    IndexNotBuiltError,
    IndexUnavailableError,
)
from assistant.remote import ServerStore

PLANT = "How large is the Oppama plant?"
ROOT = Path(__file__).resolve().parents[1]
ARTICLE_NAME = "nissan-foxconn-ev-alliance.txt"


def worker(tmp_path: Path, corpus: Path, url: str, name: str, **settings) -> Assistant:
    """An Assistant with a local folder of its own, as a worker on another machine has."""
    return Assistant(corpus, tmp_path / name, chroma_url=url, **settings)


def test_two_workers_answer_from_one_index_and_follow_its_changes(
        tmp_path: Path, corpus: Path, chroma_server) -> None:
    url = chroma_server.url("follow")
    writer = worker(tmp_path, corpus, url, "writer")
    report = writer.index()
    assert report.added == report.chunks > 10
    reader = worker(tmp_path, corpus, url, "reader")
    answer = reader.ask(PLANT)
    assert answer.found and "170-hectare" in answer.citations[0].quote
    # the server holds the index; the reader keeps only its keyword index, as a cache
    assert [p.name for p in (tmp_path / "reader").iterdir()] == ["keyword"]

    (corpus / "tea.txt").write_text(
        "The Glenmorrow tea estate ships its first flush every April.\n\n"
        "Its pickers harvest the leaves by hand on the steep northern slopes.\n")
    assert writer.index().added > 0
    answer = reader.ask("When does the Glenmorrow estate ship its first flush?")
    assert answer.found and answer.citations[0].source == "tea.txt"
    assert "April" in answer.citations[0].quote

    (corpus / "tea.txt").unlink()
    report = writer.index()
    assert report.deleted > 0 and report.documents == 1
    assert [d["source"] for d in reader.documents()] == [ARTICLE_NAME]
    found = reader.retriever.invoke("Glenmorrow tea estate first flush")
    assert found and all(d.metadata["source"] == ARTICLE_NAME for d in found)
    assert reader.store.count() == writer.store.manifest().chunks == report.chunks


def test_an_unchanged_folder_writes_nothing(tmp_path: Path, corpus: Path,
                                            chroma_server) -> None:
    bot = worker(tmp_path, corpus, chroma_server.url("again"), "w")
    first = bot.index()
    generation = bot.generation()
    again = bot.index()
    assert again.added == again.deleted == 0 and again.skipped == first.chunks
    assert bot.generation() == generation  # nothing was written, not even the manifest


def test_a_rebuild_moves_readers_to_the_new_chunks(tmp_path: Path, corpus: Path,
                                                   chroma_server, monkeypatch) -> None:
    from assistant import remote

    # the reader keeps the manifest it read: it meets the old chunks dropped under it
    monkeypatch.setattr(remote, "FRESH_SECONDS", 3600.0)
    url = chroma_server.url("rebuild")
    writer = worker(tmp_path, corpus, url, "writer")
    writer.index()
    reader = worker(tmp_path, corpus, url, "reader")
    assert reader.ask(PLANT).found
    before = writer.store.collection_name
    report = writer.index(rebuild=True)
    assert any("rebuilding the index from scratch" in n for n in report.notes)
    after = writer.store.collection_name
    assert after != before and report.added == report.chunks
    names = {c.name for c in writer.store._client().list_collections()}
    assert after in names and before not in names and "rebuild-rebuild-meta" not in names
    # the reader had the old collection open: it follows the manifest to the new one
    answer = reader.ask(PLANT)
    assert answer.found and "170-hectare" in answer.citations[0].quote
    assert reader.store.count() == report.chunks


HOLD = textwrap.dedent("""
    import sys, time
    from assistant import Assistant
    bot = Assistant(sys.argv[1], sys.argv[2], chroma_url=sys.argv[3])
    with bot.store.write_lock(timeout=0):
        print("holding", flush=True)
        time.sleep(120)
""")


def test_one_writer_at_a_time_and_a_dead_writer_frees_the_lock(
        tmp_path: Path, corpus: Path, chroma_server) -> None:
    url = chroma_server.url("locked")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(corpus), str(tmp_path / "h"),
                               url], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        second = worker(tmp_path, corpus, url, "second", lock_timeout=0.5)
        with pytest.raises(IndexLockedError, match=f"pid {holder.pid} on "):
            second.index()
        assert second.store.lock_holder() == f" (pid {holder.pid} on {os.uname().nodename})"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # killed without releasing it: its lock is known for a dead process's and taken over
    report = second.index()
    assert report.added == report.chunks > 0
    assert second.store.lock_holder() is None


def test_the_server_gone_is_one_line_and_workers_reconnect(tmp_path: Path, corpus: Path,
                                                           chroma_server) -> None:
    url = chroma_server.url("restart")
    bot = worker(tmp_path, corpus, url, "w")
    bot.index()
    assert bot.ask(PLANT).found
    chroma_server.stop()
    try:
        with pytest.raises(IndexUnavailableError) as caught:
            bot.ask(PLANT)
        message = str(caught.value)
        assert "\n" not in message and f"Chroma server at {url} does not answer" in message
        assert "chroma run" in message
        cli = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", PLANT, "--corpus",
                              str(corpus), "--index", str(tmp_path / "w"), "--chroma", url],
                             capture_output=True, text=True, cwd=ROOT)
        assert cli.returncode != 0 and "Traceback" not in cli.stderr
        assert "does not answer" in cli.stderr and len(cli.stderr.strip().splitlines()) == 1
    finally:
        chroma_server.start()
    started = time.monotonic()
    answer = bot.ask(PLANT)  # the same worker, reconnected, same answer, nothing lost
    assert answer.found and "170-hectare" in answer.citations[0].quote
    assert bot.store.count() == bot.store.manifest().chunks
    assert time.monotonic() - started < 60


def test_an_empty_server_and_a_bad_address_say_what_to_do(tmp_path: Path, corpus: Path,
                                                          chroma_server) -> None:
    with pytest.raises(IndexNotBuiltError, match="assistant index"):
        worker(tmp_path, corpus, chroma_server.url("empty"), "w").ask(PLANT)
    for bad in ("ftp://host:1/x", "http://:8000/x", "http://host:port/x", "http://h:1/a/b"):
        with pytest.raises(ConfigurationError, match="chroma_url"):
            Assistant(corpus, tmp_path / "w", chroma_url=bad)


def test_the_local_folder_keeps_only_caches(tmp_path: Path, corpus: Path,
                                            chroma_server, monkeypatch) -> None:
    bot = worker(tmp_path, corpus, chroma_server.url("caches"), "w")
    bot.index()
    assert isinstance(bot.store, ServerStore)
    # the viewer's texts, and the keyword index under its generation
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["keyword", "texts"]
    assert [p.name for p in (tmp_path / "w" / "keyword").iterdir()] == [bot.generation()]
    # a worker started again on that folder loads it instead of reading every chunk
    again = worker(tmp_path, corpus, chroma_server.url("caches"), "w")
    read: list[int] = []
    monkeypatch.setattr(ServerStore, "all_chunks",
                        lambda self: read.append(1) or ([], []))  # noqa: ARG005
    assert again.ask(PLANT).found and read == []
    monkeypatch.undo()
    shutil.rmtree(tmp_path / "w")  # a worker's folder lost: it still answers
    assert bot.ask(PLANT).found
    # the example questions were chosen once, by the writer, and every worker reads them
    other = worker(tmp_path, corpus, chroma_server.url("caches"), "other")
    chosen = other.store.examples(other.generation())
    assert chosen and other.example_questions() == chosen[:3] == bot.example_questions()


def _serve(corpus: Path, index: Path, url: str) -> tuple[subprocess.Popen, str]:
    from conftest import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--no-index",
                             "--corpus", str(corpus), "--index", str(index), "--chroma", url,
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(address, timeout=2):
                return proc, address
        except OSError:
            assert proc.poll() is None, "assistant serve exited"
            time.sleep(0.2)
    raise AssertionError("assistant serve did not start")


def test_a_worker_killed_leaves_the_others_answering(tmp_path: Path, corpus: Path,
                                                     chroma_server) -> None:
    from gradio_client import Client

    url = chroma_server.url("killed")
    worker(tmp_path, corpus, url, "w0").index()
    workers = [_serve(corpus, tmp_path / f"w{i}", url) for i in (1, 2)]
    try:
        clients = [Client(address, verbose=False, download_files=False)
                   for _, address in workers]
        for client in clients:
            assert "170-hectare" in client.predict(PLANT, api_name="/ask")["text"]
        workers[0][0].send_signal(signal.SIGKILL)
        workers[0][0].wait()
        for _ in range(3):
            assert "170-hectare" in clients[1].predict(PLANT, api_name="/ask")["text"]
    finally:
        for proc, _ in workers:
            proc.kill()
            proc.wait()


def test_an_indexer_killed_midway_is_resumed_without_duplicates(tmp_path: Path,
                                                                 chroma_server) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"note-{i:02d}.txt").write_text("\n\n".join(
            f"Note {i}, item {j}: the shipment numbered {i * 100 + j} left the depot in "
            f"week {j} and reached the harbour of Port Elsam after {i + j} days at sea."
            for j in range(30)))
    url = chroma_server.url("resumed")
    run = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", "--corpus",
                            str(corpus), "--index", str(tmp_path / "i"), "--chroma", url],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    bot = worker(tmp_path, corpus, url, "reader")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        manifest = bot.store.manifest()
        if manifest is not None and manifest.state == "building" and bot.store.count() > 64:
            break
        time.sleep(0.05)
    assert run.poll() is None, f"the run ended before it could be killed: {run.stderr.read()}"
    run.send_signal(signal.SIGKILL)
    run.wait()
    written = bot.store.count()
    report = bot.index()  # the dead writer's lock is taken over at once (same host)
    assert any("did not finish; resuming" in n for n in report.notes)
    assert report.skipped >= written - 64  # what it wrote is not embedded again
    ids, _ = bot.store.all_chunks()
    assert len(ids) == len(set(ids)) == report.chunks == bot.store.manifest().chunks
    assert bot.store.manifest().complete and report.documents == 40


def test_a_lock_left_on_another_machine_is_taken_over_once_stale(
        tmp_path: Path, corpus: Path, chroma_server) -> None:
    from assistant import remote_lock

    bot = worker(tmp_path, corpus, chroma_server.url("stale"), "w", lock_timeout=0.5)
    client = bot.store._client()
    now = client.heartbeat() / 1e9
    client.create_collection("stale-lock", metadata={"host": "elsewhere", "pid": 1,
                                                     "beat": now})
    with pytest.raises(IndexLockedError, match=r"pid 1 on elsewhere"):
        bot.index()  # alive as far as anyone can tell: it said so just now
    client.get_collection("stale-lock").modify(
        metadata={"host": "elsewhere", "pid": 1, "beat": now - remote_lock.STALE_SECONDS - 1})
    report = bot.index()  # silent for longer than STALE_SECONDS: its writer died
    assert report.added == report.chunks > 0 and bot.store.lock_holder() is None


def test_the_commands_work_the_same_against_the_server(tmp_path: Path, corpus: Path,
                                                       chroma_server, capsys) -> None:
    from assistant.cli import main

    place = ["--corpus", str(corpus), "--index", str(tmp_path / "w"),
             "--chroma", chroma_server.url("commands")]
    assert main(["index", *place]) == 0
    assert re.match(r"added (\d+), updated 0, skipped 0, deleted 0 chunks; 1 document, \1 ",
                    capsys.readouterr().out)
    assert main(["ask", PLANT, *place]) == 0
    assert "170-hectare" in capsys.readouterr().out
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"question": PLANT, "answers": ["170-hectare"]}) + "\n"
                    + json.dumps({"question": "What is the capital of France?",
                                  "answers": [], "answerable": False}) + "\n")
    assert main(["eval", str(gold), "--json", *place]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["answer_hit"] == 1.0 and scores["not_found_rate"] == 1.0
