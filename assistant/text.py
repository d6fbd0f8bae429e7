"""Plain-text primitives shared by the splitter, the keyword index and the reader.

Sentences are returned as character spans, never as copies, so every stage can point back into
the document's extracted text; the keyword tokenizer is one function so that the index and the
reader weigh the same words.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Container, Iterator, Mapping, Set
from dataclasses import dataclass, field
from pathlib import PurePath

Span = tuple[int, int]

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "cf",
    "inc", "ltd", "co", "corp", "no", "fig", "al", "approx", "dept", "est", "u.s", "u.k", "u.n",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace; a
# footnote's number after it ("…off the top of my head. [9]", "…in 1998.[3]") ends the
# sentence it annotates, not the next one.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?:\s?\[\d{1,3}\])*(?=\s)")
# A list item's number has at most three digits: "2023." opening a wrapped line is a year;
# and none opens with 0: "0." opening one ends a sentence ("… and LEN !=\n0. With this …").
_LIST_ITEM = re.compile(r"\s*(?:[1-9]\d{0,2}[.)]|[-*•#>]|[A-Za-z][.)])\s"
                        # a command's option as --help lists it ("-c, --check checks…"; a
                        # lone "--check" opening a line may be prose wrapped there)
                        r"|\s*-[A-Za-z0-9?], --[A-Za-z][\w-]*[=\[ ,]|\s*--[A-Za-z][\w-]*  ")
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[A-Za-z]|[ivxIVX]+)[.)]")
# A gap between columns is two spaces or more, but not after a full stop, as IJG's and GNU's
# texts set every sentence ("Default is TRUE.  Early progression stages…")
_GAP = re.compile(r"\S(?<![.!?:])(?<![.!?:][\"')\]]) {2,}\S")
# a row: "t.-awaited  yes   always", or two columns set wide apart ("short   is at least 16
# bits wide")
_COLUMNS = re.compile(f"{_GAP.pattern}.*{_GAP.pattern}|{_GAP.pattern.replace('{2,}', '{3,}')}")
# a line of code: "width = strlen(name);", a setting: 'Timeout "30";'
_STATEMENT = re.compile(r"[={}]|[)\"']\s*;$")
# code, then a comment to the line's end: 'Dl-Limit "<INT>"; // Kb/sec', "rate INT\t# Rate"
_TRAILING_COMMENT = re.compile(r"\S(?:[ \t]+//|(?: {2,}|\t)[ \t]*#)[ \t]")
_BORDER = re.compile(r"[+|][-=+|]{3,}")  # a box's border: "+------+----+"
_RULE = re.compile(r"([-=_*~#─━])\1{2,}")  # a line drawn between parts, or under a heading
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\r]*\n\s*")


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Spans of blank-line separated blocks inside text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    pos = start
    for m in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.extend(_trim(text, pos, m.start()))
        pos = m.end()
    spans.extend(_trim(text, pos, end))
    return spans


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans inside text[start:end] (one paragraph or more), whitespace trimmed.

    A single newline ends a sentence only where the line looks complete (a heading, a list item,
    a line ending in punctuation); elsewhere it is a soft wrap, as in PDF text.
    """
    return [span for _, inside in paragraph_sentences(text, start, end) for span in inside]


def paragraph_sentences(text: str, start: int = 0, end: int | None = None
                        ) -> list[tuple[Span, list[Span]]]:
    """Each paragraph with its sentence spans. A sentence a code example interrupts and that
    goes on in lower case after it is one span, kept with the paragraph it began in: "You can
    change the zlib compression buffer size … with" / "    png_set_compression_buffer_size(
    png_ptr, buffer_size);" / "where the default size is 8192 bytes." (a C library's manual)."""
    end = len(text) if end is None else end
    blocks = [((p_start, p_end), [span for line in _logical_lines(text, p_start, p_end)
                                  for span in _split_line(text, *line)])
              for p_start, p_end in paragraphs(text, start, end)]
    out: list[tuple[Span, list[Span]]] = []
    i = 0
    while i < len(blocks):
        if i + 2 < len(blocks) and _interrupted(text, *blocks[i:i + 3]):
            (p_start, _), inside = blocks[i]
            (_, p_end), after = blocks[i + 2]
            out.append(((p_start, after[0][1]), [*inside[:-1], (inside[-1][0], after[0][1])]))
            if after[1:]:
                out.append(((after[1][0], p_end), after[1:]))
            i += 3
        else:
            out.append(blocks[i])
            i += 1
    return out


