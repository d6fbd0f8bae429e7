import pytest

from assistant.chat import MAX_TURNS, condense, is_follow_up, normalize_history
from assistant.errors import QuestionError


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


@pytest.mark.parametrize("history, says", [
    ("q1", "got str"),
    ({"role": "user"}, "got dict"),
    ([("q", "a", "extra")], "history item 1 is a list of 3"),
    ([("q", "a"), 42], "history item 2 is an int"),
    ([{"role": "robot", "content": "hi"}], "role 'robot'"),
])
def test_malformed_history_is_a_question_error_that_says_what_is_wrong(history, says):
    with pytest.raises(QuestionError, match="history") as caught:
        normalize_history(history)
    assert says in str(caught.value)


def test_history_is_bounded_in_turns_and_characters():
    history = [(f"q{i}", f"a{i}") for i in range(30)] + [("x" * 10_000_000, "y" * 100)]
    pairs = normalize_history(history, max_chars=2000)
    assert len(pairs) == MAX_TURNS and pairs[0] == ("q21", "a21")
    assert pairs[-1] == ("x" * 2000, "y" * 100)


def test_a_question_that_names_its_subject_stands_alone_despite_a_pronoun():
    assert not is_follow_up("How much of its capacity is the Oppama factory using?")
    assert is_follow_up("Can it be revoked?")
    assert is_follow_up("and in Japan?")
