"""Man pages saved as text, read back as the paragraphs they were set from (excerpts of
gzip(1) and ssh_config(5) as `man` prints them at 80 columns)."""

from assistant.layout import is_man_page, reflow_man_page
from assistant.load import load_document

GZIP = """GZIP(1)                     General Commands Manual                    GZIP(1)

NAME
       gzip, gunzip, zcat - compress or expand files

DESCRIPTION
       The  gzip  command reduces the size of the named files using Lempel-Ziv
       coding (LZ77).  Whenever possible, each file is replaced  by  one  with
       the  extension  .gz, while keeping the same ownership modes, access and
       modification times.  (The default extension is z for MSDOS,  OS/2  FAT,
       Windows  NT  FAT  and  Atari.)  If no files are specified, or if a file
       name is "-", the standard input is compressed to the  standard  output.
       The  gzip command will only attempt to compress regular files.  In par\u2010
       ticular, it will ignore symbolic links.

OPTIONS
       -k --keep
              Keep (don't delete) input files during compression or decompres\u2010
              sion.

       -l --list
              For each compressed file, list the following fields:

                  compressed size: size of the compressed file
                  ratio: compression ratio (0.0% if unknown)

ADVANCED USAGE
       Multiple  compressed  files  can  be concatenated. In this case, gunzip
       will extract all members at once. For example:

             gzip -c file1  > foo.gz
             gzip -c file2 >> foo.gz

                                     local                             GZIP(1)
"""

SSH_CONFIG = """SSH_CONFIG(5)               BSD File Formats Manual              SSH_CONFIG(5)

DESCRIPTION
     Host    Restricts the following declarations (up to the next Host or
             Match keyword) to be only for those hosts that match one of the
             patterns given after the keyword.

     ConnectTimeout
             Specifies the timeout (in seconds) used when connecting to the
             SSH server, instead of using the default system TCP timeout.

                                 December 12, 2022                Debian
"""


def test_a_man_page_is_told_by_its_header_line():
    assert is_man_page(GZIP) and is_man_page(SSH_CONFIG)
    assert not is_man_page("GZIP(1) is a program.\nIt compresses files.")


def test_prose_is_joined_and_hyphenation_at_line_ends_undone():
    page = reflow_man_page(GZIP)
    assert page.title == "gzip, gunzip, zcat - compress or expand files"
    first = page.text.split("\n\n")[4]
    assert first.startswith("The gzip command reduces the size of the named files using "
                            "Lempel-Ziv coding (LZ77). Whenever possible, each file is")
    assert first.endswith("The gzip command will only attempt to compress regular files. In "
                          "particular, it will ignore symbolic links.")


def test_an_option_stays_with_its_description_and_examples_stay_as_set():
    paragraphs = reflow_man_page(GZIP).text.split("\n\n")
    assert ("-k --keep — Keep (don't delete) input files during compression or "
            "decompression.") in paragraphs
    assert "-l --list — For each compressed file, list the following fields:" in paragraphs
    assert "compressed size: size of the compressed file" in paragraphs
    assert "ratio: compression ratio (0.0% if unknown)" in paragraphs
    assert "gzip -c file1  > foo.gz" in paragraphs and "gzip -c file2 >> foo.gz" in paragraphs


def test_ragged_text_and_a_term_on_its_descriptions_first_line():
    paragraphs = reflow_man_page(SSH_CONFIG).text.split("\n\n")
    assert ("Host — Restricts the following declarations (up to the next Host or Match "
            "keyword) to be only for those hosts that match one of the patterns given after "
            "the keyword.") in paragraphs
    assert paragraphs[-2].startswith("ConnectTimeout — Specifies the timeout (in seconds)")


def test_the_running_header_and_footer_are_never_quoted(tmp_path):
    (tmp_path / "gzip.1.txt").write_text(GZIP)
    doc = load_document(tmp_path / "gzip.1.txt", tmp_path)
    marked = {doc.text[s:e] for s, e in doc.leftovers}
    assert "GZIP(1)                     General Commands Manual                    GZIP(1)" \
        in marked
    assert any(m.startswith("local") for m in marked)
    assert all(s >= e or "Lempel-Ziv" not in doc.text[s:e] for s, e in doc.leftovers)


CRYPT = """CRYPT(5)                      File Formats Manual                     CRYPT(5)

DESCRIPTION
     Salt defeats a number of attacks:

     1.   It is not possible to hash a passphrase once and then test it
          against each account's stored hash.

     2.   It is not possible to tell whether two accounts use the same
          passphrase without successfully guessing one of the phrases.

     Prefix
          "$2b$"

                                 October 11, 2017                 Debian
"""


def test_a_numbered_list_keeps_its_numbers_and_a_term_its_dash():
    """A list item's number is not a term it defines ("1. — It is not possible…" read as the
    definition of "1.")."""
    paragraphs = reflow_man_page(CRYPT).text.split("\n\n")
    assert ("1. It is not possible to hash a passphrase once and then test it against each "
            "account's stored hash.") in paragraphs
    assert paragraphs[4].startswith("2. It is not possible to tell whether")
    assert 'Prefix — "$2b$"' in paragraphs
