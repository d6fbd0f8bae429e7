"""Which files of a folder are documents, and of what kind: by suffix ("notes.md.gz"), by the
names projects give their texts ("CHANGES", "coreutils-TODO.gz"), or, with no suffix at all,
by their first bytes ("configure-index"). `load` reads what this module finds.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from pathlib import Path

from .errors import CorpusError
from .office import OFFICE_SUFFIXES

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".rst", ".pod", ".html", ".htm", ".pdf", ".info",
                      ".man", *OFFICE_SUFFIXES)
# A manual page's name ends in its section: "ls.1", "ssh_config.5", "openssl.1ssl"; read as
# ".man". "libz.so.1" is a library, not section 1.
_MAN_SECTION = re.compile(r"(?<!\.so)\.[1-9][a-z]{0,6}$")
# Plain text known by its name, not a suffix, as projects and Debian keep it: "CHANGES",
# "changelog.Debian.gz", "COPYING.LIB", "NEWS.old". The tails are the few such names carry,
# so "readme.py" stays a program.
TEXT_NAMES = re.compile(
    r"(?:[a-z0-9][\w+]*[-_.])?"  # a project's name before it, as copies are named: "coreutils-TODO"
    r"(?:readme|changes|changelog|news|history|copying|licen[cs]e|authors|install|todo|thanks"
    r"|contributing|contributors|notice|copyright|bugs|faq|hacking|credits|maintainers)"
    r"(?: \(\d+\))?(?:[.\-_](?:debian|source|old|lib|lgpl|gpl|mit|bsd|apache|\d+))*"
    r"(?: \(\d+\))?", re.IGNORECASE)  # " (2)": a second copy added from the page
# What a folder may hold, for the messages that say so
KINDS_READ = (f"{', '.join(SUPPORTED_SUFFIXES)} files, manual pages (.1 to .9), text named "
              "README, CHANGES, COPYING…, or text with no suffix")
# A name with no suffix at all is read when its first bytes are text (apt's "configure-index",
# "preferences"); programs are not documents: a "#!" script, a build file ("Makefile").
_BUILD_FILE = re.compile(r"\w*file", re.IGNORECASE)
SNIFF_BYTES = 4096


def document_suffix(name: str) -> str:
    """The kind of document a file name says it is (".md"), through one ".gz" ("README.md.gz",
    as Debian installs documentation), or "" for a file of another kind. A long Info manual is
    split in parts, each a manual of its own kind: "gnupg.info-2.gz" is ".info"; a text
    known by its name ("CHANGES", "changelog.Debian.gz") is ".txt"; a manual page named by its
    section ("ssh_config.5.gz") is ".man"."""
    inner = _unpacked(name).lower()
    if re.search(r"\.info-\d+$", inner):
        return ".info"
    if _MAN_SECTION.search(inner):
        return ".man"
    if TEXT_NAMES.fullmatch(inner):
        return ".txt"
    return next((s for s in SUPPORTED_SUFFIXES if inner.endswith(s)), "")


def _unpacked(name: str) -> str:
    """The name without one ".gz" ("README.md.gz" -> "README.md")."""
    return name[:-3] if name.lower().endswith(".gz") else name


def bare_name(name: str) -> bool:
    """Whether a file's name has no suffix, but for one ".gz": "configure-index", "COMPAT.gz"."""
    return "." not in _unpacked(name)


def is_text_without_suffix(name: str, head: bytes) -> bool:
    """Whether a file whose `name` has no suffix (`bare_name`) is a text document, from its
    first bytes (as stored: a gzipped one's are unpacked here)."""
    if not bare_name(name) or _BUILD_FILE.fullmatch(_unpacked(name)):
        return False
    if _unpacked(name) != name:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return False
    if head.startswith(b"#!") or b"\0" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # only a character cut by the sniff's end is forgiven
            return False
        text = head[:exc.start].decode("utf-8")
    printable = sum(c.isprintable() or c in "\n\t\r\f" for c in text)
    return bool(text.strip()) and printable >= 0.98 * len(text)


def _sniffed_text(path: Path) -> bool:
    """A regular file with no suffix that reads as text; pipes and devices are never opened."""
    try:
        if not bare_name(path.name) or not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            return is_text_without_suffix(path.name, handle.read(SNIFF_BYTES))
    except OSError:
        return False


def find_documents(corpus_dir: Path, others: list[str] | None = None) -> list[Path]:
    """Supported files under corpus_dir, hidden files and folders skipped, in a stable order;
    `others` collects the paths (relative to corpus_dir) of files of other types."""
    if not corpus_dir.exists():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist; create it and put documents in it "
            f"({KINDS_READ}), or point ASSISTANT_CORPUS_DIR / --corpus at them"
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path {corpus_dir} is a file, not a folder; give its folder")
    found: list[Path] = []
    for root, dirs, files in os.walk(corpus_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if document_suffix(name) or _sniffed_text(Path(root) / name):
                found.append(Path(root) / name)
            elif others is not None:
                others.append((Path(root) / name).relative_to(corpus_dir).as_posix())
    return found
