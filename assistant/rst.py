"""reStructuredText (Sphinx documentation, Python READMEs, CMake's help) to the text a reader
sees: docutils parses it and writes HTML, which `markup.html_text` lays out as it lays out any
page, so a wrapped line, a ``literal`` or a link never splits a sentence.

Sphinx's own roles (:class:`Response <requests.Response>`) and directives (`versionadded`,
`seealso`, `productionlist`) are not docutils', which would leave a role as markup and drop a
directive with everything under it. Each one a document uses is registered before it is
parsed: a role shows the text Sphinx would show, a version note reads "New in version 3.20:"
before its paragraph, and any other directive keeps its content.
"""

from __future__ import annotations

import re
import textwrap

from docutils import nodes, utils
from docutils.core import publish_doctree, publish_from_doctree
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.languages import en

from .markup import html_text

# docutils' own name syntax (`simplename`): "class", "py:class", "prop_sf", "c.macro"
_NAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"
_ROLE = re.compile(rf"(?<![\w`]):({_NAME}):`")
_DIRECTIVE = re.compile(rf"^[ \t]*\.\.[ \t]+({_NAME})[ \t]*::", re.MULTILINE)
_OPTION = re.compile(r"^\s*:[\w-]+:(\s|$)")  # a directive's option line (`:caption: x`)
_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)  # "Response <requests.Response>"

