"""Plain text laid out by a formatter, read back as the paragraphs it was set from.

A man page saved as text (`man ssh_config > ssh_config.5.txt`) is justified to 80 columns:
words are hyphenated at line ends ("de‐\\n fault"), spaces are doubled to fill a line, and an
option's name stands on a line of its own with its description indented under it. Read line
by line, "The default is 1024" and "bits." fall into two sentences and "default" is no longer
a word. Rebuilt from its layout, each indented block becomes one paragraph on one line,
hyphenation undone and spaces single, an option's name joined to its description
("-k --keep — Keep (don't delete) input files during compression or decompression."), and
lines set deeper than the prose around them (examples, commands) kept as they are. The page's
running header and footer are marked as leftovers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .text import Span

# "GZIP(1)   General Commands Manual   GZIP(1)": the first line of a man page.
_MAN_HEADER = re.compile(r"^\s*(\S+)\((\w+)\)\s+.*\S\s+\1\(\2\)\s*$")
_HYPHENS = "\u2010\u2011-"  # groff breaks words with U+2010; "-" where the locale is ASCII
_SENTENCE_END = ".!?:;)\"”’"


@dataclass
class Reflowed:
    text: str
    title: str = ""
    leftovers: list[Span] = field(default_factory=list)


def is_man_page(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return _MAN_HEADER.match(first) is not None


def reflow_man_page(text: str) -> Reflowed:
    """The man page as paragraphs: headings, prose joined, options with their descriptions,
    examples as set. Offsets of the result are what citations index into."""
    lines = text.replace("\u2212", "-").split("\n")
    header = next(i for i, line in enumerate(lines) if line.strip())
    footer = max(i for i, line in enumerate(lines) if line.strip())
    body = _indent_of_prose(lines[header + 1:footer])
    width = len(lines[header].rstrip())  # the header spans the page: its right margin
    out: list[str] = []
    leftovers: list[Span] = []
    size = 0

    def emit(block: str, *, leftover: bool = False) -> None:
        nonlocal size
        if out:
            size += 2
        if leftover:
            leftovers.append((size, size + len(block)))
        out.append(block)
        size += len(block)

    emit(lines[header].strip(), leftover=True)
    for block in blocks(lines[header + 1:footer]):
        for paragraph in _paragraphs(block, body, width):
            emit(paragraph)
    if footer > header:
        emit(lines[footer].strip(), leftover=True)
    reflowed = "\n\n".join(out)
    return Reflowed(reflowed, _name_line(reflowed), leftovers)


def indent(line: str) -> int:
    """Spaces before the line's first character."""
    return len(line) - len(line.lstrip(" "))


def _indent_of_prose(lines: list[str]) -> int:
    """The indent most long lines share: where the page's running text is set."""
    counts = Counter(indent(line) for line in lines if len(line.strip()) > 50)
    return counts.most_common(1)[0][0] if counts else 0


def blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            runs[-1].append(line.rstrip())
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _paragraphs(block: list[str], body: int, width: int) -> list[str]:
    """One block of lines as paragraphs: a heading at the margin, a term with its description
    (a line, then lines indented deeper), prose joined, or preformatted lines kept."""
    first = indent(block[0])
    if first == 0:  # a section heading, and what follows it without a blank line
        rest = block[1:]
        return [block[0].strip(), *(_paragraphs(rest, body, width) if rest else [])]
    if _hanging(block):  # "Host    Restricts the following…": the term on the text's line
        term, _, text = block[0].strip().partition("  ")
        return [_defined(term, join_lines([text.strip(), *block[1:]]))]
    # a list of terms may wrap, each line but the last ending in a comma ("SystemMaxUse=,")
    terms = 1
    while (terms < len(block) - 1 and block[terms - 1].endswith(",")
           and indent(block[terms]) == first):
        terms += 1
    rest = [indent(line) for line in block[terms:]]
    if rest and all(i > first for i in rest) and len(set(rest)) == 1:
        term, description = " ".join(line.strip() for line in block[:terms]), block[terms:]
        if is_prose(description, width) or len(description) == 1:
            return [_defined(_spaced(term), join_lines(description))]
    if not is_prose(block, width) and (len(block) > 1 or first > body):
        return [line.strip() for line in block]  # an example, a command, a list set apart
    return [join_lines(block)]


# a list item's number or bullet set as a hanging tag ("1.", "(b)", "•"): no term of its own
_LIST_MARK = re.compile(r"\(?(?:\d{1,3}|[a-z])[.)]|[•·*o-]")


def _defined(term: str, description: str) -> str:
    """A term and its description as the readers join them: "Host — Restricts the …"; a list
    item keeps its mark: "1. It is not possible to …"."""
    return f"{term} {description}" if _LIST_MARK.fullmatch(term) else f"{term} — {description}"


def _hanging(block: list[str]) -> bool:
    """A term set at the text's left edge with its description starting on the same line,
    later lines aligned under the description: `Host    Restricts the following …`."""
    if len(block) < 2:
        return False
    m = re.match(r"^(\s*)(\S+(?: \S+)?)( {2,})\S", block[0])
    return m is not None and all(indent(line) == m.end() - 1 for line in block[1:])


def is_prose(lines: list[str], width: int) -> bool:
    """Filled running text, justified or ragged: no line but the last could have taken the
    next line's first word (the formatter would have put it there)."""
    if len(lines) == 1:
        line = lines[0].strip()
        return len(line.split()) >= 4 and line[-1:] in _SENTENCE_END
    return all(len(line.rstrip()) + 1 + len(nxt.split()[0]) > width - 2
               for line, nxt in zip(lines, lines[1:], strict=False))


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line: hyphenation at line ends undone, spaces single."""
    text = ""
    for line in lines:
        part = _spaced(line.strip())
        if text and text[-1] in _HYPHENS and len(text) > 1 and text[-2].isalpha():
            # "com‐" + "pressed" is one word; "MS‐" + "DOS" keeps its hyphen
            text = text[:-1] + ("" if part[:1].islower() else "-") + part
        else:
            text = f"{text} {part}" if text else part
    return text


def _spaced(line: str) -> str:
    return re.sub(r" {2,}", " ", line).replace("\u2010", "-")


def _name_line(text: str) -> str:
    """The NAME section's line ("gzip, gunzip, zcat - compress or expand files"), the title
    a reader knows the page by."""
    m = re.search(r"(?:^|\n\n)NAME\n\n([^\n]+)", text)
    return m.group(1).strip() if m else ""
