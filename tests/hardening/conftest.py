"""Fixtures for the hardening tests: the small real model the web tests fit (tests/web/web_helpers.py, imported,
not copied) and settings that use it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spinscope.settings import Settings

# --import-mode=importlib keeps test folders off sys.path: add this one (hostile.py) and the web tests' (the
# small fitted model in web_helpers.py, shared rather than copied)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_helpers import fit_models  # noqa: E402

@pytest.fixture(scope="session")
def hardening_model_dir(tmp_path_factory) -> Path:
    """Real technique, genre and frame detectors fitted on the web tests' invented corpus (a few seconds)."""
    return fit_models(tmp_path_factory.mktemp("hardening-models"))


@pytest.fixture(scope="session")
def model_settings(hardening_model_dir) -> Settings:
    # English forced: random text must still reach the models, or there would be no spans to check
    return Settings(model_dir=hardening_model_dir, language="en")
