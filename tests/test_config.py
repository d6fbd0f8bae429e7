from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ConfigurationError


def test_defaults_then_environment_then_overrides(monkeypatch):
    assert Settings.load().retrieval.top_k == 8
    monkeypatch.setenv("ASSISTANT_TOP_K", "12")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", "/tmp/elsewhere")
    s = Settings.load()
    assert s.retrieval.top_k == 12 and s.index_dir == Path("/tmp/elsewhere")
    assert Settings.load(top_k=3, index_dir=None).retrieval.top_k == 3  # None means "not given"


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("ASSISTANT_PORT", "eighty")
    with pytest.raises(ValueError, match="ASSISTANT_PORT"):
        Settings.load()


def test_unknown_setting_is_refused():
    with pytest.raises(TypeError, match="colour"):
        Settings.load(colour="blue")


@pytest.mark.parametrize("name, raw, says", [
    ("TOP_K", "abc", "must be a whole number, got 'abc'"),
    ("CHUNK_TOKENS", "0", "must be at least 16, got 0"),
    ("EMBED_BATCH_SIZE", "0", "must be at least 1, got 0"),
    ("MIN_EVIDENCE", "1.5", "between 0 and 1"),
    ("PORT", "70000", "between 1 and 65535"),
    ("MAX_FILE_MB", "-1", "must be at least"),
])
def test_unusable_values_are_a_configuration_error_naming_the_variable(monkeypatch, name, raw,
                                                                        says):
    monkeypatch.setenv(f"ASSISTANT_{name}", raw)
    with pytest.raises(ConfigurationError, match=f"ASSISTANT_{name}") as caught:
        Settings.load()
    assert says in str(caught.value)
