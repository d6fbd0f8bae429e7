from assistant.retrieve import reciprocal_rank_fusion


def test_rrf_rewards_agreement_and_respects_weights():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], [1.0, 1.0], k=60)
    assert max(fused, key=fused.get) == "b"
    assert fused["a"] == 1 / 61 and fused["d"] == 1 / 63
    weighted = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], [2.0, 1.0], k=60)
    assert weighted["a"] > weighted["b"]


def test_the_chunk_after_the_best_passage_is_read_too(tmp_path):
    """"It now runs at 40% of capacity" shares no word with the question about the Oppama
    plant; it is the chunk after the one that names the plant."""
    import assistant

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "plant.txt").write_text(
        "The Oppama factory of Nissan stands in Kanagawa Prefecture, south of Yokohama, on a "
        "site of 170 hectares by the sea, with its own wharf for shipping vehicles abroad.\n\n"
        "Once the birthplace of the Z-car, it now runs at just 40% of what it could build, "
        "far below the 80% it needs to break even.\n\n"
        "Foxconn builds electronics in Taiwan and China for many other companies.\n")
    bot = assistant.Assistant(tmp_path / "corpus", tmp_path / "index", top_k=1,
                              chunk_tokens=48, min_evidence=0.0)  # the quote, not the bar
    bot.index()
    question = "How much of its capacity is the Oppama factory in Kanagawa using?"
    passages = bot.hybrid.search(question, bot.embedder.embed_query(question))
    best, after = passages
    assert int(after.metadata["chunk"]) == int(best.metadata["chunk"]) + 1
    assert after.metadata["follows"] == best.id and after.metadata["dense"] is None
    assert "40%" in after.page_content and "40%" not in best.page_content
    assert "40%" in bot.ask(question).text
    bot.hybrid.follow = 0
    assert bot.hybrid.search(question, bot.embedder.embed_query(question)) == [best]
    assert "40%" not in bot.ask(question).text


def test_the_retriever_works_in_a_langchain_chain_of_ones_own(article_bot):
    """`bot.retriever` is a LangChain retriever: invoked, or piped into a runnable, it gives
    `Document`s whose offsets point into the document text, best first."""
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.runnables import RunnableLambda

    retriever = article_bot.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("How large is the Oppama plant?")
    assert 0 < len(docs) <= article_bot.settings.retrieval.top_k + article_bot.hybrid.follow
    for d in docs:
        text = article_bot.document_text(d.metadata["source"])
        assert text[d.metadata["start"]:d.metadata["end"]] == d.page_content
    assert "170-hectare" in docs[0].page_content
    scored = [d.metadata["score"] for d in docs if "follows" not in d.metadata]
    assert scored == sorted(scored, reverse=True)
    chain = retriever | RunnableLambda(lambda found: [d.metadata["source"] for d in found])
    assert set(chain.invoke("Who is Foxconn?")) == {"nissan-foxconn-ev-alliance.txt"}
