"""The one settings object shared by the library, CLI, web app and batch jobs."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .data import ISO_CODE

PACKAGED_MODELS = Path(__file__).parent / "models"


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
        object.__setattr__(self, "language", normalise_language(self.language))  # frozen: set once, here
        # a nonsense value fails here, once, with its name, not deep inside an analysis (nan fails every check)
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be from 0 to 1, not {self.min_confidence!r}")
        for name in ("max_input_bytes", "max_input_chars", "fetch_timeout"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name} must be above 0, not {value!r}")

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Read SPINSCOPE_<FIELD> environment variables, then apply explicit overrides."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"SPINSCOPE_{f.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls, f.name, None)
            if isinstance(default, bool):
                values[f.name] = raw.lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            elif isinstance(default, tuple):
                values[f.name] = tuple(x.strip() for x in raw.split(",") if x.strip())
            elif f.name == "model_dir":
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        return cls(**values).with_changes(**overrides)
