"""Fixtures for the web tests: a small real model (see web_helpers.py) and settings that use it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spinscope.settings import Settings

# pytest runs with --import-mode=importlib, which does not put test folders on sys.path; the web tests share
# web_helpers.py, so this folder goes on the path once, here (conftest.py is imported before the test modules).
sys.path.insert(0, str(Path(__file__).parent))
from web_helpers import fit_models  # noqa: E402


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """A model folder with real technique, genre and frame detectors fitted on the synthetic corpus."""
    return fit_models(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def settings(model_dir) -> Settings:
    # language forced: the tests are about the app, not about language detection on short texts
    return Settings(model_dir=model_dir, language="en")
