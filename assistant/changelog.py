"""Debian changelogs (`debian/changelog`, what /usr/share/doc/*/changelog.Debian.gz holds) read
so that every change says which upload it belongs to and the upload says who made it and when.

    tmux (3.1b-2) unstable; urgency=high             the entry's heading: kept
                                                     each change, its wrapped lines joined:
      * Cherry-pick upstream commit a868bacb46 to    "3.1b-2: Cherry-pick upstream commit
        fix a stack overflow in CSI parsing.          a868bacb46 to fix a stack overflow …"
      [ Pino Toscano ]                               a contributor's group: "3.3a-2 (Pino
      * Drop the local defines …                      Toscano): Drop the local defines …"
        + 0f6227f46b: don't silently delete …        a sub-item: "3.3-2: 0f6227f46b: don't …"
     -- Romain Francoise <…>  Fri, 30 Oct 2020 …     the signature: "3.1b-2 was uploaded to
                                                      unstable by Romain Francoise <…> on …"

Read as written, a change is a line under a heading several lines up, and a question about
"the upload that fixed the overflow" or "the day 3.3a-1 was uploaded" finds the change but
quotes no version or date; the format is regular enough to say them in every line.
"""

from __future__ import annotations

import re

from .layout import indent, join_lines

_ENTRY = re.compile(r"^(\S+) \(([^()\s]+)\) ([^;\n]+);[^\n]*urgency=\w+", re.MULTILINE)
_SIGNATURE = re.compile(r"^ -- (.+?)\s{2,}(\S.*?)\s*$")
_GROUP = re.compile(r"^\s*\[ (.+?) \]\s*$")
_ITEM = re.compile(r"^(\s*)[*+\-] ")


def is_debian_changelog(text: str) -> bool:
    """Whether the text opens with a Debian changelog entry and has its signature line."""
    head = text.lstrip()[:300]
    return bool(_ENTRY.match(head)) and "\n -- " in text


def read_debian_changelog(text: str) -> tuple[str, str]:
    """The changelog as paragraphs, each change naming its upload, and its title."""
    out: list[str] = []
    package = ""
    version = distribution = group = ""
    item: list[str] = []  # the lines of the change being read
    item_indent = 0

    def close_item() -> None:
        if item:
            who = f" ({group})" if group else ""
            out.append(f"{version}{who}: {join_lines(item)}")
            item.clear()

    for line in text.splitlines():
        entry = _ENTRY.match(line)
        signature = _SIGNATURE.match(line)
        if entry:
            close_item()
            package, version, distribution = entry.group(1), entry.group(2), entry.group(3)
            group = ""
            out.append(line.strip())
        elif signature and version:
            close_item()
            who, when = signature.groups()
            out.append(f"{version} was uploaded to {distribution.strip()} by {who} on {when}.")
            version = group = ""
        elif named := _GROUP.match(line):
            close_item()
            group = named.group(1)
        elif (bullet := _ITEM.match(line)) and version:
            close_item()
            item_indent = len(bullet.group(1))
            item.append(line[bullet.end():])
        elif line.strip() and item and indent(line) > item_indent:
            item.append(line)  # a wrapped line of the change
        elif line.strip():
            close_item()
            out.append(line.strip())  # free text: kept as its own paragraph
    close_item()
    title = f"{package} — Debian changelog" if package else ""
    return "\n\n".join(out) + "\n", title
