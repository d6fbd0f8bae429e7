"""The manifest: read and written in one place, in the format earlier versions wrote."""

import json

from assistant import manifest
from assistant.manifest import DocumentRecord, Identity, Manifest

IDENTITY = Identity("all-MiniLM-L6-v2", 384, {"splitter": "sentences-v5", "chunk_tokens": 64,
                                              "overlap_sentences": 0})


def test_written_then_read_back_under_a_new_generation_each_time(tmp_path):
    path = tmp_path / "manifest.json"
    docs = {"a.txt": DocumentRecord(title="A", sha256="ab", chunks=3, indexed_at="now")}
    first = manifest.write(path, Manifest(IDENTITY, "complete", chunks=3, documents=docs))
    second = manifest.write(path, first)
    assert first.generation and second.generation != first.generation
    assert manifest.read(path) == second
    raw = json.loads(path.read_text())  # the keys earlier versions wrote and read
    assert raw["embedding_model"] == "all-MiniLM-L6-v2" and raw["schema_version"] == 1
    assert raw["documents"]["a.txt"] == {"title": "A", "sha256": "ab", "chunks": 3,
                                         "indexed_at": "now"}


def test_a_manifest_from_before_generations_is_told_apart_by_its_build_time(tmp_path):
    path = tmp_path / "manifest.json"
    old = {"schema_version": 1, "embedding_model": "m", "dimension": 3, "splitter": {},
           "state": "complete", "built_at": "2026-11-01T10:00:00+00:00", "chunks": 0,
           "documents": {}}
    path.write_text(json.dumps(old))
    read = manifest.read(path)
    assert read.generation == old["built_at"] and read.complete


def test_missing_is_none_and_garbage_is_unreadable(tmp_path):
    path = tmp_path / "manifest.json"
    assert manifest.read(path) is None
    for garbage in ("{not json", "[1, 2]", '{"documents": {"a": 3}}', '{"state": "odd"}'):
        path.write_text(garbage)
        assert manifest.read(path).state == "unreadable", garbage


def test_an_identity_says_what_differs():
    other = Identity("other-model", 384, IDENTITY.splitter)
    assert IDENTITY.differs(IDENTITY) is None
    assert IDENTITY.differs(other) == ("it was built with embedding_model 'other-model', the "
                                       "settings now give 'all-MiniLM-L6-v2'")
