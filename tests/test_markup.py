"""Markup to the text a reader sees: what quotes are cut from."""

from assistant.markup import html_text, markdown_text, unbox


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
        "Flag -v — Default: off.",  # a row carries its headers
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


def test_a_table_row_carries_its_headers_in_html_and_markdown():
    from assistant.markup import html_text

    html = ("<p>Releases:</p><table><thead><tr><th>Version</th><th>Codename</th>"
            "<th>Released</th></tr></thead><tbody><tr><td>22.04</td><td>Jammy "
            "<b>Jellyfish</b></td><td>2022-04-21</td></tr></tbody></table><p>More soon.</p>")
    assert html_text(html)[0] == ("Releases:\n\nVersion 22.04 — Codename: Jammy Jellyfish; "
                                  "Released: 2022-04-21.\n\nMore soon.")
    markdown = ("Releases:\n\n| Version | Codename | Released |\n|---|:---|---:|\n"
                "| 22.04 | Jammy *Jellyfish* | 2022-04-21 |\n\nMore soon.")
    assert markdown_text(markdown) == html_text(html)[0]
    # a table of headers alone keeps them
    assert markdown_text("A\n\n| Only | Headers |\n|---|---|\n\nB") == "A\n\nOnly; Headers\n\nB"


def test_a_table_that_lays_out_a_page_stays_paragraphs():
    from assistant.markup import html_text

    prose = "This paragraph is the body of the page, set in a table as old sites did. " * 5
    html = (f"<table><tr><td>Menu</td><td><p>{prose}</p><table><tr><td>a</td><td>b</td></tr>"
            "</table></td></tr></table>")
    text = html_text(html)[0]
    assert text.startswith("Menu\n\nThis paragraph is the body") and " — " not in text


def test_a_badge_of_reference_images_reads_as_its_words():
    source = ("[![openssl logo]][www.openssl.org] [![Build Status][ci]][ci-link]\n\n"
              "[openssl logo]: https://x.org/logo.svg\n[www.openssl.org]: https://x.org\n"
              "[ci]: https://x.org/ci.svg\n[ci-link]: https://x.org/ci\n\nSee ![x] here.")
    assert markdown_text(source) == "openssl logo Build Status\n\nSee ![x] here."


def test_a_short_term_is_joined_to_its_description_and_a_long_one_is_not():
    text, _ = html_text(
        "<dl><dt>dialout</dt>\n<dd><p>\n Full access to serial ports.</p><p>More.</p></dd>"
        "<dt>-h</dt><dt>--help</dt><dd>Print help.</dd>"
        "<dt>A term as long as a whole sentence of its own, too long to lead.</dt><dd>Desc.</dd>"
        "</dl><p>After.</p>")
    assert text.split("\n\n") == ["dialout — Full access to serial ports.", "More.",
                                  "-h, --help — Print help.",
                                  "A term as long as a whole sentence of its own, too long to "
                                  "lead.", "Desc.", "After."]


def test_a_headings_permalink_is_not_its_text():
    """Sphinx writes `<a class="headerlink">¶</a>` after each heading: the quote once named
    "4.4. Specifying Supported Versions¶"."""
    html = ('<h2>4.4. Specifying Supported Versions<a class="headerlink" href="#s" '
            'title="Permalink to this headline">¶</a></h2><p>The debian/control source '
            'paragraph may contain <a href="#x">optional fields</a>.</p>')
    text, _ = html_text(html)
    assert text == ("4.4. Specifying Supported Versions\n\nThe debian/control source paragraph "
                    "may contain optional fields.")
    # nor is it the title of a page without a <title>, taken from its first <h1>
    _, title = html_text('<h1>Python Policy<a class="headerlink" href="#p">¶</a></h1><p>Hi.</p>')
    assert title == "Python Policy"


def test_a_sites_chrome_and_a_headings_own_link_are_not_its_text():
    """An API reference page (Node.js's) opens with a menu of every module and a table of
    contents, marked as navigation by their role, and ends each heading with a "#" linking to
    itself: 96 of timers.html's first 100 lines were the menu, and "timeout.refresh()#" its
    heading."""
    html = ('<body><a href="#apicontent" class="skip-to-content">Skip to content</a>'
            '<div role="navigation" id="column2"><ul><li><a href="fs.html">File system</a></li>'
            '<li><div>Path</div></li></ul></div>'
            '<div id="column1"><details role="navigation" id="toc"><ul><li>Timers</li></ul>'
            '</details><div id="apicontent">'
            '<h4><code>timeout.refresh()</code><span><a class="mark" href="#r" id="r">#</a>'
            '</span></h4><p>Added in: v10.2.0</p><div hidden>Not shown.</div>'
            '<p>Sets the timer\'s start time to the <a href="#now">current time</a>.</p>'
            '</div></div></body>')
    text, _ = html_text(html)
    assert text == ("timeout.refresh()\n\nAdded in: v10.2.0\n\n"
                    "Sets the timer's start time to the current time.")


def test_a_docbook_manuals_navigation_bars_and_contents_are_not_its_text():
    """DocBook's HTML (Valgrind's manual) puts a "Prev | Up | Next" bar above and below each
    chapter and a table of contents under its title, marked only by their class."""
    html = ('<div><table class="nav" summary="Navigation header"><tr><td><a href="a.html">'
            '<img alt="Prev"></a></td><th>Valgrind User Manual</th></tr></table></div>'
            '<div class="chapter"><h1 class="title">10. DHAT</h1><div class="toc"><p><b>Table '
            'of Contents</b></p><dl class="toc"><dt><a href="#o">10.1. Overview</a></dt></dl>'
            '</div><h2>10.1. Overview</h2><p>DHAT examines heap use.</p></div>'
            '<div class="navfooter"><a href="b.html">Next</a> 11. Lackey</div>')
    assert html_text(html)[0] == "10. DHAT\n\n10.1. Overview\n\nDHAT examines heap use."


def test_a_hidden_paragraph_left_open_does_not_hide_the_page():
    """A <p> may leave out its end tag: dropped by its attribute, it would take the rest."""
    text, _ = html_text('<p hidden>Draft.<p>The heron nests in reeds.<a href="#t">'
                        '<span>#</span></a></p>')
    assert text.endswith("The heron nests in reeds.")


def test_a_row_that_ends_its_sentence_gets_no_second_full_stop():
    html = ("<table><tr><th>Version</th><th>Changes</th></tr>"
            "<tr><td>v16.0.0</td><td>Graduated from experimental.</td></tr></table>")
    assert html_text(html)[0] == "Version v16.0.0 — Changes: Graduated from experimental."
