"""The quoting reader: the best sentences of the evidence, quoted and cited. It needs no
language model, every word of its answer is in the documents, and every citation points at
the exact sentences quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .. import tuned
from ..evidence import Evidence, adjacent
from ..kinds import asks_default, expected_type, gives_default, type_bonus
from ..rank import SECTION_KINDS, Candidate, is_term
from ..schema import Answer
from ..text import document_names
from .base import Reader, in_pieces, passage_citation


class QuoteReader(Reader):
    name = "extractive"

    def __init__(self, *, max_sentences: int = tuned.MAX_ANSWER_SENTENCES,
                 nearby_only: bool = False, second: float = tuned.SECOND,
                 second_far: float = tuned.SECOND_FAR,
                 second_two_asks: float = tuned.SECOND_TWO_ASKS) -> None:
        self.max_sentences = max_sentences
        # keep a second sentence to the best one's stretch of text (the language model's
        # reader quotes so in its place: a far second sentence was where its citations missed)
        self.nearby_only = nearby_only
        self.second = second  # a second sentence is quoted when it scores this share of the best
        self.second_far = second_far  # ... this share when it is not near the best
        self.second_two_asks = second_two_asks  # ... this share when the question asks two things

    def stream(self, evidence: Evidence) -> Iterator[str | Answer]:
        yield from in_pieces(self.answer(evidence))

    def answer(self, evidence: Evidence, reason: str = "") -> Answer:
        """The best sentences quoted and cited, or not found when the evidence is too weak.

        A second sentence comes only from the best one's document, and it must add a question
        word the first lacks that is not just the document's name ("Foxconn" in the
        Nissan-Foxconn article). It must score `second` of the best (`second_two_asks` when
        the question asks two things: the best answers one of them); beyond the best one's
        stretch of text (its passage, or a chunk at most two away; small chunks cut a paragraph
        in three or four) `second_far`, unless it holds the kind of thing asked for
        that the others lack (the date, for "When did Luther die?"); a number, share, price or
        version asked for that the best lacks comes from the first sentence near it that holds
        one, however it scores. A sentence that goes on
        with a definition comes after its first, which names the term ("-w, --wading — …"), and
        never with another term's."""
        ranked, passages = evidence.ranked, evidence.passages
        if not ranked or not evidence.found:
            return self.not_found(evidence, reason)
        best = ranked[0]
        term = _definition_of(best, evidence)
        chosen = [best] if term is None else [term, best]  # "-w, --wading — …" names "this option"
        follows = _what_follows(best, evidence) if (
            best.lone or best.text.rstrip().endswith(":")) else _commented(best, evidence)
        room = self.max_sentences + (term is not None)  # the term takes no one's place
        named = document_names(passages[best.passage].metadata)  # every second one's, too
        if follows is not None:  # "…, run:" is answered by the command that follows it, a
            # title ("1. Automatic installer (Recommended)") by the text under it
            chosen.append(follows)
            room += best.lone  # a title takes no one's place
        elif asks_default(evidence.asked) and not gives_default(best.text):
            # "… out of the box?" answered by an entry's term: its default, however it scores
            value = _default_of(best, evidence)
            if value is not None:
                chosen.append(value)
        second = self.second_two_asks if _TWO_ASKS.search(evidence.asked) else self.second
        # a number asked for that no quoted sentence holds: a sentence near the best that holds
        # one is quoted however it scores ("How much of its capacity …?" after the answer model
        # put the plant's description first)
        wanting = expected_type(evidence.asked) in tuned.STRICT_KINDS
        for cand in ranked[1:]:
            if len(chosen) >= room:
                break
            near = adjacent(passages, cand.passage, best.passage, reach=tuned.SECOND_NEAR)
            # what the others lack: the kind of thing asked for, or a question word that is
            # not just the document's name
            lacking = not any(c.typed for c in chosen)
            supplies = cand.typed and lacking
            if cand.score < second * best.score:
                if not (wanting and lacking):
                    break
                if supplies and near and cand.source == best.source and cand not in chosen \
                        and not _defines_another(cand, best):
                    chosen.append(cand)
                continue  # a later one may hold the number
            if cand in chosen or cand.source != best.source or _defines_another(cand, best) \
                    or not near and (self.nearby_only or cand.score < self.second_far * best.score
                                     and not supplies):
                continue
            said = set().union(*(c.terms for c in chosen))
            if supplies or cand.terms - said - named:
                chosen.append(cand)  # it adds a question term the others lack
        answer = _compose(evidence, chosen, self.name, _heading_needed(best, chosen, evidence))
        return replace(answer, reason=reason) if reason else answer


# a question that asks two things: "How big is the plant and what share of it is used?"
_TWO_ASKS = re.compile(r"\w\W+(?:and|or) (?:what|how|why|which|who|whom|where|when)\b",
                       re.IGNORECASE)


