"""Perl's POD (`perldoc perlpod`), the markup Perl's documentation and many CPAN tutorials are
written in, read as `perldoc` shows it:

    =head2 Skipping tests                      a heading: its words on a line of their own
    Use C<skip()> to jump over I<a block>.     formatting codes read as their words;
    See L<the docs|Test::More/"skip">.         a link as its text; without one, '"skip" in
                                               Test::More'
        SKIP: { ... }                          a verbatim paragraph: kept apart, as written
    =item --verbose                            a list's term and the paragraph after it on one
    Prints what it does.                       line ("--verbose — Prints what it does."), so an
                                               option's name stays with what it does
    =begin html ... =end html                  a block for another formatter: dropped

Paragraphs are separated by blank lines, each on one line; a file's code before `=pod` or
after `=cut` is not documentation and is skipped (a file without a single command is read as
the plain text it is). The title is what NAME says the page is.
"""

from __future__ import annotations

import html
import re

_COMMAND = re.compile(r"^=([a-zA-Z]\w*)\s*(.*)", re.DOTALL)
_BLANK = re.compile(r"\n[ \t]*\n")
_CODE = re.compile(r"([A-Z])(<+)")
# E<...> escapes POD names itself; the rest are HTML's entity names ("E<euml>")
_ESCAPES = {"lt": "<", "gt": ">", "verbar": "|", "sol": "/"}
_BULLET = re.compile(r"^[*\-+o•]$|^[*\-•]\s+")
_NUMBER = re.compile(r"^(\d+)\.?$")
_SCHEME = re.compile(r"^[a-z][\w+.-]*:(?!:)\S", re.IGNORECASE)


