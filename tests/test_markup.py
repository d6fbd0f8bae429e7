"""Markup to the text a reader sees: what quotes are cut from."""

from assistant.markup import markdown_text, unbox


def test_markdown_reads_as_rendered():
    source = (
        "# Tool *guide* #\n"
        "\n"
        "Run `tool --fix` to **apply** the [suggested changes](https://x.org/fix \"t\").\n"
        "See [the docs][docs] and [clippy::todo], or <https://example.org>.\n"
        "Keep snake_case_names and 2 * 3 * 4 as they are; escape \\*stars\\*.\n"
        "\n"
        "| Flag | Default |\n"
        "|------|--------:|\n"
        "| `-v` | **off** |\n"
        "\n"
        "> Quoted _advice_.\n"
        "<!-- hidden note -->\n"
        "<details><summary>More</summary>\n"
        "\n"
        "```sh\n"
        "echo '**not emphasis**' [x](y)\n"
        "```\n"
        "</details>\n"
        "\n"
        "[^note]: A footnote stays.\n"
        "[docs]: https://x.org/docs\n"
        "[clippy::todo]: https://x.org/todo\n")
    assert markdown_text(source).split("\n") == [
        "Tool guide",
        "",
        "Run tool --fix to apply the suggested changes.",
        "See the docs and clippy::todo, or https://example.org.",
        "Keep snake_case_names and 2 * 3 * 4 as they are; escape *stars*.",
        "",
        "Flag | Default",
        "",
        "-v | off",
        "",
        "Quoted advice.",
        "",
        "More",
        "",
        "echo '**not emphasis**' [x](y)",
        "",
        "A footnote stays.",
    ]


def test_a_box_of_asterisks_is_taken_off_its_text():
    boxed = ("Intro *stays* here.\n"
             "*****************************\n"
             "*                           *\n"
             "*  This limitation shall    *\n"
             "*  not apply to death or    *\n"
             "*  personal injury.         *\n"
             "*****************************\n")
    text = unbox(boxed)
    assert text.split("\n")[0] == "Intro *stays* here."
    assert "shall\nnot apply to death or\npersonal injury." in text and "*" not in text[20:]


def test_badges_by_reference_and_code_spans_across_lines_read_as_rendered():
    text = markdown_text("[![Build Status][badge]][link]\n\n[badge]: https://x/b.svg\n"
                         "[link]: https://x\n\nPass `os.PathLike\nobjects` instead.\n")
    assert text == "Build Status\n\nPass os.PathLike objects instead."
