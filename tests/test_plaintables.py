"""Plain-text tables (columns under a header and a drawn rule) read as rows that name their
columns; a diagram or prose under a rule is left as written."""

from assistant import Assistant
from assistant.load import load_document
from assistant.plaintables import read_box_tables, read_plain_tables

# fontconfig's user manual as Debian ships it: flush-right numbers, a row whose type runs into
# its description, a word the fixed width cut, a wrapped description and a row of another shape
TABLE = """   Each bit controls different debugging messages.
  Name         Value    Meaning
  ---------------------------------------------------------
  MATCH            1    Brief information about font matching
  CONFIG        1024    Monitor which config files are loaded
  charset      CharSets Unicode chars encoded by the font
  spacing          2    Proportional, dual-width, monospace or charcel
l
  rgba             4    unknown, rgb, bgr,
                        none - subpixel geometry
  prgname  String  String  Name of the running program

   Add the values together.
"""


def test_rows_name_their_columns():
    text = read_plain_tables(TABLE)
    assert text.split("\n")[:3] == TABLE.split("\n")[:3]  # the header and rule stay
    rows = text.split("\n")[3:9]
    assert rows == [
        "  Name MATCH — Value: 1; Meaning: Brief information about font matching.",
        "  Name CONFIG — Value: 1024; Meaning: Monitor which config files are loaded.",
        "  Name charset — Value: CharSets; Meaning: Unicode chars encoded by the font.",
        "  Name spacing — Value: 2; Meaning: Proportional, dual-width, monospace or charcell.",
        "  Name rgba — Value: 4; Meaning: unknown, rgb, bgr, none - subpixel geometry.",
        "  prgname  String  String  Name of the running program"]  # kept as written
    assert text.endswith("\n   Add the values together.\n")


def test_tabs_and_bars_set_columns_apart():
    assert read_plain_tables("\tPictOp\tFa\tFb\n\t------\n\tClear\t0\t0\n\tOver\t1\t1-Aa\n") == (
        "\tPictOp\tFa\tFb\n\t------\n\tPictOp Clear — Fa: 0; Fb: 0.\n"
        "\tPictOp Over — Fa: 1; Fb: 1-Aa.\n")
    table = "uid   | name    | description\n------+---------+------\n63434 | netplan | netplan\n" \
            "64000 | ftn     | fidogate\n"
    assert "uid 64000 — name: ftn; description: fidogate." in read_plain_tables(table)


def test_what_is_no_table_stays_as_written():
    diagram = ("door client thread          kernel       door server thread\n"
               "invokes door_call()                     invokes door_return()\n"
               "-------------------------------------------------------------------\n"
               "                               <----  PRE(sys_door, DOOR_RETURN)\n"
               "PRE(sys_door, DOOR_CALL)  --->\n"
               "                               ---->  POST(sys_door, DOOR_RETURN)\n")
    heading = "Release  schedule\n-----------------\n\nThe minor version is incremented.\n"
    prose = "Two  words\n---------\nA line of prose under a rule.\nAnd another one here.\n"
    one_row = "Name     Value\n--------------\nMATCH    1\n\nThen prose.\n"
    for text in (diagram, heading, prose, one_row):
        assert read_plain_tables(text) == text


def test_a_row_is_quoted_with_its_headers(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "debug.txt").write_text(TABLE, encoding="utf-8")
    bot = Assistant(docs, tmp_path / "index", reader="extractive")
    bot.index()
    answer = bot.ask("Which value shows the config files being loaded?")
    assert answer.found and "Name CONFIG — Value: 1024; Meaning: Monitor which config" in (
        answer.text)


def test_a_box_drawn_table_reads_as_rows_with_their_headers(tmp_path):
    psql = ("Heron colonies:\n"
            "+---------+-------+--------------------+\n"
            "| colony  | nests | warden             |\n"
            "+---------+-------+--------------------+\n"
            "| north   |   412 | A. Mbeki           |\n"
            "| reedbed |    96 | J. Okafor, then    |\n"
            "|         |       | the county council |\n"
            "+---------+-------+--------------------+\n"
            "Counted in May.\n")
    assert read_box_tables(psql) == (
        "Heron colonies:\n\ncolony north — nests: 412; warden: A. Mbeki.\n\n"
        "colony reedbed — nests: 96; warden: J. Okafor, then the county council.\n\n"
        "Counted in May.\n")
    (tmp_path / "colonies.txt").write_text(psql, encoding="utf-8")
    assert "colony reedbed — nests: 96" in load_document(tmp_path / "colonies.txt",
                                                         tmp_path).text


def test_a_box_that_is_no_table_stays_as_drawn():
    spanned = "┌──────────┐\n│ a  │ b   │\n├──────────┤\n│ one cell │\n└──────────┘\n"
    no_header = "+-----+\n| box |\n+-----+\n"
    for text in (spanned, no_header):
        assert read_box_tables(text) == text
