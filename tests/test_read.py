"""The found decision's parts and the ranking's order, on hand-made passages (no model needed)."""

import math

from conftest import WRAPPED_LICENCE
from langchain_core.documents import Document

from assistant.read import Candidate, Signals, _best_first, common_word, missing_share
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


def test_who_wrote_it_is_answered_by_the_byline():
    """The byline shares no word with the question; the sentences naming the article's subject
    share several, and one of them starts with "By" (no byline: "By leveraging…")."""
    text = ("Generated by AI AgentCharles Hayes\n\nAmid this upheaval, Nissan and Foxconn have "
            "emerged as unlikely allies, negotiating a partnership that could redefine global EV "
            "manufacturing. By leveraging Nissan's underutilized Oppama plant in Japan and "
            "Foxconn's modular MIH platform, the duo aims to blend automotive expertise with "
            "tech-sector agility.")
    doc_freq = DocFreq(df={"nissan": 60, "foxconn": 60, "piece": 1, "wrote": 1}, n=100)
    reader = _reader()
    reader.max_sentences = 1
    question = "Who wrote this piece on Nissan and Foxconn?"
    answer = _ask(reader, question, [Document(text, metadata={"source": "a.txt"})], doc_freq)
    assert answer.text == "Generated by AI AgentCharles Hayes [1]"
    reader.sure_kinds = reader.strict_kinds  # a byline worth only the ordinary bonus loses
    answer = _ask(reader, question, [Document(text, metadata={"source": "a.txt"})], doc_freq)
    assert "Hayes" not in answer.text


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


def test_a_chunk_opening_mid_line_is_quoted_in_whole_sentences(tmp_path):
    """Hard-wrapped text cut into chunks: the sentence the chunk opens with mid-line is quoted
    whole, as the splitter saw it in the document, not from "of this License" on."""
    from assistant.embeddings import Embedder
    from assistant.load import load_document
    from assistant.split import SplitSettings, split_document

    path = tmp_path / "licence.txt"
    path.write_text(WRAPPED_LICENCE)
    chunks = split_document(load_document(path, tmp_path), Embedder().count_tokens,
                            SplitSettings(chunk_tokens=48, overlap_sentences=0))
    passages = [c for c in chunks if c.page_content.startswith("For the purposes")]
    reader = _reader()
    question = "Which works are not derivative works under this License?"
    vector = reader.embedder.embed_query(question)
    answer = reader.read(question, question, vector, passages,
                         DocFreq(df={"derivative": 2, "license": 3}, n=10))
    assert answer.text == ("For the purposes of this License, Derivative Works shall not "
                           "include works that remain separable from, or merely link (or bind "
                           "by name) to the interfaces of, the Work and Derivative Works "
                           "thereof. [1]")


def test_a_sentence_from_a_document_that_lacks_the_questions_name_loses():
    """Both licences say when the grant ends; the question names Apache, a document's title
    word, which the Mozilla licence never says."""
    from dataclasses import replace

    from assistant.read import ExtractiveReader, question_names

    mpl = Document("Your patent licence under this License terminates on the date you file "
                   "a patent infringement claim.", metadata={"source": "mpl.txt"})
    apache = Document("The patent licence granted to You terminates as of the date such "
                      "litigation is filed.", metadata={"source": "apache.txt"})
    question = "Under the Apache License, when does my patent licence end if I sue?"
    assert question_names(question) == {"apache", "license"}
    terms = {"mpl.txt": frozenset({"patent", "licence", "license", "terminate", "file"}),
             "apache.txt": frozenset({"apache", "patent", "licence", "license", "terminate"})}
    doc_freq = DocFreq(df={"apache": 1, "patent": 2, "licence": 2, "license": 2}, n=10,
                       terms=terms, titles=frozenset({"apache", "license", "mozilla"}))
    reader = _reader()
    reader.max_sentences = 1
    answer = _ask(reader, question, [mpl, apache], doc_freq)
    assert answer.citations[0].source == "apache.txt", answer.text
    reader.w_elsewhere = 0.0  # without the check, the Mozilla clause's wording wins
    answer = _ask(reader, question, [mpl, apache], doc_freq)
    assert answer.citations[0].source == "mpl.txt", answer.text
    # A name that is no document's title word is no sign of the wrong document: SQuAD asks
    # about "the AAA" of an article that never names it.
    reader.w_elsewhere = ExtractiveReader.w_elsewhere
    answer = _ask(reader, question, [mpl, apache], replace(doc_freq, titles=frozenset()))
    assert answer.citations[0].source == "mpl.txt", answer.text


