from pathlib import Path

import pytest

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


@pytest.mark.parametrize("variable, value", [("SPINSCOPE_MIN_CONFIDENCE", "nan"), ("SPINSCOPE_MIN_CONFIDENCE", "1.5"),
                                             ("SPINSCOPE_MAX_INPUT_BYTES", "0"), ("SPINSCOPE_FETCH_TIMEOUT", "-1")])
def test_out_of_range_values_are_refused_with_their_name(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable.removeprefix("SPINSCOPE_").lower()):
        Settings.from_env()


def test_out_of_range_setting_is_one_line_from_the_cli():
    from cli_helpers import run_cli

    proc = run_cli("analyze", "-", stdin="They lie to you.", env={"SPINSCOPE_MIN_CONFIDENCE": "nan"})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and "min_confidence" in err and len(err.splitlines()) == 1


def test_language_codes_are_normalised_everywhere_and_nonsense_is_refused():
    from spinscope.pipeline import Pipeline
    from spinscope.types import Article

    assert Settings(language=" EN-us ").language == "en" and Settings(language="").language is None
    for bad, says in (("english", "two-letter"), ("ge", "'de'"), ("po", "'pl'")):
        with pytest.raises(ValueError, match=says):
            Settings(language=bad)
    text = ("Council approves the budget\n\nThe council voted on Tuesday to approve next year's budget after a "
            "long debate about the cost of repairs to the harbour bridge.\n")
    assert Pipeline()(Article(text=text, language="EN-GB")).language == "en"  # an input's own language field
    odd = Pipeline()(Article(text=text, language="english"))
    assert odd.language == "en" and any("language field" in w for w in odd.warnings)
