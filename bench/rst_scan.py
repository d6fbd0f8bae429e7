"""reStructuredText read over every `.rst` file on this machine (CMake's help, Python packages'
documentation, AWS CLI examples): files read, words, markup a reader would still see (a
Sphinx role, a double backtick, a directive line) per 1,000 words, beside the same count in the
files as written (what reading them as plain text leaves), files read as plain text because
docutils failed, and the time taken.

    python -m bench.rst_scan
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from assistant.load import load_document

PLACES = [Path("/usr"), Path.home() / ".pyenv"]
LEFT = re.compile(r":[\w:.-]+:`|``|^\.\. [\w:-]+::", re.MULTILINE)


def machine_files() -> list[Path]:
    """Every distinct `.rst` file of at least 1 kB under PLACES, once by content."""
    seen, files = set(), []
    for place in PLACES:
        for folder, _, names in os.walk(place):
            for name in sorted(names):
                path = Path(folder) / name
                if not name.endswith(".rst") or not path.is_file() or (
                        path.stat().st_size < 1024):
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    files.append(path)
    return files


def main() -> None:
    files = machine_files()
    words = marks = plain = raw_words = raw_marks = 0
    started = time.perf_counter()
    for path in files:
        doc = load_document(path, path.parent)
        plain += bool(doc.notes)
        words += len(doc.text.split())
        marks += len(LEFT.findall(doc.text))
        raw = path.read_text(encoding="utf-8", errors="replace")
        raw_words += len(raw.split())
        raw_marks += len(LEFT.findall(raw))
    seconds = time.perf_counter() - started
    print("files | words | markup left per 1,000 words | the same, as written | "
          "read as plain text | seconds")
    print("--- | --- | --- | --- | --- | ---")
    print(f"{len(files)} | {words:,} | {marks / max(words, 1) * 1000:.2f} | "
          f"{raw_marks / max(raw_words, 1) * 1000:.1f} | {plain} | {seconds:.1f}")


if __name__ == "__main__":
    main()
