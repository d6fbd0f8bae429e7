"""The embedder: the packaged model served by ONNX Runtime, the same vectors as
sentence-transformers, its window and vocabulary read without its weights, and progress
reported batch by batch."""

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import ConfigurationError
from assistant.embeddings import GRAPH, Embedder, Progressing, default_model_path

EMBEDDER = Embedder(batch_size=4)


def test_what_the_manifest_needs_is_read_from_the_model_folder():
    assert EMBEDDER.name == "all-MiniLM-L6-v2"
    assert EMBEDDER.dimension == 384 and EMBEDDER.max_tokens == 256
    assert "plant" in EMBEDDER.vocabulary() and "pyenv" not in EMBEDDER.vocabulary()
    assert EMBEDDER.count_tokens(["Oppama plant", ""]) == [4, 0]


def test_vectors_are_normalized_and_a_query_is_embedded_as_a_text():
    texts = ["The plant covers 170 hectares.", "Foxconn builds electronics.",
             "The factory is large.", "Bees make honey.", "Rain fell in Kanagawa."]
    vectors = EMBEDDER.encode(texts)
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = np.asarray(EMBEDDER.embed_query(texts[0]))
    assert math.isclose(float(query @ vectors[0]), 1.0, abs_tol=1e-5)
    assert float(vectors[0] @ vectors[2]) > float(vectors[0] @ vectors[3])  # meaning, not words


def test_progress_is_reported_after_each_batch():
    done = []
    vectors = Progressing(EMBEDDER, done.append).embed_documents(["a b c"] * 10)
    assert done == [4, 4, 2] and len(vectors) == 10


def test_served_vectors_are_sentence_transformers_vectors_on_real_text():
    """ONNX Runtime serves the package's weights; sentence-transformers stays the reference."""
    from sentence_transformers import SentenceTransformer

    corpus = Path(__file__).resolve().parents[1] / "corpus" / "nissan-foxconn-ev-alliance.txt"
    texts = [p for p in corpus.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    texts += ["How large is the Oppama plant?", "é", "plant " * 400]  # the last is cut at 256
    reference = SentenceTransformer(default_model_path(), device="cpu").encode(
        texts, normalize_embeddings=True)
    served = EMBEDDER.encode(texts)
    assert served.shape == reference.shape
    assert float((served * reference).sum(axis=1).min()) > 0.99999
    assert np.abs(served - reference).max() < 1e-4


def test_another_model_is_a_folder_with_its_onnx_file(tmp_path: Path):
    import onnx

    folder = tmp_path / "model"
    folder.mkdir()
    graph = onnx.load(str(GRAPH), load_external_data=False)
    onnx.load_external_data_for_model(graph, default_model_path())  # weights into the file
    onnx.save(graph, str(folder / "model.onnx"))
    shutil.copy(Path(default_model_path()) / "tokenizer.json", folder)
    other = Embedder(str(folder))
    assert other.name == str(folder)
    texts = ["The plant covers 170 hectares.", "Bees make honey."]
    assert np.abs(other.encode(texts) - EMBEDDER.encode(texts)).max() < 1e-5


def test_a_model_folder_without_an_onnx_file_is_refused_with_what_to_do(tmp_path: Path):
    shutil.copy(Path(default_model_path()) / "tokenizer.json", tmp_path)
    with pytest.raises(ConfigurationError, match="holds no model.onnx: export it"):
        Embedder(str(tmp_path)).embed_query("anything")
