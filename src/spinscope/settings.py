"""The one settings object shared by the library, CLI, web app and batch jobs."""

from __future__ import annotations

import math
import numbers
import os
import unicodedata
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .data import ISO_CODE
from .errors import SettingsError

PACKAGED_MODELS = Path(__file__).parent / "models"
COMPONENTS = ("techniques", "genre", "frames")  # the components a model folder can hold
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


# the SemEval-2023 data folders' names that are not the languages' codes
_FOLDER_NAMES = {folder: code for folder, code in ISO_CODE.items() if folder != code}


def normalise_language(code: str | None) -> str | None:
    """An ISO 639-1 code as Spinscope uses it ("EN", " en-US " -> "en"; blank -> None); ValueError otherwise."""
    if code is None or not code.strip():
        return None
    value = code.strip().lower().replace("_", "-").split("-", 1)[0]
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValueError(f"{code!r} is not a two-letter ISO 639-1 code (en, it, ru, fr, de, pl, ...)")
    if value in _FOLDER_NAMES:
        raise ValueError(f"{code!r} is a SemEval folder name; the language code is {_FOLDER_NAMES[value]!r}")
    return value


@dataclass(frozen=True)
class Settings:
    # where trained components live: <model_dir>/<component>/params.json (+ weights)
    model_dir: Path = PACKAGED_MODELS
    # components to run, in order; missing model folders are skipped with a warning
    components: tuple[str, ...] = ("techniques", "genre", "frames")
    # ISO 639-1 code to force instead of detecting the language
    language: str | None = None
    # input limits: bigger inputs are refused with a clear error before any work
    max_input_bytes: int = 5_000_000
    max_input_chars: int = 2_000_000
    # URL fetching
    fetch_timeout: float = 15.0
    allow_private_urls: bool = False  # refuse loopback/private/link-local addresses unless the operator allows
    allowed_url_hosts: tuple[str, ...] = ()  # if non-empty, only these hosts may be fetched
    user_agent: str = "spinscope/0.1 (+https://example.invalid/spinscope)"
    # spans below this calibrated confidence are not reported
    min_confidence: float = 0.0
    # run the fine-tuned span encoder where the technique model has one (better spans; False: the CRF tagger
    # alone, about 4x faster per article, for very large batch jobs)
    span_encoder: bool = True

    def __post_init__(self):
        # a nonsense value fails here, once, with its name, not deep inside an analysis: every invalid value (a
        # wrong type, an out-of-range number, an unknown component or language code; nan fails every check) is a
        # one-line SettingsError, which is both an InputError and a ValueError
        def put(name, value):
            object.__setattr__(self, name, value)  # frozen: normalised once, here

        if not isinstance(self.model_dir, (str, os.PathLike)):
            raise SettingsError(f"model_dir must be a path, not {type(self.model_dir).__name__}")
        put("model_dir", Path(self.model_dir))
        for name in ("components", "allowed_url_hosts"):
            value = getattr(self, name)
            if isinstance(value, str):  # tuple("genre") would be ('g', 'e', ...)
                raise SettingsError(f"{name} must be a tuple of strings, not the string {value!r}; "
                                    f"write ({value!r},)")
            if not isinstance(value, (tuple, list)) or not all(isinstance(item, str) for item in value):
                raise SettingsError(f"{name} must be a tuple of strings, not {value!r}")
            put(name, tuple(value))
        unknown = [name for name in self.components if name not in COMPONENTS]
        if unknown:
            raise SettingsError(f"unknown component {unknown[0]!r} in components; valid: {', '.join(COMPONENTS)}")
        if self.language is not None and not isinstance(self.language, str):
            raise SettingsError(f"language must be a string such as 'en' or None, not {self.language!r}")
        try:
            put("language", normalise_language(self.language))
        except ValueError as exc:
            raise SettingsError(f"language: {exc}") from None
        for name in ("allow_private_urls", "span_encoder"):  # "false" is truthy: no guessing here
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(f"{name} must be True or False, not {getattr(self, name)!r}")
        if not isinstance(self.user_agent, str):
            raise SettingsError(f"user_agent must be a string, not {self.user_agent!r}")
        if any(unicodedata.category(ch) == "Cc" for ch in self.user_agent):  # else a bad header, at fetch time
            raise SettingsError(f"user_agent must be one line without control characters, not {self.user_agent!r}")
        for name in ("max_input_bytes", "max_input_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise SettingsError(f"{name} must be a whole number, not {value!r}")
            put(name, int(value))
        for name in ("fetch_timeout", "min_confidence"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise SettingsError(f"{name} must be a number, not {value!r}")
            put(name, float(value))
        if not 0.0 <= self.min_confidence <= 1.0:
            raise SettingsError(f"min_confidence must be from 0 to 1, not {self.min_confidence!r}")
        for name in ("max_input_bytes", "max_input_chars", "fetch_timeout"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):
                raise SettingsError(f"{name} must be a finite number above 0, not {value!r}")

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Read SPINSCOPE_<FIELD> environment variables, then apply explicit overrides.

        An empty (or blank) variable means the default; one that does not parse, or a value out of range, is a
        `SettingsError` (the former names the variable, the latter the field)."""
        values = {}
        for f in fields(cls):
            variable = f"SPINSCOPE_{f.name.upper()}"
            raw = os.environ.get(variable)
            if raw is None or not raw.strip():
                continue
            default = getattr(cls, f.name, None)
            if isinstance(default, bool):
                flag = raw.strip().lower()
                if flag not in _TRUE | _FALSE:
                    raise SettingsError(f"{variable} must be 1/0, true/false, yes/no or on/off, not {raw!r}")
                values[f.name] = flag in _TRUE
            elif isinstance(default, int):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise SettingsError(f"{variable} must be a whole number (e.g. {default}), not {raw!r}") from None
            elif isinstance(default, float):
                try:
                    values[f.name] = float(raw)
                except ValueError:
                    raise SettingsError(f"{variable} must be a number (e.g. {default:g}), not {raw!r}") from None
            elif isinstance(default, tuple):
                values[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            elif f.name == "model_dir":
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        return cls(**values).with_changes(**overrides)


def checked_settings(settings) -> Settings:
    """`settings` if it is a `Settings`, the defaults for None; anything else (a dict, keyword arguments' worth of
    values, a path) is a one-line `SettingsError`, not an AttributeError deep inside ingest or the pipeline."""
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    raise SettingsError(f"settings must be a spinscope.Settings, e.g. Settings(language='de'), "
                        f"not {type(settings).__name__}")