def test_a_title_is_quoted_with_the_text_under_it():
    """A README's numbered title matches the question best, but the address is in the
    command under it; the title takes no place of the sentences quoted after it."""
    text = ("1. Automatic installer (Recommended)\n\ncurl -fsSL https://pyenv.run | bash\n\n"
            "For more details visit our other project on GitHub.")
    reader = _reader()
    reader.max_sentences = 1
    answer = _ask(reader, "Where does the recommended automatic installer download from?",
                  [Document(text, metadata={"source": "README.md"})], DocFreq(df={}, n=10))
    assert answer.text == ("1. Automatic installer (Recommended) [1] curl -fsSL "
                           "https://pyenv.run | bash [1]"), answer.text
    # The same words in a paragraph of running text are no title: quoted alone.
    text = ("1. Automatic installer (Recommended). It needs curl.\n\n"
            "curl -fsSL https://pyenv.run | bash\n\nFor more details visit our other project.")
    answer = _ask(reader, "Where does the recommended automatic installer download from?",
                  [Document(text, metadata={"source": "README.md"})], DocFreq(df={}, n=10))
    assert "pyenv.run" not in answer.text, answer.text



def test_a_coined_name_in_lower_case_counts_as_a_name():
    """"pyenv" is no English word (not in the embedder's vocabulary) and names a document:
    a filing's sentence about commercial paper, which lacks it, loses half its score."""
    filing = Document("We have a $575 million commercial paper program to support general "
                      "corporate purposes.", metadata={"source": "2023 Q1 NVDA.pdf"})
    readme = Document("pyenv is free software, and its community answers questions on GitHub.",
                      metadata={"source": "pyenv-README.md"})
    terms = {"2023 Q1 NVDA.pdf": frozenset({"commercial", "support", "paper", "nvda"}),
             "pyenv-README.md": frozenset({"pyenv", "free", "software", "github"})}
    doc_freq = DocFreq(df={"pyenv": 1, "commercial": 1, "support": 1}, n=10, terms=terms,
                       titles=frozenset({"pyenv", "readme", "nvda"}))
    question = "How much does commercial support for pyenv cost?"
    reader = _reader()
    assert "pyenv" not in reader.embedder.vocabulary()
    _ask(reader, question, [filing, readme], doc_freq)  # fills in the passages' metadata
    vector = reader.embedder.embed_query(question)

    def scores(w):
        reader.w_elsewhere = w
        ranked, _ = reader.rank(question, question, vector, [filing, readme], doc_freq)
        return {c.source: c.score for c in ranked}

    plain, named = scores(0.0), scores(0.5)
    assert math.isclose(named["2023 Q1 NVDA.pdf"], 0.5 * plain["2023 Q1 NVDA.pdf"])
    assert named["pyenv-README.md"] == plain["pyenv-README.md"]


def test_a_second_sentence_must_add_more_than_the_documents_name():
    """In an article named for Nissan and Foxconn, "Foxconn" in a second sentence adds
    nothing the document's title does not already say."""
    passages = [Document("Its Ohio plant, a joint venture with Fisker, faced delays.",
                         metadata={"source": "nissan-foxconn.txt", "chunk": 0}),
                Document("The Foxconn deal is a test of partnerships.",
                         metadata={"source": "nissan-foxconn.txt", "chunk": 1})]
    doc_freq = DocFreq(df={"foxconn": 20, "ohio": 1, "partner": 5}, n=30)
    reader = _reader()
    reader.second = 0.0  # any sentence adding a question word may be quoted second
    question = "Who was Foxconn's partner at the Ohio factory?"
    assert _ask(reader, question, passages, doc_freq).text == (
        "Its Ohio plant, a joint venture with Fisker, faced delays. [1]")
    for p in passages:  # the same words in a document not named for Foxconn add a word
        p.metadata["source"] = "report.txt"
    assert len(_ask(reader, question, passages, doc_freq).citations) == 2


def test_a_second_sentence_from_far_away_must_score_nearly_as_well():
    """A sentence a few chunks on, scoring well under the best, is another topic's."""
    def passages(second_chunk):
        return [Document("Running pyenv install -l gives the list of all available versions.",
                         metadata={"source": "README.md", "chunk": 0}),
                Document("To install additional Python versions, use pyenv install.",
                         metadata={"source": "README.md", "chunk": second_chunk})]
    doc_freq = DocFreq(df={"list": 2, "install": 8, "python": 9, "version": 9}, n=10)
    reader = _reader()
    question = "How can I list every Python version I could install?"
    near = _ask(reader, question, passages(2), doc_freq)
    assert len(near.citations) == 2, near.text
    far = _ask(reader, question, passages(3), doc_freq)
    assert far.text == "Running pyenv install -l gives the list of all available versions. [1]"
    reader.second_far = reader.second
    assert len(_ask(reader, question, passages(3), doc_freq).citations) == 2


def test_a_second_sentence_may_supply_the_kind_of_thing_asked_for():
    """The best sentence says when nothing; one further on holds the date and is quoted,
    though it adds no word of the question and scores well under the best."""
    passages = [Document("Luther's last words before he died were a distinct yes to his faith.",
                         metadata={"source": "luther.txt", "chunk": 0}),
                Document("He was buried in Wittenberg after his death on 18 February 1546.",
                         metadata={"source": "luther.txt", "chunk": 6})]
    answer = _ask(_reader(), "When did Luther die?", passages,
                  DocFreq(df={"luther": 9, "die": 3}, n=10))
    assert len(answer.citations) == 2 and "18 February 1546" in answer.text, answer.text