def _entry_term(cand: Candidate) -> str | None:
    """The sentence naming the term of the definition `cand` belongs to (itself, or the one it
    is read with), or None when it is no definition's."""
    return cand.text if is_term(cand.text) else cand.before if is_term(cand.before) else None


def _defines_another(cand: Candidate, best: Candidate) -> bool:
    """Whether the best sentence is part of a definition and `cand` goes on with another
    term's: "When unspecified defaults to /var/lib/systemd/home/." belongs to the entry after
    "$SYSTEMD_HOME_ROOT – defines …", and quoted with it would say what that one's default is."""
    return (_entry_term(best) is not None and is_term(cand.before)
            and cand.before not in (best.text, best.before))


def _default_of(best: Candidate, evidence: Evidence) -> Candidate | None:
    """The first sentence of the best one's definition that says what its default is ("Defaults
    to 5, accepts positive integers." in the entry of "$SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST —
    can be set to override …"), or None."""
    term = _entry_term(best)
    if term is None:
        return None
    values = [c for c in evidence.ranked if c.source == best.source and c.before == term
              and c is not best and gives_default(c.text)]
    return min(values, key=lambda c: c.start) if values else None


def _definition_of(cand: Candidate, evidence: Evidence) -> Candidate | None:
    """The first sentence of the definition `cand` goes on with ("Egrets are counted as herons
    when this option is given." after "'-w', '--wading' — Count wading birds too."), when the
    same passage holds it in the same paragraph; None otherwise."""
    if is_term(cand.text):
        return None
    doc = evidence.passages[cand.passage]
    base = int(doc.metadata["start"])
    text = doc.page_content
    first = None
    for c in sorted((c for c in evidence.ranked if c.passage == cand.passage
                     and c.end <= cand.start), key=lambda c: -c.start):
        if "\n" in text[c.end - base:(first or cand).start - base]:
            break
        first = c
    return first if first is not None and is_term(first.text) else None


def _what_follows(cand: Candidate, evidence: Evidence) -> Candidate | None:
    """The sentence right after `cand` in its document, if a retrieved passage holds it."""
    later = [c for c in evidence.ranked if c.source == cand.source and c.start >= cand.end
             and adjacent(evidence.passages, c.passage, cand.passage)]
    return min(later, key=lambda c: c.start) if later else None


# a comment line of a configuration file or a script: "# The login shell for new users."
_COMMENT = re.compile(r"^(?:#|//|;)\s")
# the marker of a comment's next line, inside a sentence wrapped over several ("… in the\n# code.")
_WRAPPED_COMMENT = re.compile(r"\n[ \t]*#[ \t]")


def _commented(cand: Candidate, evidence: Evidence) -> Candidate | None:
    """The line right after a comment, in its block: the setting it describes or its default
    ("# The login shell for new users." over "DSHELL=/bin/bash"); None if `cand` is no
    comment or its block ends with it."""
    if not _COMMENT.match(cand.text):
        return None
    after = _what_follows(cand, evidence)
    if after is None or after.passage != cand.passage:
        return None
    doc = evidence.passages[cand.passage]
    base = int(doc.metadata["start"])
    between = doc.page_content[cand.end - base:after.start - base]
    return after if between.count("\n") == 1 and not between.strip() else None


def _heading_needed(best: Candidate, chosen: list[Candidate], evidence: Evidence) -> str:
    """The heading the best sentence stands under, when it holds the version or date asked
    for and no quoted sentence does ("Which release added ensure_str?" is answered by "1.12.0"
    over "- Pull request #204: Add six.ensure_binary, … and six.ensure_str."); else ""."""
    kind = expected_type(evidence.asked)
    if kind not in SECTION_KINDS or not best.section or any(
            type_bonus(kind, c.text, evidence.asked) for c in chosen):
        return ""
    return best.section if type_bonus(kind, best.section, evidence.asked) else ""


def _compose(evidence: Evidence, chosen: list[Candidate], reader: str,
             heading: str = "") -> Answer:
    numbers: dict[int, int] = {}  # passage -> citation number, in order of first quote
    for cand in chosen:
        numbers.setdefault(cand.passage, len(numbers) + 1)
    # Quote in reading order: by citation, then by position in the document.
    chosen = sorted(chosen, key=lambda c: (numbers[c.passage], c.start))
    parts = [f"{' '.join(_WRAPPED_COMMENT.sub(' ', c.text).split())} [{numbers[c.passage]}]"
             for c in chosen]
    if heading:
        parts[0] = f"Under “{heading}”: {parts[0]}"
    citations = []
    for p, n in sorted(numbers.items(), key=lambda item: item[1]):
        quoted = [c for c in chosen if c.passage == p]
        citations.append(passage_citation(evidence.passages[p], n,
                                          min(c.start for c in quoted),
                                          max(c.end for c in quoted)))
    return Answer(text=" ".join(parts), citations=citations, found=True,
                  question=evidence.question, query=evidence.query, reader=reader,
                  evidence=round(evidence.confidence, 4), warning=evidence.warning)
