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


@pytest.mark.parametrize("changes, says", [
    ({"components": "genre"}, r"components must be a tuple of strings, not the string 'genre'; write \('genre',\)"),
    ({"allowed_url_hosts": "a.example"}, "allowed_url_hosts must be a tuple of strings, not the string"),
    ({"components": ("bogus",)}, "unknown component 'bogus' in components; valid: techniques, genre, frames"),
    ({"components": ("genre", 3)}, "components must be a tuple of strings"),
    ({"min_confidence": "0.5"}, "min_confidence must be a number, not '0.5'"),
    ({"max_input_bytes": 5e6}, "max_input_bytes must be a whole number"),
    ({"max_input_chars": True}, "max_input_chars must be a whole number"),
    ({"allow_private_urls": "false"}, "allow_private_urls must be True or False, not 'false'"),
    ({"language": 5}, "language must be a string"),
    ({"model_dir": 5}, "model_dir must be a path"),
])
def test_fields_of_the_wrong_type_are_refused_in_one_line(changes, says):
    from spinscope.errors import InputError

    with pytest.raises(InputError, match=says) as caught:
        Settings(**changes)
    assert len(str(caught.value).splitlines()) == 1


def test_fields_are_normalised_and_settings_stay_hashable():
    settings = Settings(components=["genre"], allowed_url_hosts=["a.example"], model_dir="/tmp/models",
                        fetch_timeout=3, min_confidence=0)
    assert settings.components == ("genre",) and settings.allowed_url_hosts == ("a.example",)
    assert settings.model_dir == Path("/tmp/models") and settings.fetch_timeout == 3.0
    assert hash(settings) == hash(Settings(components=("genre",), allowed_url_hosts=("a.example",),
                                           model_dir=Path("/tmp/models"), fetch_timeout=3.0))
    assert Settings(components=()).components == ()
    with pytest.raises(ValueError, match="fetch_timeout"):
        Settings(fetch_timeout=float("inf"))


@pytest.mark.parametrize("variable, value, says", [
    ("SPINSCOPE_MAX_INPUT_BYTES", "5MB", r"_BYTES must be a whole number \(e.g. 5000000\), not '5MB'"),
    ("SPINSCOPE_FETCH_TIMEOUT", "15s", r"SPINSCOPE_FETCH_TIMEOUT must be a number \(e.g. 15\), not '15s'"),
    ("SPINSCOPE_ALLOW_PRIVATE_URLS", "ture", "SPINSCOPE_ALLOW_PRIVATE_URLS must be 1/0, true/false, yes/no or on/off"),
    ("SPINSCOPE_COMPONENTS", "genre,bogus", "unknown component 'bogus'"),
])
def test_env_values_that_do_not_parse_name_their_variable(monkeypatch, variable, value, says):
    from spinscope.errors import InputError

    monkeypatch.setenv(variable, value)
    with pytest.raises(InputError, match=says):
        Settings.from_env()


def test_env_booleans_in_any_case_and_empty_values_mean_the_default(monkeypatch):
    for raw, expected in (("TRUE", True), (" On ", True), ("Yes", True), ("1", True),
                          ("False", False), ("OFF", False), ("no", False), ("0", False)):
        monkeypatch.setenv("SPINSCOPE_ALLOW_PRIVATE_URLS", raw)
        assert Settings.from_env().allow_private_urls is expected
    for variable in ("SPINSCOPE_MODEL_DIR", "SPINSCOPE_MAX_INPUT_BYTES", "SPINSCOPE_ALLOW_PRIVATE_URLS",
                     "SPINSCOPE_LANGUAGE", "SPINSCOPE_FETCH_TIMEOUT"):
        monkeypatch.setenv(variable, "")
    assert Settings.from_env() == Settings()


def test_a_bad_env_value_is_one_line_from_the_cli_naming_it():
    from cli_helpers import run_cli

    proc = run_cli("analyze", "-", stdin="They lie to you.", env={"SPINSCOPE_MAX_INPUT_BYTES": "5MB"})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert "SPINSCOPE_MAX_INPUT_BYTES must be a whole number" in err


