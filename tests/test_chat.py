from assistant.chat import condense, is_follow_up, normalize_history


def test_follow_ups_are_recognized():
    assert is_follow_up("and how many jobs depend on it?")
    assert is_follow_up("What about their debt?")
    assert not is_follow_up("How large is the Oppama plant?")


def test_condense_adds_the_previous_question_only_to_follow_ups():
    history = [("How large is the Oppama plant?", "A 170-hectare facility [1]")]
    assert condense("How large is the Oppama plant?", []) == "How large is the Oppama plant?"
    assert condense("Who builds the MIH platform?", history) == "Who builds the MIH platform?"
    assert condense("and how many jobs depend on it?", history) == (
        "and how many jobs depend on it? How large is the Oppama plant?")


def test_history_accepts_pairs_and_gradio_messages():
    messages = [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": [{"type": "text", "text": "a1"}]},
        {"role": "user", "content": "q2"},
    ]
    assert normalize_history(messages) == [("q1", "a1")]
    assert normalize_history([("q", "a")]) == [("q", "a")]
    assert normalize_history(None) == []
