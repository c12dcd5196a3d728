"""Fixtures for the hardening tests: settings that use the small real model of tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spinscope.settings import Settings

# --import-mode=importlib keeps test folders off sys.path: this one holds hostile.py and processes.py
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def model_settings(model_dir) -> Settings:
    # English forced: random text must still reach the models, or there would be no spans to check
    return Settings(model_dir=model_dir, language="en")
