from assistant.text import DocFreq, is_table_row, paragraphs, sentences, tokenize


def texts(text, spans):
    return [text[s:e] for s, e in spans]


def test_sentences_keep_offsets_and_respect_abbreviations():
    text = "Nissan sold 76,977 cars in the U.S. last May. Dr. Smith agreed!  Then it rained."
    got = texts(text, sentences(text))
    assert got == ["Nissan sold 76,977 cars in the U.S. last May.", "Dr. Smith agreed!",
                   "Then it rained."]


def test_list_markers_stay_with_their_item_and_lines_end_sentences():
    text = "Two strengths:\n\n  1. Scale: a big one.\n  2. Speed: a fast one.\nHeading\nBody text."
    got = texts(text, sentences(text))
    assert got == ["Two strengths:", "1. Scale: a big one.", "2. Speed: a fast one.",
                   "Heading", "Body text."]


def test_soft_wrapped_lines_are_joined_into_one_sentence():
    text = ("This sentence was wrapped by a PDF extractor at a fixed width of about\n"
            "seventy characters and continues here. Next one.")
    got = texts(text, sentences(text))
    assert len(got) == 2 and got[0].endswith("continues here.")


def test_indented_wrapped_prose_goes_on_across_a_bracket_and_after_a_sentence_end():
    """Apache's clause 3, as the licence file wraps it: a line ending in ")" and a sentence
    opening at a line's end once cut it line by line ("If You" / "institute patent
    litigation…"), and the sentence holding the answer was never quoted whole."""
    text = ("   3. Grant of Patent License. Each Contributor grants a patent license\n"
            "      for their Contribution(s) alone or by combination of their Contribution(s)\n"
            "      with the Work to which such Contribution(s) was submitted. If You\n"
            "      institute patent litigation against any entity (including a\n"
            "      cross-claim or counterclaim in a lawsuit), then any patent licenses\n"
            "      shall terminate as of the date such litigation is filed.\n")
    got = texts(text, sentences(text))
    assert [" ".join(s.split()) for s in got] == [
        "3. Grant of Patent License.",
        "Each Contributor grants a patent license for their Contribution(s) alone or by "
        "combination of their Contribution(s) with the Work to which such Contribution(s) was "
        "submitted.",
        "If You institute patent litigation against any entity (including a cross-claim or "
        "counterclaim in a lawsuit), then any patent licenses shall terminate as of the date "
        "such litigation is filed."]


def test_a_line_the_next_word_would_not_fit_on_goes_on_though_a_capital_follows():
    """The .lzma format's specification, indented eight columns: the formatter wrapped
    "…files that have" before "End of Payload Marker", and a quote once began there."""
    text = ("        is used if Uncompressed Size is unknown. End of Payload Marker\n"
            "        is allowed but rarely used if Uncompressed Size is known.\n"
            "        XZ Utils 5.2.5 and older don't support .lzma files that have\n"
            "        End of Payload Marker together with a known Uncompressed Size.\n")
    got = [" ".join(s.split()) for s in texts(text, sentences(text))]
    assert got[-1] == ("XZ Utils 5.2.5 and older don't support .lzma files that have End of "
                       "Payload Marker together with a known Uncompressed Size.")
    # Short lines, each a name, in a block 76 columns wide: the next name would have fit on
    # the line, so each stands alone.
    names = ("  The authors of this manual, as its first page lists them for its readers:\n"
             "      Neil Schemenauer\n      Matthias Klose\n      Gregor Hoffleit\n")
    assert len(sentences(names)) == 4


def test_a_comment_wrapped_over_hash_lines_is_one_sentence():
    """adduser.conf: "What does it mean when a setting is commented out?" was answered by the
    fragment "# code." once each "#" line stood alone."""
    text = ("# A commented out setting indicates that this is the default in the\n"
            "# code. If you need to change those settings, remove the comment and\n"
            "# make your intended change.\n"
            "# Default: USERS_GID=undefined, USERS_GROUP=users\n")
    got = texts(text, sentences(text))
    assert got[0] == ("# A commented out setting indicates that this is the default in the\n"
                      "# code.")
    assert got[-1] == "# Default: USERS_GID=undefined, USERS_GROUP=users"
    # bullets going on in lower case are items, not a wrapped comment
    assert len(sentences("- keep going\n- make it\n")) == 2


def test_table_rows_and_commands_stay_lines_of_their_own():
    rows = ("  t.-awaited  yes        always   No    postinst triggered\n"
            "  t.-pending  always     never    Yes   postinst triggered\n")
    assert len(sentences(rows)) == 2
    commands = ("Usage:\n   dpkg-trigger [--by-package <package>] <name-of-trigger>\n"
                "   dpkg-trigger --no-await <name-of-trigger>\n")
    assert len(sentences(commands)) == 3


def test_a_clause_wrapped_after_its_semicolon_goes_on_and_a_statement_does_not():
    notes = (' * "git diff --stat" etc. were invented back when everything was ASCII and\n'
             "   strlen() was a way to measure the display width of a string;\n"
             "   adjust them to compute the display width assuming UTF-8 pathnames.\n")
    assert len(sentences(notes)) == 1
    code = "    int width = 0;\n    width = strlen(name);\n    return width;\n"
    assert len(sentences(code)) == 3


