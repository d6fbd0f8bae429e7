"""The health check, run in a child process on real Chroma files, and the searches that
child answers once the store passed."""

from types import SimpleNamespace

import chromadb
import pytest
from chromadb.config import Settings

from assistant import health
from assistant.health import Check


@pytest.fixture
def store(tmp_path):
    """A Chroma folder holding 12 chunks' vectors (no embedding model needed)."""
    folder = tmp_path / "chroma"
    client = chromadb.PersistentClient(path=str(folder),
                                       settings=Settings(anonymized_telemetry=False))
    collection = client.create_collection("chunks", embedding_function=None,
                                          metadata={"hnsw:space": "cosine"})
    vectors = [[float(i == j) + 0.01 * ((i + 3 * j) % 7 + 1) for j in range(8)] for i in range(12)]
    collection.add(ids=[f"c{i}" for i in range(12)], embeddings=vectors,
                   documents=[f"chunk {i}" for i in range(12)],
                   metadatas=[{"source": f"doc{i % 3}.txt", "chunk": i} for i in range(12)])
    return folder


def test_a_whole_store_passes_and_a_wrong_count_is_named(store):
    assert Check(store, "chunks", 12).problem() is None
    assert Check(store, "chunks", None).problem() is None
    assert Check(store, "chunks", 13).problem() == (
        "it holds 12 chunks where the manifest records 13")


def test_missing_files_and_collections_are_named(store, tmp_path):
    assert Check(store, "others", None).problem() == "its collection 'others' is missing"
    assert Check(tmp_path / "nowhere", "chunks", None).problem() == (
        "its chroma.sqlite3 is missing")
    (store / "chroma.sqlite3").write_bytes(b"garbage" * 100)
    problem = Check(store, "chunks", None).problem()
    assert problem and "file is not a database" in problem, problem


def test_a_passed_check_searches_as_this_process_would(store):
    check = Check(store, "chunks", 12)
    assert check.problem() is None
    client = chromadb.PersistentClient(path=str(store),
                                       settings=Settings(anonymized_telemetry=False))
    collection = client.get_collection("chunks", embedding_function=None)
    query = [0.9, 0.1] + [0.0] * 6
    got = check.search(query, 5, None)
    assert got == health.search(collection, query, 5, None)
    assert got["ids"][0] == "c0" and got["documents"][0] == "chunk 0" and len(got["ids"]) == 5
    assert check.search(query, 0, None) == {f: [] for f in health.FIELDS}
    for where, sources in (({"source": "doc1.txt"}, {"doc1.txt"}),
                           ({"source": {"$in": ["doc1.txt", "doc2.txt"]}},
                            {"doc1.txt", "doc2.txt"})):
        got = check.search(query, 3, where)
        assert got == health.search(collection, query, 3, where)
        assert {m["source"] for m in got["metadatas"]} <= sources and len(got["ids"]) == 3
    check.close()
    assert check.search(query, 5, None) is None  # the caller then opens the store itself


def test_a_check_started_early_is_the_one_handed_over(store):
    index = store.parent
    health.start_early(index, SimpleNamespace(complete=True, chunks=12))
    early = health.start(store, "chunks", 12)
    assert health.start(store, "chunks", 12) is not early  # handed over once
    assert early.problem() is None
    health.start_early(index, None)  # no manifest: nothing to check
    assert health._EARLY == {}


def test_the_child_reads_through_the_bindings_or_the_client_alike(store, monkeypatch):
    """The child reads through chromadb's Rust bindings, and through the Python client where the
    bindings are not the ones it was written for: both give the same answers."""
    names, open_rust = health._open(str(store))
    rust = open_rust("chunks")
    assert isinstance(rust, health._Rust) and names == {"chunks"}
    monkeypatch.setitem(__import__("sys").modules, "chromadb_rust_bindings", None)
    names, open_client = health._open(str(store))
    client = open_client("chunks")
    assert not isinstance(client, health._Rust) and names == {"chunks"}
    query = [0.1, 0.9] + [0.0] * 6
    for where in (None, {"source": "doc0.txt"}):
        assert health.search(rust, query, 4, where) == health.search(client, query, 4, where)
    assert rust.count() == client.count() == 12
    assert rust.get(limit=1, offset=5, include=["embeddings"])["ids"] == (
        client.get(limit=1, offset=5, include=["embeddings"])["ids"])
