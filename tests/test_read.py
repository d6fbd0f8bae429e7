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


def test_commands_figures_and_bylines_are_answers_headings_and_bare_links_are_not():
    from assistant.read import _is_heading

    for line in ("curl -fsSL https://pyenv.run | bash", "rustup component add clippy",
                 "Revenue $ 7,192 $ 8,288", "Research and development 1,875 1,618",
                 "By Charles Hayes", "Tuesday, Jul 8, 2025 12:02 am ET"):
        assert not _is_heading(line), line
    for line in ("Installation", "Step 2: Install Clippy", "http://www.apache.org/licenses/",
                 'Licensed under the Apache License, Version 2.0 (the "License");'):
        assert _is_heading(line), line


def _reader():
    from assistant.embeddings import Embedder
    from assistant.read import ExtractiveReader

    return ExtractiveReader(Embedder(), min_evidence=0.0)


def _ask(reader, question, passages, doc_freq, previous=""):
    vector = reader.embedder.embed_query(question)
    for i, p in enumerate(passages):
        p.metadata = {"source": p.metadata.get("source", f"doc{i}.md"), "start": 0,
                      "end": len(p.page_content), "chunk": i, **p.metadata}
    return reader.read(question, question, vector, passages, doc_freq, previous)


def test_a_how_many_question_is_answered_by_a_sentence_with_a_count():
    """The sentence that restates the question best has nothing to count; the next one
    holds the count and is the answer."""
    passage = Document("The Oppama plant's workers build Nissan's electric vehicles with pride. "
                       "About 3,900 of them would lose their jobs.", metadata={"source": "a.txt"})
    doc_freq = DocFreq(df={"oppama": 1, "plant": 2, "worker": 2, "electric": 2}, n=10)
    reader = _reader()
    reader.max_sentences = 1
    question = "How many workers does the Oppama plant have?"
    assert _ask(reader, question, [passage], doc_freq).text == (
        "About 3,900 of them would lose their jobs. [1]")
    reader.w_untyped = 0.0  # without the check, the restatement wins
    assert "3,900" not in _ask(reader, question, [passage], doc_freq).text


def test_a_sentence_ending_in_a_colon_is_quoted_with_what_follows():
    passage = Document("To install additional versions, use the install command. For example, "
                       "to download and install version 3.10.4, run:\n\npyenv install 3.10.4",
                       metadata={"source": "README.md"})
    answer = _ask(_reader(), "How do I download and install version 3.10.4?", [passage],
                  DocFreq(df={}, n=10))
    assert answer.found and "run: [1] pyenv install 3.10.4 [1]" in answer.text


def test_a_follow_up_may_quote_the_previous_answer_again_when_it_holds_the_new_word():
    said = "In May 2025, Nissan sold 76,977 vehicles in the U.S. versus just 27,736 in Japan."
    passages = [Document(said, metadata={"source": "a.txt"}),
                Document("Nissan's Oppama plant in Japan is a 170-hectare site.",
                         metadata={"source": "a.txt"})]
    doc_freq = DocFreq(df={"japan": 2, "nissan": 2}, n=10)
    reader = _reader()
    vector = reader.embedder.embed_query("and in Japan? How many cars did Nissan sell?")
    for i, p in enumerate(passages):
        p.metadata.update(start=0, end=len(p.page_content), chunk=i)
    answer = reader.read("and in Japan?", "and in Japan? How many cars did Nissan sell?",
                         vector, passages, doc_freq, previous=said)
    assert "27,736" in answer.text


def test_a_second_sentence_comes_only_from_the_best_ones_document():
    """Two licences say alike things; an answer quoting both mixes their terms."""
    mpl = Document("Under this License you may charge a fee for warranty.",
                   metadata={"source": "mpl.txt"})
    apache = Document("Under this License you may charge a fee for support.",
                      metadata={"source": "apache.txt"})
    doc_freq = DocFreq(df={"fee": 2, "warranty": 1, "support": 1}, n=10)
    reader = _reader()
    reader.second = 0.0  # any sentence adding a question word may be quoted second...
    answer = _ask(reader, "May I charge a fee for warranty and for support?", [mpl, apache],
                  doc_freq)
    assert answer.found and len(answer.citations) == 1, answer.text  # ...but not this one
