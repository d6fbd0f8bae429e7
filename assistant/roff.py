"""Manual pages in their roff source ("ssh_config.5.gz" as it lies in /usr/share/man), read
by groff, the formatter `man` itself runs, and then as the page `man` shows.

groff sets the page as text (`-Tutf8`, no bold or underline, no hyphenation so that every word
stays whole, `tbl` for tables, `-mandoc` for both the `man` and the BSD `mdoc` macros, in safer
mode so that a page can neither run programs nor open files); `layout.reflow_man_page` then
rebuilds its paragraphs from that layout, as it does for a page saved as text, and a table tbl
drew in a box is read as rows that name their columns. A page that only
points to another (".so man8/foo.8", as aliases are installed) says so, and a machine without
groff says what to install.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from .errors import DocumentError
from .layout import Reflowed, reflow_man_page
from .plaintables import read_box_tables

_TITLE_MACRO = re.compile(r"^\.[ \t]*(?:TH|Dd|Dt)\b", re.MULTILINE)
_ALIAS = re.compile(r"\A(?:[.'][ \t]*\\\".*\n|\s*\n)*\.so[ \t]+(\S+)\s*\Z")
_COMMENT = re.compile(r"[.'][ \t]*\\\"")
_TIMEOUT = 20  # seconds; groff sets bash(1), 400 kB of text, in a quarter of one
GROFF = ("-S", "-k", "-Kutf8", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rHY=0")


def is_roff(text: str) -> bool:
    """Whether `text` is roff source of a manual page: a title macro (.TH, or mdoc's .Dd/.Dt)
    opens a line of its first 8 kB, or it only points to another page (".so man8/foo.8")."""
    head = text[:8192]
    return _TITLE_MACRO.search(head) is not None or _ALIAS.match(head) is not None


def _unhyphenated(text: str) -> str:
    """The page with no word broken at a line's end, so that every hyphen left there is the
    word's own: hyphenation off for mdoc too, which ignores `-rHY=0`, by a hyphenation language
    with no patterns ("VERBOSE" had come out "VER-BOSE"), and no line broken after a hyphen
    ("host-" / "specific" reads as one hyphenated word). Set after the comments that open a
    page, where preconv looks for a coding tag in the first two lines."""
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines) if not _COMMENT.match(line)), len(lines))
    return "\n".join([*lines[:head], ".hla xx", ".cflags 0 -\\(hy\\(em", *lines[head:]])


def read_roff(source: str, text: str) -> Reflowed:
    """The page as `man` shows it, in paragraphs; DocumentError when it cannot be set."""
    alias = _ALIAS.match(text)
    if alias:
        raise DocumentError(source, f"only points to another manual page ({alias.group(1)}); "
                            "index that page instead")
    groff = shutil.which("groff")
    if groff is None:
        raise DocumentError(source, "is a manual page in roff source and groff is not "
                            "installed; install it (`apt-get install groff-base`) and index again")
    try:
        done = subprocess.run([groff, *GROFF], input=_unhyphenated(text).encode("utf-8"),
                              capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentError(source, f"took groff over {_TIMEOUT} s to set; check the page "
                            "with `man -l`") from None
    problem = next((line.split(": ", 2)[-1] for line in done.stderr.decode(
        "utf-8", errors="replace").splitlines() if "error" in line), "")
    rendered = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or not rendered.strip():
        raise DocumentError(source, "could not be set by groff"
                            + (f" ({problem})" if problem else "") + "; check it with `man -l`")
    return reflow_man_page(read_box_tables(rendered))
