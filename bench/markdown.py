"""Markdown to text: the project's converter (`markup.markdown_text`) against a CommonMark
parser (markdown-it-py, rendered to HTML and laid out by `markup.html_text`).

Two measures: the fidelity set's Markdown facts found whole in the converted text (a fact of
parts: all parts in it), and, over every Markdown file this machine's documentation and Python
packages hold, the syntax left in the text a reader would see (a link's `](`, an image's `![`,
`**`, a backtick, a table rule, a footnote mark), per 1,000 words, with the time taken.

    python -m bench.markdown
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from assistant.markup import html_text, markdown_text

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = ROOT / "tests" / "fidelity"
PLACES = [Path("/usr/share/doc"), Path(sys.prefix) / "lib", Path(sys.base_prefix) / "lib"]
LEFT = re.compile(r"\]\(|!\[|\*\*|`|^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE)
FOOTNOTE = re.compile(r"\[\^[^\]]+\]")


def commonmark() -> Callable[[str], str]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return lambda raw: html_text(parser.render(raw))[0]


def machine_files(limit: int = 400) -> list[tuple[str, str]]:
    """Markdown files on this machine, plain or gzipped, largest first, at most `limit`."""
    seen, out = set(), []
    for place in PLACES:
        for path in sorted(place.rglob("*.md*")) if place.exists() else ():
            if path.suffix not in (".md", ".gz") or not path.name.split(".gz")[0].endswith(
                    ".md") or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            if len(data) >= 2000:
                out.append((str(path), data.decode("utf-8", "replace")))
    return sorted(out, key=lambda f: -len(f[1]))[:limit]


def _flat(text: str) -> str:
    return " ".join(text.split())


def main() -> None:
    converters = {"ours (markup.markdown_text)": markdown_text,
                  "markdown-it-py + html_text": commonmark()}
    facts = {name: parts for name, parts in json.loads(
        (FIDELITY / "facts.json").read_text(encoding="utf-8")).items() if name.endswith(".md")}
    files = machine_files()
    words = sum(len(raw.split()) for _, raw in files)
    print(f"{sum(map(len, facts.values()))} facts in {len(facts)} fidelity files; "
          f"{len(files)} Markdown files on this machine, {words:,} words\n")
    print("converter | fidelity facts whole | syntax left per 1,000 words | "
          "footnote marks left | seconds")
    print("--- | --- | --- | --- | ---")
    for label, convert in converters.items():
        whole = total = 0
        for name, wanted in facts.items():
            text = _flat(convert((FIDELITY / name).read_text(encoding="utf-8")))
            for fact in wanted:
                parts = [fact] if isinstance(fact, str) else fact
                total += 1
                whole += all(_flat(p) in text for p in parts)
        started = time.perf_counter()
        texts = [convert(raw) for _, raw in files]
        took = time.perf_counter() - started
        left = sum(len(LEFT.findall(t)) for t in texts)
        notes = sum(len(FOOTNOTE.findall(t)) for t in texts)
        print(f"{label} | {whole}/{total} | {1000 * left / max(words, 1):.2f} | {notes} | "
              f"{took:.1f}")


if __name__ == "__main__":
    main()
