"""Perl's POD read as perldoc shows it: commands, formatting codes and lists give way to the
words, an option stays with its description, code around the documentation is not read."""

from assistant import Assistant
from assistant.load import load_document
from assistant.pod import read_pod

POD = """package Heron::Count;
use strict;  # code before the documentation: not read

=encoding utf8

=head1 NAME

Heron::Count - count herons by colony

=head1 OPTIONS

=over 4

=item B<--colony>=I<name>

Counts only the colony called I<name>.
The default is every colony.

=item B<--nests>

Counts nests, not birds.

=back

=head2 Limits

Counts above 9999 are refused; see L<Heron::Limits/"Large colonies"> and
L<the FAQ|Heron::FAQ>. Compare with C<< $a <=> $b >>, not C<$a E<lt> $b>.
X<refused>Write E<eacute>tude, E<0x263A> or S<no break>.

    my $count = Heron::Count->new(colony => 'north');
    print $count->total;

=begin html

<p>Only for the web page.</p>

=end html

=over 4

=item *

Nests are counted once.

=item 2

Eggs are not counted.

=back

=cut

sub new { bless {}, shift }  # code after =cut: not read
"""


def test_pod_reads_as_its_words():
    text, title = read_pod(POD)
    assert title == "Heron::Count - count herons by colony"
    assert "package" not in text and "sub new" not in text
    assert not [line for line in text.split("\n") if line.startswith("=")]
    assert ("--colony=name — Counts only the colony called name. The default is every colony."
            in text)
    assert "--nests — Counts nests, not birds." in text
    assert "\n\nLimits\n\n" in text
    assert ('Counts above 9999 are refused; see "Large colonies" in Heron::Limits and the FAQ.'
            in text)
    assert "Compare with $a <=> $b, not $a < $b." in text
    assert "Write étude, ☺ or no break." in text and "refused>" not in text
    assert "\n\n    my $count = Heron::Count->new(colony => 'north');\n    print" in text
    assert "Only for the web page" not in text
    assert "• Nests are counted once." in text and "2. Eggs are not counted." in text


def test_an_escape_naming_no_character_is_the_replacement_character():
    text = read_pod("=head1 X\n\nA E<0xD800> b E<0> c E<0x110000> d E<0x263A>\n")[0]
    assert text == "X\n\nA \ufffd b \ufffd c \ufffd d \u263a\n"
    text.encode("utf-8")  # a lone surrogate could not be


def test_a_pod_file_without_commands_is_plain_text():
    assert read_pod("Just notes.\n\nNo markup here.\n")[0] == "Just notes.\n\nNo markup here.\n"


def test_an_option_is_quoted_with_what_it_does(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "heron.pod").write_text(POD, encoding="utf-8")
    assert load_document(docs / "heron.pod", docs).title.startswith("Heron::Count")
    bot = Assistant(docs, tmp_path / "index", reader="extractive")
    bot.index()
    answer = bot.ask("How do I count only one colony?")
    assert answer.found and "--colony=name — Counts only the colony called name" in answer.text
    assert "B<" not in answer.text and "I<" not in answer.text
