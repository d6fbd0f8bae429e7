from pathlib import Path

import pytest

from assistant.config import Settings


def test_defaults_then_environment_then_overrides(monkeypatch):
    assert Settings.load().top_k == 8
    monkeypatch.setenv("ASSISTANT_TOP_K", "12")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", "/tmp/elsewhere")
    s = Settings.load()
    assert s.top_k == 12 and s.index_dir == Path("/tmp/elsewhere")
    assert Settings.load(top_k=3, index_dir=None).top_k == 3  # None means "not given"


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("ASSISTANT_PORT", "eighty")
    with pytest.raises(ValueError, match="ASSISTANT_PORT"):
        Settings.load()


def test_unknown_setting_is_refused():
    with pytest.raises(TypeError, match="colour"):
        Settings.load(colour="blue")