def test_a_line_drawn_between_parts_is_no_part_of_a_sentence():
    text = ("If you're interested in helping, here are some tasks.\n"
            + "=" * 50 + "\nModify chmod so that it does not change an inode's st_ctime\n"
            "  when the selected operation would have no other effect.\n")
    assert [text[s:e] for s, e in sentences(text)][1:] == [
        "=" * 50, "Modify chmod so that it does not change an inode's st_ctime\n"
        "  when the selected operation would have no other effect."]


def test_paragraphs_split_on_blank_lines_only():
    text = "a b\nc\n\n  \n d e \n\nf"
    assert texts(text, paragraphs(text)) == ["a b\nc", "d e", "f"]


def test_tokenize_normalizes_numbers_plurals_and_acronyms():
    assert tokenize("How many jobs? 3,900 jobs in the U.S. companies") == [
        "many", "job", "3900", "job", "us", "company"]


def test_contractions_are_stopwords_and_a_possessive_is_its_name():
    """"I'm" is no specific word of a question; counted as one, no passage held it and the
    question looked off-topic."""
    assert tokenize("I'm sure it's what’s there; don't you think? Nissan's plant isn't") == [
        "sure", "think", "nissan", "plant"]


def test_rare_terms_weigh_more():
    freq = DocFreq({"nissan": 9, "oppama": 1}, 10)
    assert freq.idf("oppama") > freq.idf("nissan") > 0
    assert freq.idf("never-seen") > freq.idf("oppama")


def test_a_year_opening_a_wrapped_line_is_no_list_number():
    text = ("The Company issued commercial paper notes that mature at different dates in the "
            "fourth quarter of fiscal\n2023. The Company repaid them in full.\n"
            "1. Summary of significant accounting policies")
    spans = [text[s:e] for s, e in sentences(text)]
    assert spans[0].endswith("in the fourth quarter of fiscal\n2023.")
    assert spans[-1] == "1. Summary of significant accounting policies"


def test_a_commands_options_are_a_sentence_each_as_its_help_lists_them():
    """A --help listing copied into a manual (a PDF's lines joined) is one option per line; an
    option named at the start of a wrapped line of prose goes on with its sentence."""
    text = ("Decodes DER data in ENCODED file, for the ASN1TYPE element described\n"
            "in ASN.1 DEFINITIONS file, and print decoded structures.\n"
            "-b, --benchmark perform a benchmark on decoding with the given input\n"
            "-t, --no-time-strict use strict DER decoding but not in time fields\n"
            "--version   output version information and exit\n"
            "To see every field of a structure as it is decoded, use the longer option\n"
            "--check-all together with the name of the type you want to be printed.")
    assert texts(text, sentences(text))[1:] == [
        "-b, --benchmark perform a benchmark on decoding with the given input",
        "-t, --no-time-strict use strict DER decoding but not in time fields",
        "--version   output version information and exit",
        "To see every field of a structure as it is decoded, use the longer option\n"
        "--check-all together with the name of the type you want to be printed."]


def test_a_zero_opening_a_wrapped_line_is_no_list_number():
    text = ('SEQUENCE OF: VALUE must be the null terminated string "NEW" and LEN !=\n'
            "0. With this instruction another element is appended in the sequence.")
    assert texts(text, sentences(text)) == [
        'SEQUENCE OF: VALUE must be the null terminated string "NEW" and LEN !=\n0.',
        "With this instruction another element is appended in the sequence."]


def test_indented_prose_with_two_spaces_after_full_stops_is_read_as_sentences():
    """IJG's manual (and GNU's texts) set two spaces after each full stop and indent a
    parameter's description: those are sentence gaps, not a table's columns."""
    text = ("boolean do_block_smoothing\n"
            "        If TRUE, interblock smoothing is applied in early stages of decoding\n"
            "        progressive JPEG files; if FALSE, not.  Default is TRUE.  Early\n"
            "        progression stages look \"fuzzy\" with smoothing, \"blocky\" without.\n"
            "        density_unit may be 0 for unknown,\n"
            "        1 for dots/inch, or 2 for dots/cm.  This usually looks a lot better\n"
            "        than the one-size-\n"
            "        fits-all colormap.\n")
    assert _read(text) == [
        "boolean do_block_smoothing",
        "If TRUE, interblock smoothing is applied in early stages of decoding progressive "
        "JPEG files; if FALSE, not.",
        "Default is TRUE.",
        "Early progression stages look \"fuzzy\" with smoothing, \"blocky\" without.",
        "density_unit may be 0 for unknown, 1 for dots/inch, or 2 for dots/cm.",
        "This usually looks a lot better than the one-size- fits-all colormap.",
    ]
    assert not is_table_row("progressive JPEG files; if FALSE, not.  Default is TRUE.  Early")


