"""Shared fixtures. Tests that need ../shared (corpora, seed articles) skip with a clear message without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spinscope.data import default_data_root

SHARED = default_data_root().parent
# test helper modules (cli_helpers.py here, web_helpers.py in web/) are imported by name; importlib import mode
# does not put test folders on sys.path
sys.path.insert(0, str(Path(__file__).parent / "web"))
sys.path.insert(0, str(Path(__file__).parent))


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"../shared not found ({path} is missing): corpus tests need the shared data next to the repo")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require(SHARED)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _require(SHARED / "seeds")


@pytest.fixture(scope="session")
def semeval_dir() -> Path:
    return _require(SHARED / "data" / "semeval2023")


@pytest.fixture(scope="session")
def ptc_dir() -> Path:
    return _require(SHARED / "data" / "ptc2020")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """A model folder with real technique, genre and frame detectors fitted on a small invented corpus, fitted once
    per session for the web and hardening tests."""
    from web_helpers import fit_models

    return fit_models(tmp_path_factory.mktemp("models"))
