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

from .api import Assistant  # noqa: E402
from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    AssistantError,
    ConfigurationError,
    CorpusError,
    DocumentError,
    IndexDamagedError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotBuiltError,
    IndexStateError,
    QuestionError,
)
from .evidence import Evidence  # noqa: E402
from .load import SUPPORTED_SUFFIXES  # noqa: E402
from .schema import Answer, Citation, IndexReport  # noqa: E402

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "ConfigurationError",
    "CorpusError",
    "DocumentError",
    "Evidence",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexNotBuiltError",
    "IndexReport",
    "IndexStateError",
    "QuestionError",
    "SUPPORTED_SUFFIXES",
    "Settings",
]