_GOES_ON = re.compile(r"[a-z]+ ")  # "where the default size…", "to set your own limits…"
CODE_EXAMPLE_LINES = 6  # an interruption longer than this is no example inside a sentence


def _interrupted(text: str, *blocks: tuple[Span, list[Span]]) -> bool:
    """Prose that stops without its full stop, a short example indented deeper than both
    sides, and prose that goes on in lower case."""
    (before, said), (code, _), (after, rest) = blocks
    depth = [p[0] - text.rfind("\n", 0, p[0]) - 1 for p in (before, code, after)]
    return (bool(said) and bool(rest) and text[said[-1][1] - 1] not in ".!?:…"
            and depth[1] > max(depth[0], depth[2])
            and text.count("\n", *code) < CODE_EXAMPLE_LINES
            and _GOES_ON.match(text, after[0]) is not None)


def _logical_lines(text: str, start: int, end: int) -> Iterator[Span]:
    """Join soft-wrapped lines; yield the spans of the lines that stand on their own."""
    pos = start
    line_start = first = start  # the logical line's start, and its first visible character
    width = max(map(len, text[start:end].splitlines()), default=0)  # the block's wrap column
    while True:
        nl = text.find("\n", pos, end)
        if nl < 0:
            yield from _trim(text, line_start, end)
            return
        # The logical line so far is text[line_start:last], trailing blanks cut, found by
        # offsets: slicing it at each line break made one long unwrapped paragraph quadratic.
        last = nl
        while last > line_start and text[last - 1].isspace():
            last -= 1
        while first < last and text[first].isspace():
            first += 1
        length = last - first  # of the logical line so far, stripped
        nxt = _line_at(text, nl + 1, end)  # the next line alone
        next_end = nl + 1 + len(nxt)
        indent = first - line_start
        # Wrapped prose goes on in lower case, indented at least as deep ("…their
        # Contribution(s)\n      with the Work…", "…filed. If You\n      institute…"): a
        # line ending in ")" or an indented line does not end its sentence then. A table's
        # rows ("t.-awaited  yes  always") and commands ("… <name-of-trigger>") do not go on.
        physical = text[text.rfind("\n", 0, nl) + 1:nl]
        line = physical.strip()
        following = nxt.strip()
        deeper = len(nxt) - len(nxt.lstrip(" \t")) >= len(physical) - len(physical.lstrip())
        # A formatter wraps where the next word would not fit: then a capital going on is
        # still the same sentence ("…files that have\n        End of Payload Marker…").
        row, next_row = is_table_row(line), is_table_row(following)  # each asked once here
        statement = _STATEMENT.search(line) is not None
        full = (width >= 60 and bool(following)
                and len(physical.rstrip()) + 1 + len(following.split()[0]) > width)
        # A comment wrapped over "#" or "//" lines goes on ("# … the default in the\n# code.",
        # 'host STR\t# where the server is (if\n\t\t# local, …)'); a comment ends its line.
        # A trailing comment goes on at its own column; one at the code's opens the next.
        marker = next((m for m in ("# ", "// ") if following.startswith(m)), "")
        comment = (bool(marker) and marker in line and following[len(marker):][:1].islower()
                   and line[-1:].isalnum()
                   and len(nxt.expandtabs()) - len(following) >= physical.expandtabs().find(
                       marker.strip()))
        # ("…may be 0 for unknown,\n 1 for dots/inch…": a list of values goes on after a comma)
        goes_on = comment or (deeper and (following[:1].islower() or full
                                          or line[-1:] == "," and following[:1].isdigit())
                              and (line[-1:].isalnum() or line[-1:] in ",)-"
                                   or line[-1:] == ";" and not statement)
                              and (not _GAP.search(line)  # or a row's cell wraps
                                   or row and not _STATEMENT.search(following))
                              and not _GAP.search(following))
        hard = (
            last == line_start
            or text[last - 1] in ".!?:…\"”"
            # a clause wrapped after its ";" goes on ("… of a string;\n   adjust them to …"),
            # a statement of code does not ("width = strlen(name);")
            or text[last - 1] == ";" and not (
                deeper and following[:1].islower() and length >= 50 and not statement)
            or text[last - 1] == ")" and not goes_on
            # a row starts its line (the first of two at least: "Version 1.4  11 December
            # 2005  Mark Adler" alone is no table); after a row comes the next, or its cell wraps
            or next_row and (row or _BORDER.fullmatch(line) is not None
                             or next_end < end and _in_table(_line_at(text, next_end + 1, end)))
            or row and not (deeper and following[:1].islower())
            or is_rule(line)  # (an underline stays with its heading: only the rule ends here)
            or _TRAILING_COMMENT.search(line) is not None and not comment
            or line.endswith(("*/", "{", "}", "};"))  # a comment's or a block's bounds
            or following in ("{", "}", "};")
            or indent > 1 and length < 80 and not goes_on
            or length < 50 and text[last - 1] != ","
            or _LIST_ITEM.match(text, nl + 1, end) is not None and not comment
        )
        if hard:
            yield from _trim(text, line_start, nl)
            line_start = first = nl + 1
        pos = nl + 1


