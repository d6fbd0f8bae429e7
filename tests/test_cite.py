"""The citation matcher on hand-written sentences: what a passage supports, and what it does not."""

import pytest

from assistant.readers.cite import facts, numbers, support
from assistant.text import markers

PASSAGES = [
    "Nissan said closing the Oppama plant would cost 3,900 jobs. The plant opened in 1961.",
    "Foxconn, the Taiwanese electronics maker, is in talks to build electric vehicles at the "
    "site.",
    "The plant now runs at 40% of its capacity, down from 60% two years ago.",
]
QUESTION = "What will happen to the Oppama plant?"


def cited(sentence: str) -> tuple[int, ...] | None:
    found = support(sentence, PASSAGES, QUESTION, hint=[n - 1 for n in markers(sentence)[1]])
    return found.passages if found else None


@pytest.mark.parametrize("sentence, passages", [
    ("Closing the plant would cost 3,900 jobs.", (0,)),
    ("The closure would cost 3900 jobs.", (0,)),  # a paraphrase, the number unformatted
    ("3,900 jobs would be lost if the plant were closed.", (0,)),  # closed ~ closing
    ("According to the passages, the plant opened in 1961.", (0,)),  # framing words are free
    ("Foxconn, a Taiwanese electronics maker, may build EVs at the plant.", (1,)),
    ("The plant runs at 40 percent of capacity.", (2,)),
    ("Foxconn is a Taiwanese electronics maker, and the plant runs at 40% capacity.", (1, 2)),
])
def test_supported_sentences_cite_the_passage_that_holds_them(sentence, passages):
    assert cited(sentence) == passages


def test_two_passages_combine_only_when_they_are_pieces_of_one_text():
    both = "Foxconn is a Taiwanese electronics maker, and the plant runs at 40% capacity."
    assert support(both, PASSAGES, QUESTION, together=[0, 1, 1]).passages == (1, 2)
    assert support(both, PASSAGES, QUESTION, together=[0, 1, 2]) is None
    # one passage alone is still enough, whatever the keys
    assert support("The plant opened in 1961.", PASSAGES, QUESTION,
                   together=[0, 1, 2]).passages == (0,)


def test_the_model_naming_the_wrong_passage_does_not_matter():
    assert cited("Closing the plant would cost 3,900 jobs [2].") == (0,)


@pytest.mark.parametrize("sentence", [
    "Closing the plant would cost 4,000 jobs.",  # a number no passage holds
    "The plant opened in 1971.",
    "Foxconn is a Chinese electronics maker.",  # a name no passage holds
    "Toyota plans to buy the plant.",
    "The plant makes bicycles and scooters for export markets.",  # words no passage holds
    "Sure!",  # states nothing that could be checked
    "",
])
def test_unsupported_sentences_are_refused(sentence):
    assert cited(sentence) is None


def test_a_wrong_number_is_refused_even_when_every_word_matches():
    assert cited("Closing the Oppama plant would cost 3,800 jobs.") is None
    assert cited("Closing the Oppama plant would cost 3,900 jobs.") == (0,)


def test_the_quote_is_the_passage_sentence_that_holds_the_claim():
    found = support("It opened in 1961.", PASSAGES, QUESTION)
    s, e = found.spans[0]
    assert PASSAGES[0][s:e] == "The plant opened in 1961."


def test_markers_and_numbers_are_read_as_written():
    assert markers("It opened in 1961 [1][3].") == ("It opened in 1961.", [1, 3])
    assert markers("Both [1, 2].") == ("Both.", [1, 2])
    assert numbers("3,900 jobs, 40% and 2.5 billion; 12.0") == {"3900", "40", "2.5", "12"}


def test_names_are_the_capitalised_words_after_the_first():
    f = facts("The talks with Foxconn began in Yokohama.")
    assert {"foxco", "yokoh"} <= f.names and "the" not in f.names



def test_a_name_that_opens_the_sentence_must_be_in_the_passage_cited():
    # "Newton" opens the claim; the passages write it as a name, so it is checked like one:
    # the passage that only says 39 cannot carry the claim alone.
    game = ["Cam Newton threw for 265 yards in the final.",
            "The Broncos quarterback was 39 years old."]
    found = support("Newton was 39 years old.", game, "How old was Newton?")
    assert found is not None and 0 in found.passages
    # A sentence-opening word the passages never write as a name stays an ordinary word.
    assert facts("Closing the plant would cost 3,900 jobs.", PASSAGES[0]).names == frozenset()