def test_refused_private_url_says_how_to_allow_it_in_python_and_by_environment():
    from spinscope.errors import InputError
    from spinscope.ingest import fetch_url

    with pytest.raises(InputError) as caught:
        fetch_url("http://127.0.0.1:9/story", Settings())
    message = str(caught.value)
    assert "is a loopback address" in message and len(message.splitlines()) == 1
    assert "Settings(allow_private_urls=True)" in message and "SPINSCOPE_ALLOW_PRIVATE_URLS=1" in message


# --- one error type for every invalid setting ------------------------------------------------------------------


@pytest.mark.parametrize("changes, says", [
    ({"min_confidence": 2}, "min_confidence must be from 0 to 1, not 2.0"),
    ({"min_confidence": float("nan")}, "min_confidence must be from 0 to 1, not nan"),
    ({"max_input_bytes": -1}, "max_input_bytes must be a finite number above 0, not -1"),
    ({"max_input_chars": 0}, "max_input_chars must be a finite number above 0, not 0"),
    ({"fetch_timeout": float("inf")}, "fetch_timeout must be a finite number above 0, not inf"),
    ({"language": "english"}, "language: 'english' is not a two-letter ISO 639-1 code"),
    ({"components": ("bogus",)}, "unknown component 'bogus'"),
    ({"min_confidence": "0.5"}, "min_confidence must be a number, not '0.5'"),
    ({"user_agent": "spinscope\r\nX-Injected: 1"}, "user_agent must be one line without control characters"),
])
def test_every_invalid_setting_is_a_one_line_settings_error(changes, says):
    from spinscope.errors import InputError, SettingsError, SpinscopeError

    with pytest.raises(SettingsError) as caught:
        Settings(**changes)
    error = caught.value
    assert str(error).startswith(says) and len(str(error).splitlines()) == 1
    # one type, and still what code written for the old types catches
    assert isinstance(error, SpinscopeError) and isinstance(error, InputError) and isinstance(error, ValueError)
    with pytest.raises(SettingsError):
        Settings().with_changes(**changes)


@pytest.mark.parametrize("bad", [{"language": "de"}, {}, "de", Path("/tmp"), 0.5])
def test_settings_that_are_not_a_settings_object_are_refused_clearly(bad):
    import spinscope
    from spinscope.errors import SettingsError
    from spinscope.ingest import iter_articles, load_one

    says = ("settings must be a spinscope.Settings, e.g. Settings(language='de'), "
            f"not {type(bad).__name__}")
    for call in (lambda: spinscope.analyze("They lie to you.", settings=bad),
                 lambda: load_one("They lie to you.", bad), lambda: list(iter_articles(["-"], bad))):
        with pytest.raises(SettingsError) as caught:
            call()
        assert str(caught.value) == says


def test_no_settings_means_the_defaults():
    from spinscope.ingest import load_one
    from spinscope.settings import checked_settings

    assert checked_settings(None) == Settings()
    custom = Settings(language="de")
    assert checked_settings(custom) is custom
    assert load_one("Hafen\n\nDer Rat stimmte zu.", None).text == "Hafen\n\nDer Rat stimmte zu."


@pytest.mark.parametrize("variable, value, says", [
    ("SPINSCOPE_COMPONENTS", "genre,bogus", "unknown component 'bogus'"),
    ("SPINSCOPE_LANGUAGE", "english", "language: 'english' is not a two-letter"),
    ("SPINSCOPE_MAX_INPUT_BYTES", "-5", "max_input_bytes must be a finite number above 0"),
])
def test_every_bad_env_setting_is_one_line_from_the_cli(variable, value, says):
    from cli_helpers import run_cli

    proc = run_cli("analyze", "-", stdin="They lie to you.", env={variable: value})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert f"invalid SPINSCOPE_* environment setting: {says}" in err


def test_a_pipeline_and_a_comparison_refuse_settings_that_are_not_settings():
    from spinscope.compare import compare
    from spinscope.errors import SettingsError
    from spinscope.pipeline import Pipeline

    for make in (lambda: Pipeline({"language": "de"}), lambda: compare(["a.txt", "b.txt"], {"language": "de"})):
        with pytest.raises(SettingsError, match=r"^settings must be a spinscope.Settings.*not dict$"):
            make()
