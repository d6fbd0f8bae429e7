"""What a question asks for, and which sentences hold it."""

from assistant.kinds import expected_type, type_bonus


def test_what_a_question_asks_for():
    assert expected_type("When was the article published?") == "date"
    assert expected_type("What happens to avalues when the function takes no arguments?") is None
    assert expected_type("Who was Foxconn's partner in Ohio?") == "name"
    assert expected_type("Who wrote this piece on Nissan?") == "author"
    assert expected_type("How many jobs depend on it?") == "number"
    assert expected_type("What price will the Model C sell for?") == "money"
    assert expected_type("How much does commercial support cost?") == "money"
    assert expected_type("What status comes back when the ABI is wrong?") == "code"
    assert expected_type("Under which exchange code does Foxconn trade?") == "code"
    assert expected_type("What type of mixture replaced the oxygen?") is None


def test_what_holds_the_kind_of_thing_asked_for():
    # a number the question already states is no count: "2.0" answers no "how many"
    assert type_bonus("number", "Version 2.0 of the licence.",
                      "How many projects use the Apache License 2.0?") == 0.0
    assert type_bonus("number", "Three projects use it.", "How many projects use it?") == 1.0
    assert type_bonus("number", "It runs at fourteen plants.", "How many plants?") == 1.0
    assert type_bonus("number", "It takes several years.", "How long does it take?") == 1.0
    assert type_bonus("percent", "It makes up six to nine percent of GDP.", "What share?") == 1.0
    assert type_bonus("percent", "It makes up much of GDP.", "What share?") == 0.0
    assert type_bonus("money", "It sells for $30,000 in Japan.", "What price?") == 1.0
    assert type_bonus("money", "It earned 4 billion yen.", "How much did it earn?") == 1.0
    assert type_bonus("money", "It sells in 2026 in Japan.", "What price?") == 0.0
    # a month is no name: "Who drafted it?" is not answered by "January 2004"
    assert type_bonus("name", "Version 2.0, January 2004.", "Who drafted version 2.0?") == 0.0
    assert type_bonus("code", "This returns FFI_BAD_ABI if the abi is invalid.",
                      "What status comes back when the ABI is wrong?") == 1.0
    assert type_bonus("code", "• Nissan (7201.T): the deal could help.",
                      "What is Nissan's stock ticker?") == 1.0
    assert type_bonus("code", "The status tells whether it worked.",
                      "What status comes back?") == 0.0
