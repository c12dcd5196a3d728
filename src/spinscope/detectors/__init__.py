"""Detectors read an `Article` and write spans or labels onto it. See `base.Detector` for the contract."""

from .base import Detector, load_detector

__all__ = ["Detector", "load_detector"]
