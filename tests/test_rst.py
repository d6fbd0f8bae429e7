"""reStructuredText read as its built page reads: docutils' syntax and Sphinx's roles and
directives gone, their words kept (the document is written here, in the shapes of Sphinx and
CMake documentation)."""

from pathlib import Path

from assistant.documents import SUPPORTED_SUFFIXES
from assistant.load import load_document

PAGE = """\
.. _quickstart:

Quickstart
==========

.. module:: requests.models

Now, we have a :class:`Response <requests.Response>` object called ``r``, and
:meth:`~requests.Response.raise_for_status` raises an
:exc:`~requests.exceptions.HTTPError` for a 404 (see :rfc:`7230`).

``JOB_POOL``
  .. versionadded:: 3.15

  Specify a :prop_gbl:`pool <JOB_POOLS>` for the :generator:`Ninja`
  generator.

  .. versionadded:: 3.20
    Added support for :ref:`Makefile Generators`.

``DEPFILE``
  .. versionadded:: 3.20
    Added support for Makefile Generators.

  Specify a depfile.

.. note::

   ``Response.raw`` is a raw stream of bytes -- it does not
   transform the response content.

.. seealso:: The :doc:`advanced <advanced>` section.

.. code-block:: python
   :caption: example.py

   r = requests.get(url, timeout=3)

.. productionlist:: depfile
  depfile: `rule`*

.. toctree::

   user/install

.. contents::

.. include:: /etc/hostname

.. class:: os.PathLike

   A path, as the os module takes it.

Options of the ``requests`` command:

-a, --all          Show every header, including
                   hidden ones.
-o FILE, --output=FILE
                   Write the body to FILE.

                   Older releases wrote it to the terminal.

--verbose          Say more.
"""


def _read(tmp_path: Path, text: str, name: str = "quickstart.rst"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_document(tmp_path / name, tmp_path)


def test_sphinx_markup_reads_as_the_built_page(tmp_path):
    assert ".rst" in SUPPORTED_SUFFIXES
    doc = _read(tmp_path, PAGE)
    text = doc.text
    assert doc.title == "Quickstart" and doc.notes == []
    assert ("Now, we have a Response object called r, and raise_for_status raises an "
            "HTTPError for a 404 (see RFC 7230).") in text
    # an option's name opens its description, with the version note alone under it
    assert "JOB_POOL (new in version 3.15) — Specify a pool for the Ninja generator." in text
    assert "New in version 3.20: Added support for Makefile Generators." in text
    # a note that says more than its version stays a paragraph of its own
    assert "DEPFILE\n\nNew in version 3.20: Added support for Makefile Generators.\n\n" \
        "Specify a depfile." in text
    assert "Response.raw is a raw stream of bytes -- it does not transform the response" in text
    assert "The advanced section." in text
    assert "r = requests.get(url, timeout=3)" in text
    assert "depfile: `rule`*" in text  # a grammar stays as written
    # Sphinx's `class` documents one; an include reads nothing (the file is indexed on its own
    # when it is in the folder, and a file outside it is never read)
    assert "os.PathLike\n\nA path, as the os module takes it." in text
    # a command's option list reads as a man page's: each option opens its description
    assert ("-a, --all — Show every header, including hidden ones.\n\n"
            "-o FILE, --output=FILE — Write the body to FILE.\n\n"
            "Older releases wrote it to the terminal.\n\n--verbose — Say more.") in text
    for markup in (":class:", "``", ".. ", "user/install", "requests.models", ":caption:",
                   "hostname"):
        assert markup not in text, markup


def test_an_unparsable_document_is_read_as_plain_text_with_a_note(tmp_path, monkeypatch):
    from assistant import rst

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("no parser today")

    monkeypatch.setattr(rst, "publish_doctree", broken)
    doc = _read(tmp_path, "Title\n=====\n\nThe words stay.\n")
    assert "The words stay." in doc.text
    assert doc.notes == ["read as plain text: docutils could not parse it "
                         "(ValueError: no parser today)"]


def test_markup_errors_lose_no_words(tmp_path):
    """Broken markup (an unclosed literal, a malformed table, a link to nowhere) is
    docutils' warning, not a lost paragraph: what it cannot read stays as written."""
    doc = _read(tmp_path, "Title\n=====\n\nAn ``unclosed literal stays.\n\n"
                          "+------+\n| cell |\n\nA link to `nowhere`_ stays too.\n")
    assert "unclosed literal stays." in doc.text
    assert "| cell |" in doc.text
    assert "nowhere`_ stays too." in doc.text