def _in_table(line: str) -> bool:
    """A row, or a box's border ("+------+----+"), beside a row."""
    return is_table_row(line) or _BORDER.fullmatch(line.strip()) is not None


def _line_at(text: str, start: int, end: int) -> str:
    """The line that begins at `start`, without its newline."""
    stop = text.find("\n", start, end)
    return text[start:stop if stop >= 0 else end]


def is_rule(line: str) -> bool:
    """A line drawn with one character: "-----", "=====" (three or more)."""
    return _RULE.fullmatch(line.strip()) is not None


def is_table_row(line: str) -> bool:
    """A line of three columns or more set apart by runs of spaces, or of two set three
    spaces or more apart."""
    return _COLUMNS.search(line) is not None


def _split_line(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    pos = start
    for m in _END.finditer(text, start, end):
        cut = nxt = m.end()
        while nxt < end and text[nxt].isspace():  # by offset: a copy of the line's rest per
            nxt += 1  # sentence end made a long line quadratic
        if nxt == end:
            continue
        if not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"'“‘(["):
            continue
        single_dot = text[m.start()] == "." and m.end() - m.start() == 1
        if single_dot and _is_abbreviation(text, m.start()):
            continue
        if _LIST_MARKER.fullmatch(text[pos:cut].strip()):
            continue
        spans.extend(_trim(text, pos, cut))
        pos = cut
    spans.extend(_trim(text, pos, end))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and text[i].isupper())


