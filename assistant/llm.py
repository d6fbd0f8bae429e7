"""Language models for the generative reader, all behind LangChain's chat model interface.

Two back ends, one protocol. A GGUF file runs inside this process through llama.cpp
(`xllamacpp`, the `llm` extra), whose server speaks the OpenAI chat protocol on a loopback port
guarded by a random key; any OpenAI-compatible endpoint (Ollama, vLLM, a llama.cpp server) is
reached by URL and model name. Both are driven by langchain-openai's `ChatOpenAI`, so the
prompt, streaming and error handling are one code path, tested against both.

`xllamacpp`'s API has changed between versions: everything that touches it is in `LocalModel`.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from .config import ModelSettings
from .errors import ConfigurationError

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct (Q4_K_M)"


def model_dir() -> Path:
    """Where `assistant fetch-model` puts the local model: `ASSISTANT_MODEL_DIR`, else the
    user's cache folder (outside the checkout, so a fresh clone or `git clean` keeps it)."""
    if os.environ.get("ASSISTANT_MODEL_DIR"):
        return Path(os.environ["ASSISTANT_MODEL_DIR"]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "doc-assistant" / "models"


def model_path(settings: ModelSettings) -> Path:
    """The GGUF file the local back end loads: `llm_model`, else the fetched default."""
    return Path(settings.model).expanduser() if settings.model else model_dir() / MODEL_FILE


def runtime_installed() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


def llm_available(settings: ModelSettings) -> bool:
    """An endpoint is configured, or the local model and its runtime are installed."""
    return bool(settings.url) or (runtime_installed() and model_path(settings).is_file())


def describe(settings: ModelSettings) -> str:
    """What answers when the LLM reader does, for the page and the logs."""
    if settings.url:
        return f"{settings.name or 'model'} at {settings.url}"
    if settings.model:
        return Path(settings.model).name
    return MODEL_NAME


PROMPT_CACHE_MIB = 256  # RAM for llama.cpp's cache of earlier prompts (~14 MB per 500 tokens)


class LocalModel:
    """A GGUF model loaded by llama.cpp in this process, served on 127.0.0.1 with a random key.

    Loading takes seconds and a gigabyte, so each (file, context, threads) is loaded once per
    process and shared: several `Assistant`s (the tests, the page) use the same one.
    """

    _loaded: dict[tuple[str, int, int], LocalModel] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path, n_ctx: int, threads: int) -> None:
        # Busy-waiting OpenMP threads slow generation ten-fold on a loaded machine; this must
        # be set before the runtime is loaded (the package sets it on import as well).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # any free port
        self.api_key = secrets.token_hex(16)  # other local users cannot borrow the model
        params.api_keys = [self.api_key]
        params.verbosity = -1
        # llama.cpp keeps past prompts' KV state in RAM, 8 GiB by default: over a few hundred
        # questions that grew this process to 4.3 GB. A follow-up reuses its slot's own cache.
        params.cache_ram_mib = PROMPT_CACHE_MIB
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the runtime raises plain RuntimeErrors
            raise ConfigurationError(
                f"could not load the language model {path}: {exc}; run `make model` to fetch "
                "it again, or set ASSISTANT_READER=extractive") from exc
        self.url = self._server.listening_address.rstrip("/") + "/v1"

    @classmethod
    def get(cls, path: Path, n_ctx: int, threads: int) -> LocalModel:
        key = (str(Path(path).resolve()), n_ctx, threads)
        with cls._guard:
            if key not in cls._loaded:
                cls._loaded[key] = cls(Path(path), n_ctx, threads)
            return cls._loaded[key]


def local_model(settings: ModelSettings) -> LocalModel:
    """The local model these settings name, loaded once per process: the one `chat_model`
    talks to, so a benchmark reading its server shares it instead of loading a second copy."""
    return LocalModel.get(model_path(settings), settings.context,
                          settings.threads or os.cpu_count() or 1)


def chat_model(settings: ModelSettings, *, max_tokens: int | None = None) -> Any:
    """The configured chat model (a LangChain `BaseChatModel`), loading the local one if needed.

    Raises `ConfigurationError`, saying what to install or set, when neither back end is
    available.
    """
    import httpx
    from langchain_openai import ChatOpenAI

    s = settings
    common: dict[str, Any] = dict(temperature=0.0, max_tokens=max_tokens or s.max_tokens,
                                  streaming=True, timeout=s.timeout)
    if s.url:
        return ChatOpenAI(base_url=s.url, model=s.name or "default",
                          api_key=s.api_key or "not-needed", max_retries=1, **common)
    path = model_path(s)
    if not runtime_installed():
        raise ConfigurationError(
            "the LLM reader needs the llama.cpp runtime: run `make model` (or "
            "`pip install -e '.[llm]'`), set ASSISTANT_LLM_URL to an OpenAI-compatible "
            "endpoint, or use --reader extractive")
    if not path.is_file():
        raise ConfigurationError(
            f"no language model at {path}: run `make model` to fetch it (1.1 GB, once), set "
            "ASSISTANT_LLM_MODEL to a GGUF file, or use --reader extractive")
    local = local_model(s)
    # Loopback only: a proxy from the environment must not see the model's traffic.
    return ChatOpenAI(base_url=local.url, model="local", api_key=local.api_key, max_retries=0,
                      http_client=httpx.Client(trust_env=False),
                      http_async_client=httpx.AsyncClient(trust_env=False), **common)
