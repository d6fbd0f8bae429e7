"""The embedder: the packaged model, its window and vocabulary read without its weights, and
progress reported batch by batch."""

import math

import numpy as np

from assistant.embeddings import Embedder, Progressing

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
