"""What a question asks for, and which sentences hold it."""

from assistant.kinds import default_bonus, expected_type, gives_default, type_bonus


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
    assert expected_type("Since which CMake version do Makefile generators read it?") == "version"
    assert expected_type("Which release of docker works with urllib3 2.0?") == "version"
    assert expected_type("What is the oldest Python it runs on?") == "version"
    assert expected_type("Which version name gives back the system's Python?") is None
    # the value of a quantity a filing states as a figure, not what drove it
    assert expected_type("What was Apple's gross margin in the latest 10-Q?") == "amount"
    assert expected_type("For the latest quarter, what was the total revenue from iPhone "
                         "sales?") == "amount"
    assert expected_type("What effective tax rate did Apple report last quarter?") == "amount"
    assert expected_type("What cash flows from operations were disclosed in Q3?") == "amount"
    assert expected_type("What was the primary driver behind the change in net income?") is None
    assert expected_type("What changes in debt structure did Apple disclose?") is None
    assert expected_type("What loss function does the model use?") != "amount"


def test_what_holds_the_kind_of_thing_asked_for():
    # a number the question already states is no count: "2.0" answers no "how many"
    assert type_bonus("number", "Version 2.0 of the licence.",
                      "How many projects use the Apache License 2.0?") == 0.0
    assert type_bonus("number", "Three projects use it.", "How many projects use it?") == 1.0
    assert type_bonus("number", "It runs at fourteen plants.", "How many plants?") == 1.0
    assert type_bonus("number", "It takes several years.", "How long does it take?") == 1.0
    # a version, a ticker or a year counts nothing, nor a measure of something else
    for sentence, question in [
            ("Version 2.0, January 2004", "How many projects use the Apache License 2.0?"),
            ("The Pyenv-provided 3.10.4 installation runs.", "How much disk space does it take?"),
            ("• Foxconn (2354.TW): its EV plans are unproven.", "How many people work there?"),
            ("Oppama, a 170-hectare facility, is a relic.", "How many EVs does Oppama build?")]:
        assert type_bonus("number", sentence, question) == 0.0, sentence
    assert type_bonus("number", "In 1990 it had 4,500 students.", "How many students?") == 1.0
    assert type_bonus("number", "A route of at most 2000 kilometres.", "How many km?") == 1.0
    assert type_bonus("number", "It fought the 30-year war.", "How many years did it last?") == 1.0
    assert type_bonus("number", "It was founded in 1990.", "How old is it?") == 1.0
    assert type_bonus("percent", "It makes up six to nine percent of GDP.", "What share?") == 1.0
    assert type_bonus("percent", "It makes up much of GDP.", "What share?") == 0.0
    assert type_bonus("money", "It sells for $30,000 in Japan.", "What price?") == 1.0
    assert type_bonus("money", "It earned 4 billion yen.", "How much did it earn?") == 1.0
    assert type_bonus("money", "It sells in 2026 in Japan.", "What price?") == 0.0
    # a statement's row is in money without its "$"; a count is not
    question = "How much did Apple spend on research and development?"
    assert type_bonus("money", "Research and development — Three Months Ended December 31, "
                      "2022: (7,709); Three Months Ended December 25, 2021: (6,306).",
                      question) == 1.0
    assert type_bonus("money", "In May 2025, Nissan sold 76,977 vehicles in the U.S.",
                      question) == 0.0
    question = "What was the gross margin?"
    for figure in ("Gross margin — Three Months Ended July 1, 2023: 36,413.", "It was 44.5%.",
                   "Gross margin was $36.4 billion.", "Research and development: (7,709)."):
        assert type_bonus("amount", figure, question) == 1.0, figure
    assert type_bonus("amount", "Gross margin rose in 2023 on 3 products.", question) == 0.0
    # a month is no name: "Who drafted it?" is not answered by "January 2004"
    assert type_bonus("name", "Version 2.0, January 2004.", "Who drafted version 2.0?") == 0.0
    assert type_bonus("code", "This returns FFI_BAD_ABI if the abi is invalid.",
                      "What status comes back when the ABI is wrong?") == 1.0
    assert type_bonus("code", "• Nissan (7201.T): the deal could help.",
                      "What is Nissan's stock ticker?") == 1.0
    assert type_bonus("code", "The status tells whether it worked.",
                      "What status comes back?") == 0.0
    # a word in code type, quoted as Info shows it, unless the question already names it
    question = "What tool recovers the blocks of a damaged bzip2 file?"
    assert type_bonus("code", "'bzip2recover' is a simple program.", question) == 1.0
    assert type_bonus("code", "'bzip2' compresses files.", question) == 0.0
    assert type_bonus("code", "It keeps its ‘.out’ name.", question) == 1.0
    assert type_bonus("code", "'u' — Undoes the effect of the last command.",
                      "Which command takes back my last change?") == 1.0
    # a version the question does not already name
    question = "Since which urllib3 release can HTTPSConnection be imported as such?"
    assert type_bonus("version", "It can be used starting from urllib3 1.25.9.", question) == 1.0
    assert type_bonus("version", "The new name of this class is HTTPSConnection.",
                      question) == 0.0
    assert type_bonus("version", "New in version 3.20: Added support.", "Which version?") == 1.0
    assert type_bonus("version", "Docker 6.1.0 works with urllib3 2.0.",
                      "Which docker release works with urllib3 2.0?") == 1.0
    assert type_bonus("version", "It works with urllib3 2.0.",
                      "Which docker release works with urllib3 2.0?") == 0.0


