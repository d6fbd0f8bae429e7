"""The index on disk is never silently wrong: readers follow writers in other processes, and
damaged or lost files are found (in a child process) and rebuilt from the documents."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant, IndexDamagedError, IndexMismatchError, IndexStateError

VAULTS = 10


def vault_corpus(folder: Path, colour: str, place: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(VAULTS):
        (folder / f"vault{i}.txt").write_text(
            f"Vault {i} report\n\nThe secret colour of vault {i} is {colour}{i}. "
            f"Vault {i} stands in the {place} of district {i}.")
    return folder


def index_in_another_process(folder: Path, index_dir: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "index", str(folder),
                           "--index", str(index_dir)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_a_running_assistant_follows_an_index_rebuilt_by_another_process(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    server = Assistant(folder, tmp_path / "index")
    server.index()
    assert "red3" in server.ask("What is the secret colour of vault 3?").text  # Chroma open

    vault_corpus(folder, "blue", "old town")  # every fact changes, then another process indexes
    index_in_another_process(folder, tmp_path / "index")
    for i in range(VAULTS):
        query = f"Which colour is vault {i} secretly?"
        passages = server.hybrid.search(query, server.embedder.embed_query(query))
        assert any(p.metadata["dense"] is not None for p in passages)  # dense search sees it
        answer = server.ask(query)
        assert answer.found and f"blue{i}" in answer.text, answer
        assert answer.citations[0].source == f"vault{i}.txt"
    again = server.index()  # and the server's own re-index has nothing left to do
    assert (again.added, again.updated, again.deleted, again.skipped) == (0, 0, 0, VAULTS)


@pytest.mark.parametrize("damage", ["folder removed", "database emptied"])
def test_lost_chroma_files_are_refused_by_readers_and_rebuilt_by_the_indexer(tmp_path, damage):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    index_in_another_process(folder, tmp_path / "index")
    chroma = tmp_path / "index" / "chroma"
    if damage == "folder removed":
        shutil.rmtree(chroma)
    else:
        (chroma / "chroma.sqlite3").write_bytes(b"")
    bot = Assistant(folder, tmp_path / "index")
    with pytest.raises(IndexDamagedError, match="run `assistant index` to rebuild it"):
        bot.ask("What is the secret colour of vault 3?")
    report = bot.index()
    assert any("damaged" in n for n in report.notes), report.notes
    assert report.added == VAULTS and bot.store.count() == VAULTS
    assert "red3" in bot.ask("What is the secret colour of vault 3?").text


def test_chunks_missing_from_chroma_are_embedded_again_and_only_they(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    bot = Assistant(folder, tmp_path / "index")
    bot.index()
    lost = bot.store.vectorstore().get(where={"source": "vault3.txt"})["ids"]
    bot.store.vectorstore().delete(ids=lost)  # as if its vectors had been lost
    report = bot.index()
    assert any(f"{len(lost)} chunks recorded as indexed were missing" in n for n in report.notes)
    assert (report.added + report.updated, report.skipped) == (len(lost), VAULTS - len(lost))
    assert "red3" in bot.ask("What is the secret colour of vault 3?").text


def test_unreadable_records_are_rebuilt_from_chroma_without_embedding(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    index_in_another_process(folder, tmp_path / "index")
    (tmp_path / "index" / "records.sqlite").write_bytes(os.urandom(4096))
    report = Assistant(folder, tmp_path / "index").index()
    assert any("records.sqlite) was unreadable" in n for n in report.notes), report.notes
    assert (report.added, report.updated, report.skipped) == (0, 0, VAULTS)


def test_a_cut_keyword_index_is_rebuilt_from_chroma(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    index_in_another_process(folder, tmp_path / "index")
    chunks = tmp_path / "index" / "keyword" / "chunks.jsonl"
    lines = chunks.read_text().splitlines(keepends=True)
    chunks.write_text("".join(lines[: len(lines) // 2]))
    bot = Assistant(folder, tmp_path / "index")
    assert "red7" in bot.ask("What is the secret colour of vault 7?").text
    assert len(bot.store.keyword_index().ids) == VAULTS
    assert len(chunks.read_text().splitlines()) == VAULTS  # saved whole again


def test_an_unreadable_manifest_is_a_clear_error_then_a_rebuild(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    index_in_another_process(folder, tmp_path / "index")
    (tmp_path / "index" / "manifest.json").write_text("[]")
    bot = Assistant(folder, tmp_path / "index")
    with pytest.raises(IndexMismatchError, match="manifest.json is unreadable"):
        bot.ask("What is the secret colour of vault 3?")
    assert any("unreadable" in n for n in bot.index().notes)
    assert "red3" in bot.ask("What is the secret colour of vault 3?").text


def test_an_index_path_that_is_a_file_is_a_clear_error(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    (tmp_path / "index").write_text("not a folder")
    bot = Assistant(folder, tmp_path / "index")
    for action in (bot.index, lambda: bot.ask("What colour is vault 1?")):
        with pytest.raises(IndexStateError, match="is a file, not a folder"):
            action()


def test_answers_from_a_half_built_index_say_so(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    bot = Assistant(folder, tmp_path / "index")
    bot.index()
    assert bot.ask("What is the secret colour of vault 3?").warning == ""
    manifest = json.loads(bot.store.manifest_path.read_text())
    bot.store.manifest_path.write_text(json.dumps({**manifest, "state": "building"}))
    answer = bot.ask("What is the secret colour of vault 3?")
    assert "red3" in answer.text and "did not finish" in answer.warning
    holder = subprocess.Popen(  # another process holding the write lock: an indexer at work
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
         str(bot.store.dir / ".lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert "being updated by another process" in bot.ask("What colour is vault 3?").warning
    finally:
        holder.kill()
        holder.wait()



def test_re_indexing_after_another_process_wrote_starts_from_what_is_on_disk(tmp_path):
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    server = Assistant(folder, tmp_path / "index")
    server.index()
    assert "red3" in server.ask("What is the secret colour of vault 3?").text  # Chroma open
    vault_corpus(folder, "blue", "old town")
    index_in_another_process(folder, tmp_path / "index")
    report = server.index()  # the page's Re-index, with no question asked in between
    assert (report.added, report.updated, report.deleted, report.skipped) == (0, 0, 0, VAULTS)
    keyword = json.loads((tmp_path / "index" / "keyword" / "chunks.jsonl").read_text()
                         .splitlines()[0])
    assert "blue" in keyword["text"]  # the saved keyword index holds the new chunks
    for bot in (server, Assistant(folder, tmp_path / "index")):  # and a fresh reader agrees
        query = "Which colour is vault 3 secretly?"
        passages = bot.hybrid.search(query, bot.embedder.embed_query(query))
        assert any(p.metadata["dense"] is not None for p in passages)
        assert "blue3" in bot.ask(query).text


def test_a_run_that_would_change_nothing_leaves_the_index_as_it_was(tmp_path):
    """A no-change run in a new process stops before loading LangChain's indexing: the
    manifest keeps its generation. Touching a file is no change; new bytes are; so is a
    damaged record file, which the full run then rebuilds."""
    folder = vault_corpus(tmp_path / "docs", "red", "harbour")
    index = tmp_path / "index"
    index_in_another_process(folder, index)

    def generation() -> str:
        return json.loads((index / "manifest.json").read_text())["generation"]

    first = generation()
    again = index_in_another_process(folder, index)
    assert f"skipped {VAULTS}, deleted 0" in again.stdout and generation() == first
    os.utime(folder / "vault3.txt")  # a new time, the same bytes
    index_in_another_process(folder, index)
    assert generation() == first
    (index / "records.sqlite").write_bytes(os.urandom(4096))
    repaired = index_in_another_process(folder, index)
    assert "records.sqlite) was unreadable" in repaired.stderr and generation() != first
    second = generation()
    (folder / "vault3.txt").write_text("The secret colour of vault 3 is teal.")
    changed = index_in_another_process(folder, index)
    added, updated = map(int, re.search(r"added (\d+), updated (\d+)", changed.stdout).groups())
    assert added + updated >= 1
    assert generation() != second
    assert "teal" in Assistant(folder, index).ask("What is the secret colour of vault 3?").text
