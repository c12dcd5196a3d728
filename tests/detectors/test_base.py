"""The detectors' scikit-learn-style contract: parameters by name, clone, and loading the right model folder."""

from __future__ import annotations

import pytest
from sklearn.base import clone

from spinscope.detectors.frames import FrameDetector
from spinscope.detectors.genre import GenreDetector
from spinscope.errors import ModelError
from spinscope.settings import PACKAGED_MODELS


def test_get_params_takes_deep_so_clone_works_and_set_params_refuses_unknown_names():
    detector = GenreDetector()
    assert detector.get_params(deep=True) == detector.get_params(deep=False) == detector.get_params()
    copy = clone(detector)
    assert copy is not detector and copy.get_params() == detector.get_params()
    name = next(iter(detector.get_params()))
    with pytest.raises(ValueError, match="invalid parameter 'no_such_param'"):
        detector.set_params(**{name: detector.get_params()[name], "no_such_param": 1})


def test_loading_another_detectors_folder_is_a_model_error():
    with pytest.raises(ModelError, match="holds a GenreDetector model, not a FrameDetector"):
        FrameDetector.load(PACKAGED_MODELS / "genre")
