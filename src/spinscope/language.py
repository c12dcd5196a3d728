"""Language identification (langdetect, seeded so results are repeatable)."""

from __future__ import annotations

from functools import lru_cache

SUPPORTED = ("en", "it", "ru", "fr", "de", "pl")


@lru_cache(maxsize=1)
def _factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def detect_language(text: str, sample_chars: int = 5000) -> str:
    """ISO 639-1 code of the text's language, or "" when it cannot be told (too little text)."""
    sample = text[:sample_chars]
    if sum(ch.isalpha() for ch in sample) < 20:
        return ""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.append(sample)
    try:
        return detector.detect().split("-")[0]
    except LangDetectException:
        return ""
