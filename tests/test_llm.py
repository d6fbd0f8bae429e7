"""Choosing the language model's back end, and what is said when there is none."""

from pathlib import Path

import pytest
from conftest import smollm2

from assistant import ConfigurationError
from assistant.config import ModelSettings
from assistant.llm import MODEL_FILE, chat_model, describe, llm_available, model_dir, model_path


def test_the_fetched_model_lives_outside_the_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("ASSISTANT_MODEL_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert model_dir() == tmp_path / "doc-assistant" / "models"
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", "~/models")
    assert model_dir() == Path("~/models").expanduser()
    assert model_path(ModelSettings()) == Path("~/models").expanduser() / MODEL_FILE
    assert model_path(ModelSettings(model="/m/x.gguf")) == Path("/m/x.gguf")


def test_an_endpoint_or_an_installed_file_makes_a_model_available(tmp_path):
    assert not llm_available(ModelSettings())  # the tests point the model folder at nothing
    assert not llm_available(ModelSettings(model=str(tmp_path / "missing.gguf")))
    assert llm_available(ModelSettings(model=str(smollm2())))
    assert llm_available(ModelSettings(url="http://127.0.0.1:9/v1"))
    assert describe(ModelSettings(url="http://h:1/v1", name="qwen")) == "qwen at http://h:1/v1"
    assert describe(ModelSettings(model=str(smollm2()))) == smollm2().name


def test_an_endpoint_is_a_chat_model_without_loading_anything():
    model = chat_model(ModelSettings(url="http://127.0.0.1:9/v1", name="m", timeout=3),
                       max_tokens=7)
    assert model.model_name == "m" and model.max_tokens == 7
    assert str(model.openai_api_base) == "http://127.0.0.1:9/v1"


def test_no_model_file_says_how_to_get_one(tmp_path):
    with pytest.raises(ConfigurationError, match="make model"):
        chat_model(ModelSettings(model=str(tmp_path / "missing.gguf")))