def test_a_byline_names_someone():
    who = "Who wrote this piece on Nissan?"
    assert type_bonus("author", "Generated by AI AgentCharles Hayes", who) == 1.0
    assert type_bonus("author", "BY JOHN SMITH", who) == 1.0
    assert type_bonus("author", "The theme was composed by Ron Grainer.", who) == 1.0
    # "by" followed by a lower-case word is no byline, whatever capitalised word comes later
    assert type_bonus("author", "By leveraging Nissan's idle plant, Foxconn gains.", who) == 0.0
    assert type_bonus("author", "Output doubles by 2025.", who) == 0.0


def test_where_asks_for_a_path_or_an_address():
    """ca-certificates' README.Debian: "Where do I drop my own CA certificate?" is answered by
    the sentence with /usr/local/share/ca-certificates/, not the one that restates trust."""
    where = "Where do I drop my company's own CA certificate so that it gets trusted?"
    assert expected_type(where) == "place"
    assert expected_type("What pattern marks where each compressed block begins?") != "place"
    assert type_bonus("place", "Put the files ending with .crt into "
                      "/usr/local/share/ca-certificates/ and re-run it.", where) == 1.0
    for sentence in ("Clone it to ~/.pyenv.", "Mail bug-ed@gnu.org.", "It is saved to ed.hup.",
                     "Add the line to .bash_profile.", "See https://www.apache.org/licenses/."):
        assert type_bonus("place", sentence, where) == 1.0, sentence
    for sentence in ("All installed authorities are configured to be trusted.",
                     "The common lc/lp/pb values are 3/0/2.", "Use 2.5/3.0 of it."):
        assert type_bonus("place", sentence, where) == 0.0, sentence
    # a path the question already states answers nothing
    assert type_bonus("place", "Files in /etc/skel are copied.",
                      "Where are files in /etc/skel copied to?") == 0.0


def test_a_default_asked_for_is_held_by_a_sentence_that_states_one():
    for question in ("Which verbosity does the client log at out of the box?",
                     "Is compression switched on by default?",
                     "Which login shell does a new account get unless I change it?",
                     "Where do messages go unless told otherwise?",
                     "What zlib level is used if I don't set one?"):
        assert default_bonus("The default is INFO.", question) == 1.0, question
        assert default_bonus("LogLevel — Gives the verbosity level.", question) == 0.0
    assert default_bonus("The argument must be yes or no (the default).",
                         "Is compression switched on by default?") == 1.0
    assert default_bonus("The first pair defaults to 10%.", "How much disk by default?") == 1.0
    assert default_bonus("The default is INFO.", "Which verbosity levels are there?") == 0.0
    # a default stated without the word
    assert default_bonus("If not specified, the mask will be initialized to 022.",
                         "What umask do new home folders get unless I set one?") == 1.0
    assert default_bonus("When unset, the server picks a port.",
                         "Which port does it use out of the box?") == 1.0
    assert default_bonus("If the file is not found, an error is printed.",
                         "What happens by default?") == 0.0


def test_a_default_given_is_told_from_a_default_mentioned():
    for sentence in ("Defaults to 5, accepts positive integers.", "The default is INFO.",
                     "If not set, defaults to true.", "The default is /var/lib/herons.",
                     'The default is "heron".'):
        assert gives_default(sentence), sentence
    for sentence in ("The burst limit may be adjusted when the default is not appropriate.",
                     "Count herons in May.", "It is 5 metres tall."):
        assert not gives_default(sentence), sentence
