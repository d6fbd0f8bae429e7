"""The found decision's parts and the ranking's order, on hand-made passages (no model needed)."""

import math

from langchain_core.documents import Document

from assistant.read import Candidate, Signals, _best_first, missing_share
from assistant.text import DocFreq

PASSAGES = [Document("Nissan's Oppama plant runs at 40% capacity."),
            Document("Foxconn builds electric cars on its MIH platform.")]
DF = DocFreq(df={"oppama": 1, "plant": 3, "foxconn": 2, "capacity": 1}, n=100)


def test_nothing_missing_when_the_passages_hold_every_word():
    assert missing_share("How large is the Oppama plant?", PASSAGES, DF, {"large"}) == 0.0


def test_common_words_missing_are_no_sign_of_an_off_topic_question():
    assert missing_share("What share of capacity does Oppama use today?", PASSAGES, DF,
                         {"share", "use", "today"}) == 0.0


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


def test_equal_scores_summed_in_another_order_keep_retrieval_order():
    """Term weights are summed in set order, which changes from process to process: one
    sentence in two filings must not swap places on the last bit of a float."""
    weights = [0.3, 0.2, 0.1]
    earlier = Candidate(0, 0, 10, "Same words.", score=sum(weights))  # 0.6
    later = Candidate(1, 0, 10, "Same words.", score=sum(reversed(weights)))  # 0.6000000000000001
    assert later.score > earlier.score
    assert sorted([earlier, later], key=lambda c: -c.score)[0] is later
    assert sorted([earlier, later], key=_best_first) == [earlier, later]
