"""Vim help files read as Vim shows them: tags, links and the marks of examples and column
headings concealed, the layout kept for the line joiner."""

from assistant import Assistant
from assistant.load import load_document
from assistant.vimhelp import is_vim_help, read_vim_help

HELP = """*heron.txt*	For Vim version 9.0.  Last change: 2023 Jan 29


		HERON REFERENCE MANUAL    by Ada Wader


Counting herons					*heron-count* *herons*

The count is kept per colony, see |heron-colony|.

							*:hc* *:heroncount*
:hc[ount] {N}		Count {N} herons in the colony under the cursor.
			Counts above 9999 are refused.

Colony size	Herons per nest		~
small		2
large		3

To count every colony at once use this command: >
	:bufdo heroncount | update
The count is then written to each buffer.
							*E9001*
A colony without nests gives E9001; add a nest first.

 vim:tw=78:ts=8:noet:ft=help:norl:
"""


def test_a_help_file_is_known_by_its_tag_line_or_its_modeline():
    assert is_vim_help(HELP)
    assert is_vim_help("Some notes\n\n vim:tw=78:ft=help:norl:\n")
    assert not is_vim_help("*Bold* claims in a README.\n\nNothing else.\n")


def test_the_markup_vim_conceals_is_not_the_text():
    text, title = read_vim_help(HELP)
    assert title == "Counting herons"
    assert "Counting herons\n" in text and "heron-count" not in text  # a heading's anchor
    assert "The count is kept per colony, see heron-colony." in text
    assert ":hc :heroncount\n:hc[ount] {N}\t\tCount {N} herons" in text  # the entry's names
    assert "Colony size\tHerons per nest\n" in text  # no "~"
    assert "use this command:\n\n\t:bufdo heroncount | update\n\nThe count" in text
    assert "E9001\nA colony" in text and "vim:" not in text and "*" not in text
    # a plugin's help file says on its tag line what it is
    assert read_vim_help("*wader.txt*  Counting waders in Vim\n\nIntro\t\t*wader*\n")[1] == (
        "Counting waders in Vim")


def test_a_help_files_entry_is_quoted_without_its_markup(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "heron.txt").write_text(HELP, encoding="utf-8")
    assert load_document(docs / "heron.txt", docs).title == "Counting herons"
    bot = Assistant(docs, tmp_path / "index", reader="extractive")
    bot.index()
    answer = bot.ask("Which error do I get for a colony that has no nests?")
    assert answer.found and "A colony without nests gives E9001" in answer.text
    assert "|" not in answer.text and "*" not in answer.text