def test_a_comment_after_code_ends_its_line_and_a_wrapped_comment_goes_on():
    text = ('  NeverAutoRemove "<LIST>";  // list of package name regexes\n'
            '  LastInstalledKernel "<STRING>"; // last installed kernel version\n'
            "  host STR\t\t# host where the server is located (if map to local address\n"
            "\t\t\t# server is local, and then it may be started automatically)\n"
            "  [port INT]\t\t# PF_INET port number to listen/connect\n"
            '    AutoDetect "<BOOL>"; // do auto detection of the cdrom mountpoint\n'
            "    // when auto-detecting, only look for cdrom/dvd\n"
            '    CdromOnly "true";\n'
            "/* Options you can set to see some debugging text They correspond to names\n"
            "   of classes in the source code */\n"
            "Debug\n{\n"
            '  pkgInitConfig "<BOOL>";\n'
            '  pkgProblemResolver "<BOOL>";\n}\n')
    assert _read(text) == [
        'NeverAutoRemove "<LIST>"; // list of package name regexes',
        'LastInstalledKernel "<STRING>"; // last installed kernel version',
        "host STR # host where the server is located (if map to local address # server is "
        "local, and then it may be started automatically)",
        "[port INT] # PF_INET port number to listen/connect",
        # a comment at the code's column, not the trailing one's, is about the next setting
        'AutoDetect "<BOOL>"; // do auto detection of the cdrom mountpoint',
        "// when auto-detecting, only look for cdrom/dvd", 'CdromOnly "true";',
        "/* Options you can set to see some debugging text They correspond to names of classes "
        "in the source code */",
        "Debug", "{", 'pkgInitConfig "<BOOL>";', 'pkgProblemResolver "<BOOL>";', "}",
    ]


def test_a_two_column_list_set_wide_apart_is_read_a_row_a_line():
    text = ("The following fields are set by jpeg_read_header():\n\n"
            "JDIMENSION image_width                  Width and height of image\n"
            "JDIMENSION image_height\n"
            "int num_components                      Number of color components\n"
            "  UINT8 density_unit                    Resolution data from JFIF marker,\n"
            "                                        when it has one\n")
    assert _read(text) == [
        "The following fields are set by jpeg_read_header():",
        "JDIMENSION image_width Width and height of image",
        "JDIMENSION image_height",
        "int num_components Number of color components",
        "UINT8 density_unit Resolution data from JFIF marker, when it has one",
    ]
    assert not is_table_row("Version 1.4  11 December 2005")  # two spaces: no column yet
    text = ("As distributed, we make the assumptions that\n"
            "        char    is at least 8 bits wide\n"
            "        short   is at least 16 bits wide\n")
    assert _read(text) == ["As distributed, we make the assumptions that",
                   "char is at least 8 bits wide", "short is at least 16 bits wide"]


def test_one_line_with_wide_gaps_is_no_table():
    text = ("/* zpipe.c: example of proper use of zlib's inflate() and deflate()\n"
            "   Not copyrighted -- provided to the public domain\n"
            "   Version 1.4  11 December 2005  Mark Adler */\n")
    assert _read(text) == [
        "/* zpipe.c: example of proper use of zlib's inflate() and deflate() Not copyrighted -- "
        "provided to the public domain Version 1.4 11 December 2005 Mark Adler */"]


def test_a_sentence_a_code_example_interrupts_goes_on_after_it():
    """As C libraries' manuals write: prose, the call indented, and the sentence's end."""
    text = ("You can change the zlib compression buffer size to be used while\n"
            "reading compressed data with\n\n"
            "    png_set_compression_buffer_size(png_ptr, buffer_size);\n\n"
            "where the default size is 8192 bytes.  Note that the buffer size\n"
            "is changed immediately.\n\n"
            "Typical code for this step is\n\n"
            "        struct jpeg_compress_struct cinfo;\n\n"
            "jpeg_create_compress allocates a small amount of memory.\n")
    assert _read(text) == [
        "You can change the zlib compression buffer size to be used while reading compressed "
        "data with png_set_compression_buffer_size(png_ptr, buffer_size); where the default "
        "size is 8192 bytes.",
        "Note that the buffer size is changed immediately.",
        "Typical code for this step is",  # a name opens the next: no sentence goes on
        "struct jpeg_compress_struct cinfo;",
        "jpeg_create_compress allocates a small amount of memory.",
    ]


def _read(text: str) -> list[str]:
    """The sentences of `text`, their whitespace as a reader sees it."""
    return [" ".join(text[s:e].split()) for s, e in sentences(text)]


def test_a_footnotes_number_ends_the_sentence_it_annotates():
    """Perl's Test::Tutorial: "MacPerl is one off the top of my head. [9] Rather than putting a
    comment in the test…" quoted its answer as "[9] Rather than…"; Wikipedia's "1998.[3]"
    was no sentence end at all."""
    text = ("MacPerl is one off the top of my head. [9] Rather than that, we skip it. "
            "It was 1998.[3] Then more. See [2] for it.")
    assert [text[a:b] for a, b in sentences(text)] == [
        "MacPerl is one off the top of my head. [9]", "Rather than that, we skip it.",
        "It was 1998.[3]", "Then more.", "See [2] for it."]
