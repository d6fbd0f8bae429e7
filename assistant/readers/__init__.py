"""Readers turn `Evidence` into an `Answer`; each implements `Reader.stream(evidence)`.

    QuoteReader    quotes the best sentences (no language model; the default)
    JudgedReader   quotes, a language model judging the answers the evidence is unsure of
    LLMReader      a language model's words, each sentence checked against its passage
"""

from .base import Reader
from .generate import LLMReader
from .judge import JudgedReader
from .quote import QuoteReader

__all__ = ["JudgedReader", "LLMReader", "QuoteReader", "Reader"]
