"""GNU Info manuals (`makeinfo` output, what /usr/share/info holds) read as the paragraphs a
reader sees in `info`: the navigation that is not the manual's text dropped, the rest laid out
as man pages are (`layout`).

    ^_                                               node separator: dropped
    File: ed.info,  Node: Overview,  Next: …        node header: dropped
    1 Overview                                       heading: kept, its underline dropped
    **********
    GNU ed is a line-oriented text editor. It is     prose: one paragraph per block
    used to create, display, modify …
    '-h'                                             a definition: its terms and description
    '--help'                                         as one paragraph, "'-h', '--help' —
         Print an informative help message …          Print an informative help message …"
         ,s/OLD/NEW/g                                an example: kept line by line
    * Menu:                                          a menu, an index: dropped to the node's
    * Overview::          Overview of the 'ed' …     end (they list the headings again)

Cross references read as the words they stand for: "(*note Setting Format::)" is "(see
Setting Format)". The preamble's makeinfo line and directory entry, the tag table and the
local variables at the end are dropped.
"""

from __future__ import annotations

import re

from .layout import blocks, indent, is_prose, join_lines

_NODE = re.compile(r"\x1f\n?")
_HEADER = re.compile(r"^File: [^,\n]+,\s+Node: ")
_UNDERLINE = re.compile(r"^([*=\-.])\1{2,}\s*$")
_DIR_ENTRY = re.compile(r"INFO-DIR-SECTION[^\n]*\n|START-INFO-DIR-ENTRY.*?END-INFO-DIR-ENTRY\n?",
                        re.DOTALL)
_MAKEINFO = re.compile(r"^This is \S+, produced by [Mm]akeinfo[^\n]*\n")
_NOTE = re.compile(r"(?:\b[Ss]ee\s+)?\*([Nn])ote\s+([^:]+?)::|"
                   r"(?:\b[Ss]ee\s+)?\*([Nn])ote\s+([^:]+?):\s*[^.,]+[.,]")
_MARKER = re.compile(r"\x00\x08\[[^\x00]*\x00\x08\]")  # "\0\b[index\0\b]", an index node's


def is_info(text: str) -> bool:
    """makeinfo's own first line, or a node header after a separator."""
    return bool(_MAKEINFO.match(text)) or "\x1f\nFile: " in text[:20000]


def read_info(text: str) -> tuple[str, str]:
    """The manual as paragraphs separated by blank lines, and its title (the top node's
    heading)."""
    text = _MARKER.sub("", text)
    paragraphs: list[str] = []
    title = ""
    lengths = sorted(len(line) for line in text.split("\n") if line.strip())
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 72  # the fill column
    for number, node in enumerate(_NODE.split(text)):
        if node.startswith(("Tag Table:", "End Tag Table", "Local Variables:", "Indirect:")):
            continue
        lines = node.split("\n")
        if lines and _HEADER.match(lines[0]):
            lines = lines[1:]
        elif number == 0:
            lines = _DIR_ENTRY.sub("", _MAKEINFO.sub("", node)).split("\n")
        menu = next((i for i, line in enumerate(lines) if line.startswith("* Menu:")),
                    len(lines))
        found = _paragraphs(lines[:menu], width)
        if found and not title and number > 0 and len(found[0]) <= 120:
            title = found[0]  # the top node's heading
        paragraphs += found
    return "\n\n".join(_notes(p) for p in paragraphs), title


def _paragraphs(lines: list[str], width: int) -> list[str]:
    out: list[str] = []
    for block in blocks(lines):
        if len(block) >= 2 and _UNDERLINE.match(block[1]):  # a heading and its underline
            out.append(block[0].strip())
            block = block[2:]
            if not block:
                continue
        terms = 0
        # a definition's terms stand at the margin, quoted or an option: "'-h'", "'--help'"
        while terms < len(block) and block[terms][:1] in "'`‘-":
            terms += 1
        if 0 < terms < len(block) and all(line.startswith("  ") for line in block[terms:]):
            description = [line.strip() for line in block[terms:]]
            named = ", ".join(line.strip() for line in block[:terms])
            out.append(f"{named} — {join_lines(description)}")
        elif is_prose(block, width) or indent(block[0]) <= 3 and len(block[0]) > 40:
            out.append(join_lines(block))
        elif len(block) == 1:  # a list's item, a line set apart
            out.append(block[0].strip())
        else:  # an example, a table: as it is set
            out += [line.rstrip() for line in block]
    return out


def _notes(paragraph: str) -> str:
    """"*note Setting Format::" as "see Setting Format"; "*Note the manual: (bash)Top." as
    "See the manual"; "See *note MEMORY MANAGEMENT::" as "See MEMORY MANAGEMENT"."""
    def words(m: re.Match[str]) -> str:
        see = "See" if (m.group(1) or m.group(3)) == "N" or m.group().startswith("See") else "see"
        return f"{see} {m.group(2) or m.group(4)}"
    return _NOTE.sub(words, paragraph)
