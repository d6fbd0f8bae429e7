"""The answer model: a cross-encoder that reads (question, candidate sentence) and says how
likely the sentence answers the question, trained here (`python -m bench.train_reader`, card in
assistant/models/reader/CARD.md).

A bi-encoder's cosine says what a sentence is about; this model reads the question and the
sentence together, so "How old is the Zorblaxian monastery?" against "The Mivelka monastery is
6827 years old" can score low although the two are about the same thing.

It runs on ONNX Runtime with the `tokenizers` library: loading it imports no torch.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "models" / "reader"
# word pieces read per pair: the question, the sentence, its document's title and the
# sentence before it (which "it" or "they" may name)
MAX_TOKENS = 160


@dataclass(frozen=True)
class Pair:
    """One (question, candidate) as the model reads it, in training and in use alike."""

    question: str
    sentence: str
    before: str = ""  # the sentence before it
    title: str = ""  # its document's title

    def second(self) -> str:
        """The candidate side: the sentence, then what it is read with."""
        context = " ".join(f"{self.title}: {self.before}".split()).strip(": ")
        return f"{' '.join(self.sentence.split())} [SEP] {context}"


class AnswerModel:
    """Scores pairs with the shipped ONNX model. Thread-safe; loaded on first use."""

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._inputs: frozenset[str] = frozenset()  # what the exported graph takes

    @staticmethod
    def available(folder: Path = MODEL_DIR) -> bool:
        return (folder / "model.onnx").is_file() and (folder / "tokenizer.json").is_file()

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
        tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.log_severity_level = 3
        session = ort.InferenceSession(str(self.folder / "model.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer
        self._inputs = frozenset(i.name for i in session.get_inputs())
        self._session = session  # last: another thread takes a session as the sign it is ready

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        """The probability that each pair's sentence answers its question, 0..1."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        with self._lock:
            if self._session is None:
                self._load()
        encoded = self._tokenizer.encode_batch([(p.question, p.second()) for p in pairs])
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        logits = self._session.run(None, {k: v for k, v in feed.items()
                                          if k in self._inputs})[0]
        return 1.0 / (1.0 + np.exp(-logits.reshape(-1)))