_VERSIONS = {"versionadded": "New in version", "versionchanged": "Changed in version",
             "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
_BARE = re.compile(rf"^(?:{'|'.join(_VERSIONS.values())}) \S+\.$")
# Sphinx's code directives take options docutils' `code` refuses (`:caption:`, `:linenos:`)
_LITERAL = frozenset(("code-block", "sourcecode", "productionlist", "doctest", "testcode",
                      "testoutput", "prompt", "highlight-block"))
_CONDITIONS = frozenset(("only", "ifconfig"))  # their argument is a build condition, not text
# docutils' own names that Sphinx documentation means otherwise: `.. class:: os.PathLike`
# documents a class; `.. include::` would read another file (never: the included file is
# indexed on its own when it is in the folder, and a file outside it must not be read)
_TAKEN = _LITERAL | {"class", "include", "contents", "sectnum"}
# directives that hold no text for a reader: tables of contents, index entries, settings
_SILENT = frozenset(("toctree", "index", "highlight", "module", "currentmodule", "py:module",
                     "py:currentmodule", "default-domain", "tabularcolumns", "automodule",
                     "autosummary", "cmake-module", "program", "option-list-hide", "include",
                     "contents", "sectnum"))
_SETTINGS = {"report_level": 5, "halt_level": 5, "warning_stream": False, "traceback": True,
             "file_insertion_enabled": False, "raw_enabled": False, "syntax_highlight": "none",
             "embed_stylesheet": False, "stylesheet_path": "", "input_encoding": "unicode",
             "doctitle_xform": True, "sectsubtitle_xform": False}


def rst_text(source: str) -> tuple[str, str]:
    """The text of a reStructuredText document and its title ("" when it has none)."""
    _register(source)
    doctree = publish_doctree(source, settings_overrides=_SETTINGS)
    _keep_unread(doctree)
    _fold_terms(doctree)
    _fold_options(doctree)
    html = publish_from_doctree(doctree, writer="html4css1",
                                settings_overrides={**_SETTINGS, "output_encoding": "unicode"})
    text, _ = html_text(html)
    return text, " ".join(doctree.get("title", "").split())


def _keep_unread(doctree: nodes.document) -> None:
    """Markup docutils could not read (a malformed table) comes with its source lines in the
    error: they stay, as written, where the error would have been shown."""
    for message in list(doctree.findall(nodes.system_message)):
        kept = [n for n in message.children if isinstance(n, nodes.literal_block)]
        if message.parent is not None:  # not replace_self: a problematic node links its ids
            at = message.parent.index(message)
            message.parent[at:at + 1] = kept


def _fold_terms(doctree: nodes.document) -> None:
    """An option's or a term's name opens its description's first sentence ("JOB_POOL — Specify
    a pool for the Ninja generator."), as a man page's option does, so that a quote of that
    sentence says what it describes; a version note alone under it joins the name ("BYPRODUCTS
    (new in version 3.2) — …")."""
    for item in list(doctree.findall(nodes.definition_list_item)):
        terms = [c for c in item.children if isinstance(c, nodes.term)]
        definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
        if not terms or definition is None:
            continue
        name = " ".join(" ".join(t.astext().split()) for t in terms)
        while definition.children and _bare_version(definition[0]):
            label = definition[0].astext().strip().rstrip(".")
            name += f" ({label[0].lower()}{label[1:]})"
            definition.remove(definition[0])
        first = next((c for c in definition.children if isinstance(c, nodes.paragraph)), None)
        if first is None or first is not definition.children[0]:
            continue  # a description that opens with a list or code keeps its name above it
        first.insert(0, nodes.Text(f"{name} — "))
        for term in terms:
            item.remove(term)


def _fold_options(doctree: nodes.document) -> None:
    """A command-line option list ("-o FILE, --output=FILE   Write the report to FILE.") reads
    as one paragraph per option, its names opening its description ("-o FILE, --output=FILE —
    Write the report to FILE."): docutils writes it as a table, whose first row would read as
    the headers of the others."""
    for listing in list(doctree.findall(nodes.option_list)):
        kept: list[nodes.Node] = []
        for item in (c for c in listing.children if isinstance(c, nodes.option_list_item)):
            group = next((c for c in item.children if isinstance(c, nodes.option_group)), None)
            description = next((c for c in item.children if isinstance(c, nodes.description)),
                               None)
            name = ", ".join(o.astext() for o in group.children) if group is not None else ""
            body = list(description.children) if description is not None else []
            if body and isinstance(body[0], nodes.paragraph):
                body[0].insert(0, nodes.Text(f"{name} — "))
            else:
                body.insert(0, nodes.paragraph(text=name))
            kept.extend(body)
        listing.replace_self(kept)


def _bare_version(node: nodes.Node) -> bool:
    """A version note with nothing under it: "New in version 3.2."."""
    return (isinstance(node, nodes.container) and "version-note" in node["classes"]
            and _BARE.match(node.astext().strip()) is not None)


def _register(source: str) -> None:
    """Teach docutils the roles and directives this document uses that it does not know."""
    for name in set(_ROLE.findall(source)) - set(en.roles):
        roles.register_local_role(name, _shown)
    for name in set(_DIRECTIVE.findall(source)) - (set(en.directives) - _TAKEN):
        directives.register_directive(name, _Sphinx)


def _shown(name: str, rawtext: str, text: str, lineno: int, inliner: object,
           options: dict | None = None, content: list | None = None
           ) -> tuple[list[nodes.Node], list]:
    """A Sphinx cross-reference as Sphinx shows it: "Response" for `Response
    <requests.Response>`, "Response" for `~requests.Response`, "requests.Response" else."""
    text = utils.unescape(text)  # docutils marks backslash escapes, as its own roles undo
    titled = _TARGET.match(text)
    if titled and titled.group(1):
        return [nodes.literal(rawtext, titled.group(1))], []
    text = text.lstrip("!")
    if text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    return [nodes.literal(rawtext, text)], []


class _AnyOption(dict):
    """An option list that accepts every option (`:caption:`, `:linenos:`), ignored."""

    def __getitem__(self, key: str) -> object:
        return directives.unchanged

    def __bool__(self) -> bool:
        return True


class _Sphinx(Directive):
    """A directive docutils does not know, read for what a reader of the built page sees."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = _AnyOption()

    def run(self) -> list[nodes.Node]:
        if self.name in _SILENT:
            return []
        argument = self.arguments[0] if self.arguments else ""
        if self.name in _LITERAL:
            # its lines as written: a grammar's first lines may have been read as arguments
            lines = self.content or textwrap.dedent(
                "\n".join(self.block_text.splitlines()[1:])).splitlines()
            body = "\n".join(line for line in lines if not _OPTION.match(line)).strip("\n")
            return [nodes.literal_block("", body)] if body else []
        box = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, box)
        if argument and self.name not in (*_VERSIONS, *_CONDITIONS):
            # a signature (`.. function:: get(url)`) or a line said on the directive's own
            inline, _ = self.state.inline_text(" ".join(argument.split()), self.lineno)
            box.insert(0, nodes.paragraph("", "", *inline))
        if self.name in _VERSIONS:
            box["classes"].append("version-note")
            version, said = ([*argument.split(None, 1), ""])[:2]
            label = f"{_VERSIONS[self.name]} {version}: "
            if said.strip():  # text on the directive's own lines, markup and all
                inline, _ = self.state.inline_text(" ".join(said.split()), self.lineno)
                box.insert(0, nodes.paragraph("", "", *inline))
            if box.children and isinstance(box[0], nodes.paragraph):
                box[0].insert(0, nodes.Text(label))
            else:
                box.insert(0, nodes.paragraph("", label.rstrip(": ") + "."))
        return [box]
