"""Offline document Q&A: ask questions about a folder of documents, get answers that quote
and cite them.

    >>> from assistant import Assistant
    >>> bot = Assistant("corpus", "index")
    >>> bot.index()
    >>> bot.ask("How large is the Oppama plant?").text
"""

import os

# Offline and quiet before any model or web library is imported: a stray model-hub name then
# fails at once instead of reaching for the network.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",  # llama.cpp threads must not spin (see llm.py)
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}.items():
    os.environ.setdefault(_key, _value)

from typing import TYPE_CHECKING  # noqa: E402

from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    AssistantError,
    ConfigurationError,
    CorpusError,
    DiskFullError,
    DocumentError,
    IndexDamagedError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotBuiltError,
    IndexStateError,
    IndexUnavailableError,
    QuestionError,
)
from .schema import Answer, Citation, IndexReport  # noqa: E402

if TYPE_CHECKING:
    from .api import Assistant
    from .documents import SUPPORTED_SUFFIXES
    from .evidence import Evidence

# Imported on first use: the answering modules take half a second to import, and a one-shot
# `assistant ask` starts its index check before it pays for them.
_LAZY = {"Assistant": ".api", "Evidence": ".evidence", "SUPPORTED_SUFFIXES": ".documents"}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "ConfigurationError",
    "CorpusError",
    "DiskFullError",
    "DocumentError",
    "Evidence",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexNotBuiltError",
    "IndexReport",
    "IndexStateError",
    "IndexUnavailableError",
    "QuestionError",
    "SUPPORTED_SUFFIXES",
    "Settings",
]
