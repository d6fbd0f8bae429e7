"""The found decision's parts, on hand-made passages (no model needed)."""

import math

from langchain_core.documents import Document

from assistant.found import Signals, common_token, common_word, missing_share, words_held
from assistant.text import DocFreq

PASSAGES = [Document("Nissan's Oppama plant runs at 40% capacity."),
            Document("Foxconn builds electric cars on its MIH platform.")]
DF = DocFreq(df={"oppama": 1, "plant": 3, "foxconn": 2, "capacity": 1}, n=100)


def test_nothing_missing_when_the_passages_hold_every_word():
    assert missing_share("How large is the Oppama plant?", PASSAGES, DF, {"large"}) == 0.0


def test_common_words_missing_are_no_sign_of_an_off_topic_question():
    assert missing_share("What share of capacity does Oppama use today?", PASSAGES, DF,
                         {"share", "use", "today"}) == 0.0


def test_an_inflected_common_word_is_no_specific_word():
    """The vocabulary has "patch" and "tick" but splits "patched" and "ticker" as it splits
    "pyenv" or "rehashing"; a reader's paraphrase is no sign of an off-topic question."""
    assert missing_share("Which release was patched for the Oppama plant?", PASSAGES, DF,
                         {"release", "patch"}) == 0.0
    assert common_word("ticker", {"tick"}) and not common_word("rehashing", {"hash"})


def test_a_token_cut_like_a_plural_or_from_a_word_in_e_is_common_too():
    """Perl's Test::Tutorial: "does that always mean…" and "avoid updating the test count"
    were declined for "alway" (a token cut as plurals are) and "updating" ("update")."""
    assert missing_share("Does it always pass?", PASSAGES, DF, {"always", "pass"}) == 0.0
    assert common_token("updating", {"update"}) and common_token("alway", {"always"})
    assert not common_token("pyenv", {"py", "env"})


def test_a_specific_word_the_index_never_saw_counts_fully():
    share = missing_share("Does pneumocystis infect the Oppama plant?", PASSAGES, DF, {"infect"})
    assert share == 1.0


def test_a_specific_word_the_index_holds_elsewhere_counts_by_its_rarity():
    df = DocFreq(df={**DF.df, "kanagawa": 10}, n=100)
    share = missing_share("Is Oppama in Kanagawa?", PASSAGES, df, set())
    assert 0 < share < 1 and math.isclose(share, df.idf("kanagawa") / math.log(202))


def test_confidence_rises_with_evidence_and_falls_with_missing_words():
    low, high = Signals(0.3, 0.0, 0.4), Signals(0.7, 0.0, 0.4)
    assert 0 < low.confidence() < 0.5 < high.confidence() < 1
    assert Signals(0.7, 1.0, 0.4).confidence() < high.confidence()
    assert Signals(0.7, 0.0, 0.8).confidence() > high.confidence()


def test_the_words_held_do_not_count_the_documents_names():
    names = {"nissan", "foxconn"}
    sentence, before = "Nissan's Global Scale: decades of expertise.", ""
    assert words_held("Who is Nissan's chief executive?", sentence, before, names, DF) == 0.0
    df = DocFreq(df={**DF.df, "much": 60, "using": 60}, n=100)
    held = words_held("How much of its capacity is the Oppama plant using?",
                      "It now operates at just 40% capacity.", "Nissan's Oppama plant is old.",
                      names, df)  # capacity in the sentence, Oppama and plant in the one before
    assert 0.7 < held < 1.0  # the common "much" and "using" are the words not held
    assert words_held("Nissan and Foxconn?", sentence, before, names, DF) == 1.0  # names only