def _trim(text: str, start: int, end: int) -> list[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


def markers(sentence: str) -> tuple[str, list[int]]:
    """The sentence without its `[n]` citation markers, and the numbers they held."""
    cited = [int(n) for m in _MARKER.finditer(sentence) for n in m.group(1).split(",")]
    return _MARKER.sub("", sentence).strip(), cited


def clip(text: str, limit: int = 120) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def normalize_text(text: str) -> str:
    """Unify newlines and Unicode forms, and drop stray characters from another script (such as
    a lone CJK character inside "May 2025") that break keyword matching of the word they touch."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _drop_stray_script_chars(text)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF


def _drop_stray_script_chars(text: str) -> str:
    cjk = [i for i, ch in enumerate(text) if _is_cjk(ch)]
    if not cjk or len(cjk) > 0.002 * len(text):
        return text  # a document in that script, or quoting it: keep everything
    # one alone that touches a word; a mark set apart is meant ("the ditto symbol (〃)")
    lone = {i for i in cjk if not (i > 0 and _is_cjk(text[i - 1]))
            and not (i + 1 < len(text) and _is_cjk(text[i + 1]))
            and (i > 0 and text[i - 1].isalnum() or i + 1 < len(text) and text[i + 1].isalnum())}
    return "".join(ch for i, ch in enumerate(text) if i not in lone)


# --- keyword tokens -------------------------------------------------------------------------

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also may might must shall
    us""".split()  # noqa: SIM905
) | frozenset(  # contractions: "I'm" is no specific word of a question, it is "I am"
    f"{head}'{tail}" for head, tails in (
        ("i", "m ve d ll"), ("you", "re ve d ll"), ("we", "re ve d ll"), ("they", "re ve d ll"),
        ("he", "s d ll"), ("she", "s d ll"), ("it", "s d ll"), ("that", "s d ll"),
        ("there", "s d ll"), ("here", "s"), ("what", "s d ll re"), ("who", "s d ll re"),
        ("where", "s d"), ("when", "s"), ("why", "s"), ("how", "s d"), ("let", "s"),
        ("don", "t"), ("doesn", "t"), ("didn", "t"), ("isn", "t"), ("aren", "t"),
        ("wasn", "t"), ("weren", "t"), ("won", "t"), ("wouldn", "t"), ("can", "t"),
        ("couldn", "t"), ("shouldn", "t"), ("haven", "t"), ("hasn", "t"), ("hadn", "t"),
        ("mustn", "t"), ("needn", "t"), ("shan", "t"), ("ain", "t"))
    for tail in tails.split())
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def normalize_token(word: str) -> str:
    """Lower-case, drop thousands separators, and strip the commonest English suffixes so that
    "jobs"/"job" and "plants"/"plant" meet."""
    w = word.lower().replace("’", "'")
    if w[0].isdigit():
        return w.replace(",", "")
    if "." in w:  # an acronym such as U.S.
        return w.replace(".", "")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Keyword tokens for BM25 and for the reader's overlap scores."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        if not keep_stopwords and word.lower().replace("’", "'") in STOPWORDS:
            continue
        out.append(normalize_token(word))
    return out


def coverage(weights: Mapping[str, float], tokens: Set[str]) -> float:
    """Share of the weighted terms that `tokens` holds (0 when there is no weight)."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def document_names(metadata: Mapping[str, object]) -> set[str]:
    """The terms that name a document: its title's and its file name's ("2023 Q1 NVDA.pdf")."""
    stem = PurePath(str(metadata.get("source", ""))).stem
    return set(tokenize(f"{metadata.get('title', '')} {stem}"))


def named(name: str, terms: Container[str]) -> bool:
    """Whether the terms hold the name, or the place an adjective is made from: "Asian",
    "Australian" and "Saharan" name what says "Asia", "Australia", "Sahara"."""
    return any(name[:len(name) - cut] in terms
               for cut in range(4) if len(name) - cut >= 4 or cut == 0)


@dataclass(frozen=True)
class DocFreq:
    """Document frequencies from the keyword index, for weighing question terms by rarity."""

    df: dict[str, int]
    n: int
    # the terms each document holds (its chunks, title and file name), by source
    terms: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # the terms of the documents' titles and file names, which name a document
    titles: frozenset[str] = frozenset()
    # those terms by source
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @functools.cached_property
    def common_names(self) -> frozenset[str]:
        """The name terms every document has ("form" of "Form 10-Q"), which name none; once
        per index, not per question."""
        if len(self.names) < 2:
            return frozenset()
        return frozenset.intersection(*self.names.values())

    @functools.cached_property
    def file_stems(self) -> frozenset[str]:
        """Each document's file name without its suffix, nor the ".gz" around it ("ed" for
        "man/ed.info.gz"): a question word that is one names that file; once per index."""
        return frozenset(PurePath(PurePath(s).name.lower().removesuffix(".gz")).stem
                         for s in self.names)

    def holds(self, source: str, name: str) -> bool:
        """Whether the document holds the name (see `named`); True for a document it has no
        terms of."""
        held = self.terms.get(source)
        return held is None or named(name, held)

    def idf(self, term: str) -> float:
        seen = self.df.get(term, 0)
        return math.log(1 + (self.n - seen + 0.5) / (seen + 0.5))


def line_spans(text: str) -> Iterator[Span]:
    """(start, end) of each line of the text, its newline left out."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def listed(names: list[str], limit: int = 5) -> str:
    """Names for a message: the first `limit`, then how many more ("a.txt, b.txt and 3 more")."""
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")

