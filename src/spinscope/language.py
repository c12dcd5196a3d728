"""Language identification (langdetect, seeded so results are repeatable).

The detector's profiles load once per process, under a lock: threads sharing a `Pipeline` all wait for the whole
set (a half-loaded one tells English from Polish wrongly). Any langdetect failure means "not detected" ("")."""

from __future__ import annotations

import logging
import threading

SUPPORTED = ("en", "it", "ru", "fr", "de", "pl")

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_FACTORY = None  # our own langdetect DetectorFactory, set only once every profile is loaded


def _factory():
    """The loaded langdetect factory (loaded on first use, thread-safe), or None when it cannot be loaded."""
    global _FACTORY
    if _FACTORY is None:
        with _LOCK:
            if _FACTORY is None:
                try:
                    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                    factory = DetectorFactory()  # not langdetect's global one: that is published half-loaded
                    factory.set_seed(0)
                    factory.load_profile(PROFILES_DIRECTORY)
                except Exception as exc:  # noqa: BLE001 - a broken install must mean "not detected", not a crash
                    log.warning("language detection is unavailable: %s", exc)
                    return None
                _FACTORY = factory
    return _FACTORY


def warm_up() -> bool:
    """Load the language profiles now (`Pipeline.warm_up`); False when they cannot be loaded."""
    return _factory() is not None


def detect_language(text: str, sample_chars: int = 5000) -> str:
    """ISO 639-1 code of the text's language, or "" when it cannot be told (too little text)."""
    sample = text[:sample_chars]
    if sum(ch.isalpha() for ch in sample) < 20:
        return ""
    factory = _factory()
    if factory is None:
        return ""
    from langdetect.lang_detect_exception import LangDetectException

    try:
        detector = factory.create()
        detector.append(sample)
        return detector.detect().split("-")[0]
    except LangDetectException:
        return ""
