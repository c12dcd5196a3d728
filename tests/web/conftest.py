"""Fixtures for the web tests: settings that use the small real model of tests/conftest.py (see web_helpers.py)."""

from __future__ import annotations

import pytest

from spinscope.settings import Settings


@pytest.fixture(scope="session")
def settings(model_dir) -> Settings:
    # language forced: the tests are about the app, not about language detection on short texts
    return Settings(model_dir=model_dir, language="en")