def read_pod(text: str) -> tuple[str, str]:
    """The page as text, one paragraph or heading to a line, and its title: the line under
    NAME ("lwptut -- An LWP Tutorial"), else the first heading."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    out: list[str] = []
    title = heading = ""
    # a file named .pod without one command is plain text; otherwise POD starts at a command
    in_pod = not re.search(r"^=[a-zA-Z]", text, re.MULTILINE)
    skipping = False
    term = ""  # an `=item` waiting for the paragraph it names
    kinds: list[str] = []  # each open `=over`: "bullet", "number" or "term"
    for block in _BLANK.split(text):
        if not block.strip():
            continue
        command = _COMMAND.match(block.lstrip("\n"))
        if not in_pod and not command:
            continue  # code around the documentation
        in_pod = True
        if command:
            name, rest = command.group(1), " ".join(command.group(2).split())
            if skipping:
                skipping = not (name == "end" and not _keeps(rest))
                continue
            if term:
                out.append(term)
                term = ""
            if name == "cut":
                in_pod = False
            elif name.startswith("head"):
                heading = _words(rest)
                title = title or heading
                out.append(heading)
            elif name == "over":
                kinds.append("")
            elif name == "back":
                kinds = kinds[:-1]
            elif name == "item":
                term = _item(rest, kinds)
            elif name == "begin":
                skipping = not _keeps(rest)
            elif name == "for" and _keeps(rest):
                out.append(_words(rest.partition(" ")[2]))
            continue
        if skipping:
            continue
        if block[0] in " \t":  # verbatim: a code example, kept as written
            if term:
                out.append(term)
                term = ""
            out.append(_verbatim(block))
            continue
        words = _words(" ".join(block.split()))
        if heading.upper() == "NAME" and title == heading:
            title = words
        if term:
            words = f"{term}{words}" if term.endswith(" ") else f"{term} — {words}"
            term = ""
        out.append(words)
    if term:
        out.append(term)
    return "\n\n".join(out).strip() + "\n", title


def _keeps(formats: str) -> bool:
    """Whether a `=begin`/`=for` block is for plain-text readers (`text`, `:text`)."""
    return formats.split(" ", 1)[0].lstrip(":").lower() in ("text", "")


def _item(rest: str, kinds: list[str]) -> str:
    """What an `=item` puts before its paragraph: "• " or "3. " in a bulleted or numbered list
    (the words on the item's own line follow), or the term a definition list names."""
    kind = kinds[-1] if kinds else ""
    if _BULLET.match(rest) or (not rest and kind == "bullet"):
        if kinds:
            kinds[-1] = "bullet"
        words = _words(_BULLET.sub("", rest, count=1))
        return f"• {words}" if words else "• "
    number = _NUMBER.match(rest)
    if number and kind != "term":
        if kinds:
            kinds[-1] = "number"
        return f"{number.group(1)}. "
    if kinds:
        kinds[-1] = "term"
    return _words(rest)


def _verbatim(block: str) -> str:
    """A verbatim paragraph indented four spaces past its least indented line, as Markdown
    keeps code, with tabs expanded."""
    lines = block.expandtabs(8).strip("\n").split("\n")
    margin = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(("    " + line[margin:]).rstrip() for line in lines)


def _words(text: str) -> str:
    """Formatting codes read as their words: `C<< $a <=> $b >>` is "$a <=> $b", `B<see
    I<this>>` is "see this". One pass with a stack of the codes open, so a page of unclosed
    codes costs no more than its length; one left open ends with the paragraph."""
    stack: list[tuple[str, str, list[str]]] = [("", "", [])]  # (letter, closer, words)
    pos = 0
    while pos < len(text):
        letter, closer, words = stack[-1]
        code = _CODE.match(text, pos) if text[pos].isupper() else None
        if code:
            brackets = len(code.group(2))
            if brackets > 1 and text[code.end():code.end() + 1].isspace():
                stack.append((code.group(1), ">" * brackets, []))  # closed by " >>"
                pos = code.end() + 1
            else:
                stack.append((code.group(1), ">", []))
                pos = code.start() + 2
            continue
        if closer == ">" and text[pos] == ">" or len(closer) > 1 and text.startswith(
                closer, pos) and words and words[-1][-1:].isspace():
            stack.pop()
            stack[-1][2].append(_render(letter, "".join(words).strip() if len(closer) > 1
                                        else "".join(words)))
            pos += len(closer)
            continue
        words.append(text[pos])
        pos += 1
    while len(stack) > 1:
        letter, _, words = stack.pop()
        stack[-1][2].append(_render(letter, "".join(words)))
    return "".join(stack[0][2])


def _render(letter: str, inner: str) -> str:
    """A code's words, its nested codes already read: an index entry (X) and the empty
    code (Z) have none; an escape (E) is its character; a link (L) its text."""
    if letter in "XZ":
        return ""
    if letter == "E":
        return _escape(inner.strip())
    if letter == "L":
        return _link(inner)
    return inner  # I, B, C, F, S and codes POD does not define


def _escape(name: str) -> str:
    """An `E<…>` escape's character. A number that names no character text may hold (0, a
    surrogate, past U+10FFFF) is U+FFFD, as HTML's `&#xD800;` is: a lone surrogate in the
    text had made the embedder's tokenizer fail the whole index build."""
    if name in _ESCAPES:
        return _ESCAPES[name]
    if re.fullmatch(r"0x[0-9a-fA-F]+|0[0-7]*|\d+", name):
        try:
            point = int(name, 0) if not re.fullmatch(r"0[0-7]+", name) else int(name, 8)
        except ValueError:
            return ""
        return chr(point) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else "\ufffd"
    named = html.unescape(f"&{name};")
    return "" if named == f"&{name};" else named


def _link(inner: str) -> str:
    """`L<text|target>` reads as its text; `L<Name/"Section">` as "Section" in Name, as
    perldoc writes it; a URL and a page's name as themselves."""
    text, bar, _ = inner.partition("|")
    if bar:
        return text
    if _SCHEME.match(inner):
        return inner
    page, slash, section = inner.partition("/")
    section = section.strip().strip('"')
    if not slash:
        return page.strip('"') if page.startswith('"') else page
    return f'"{section}" in {page}' if page else f'"{section}"'
