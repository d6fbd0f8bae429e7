"""Vim help files (`:help`, what /usr/share/vim/*/doc and a plugin's doc/ folder hold) read as
Vim shows them: the markup Vim conceals is not part of the text.

    *undo.txt*  For Vim version 9.0.  Last change: …  the file's tag line: kept, stars dropped
    Undo and redo                       *undo-redo*   a heading's anchor after a gap: dropped
                                  *:u* *:un* *:undo*  a line of tags names the entry below:
    :u[ndo]         Undo one change.  See |:redo|.    ":u :un :undo"; a link reads as its word
    Examples        Vim way             ~             a column heading's "~": dropped
    …use this command: >                              the ">" opening an example: dropped,
            :undojoin | delete                        the example kept as written, apart
    <                                                 the "<" closing it: dropped
     vim:tw=78:ts=8:noet:ft=help:norl:                the modeline: dropped

The layout (columns, indentation, tabs) is kept for the line joiner (`text`) to read.
"""

from __future__ import annotations

import re

_FILE_TAG = re.compile(r"^\*[\w.+-]+\.txt\*")
_MODELINE = re.compile(r"^\s*vim?:.*\b(?:ft|filetype)=help\b")
_TRAILING_TAGS = re.compile(r"(?<=\S)(?:\t|\s{2,})\s*(?:\*[^\s*|]+\*\s*)+$")
_TAG = re.compile(r"(?<![^\s(])\*([^\s*|]+)\*(?![^\s).,:;])")
_LINK = re.compile(r"(?<![^\s(\"'])\|([^\s|]+)\|(?![^\s).,:;\"'])")
_OPENS_EXAMPLE = re.compile(r"(?:^|\s)>$")
_HEADING_MARK = re.compile(r"(?:^|\s+)~$")


def is_vim_help(text: str) -> bool:
    """A help file's own tag on its first line, or a modeline saying `ft=help` at its end."""
    head = text.lstrip("\ufeff")[:200]
    return bool(_FILE_TAG.match(head)) or any(
        _MODELINE.match(line) for line in text[-400:].split("\n"))


def read_vim_help(text: str) -> tuple[str, str]:
    """The help file without its concealed markup, and its title: what the file's tag line
    says of it, or for Vim's own files (which say their version there) the first heading."""
    text = text.lstrip("\ufeff")
    out: list[str] = []
    title = ""
    example = False
    for number, line in enumerate(text.split("\n")):
        if example:
            if line.startswith("<") or (line.strip() and not line[0].isspace()):
                example = False
                out.append("")
                line = line[1:] if line.startswith("<") else line
            else:
                out.append(line)
                continue
        if _MODELINE.match(line):
            continue
        line = line.rstrip()
        if _OPENS_EXAMPLE.search(line):
            example = True
            line = line[:-1].rstrip()
        words = _TRAILING_TAGS.sub("", line) if number else line
        anchored = words != line
        words = _LINK.sub(r"\1", _TAG.sub(r"\1", words))
        words = _HEADING_MARK.sub("", words)
        if anchored and not title and words.strip():
            title = " ".join(words.split())
        out.append(words)
        if example:
            out.append("")
    # a plugin's tag line says what it is ("*fugitive.txt*  A Git wrapper"); Vim's own, its version
    first = " ".join(_TAG.sub("", text.split("\n", 1)[0]).split())
    if first and not first.startswith("For Vim version"):
        title = first
    return "\n".join(out).rstrip() + "\n", title or first
