from assistant.retrieve import reciprocal_rank_fusion


def test_rrf_rewards_agreement_and_respects_weights():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], [1.0, 1.0], k=60)
    assert max(fused, key=fused.get) == "b"
    assert fused["a"] == 1 / 61 and fused["d"] == 1 / 63
    weighted = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], [2.0, 1.0], k=60)
    assert weighted["a"] > weighted["b"]
