from pathlib import Path

from spinscope.settings import PACKAGED_MODELS, Settings


def test_env_overrides_are_typed(monkeypatch):
    monkeypatch.setenv("SPINSCOPE_MAX_INPUT_BYTES", "1234")
    monkeypatch.setenv("SPINSCOPE_ALLOW_PRIVATE_URLS", "yes")
    monkeypatch.setenv("SPINSCOPE_ALLOWED_URL_HOSTS", "a.example, b.example")
    monkeypatch.setenv("SPINSCOPE_MODEL_DIR", "/tmp/models")
    settings = Settings.from_env(language="fr")
    assert settings.max_input_bytes == 1234
    assert settings.allow_private_urls is True
    assert settings.allowed_url_hosts == ("a.example", "b.example")
    assert settings.model_dir == Path("/tmp/models")
    assert settings.language == "fr"


def test_none_overrides_keep_defaults():
    settings = Settings().with_changes(language=None, model_dir=None)
    assert settings.model_dir == PACKAGED_MODELS and settings.language is None
