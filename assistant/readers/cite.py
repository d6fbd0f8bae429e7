"""Citations checked in code: which passage, if any, holds what a generated sentence says.

Small models cite badly: they leave markers out, point at the wrong passage, or state a number
no passage holds. So the model's own `[n]` is only a tie-breaker; a sentence is supported by a
passage when

- every number it states is in the passage (3,900 and 3900 are one number; so are 40% and 40),
- every name it states is there (a capitalised word; the sentence's first word only when the
  passages write it capitalised mid-sentence),
- most of its content words are there, and most of those it adds to the question's words.

A sentence may combine two passages the caller marks as pieces of one text (consecutive chunks,
which the prompt shows as one passage): then each number and name must be in one of them, and the
content words in their union. Words are compared after the keyword tokenizer's normalisation
and, for longer words, by a crude stem ("closing", "closed" and "closure" meet).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from .. import tuned
from ..text import STOPWORDS, markers, normalize_token, sentences, tokenize

# Words that frame an answer rather than state it ("According to the passage, ...").
FRAMING = frozenset(tokenize(
    "according passage passages document documents text context provided mention mentioned "
    "mentions state stated states say says said answer question information based given "
    "indicate indicates indicated note noted"))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve"))}
_CAPITAL = re.compile(r"\b[A-Z][\w'’-]*")


@dataclass(frozen=True)
class Support:
    """The passages (indices into the list given) that hold one sentence, best first, and in
    each the span (passage coordinates) of the sentence that overlaps the claim most."""

    passages: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    coverage: float  # share of the sentence's content words found


@dataclass(frozen=True)
class _Facts:
    numbers: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]


def numbers(text: str) -> set[str]:
    """Numbers as digits, thousands separators and a trailing .0 dropped."""
    out = set()
    for m in _NUMBER.finditer(text):
        n = m.group().rstrip(".,").replace(",", "")
        out.add(n[:-2] if n.endswith(".0") else n)
    return out


_SUFFIX = re.compile(r"(?:ations?|ings?|ions?|ures?|ments?|ed|ers?|ly|es)$")


def _stem(token: str) -> str:
    """A crude stem: "closed", "closing" and "closure" all become "clos"."""
    if token[0].isdigit() or len(token) <= 4:
        return token
    cut = _SUFFIX.sub("", token)
    return (cut if len(cut) >= 4 else token)[:5]


def _singular(word: str) -> str:
    return word[:-1] if re.fullmatch(r"[A-Z]{2,}s", word) else word  # EVs -> EV


def _spelled(text: str, *, skip: frozenset[str] = frozenset()) -> set[str]:
    """Number words as digits: "three" -> "3"."""
    return {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower())
            if w in _NUMBER_WORDS and w not in skip}


def facts(sentence: str, context: str = "") -> _Facts:
    """What a sentence states. Its first word is a name only when `context` (the passages)
    writes it capitalised inside a sentence: "Newton was 39", not "Closing the plant …"."""
    spelled = _spelled(sentence, skip=frozenset({"one"}))  # "one of the …" is rarely a count
    first = re.match(r"\W*([\w'’-]+)", sentence)
    skip = first.end() if first else 0
    names = {normalize_token(_singular(m.group())) for m in _CAPITAL.finditer(sentence, skip)
             if m.group().lower() not in STOPWORDS}
    if first and _named_within(first.group(1), context):
        names.add(normalize_token(_singular(first.group(1))))
    words = {_stem(t) for t in tokenize(sentence) if not t[0].isdigit() and t not in FRAMING}
    return _Facts(frozenset(numbers(sentence) | spelled), frozenset(_stem(n) for n in names),
                  frozenset(words))


def _named_within(word: str, context: str) -> bool:
    return (word[:1].isupper() and word.lower() not in STOPWORDS
            and re.search(rf"[^.!?\s]\s+{re.escape(word)}\b", context) is not None)


def _passage_facts(text: str) -> _Facts:
    spelled = _spelled(text)
    tokens = tokenize(text, keep_stopwords=True)
    words = frozenset(_stem(t) for t in tokens if t not in STOPWORDS)
    # "EV" or "EVs" names "electric vehicles": initials of two to five words in a row.
    initials = "".join(t[0] for t in tokens)
    acronyms = frozenset(initials[i : i + n] for n in range(2, 6)
                         for i in range(len(initials) - n + 1))
    return _Facts(frozenset(numbers(text) | spelled), words | acronyms, words)


def support(sentence: str, passages: Sequence[str], question: str = "",
            hint: Sequence[int] = (), together: Sequence[int] | None = None) -> Support | None:
    """The passages that hold what `sentence` states, or None when none do (or when it states
    nothing checkable, like "Sure!"). `hint`: the 0-based passages the model cited.
    `together`: a key per passage; two passages may support one sentence only when their keys
    are equal (pieces of one text). Joining distant passages lets a sentence pin one
    passage's date on another's event ("founded the Big Ten, which it joined in 1900")."""
    claim = facts(markers(sentence)[0], context="\n".join(passages))
    if not claim.words and not claim.numbers and not claim.names:
        return None
    asked = {_stem(t) for t in tokenize(question)}
    held = [_passage_facts(p) for p in passages]
    alone = [_score(claim, [h], asked) for h in held]
    scored = [((i,), score) for i, score in enumerate(alone) if score is not None]
    # Two passages together only for what neither holds alone.
    for i, j in combinations(range(len(held)), 2):
        if together is not None and together[i] != together[j]:
            continue
        if alone[i] is None and alone[j] is None:
            score = _score(claim, [held[i], held[j]], asked)
            if score is not None:
                scored.append(((i, j), score))
    if not scored:
        return None
    # Prefer one passage over two, then coverage, then the passages the model named.
    group, score = max(scored, key=lambda gs: gs[1] - tuned.CITE_TWO_PASSAGES * (len(gs[0]) - 1)
                       + 0.01 * sum(i in hint for i in gs[0]))
    return Support(passages=group, spans=tuple(_closest(passages[i], claim) for i in group),
                   coverage=round(score, 3))


def _score(claim: _Facts, held: list[_Facts], asked: set[str]) -> float | None:
    """Share of the claim's words the passages hold, or None when they do not support it."""
    if not all(any(n in h.numbers for h in held) for n in claim.numbers):
        return None
    if not all(any(n in h.names for h in held) for n in claim.names):
        return None
    if not claim.words:
        return 1.0
    words = set().union(*(h.words for h in held))
    share = len(claim.words & words) / len(claim.words)
    new = claim.words - asked
    new_share = len(new & words) / len(new) if new else 1.0
    if share < tuned.CITE_MIN_WORDS or new_share < tuned.CITE_MIN_NEW_WORDS:
        return None
    return share


def _closest(passage: str, claim: _Facts) -> tuple[int, int]:
    """The sentence of the passage sharing most of the claim's words and numbers."""
    def overlap(span: tuple[int, int]) -> int:
        held = _passage_facts(passage[span[0]:span[1]])
        return (len(claim.words & held.words) + 2 * len(claim.numbers & held.numbers)
                + len(claim.names & held.names))

    spans = sentences(passage) or [(0, len(passage))]
    return max(spans, key=overlap)
