"""Which writing system a text is in, as far as the embedding model cares. The bundled model,
all-MiniLM-L6-v2, was trained on English: with documents in Cyrillic or Han script its vectors
place a same-language question far from the sentence that answers it, and the answer is
declined though it is there. So indexing names such documents once, and a declined question
in such a script says why, instead of leaving the user to guess.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode names the first word of a letter's name after its script; these name one script.
_SAME = {"CJK": "Han", "HIRAGANA": "Japanese kana", "KATAKANA": "Japanese kana",
         "HANGUL": "Hangul"}
_SAMPLE = 20_000  # characters looked at: a document's script shows in its first pages


def foreign(text: str) -> str | None:
    """The script most of the text's letters are in, when that is not Latin (e.g. "Cyrillic",
    "Han"); None for Latin-script text or text with too few letters to tell."""
    scripts: Counter[str] = Counter()
    for ch in text[:_SAMPLE]:
        if ch.isalpha():
            word = unicodedata.name(ch, "UNKNOWN").split()[0]
            scripts[_SAME.get(word, word.title())] += 1
    total = sum(scripts.values())
    if total < 3 or scripts["Latin"] * 2 >= total:
        return None
    return max((n, s) for s, n in scripts.items() if s != "Latin")[1]
