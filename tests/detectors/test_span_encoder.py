"""The fine-tuned span encoder: window layout, per-word probabilities from the shipped int8 ONNX model, its
effect on the technique detector's spans, the switch that turns it off, and clear errors for broken files."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from spinscope.detectors import load_detector, span_encoder, span_tagger
from spinscope.detectors.span_encoder import SpanEncoder, load_for_language, regions, window_bounds
from spinscope.errors import ModelError
from spinscope.pipeline import Pipeline
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS, Settings
from spinscope.types import Article

LOADED = ("The corrupt, incompetent elites want to destroy our great nation with their insane, treacherous "
          "schemes, and only fools would believe their lies.")
NEUTRAL = "The council meets on Tuesday at nine in the town hall to discuss the budget for next year."


def _words(text: str) -> list[tuple[int, int]]:
    return span_tagger.tokenize(text, 0, len(text))


def test_windows_cover_every_subword_and_overlap():
    assert window_bounds(10, 254, 192) == [(0, 10)]
    bounds = window_bounds(1000, 254, 192)
    assert bounds[0] == (0, 254) and bounds[-1][1] == 1000
    assert all(e - s == 254 for s, e in bounds)
    assert all(b[0] < a[1] for a, b in zip(bounds, bounds[1:]))  # consecutive windows overlap
    covered = np.zeros(1000, bool)
    for s, e in bounds:
        covered[s:e] = True
    assert covered.all()


def test_shipped_encoder_gives_each_word_a_probability_and_tells_loaded_from_neutral():
    encoder = load_for_language(None, "en")
    assert encoder is not None, "the package ships an English span encoder"
    text = f"{LOADED} {NEUTRAL}"
    words = _words(text)
    inside, begin = encoder.word_probabilities(text, words)
    assert inside.shape == begin.shape == (len(words),)
    assert np.all(begin >= 0) and np.all(begin <= inside + 1e-6) and np.all(inside <= 1 + 1e-6)
    n_loaded = len(_words(LOADED))
    assert inside[:n_loaded].max() > 0.5 > inside[n_loaded:].max()


def test_a_long_article_is_read_in_overlapping_windows():
    encoder = load_for_language(None, "en")
    text = " ".join([NEUTRAL] * 60 + [LOADED])  # the loaded sentence sits far past the first window
    words = _words(text)
    inside, _ = encoder.word_probabilities(text, words)
    assert len(words) > 3 * encoder.window
    assert inside[-len(_words(LOADED)):].max() > 0.5
    assert inside[: len(words) // 2].max() < 0.5


def test_regions_pad_the_wanted_positions_and_merge_close_ones():
    wanted = np.zeros(100, bool)
    wanted[[10, 12, 50, 99]] = True
    assert regions(wanted, 5) == [(5, 18), (45, 56), (94, 100)]
    assert regions(wanted, 20) == [(0, 71), (79, 100)]
    assert regions(np.zeros(5, bool), 3) == []


def test_reading_only_the_needed_words_keeps_their_probabilities_close():
    encoder = load_for_language(None, "en")
    text = " ".join([NEUTRAL] * 40 + [LOADED] + [NEUTRAL] * 40)
    words = _words(text)
    start = text.index(LOADED)
    needed = np.asarray([start <= s < start + len(LOADED) for s, _ in words])
    full, _ = encoder.word_probabilities(text, words)
    read = span_encoder.window_bounds
    calls = []

    def counted(n, body, stride):
        calls.append(n)
        return read(n, body, stride)

    span_encoder.window_bounds = counted
    try:
        partial, partial_begin = encoder.word_probabilities(text, words, needed)
    finally:
        span_encoder.window_bounds = read
    assert sum(calls) < len(words) // 2  # a stretch around the sentence, not the article
    assert np.all(partial[~needed] == 0) and np.all(partial_begin[~needed] == 0)
    assert partial[needed].max() > 0.5
    assert np.abs(partial[needed] - full[needed]).max() < 0.2
    assert not encoder.word_probabilities(text, words, np.zeros(len(words), bool))[0].any()


def test_encoder_gate_skips_sentences_the_crf_sees_nothing_in(monkeypatch):
    detector = load_detector(PACKAGED_MODELS / "techniques")
    text = f"Headline\n{LOADED}\n{NEUTRAL}"
    asked = []

    def record(self, text, words, needed=None):
        asked.append(None if needed is None else np.asarray(needed).copy())
        return np.ones(len(words), np.float32), np.zeros(len(words), np.float32)

    monkeypatch.setattr(SpanEncoder, "word_probabilities", record)
    # the paragraph stage reads the encoder's evidence even when it read nothing; off here, spans alone compared
    monkeypatch.setattr(load_for_language(None, "en"), "paragraph_stage_", None)
    detector.set_params(encoder_gate=0.0)
    detector.annotate(segment(Article(text=text, language="en")))
    assert asked[-1] is None  # gate 0: every sentence is read
    assert "-gate" not in detector.version
    detector.set_params(encoder_gate=1.01)  # no CRF probability reaches it: the encoder reads nothing
    gated = detector.annotate(segment(Article(text=text, language="en")))
    assert not asked[-1].any()
    assert detector.version.endswith("-gate1.01")  # stored analyses made with another gate show as stale
    detector.set_params(encoder_weight=0.0)
    assert [(s.start, s.end) for s in gated.spans] == \
        [(s.start, s.end) for s in detector.annotate(segment(Article(text=text, language="en"))).spans]


def test_no_words_gives_empty_arrays():
    inside, begin = load_for_language(None, "en").word_probabilities("", [])
    assert inside.shape == begin.shape == (0,)


def test_detector_mixes_the_encoder_into_the_tagger_and_offsets_stay_exact(monkeypatch):
    detector = load_detector(PACKAGED_MODELS / "techniques")
    text = f"Headline\n{LOADED}\n{NEUTRAL}"
    neutral_start = text.index(NEUTRAL)

    def covers_neutral(article):
        return any(s.start < neutral_start + len(NEUTRAL) and s.end > neutral_start for s in article.spans)

    with_encoder = detector.annotate(segment(Article(text=text, language="en")))
    assert with_encoder.spans and not covers_neutral(with_encoder)
    assert all(text[s.start:s.end] == s.text and 0 <= s.confidence <= 1 for s in with_encoder.spans)
    assert "+span-encoder-en-" in detector.version

    # an encoder sure that every word is inside outvotes the CRF everywhere (weight 0.5, threshold 0.25) ...
    def everything_inside(self, text, words, needed=None):
        return np.ones(len(words), np.float32), np.zeros(len(words), np.float32)

    monkeypatch.setattr(SpanEncoder, "word_probabilities", everything_inside)
    detector.set_params(encoder_gate=0.0)  # every sentence mixed, even where the CRF sees nothing
    forced = detector.annotate(segment(Article(text=text, language="en")))
    assert covers_neutral(forced)
    assert all(text[s.start:s.end] == s.text for s in forced.spans)
    # ... and with encoder_weight 0 the same detector ignores it
    detector.set_params(encoder_weight=0.0)
    assert not covers_neutral(detector.annotate(segment(Article(text=text, language="en"))))
    assert "+span-encoder" not in detector.version


def test_confidence_calibration_is_learned_from_outcomes_and_survives_save_load(tmp_path):
    rng = np.random.default_rng(0)
    confidences = rng.uniform(0.05, 0.95, 4000)
    outcomes = rng.random(4000) < confidences / 2  # spans right half as often as their confidence says
    fresh = SpanEncoder()
    assert fresh.calibrated(0.3) == pytest.approx(0.3)  # identity until calibrated
    fresh.calibrate_confidences(confidences, outcomes)
    recalibrated = np.array([fresh.calibrated(c) for c in confidences])
    assert recalibrated.mean() == pytest.approx(outcomes.mean(), abs=0.01)
    assert np.all(np.diff(recalibrated[np.argsort(confidences)]) >= 0)  # the ranking of spans is kept
    shipped = load_for_language(None, "en")
    shipped.save(tmp_path / "en")
    again = SpanEncoder.load(tmp_path / "en")
    assert again.confidence_calibration_ == shipped.confidence_calibration_


def test_detector_applies_the_encoders_confidence_calibration(monkeypatch):
    detector = load_detector(PACKAGED_MODELS / "techniques")
    encoder = load_for_language(None, "en")
    text = f"Headline\n{LOADED}\n{NEUTRAL}"
    monkeypatch.setattr(encoder, "confidence_calibration_", (1.0, 0.0))
    raw = detector.annotate(segment(Article(text=text, language="en"))).spans
    monkeypatch.setattr(encoder, "confidence_calibration_", (1.0, -2.0))
    lowered = detector.annotate(segment(Article(text=text, language="en"))).spans
    assert raw and [(s.start, s.end, s.technique) for s in raw] == [(s.start, s.end, s.technique) for s in lowered]
    for before, after in zip(raw, lowered):
        assert after.confidence == pytest.approx(encoder.calibrated(before.confidence))
        assert after.confidence < before.confidence
    # other confidences, another model version: stored analyses made before show as stale
    lowered_version = detector.version
    monkeypatch.setattr(encoder, "confidence_calibration_", (1.0, 0.0))
    assert detector.version != lowered_version


def test_settings_switch_the_encoder_off_for_one_pipeline_only():
    text = f"Headline\n{LOADED}\n{NEUTRAL}"
    on = Pipeline(Settings(components=("techniques",)))
    off = Pipeline(Settings(components=("techniques",), span_encoder=False))
    a = on(Article(text=text, language="en"))
    b = off(Article(text=text, language="en"))
    assert "+span-encoder-en-" in a.models["techniques"]
    assert "+span-encoder" not in b.models["techniques"]
    assert on(Article(text=text, language="en")).models["techniques"] == a.models["techniques"]


def test_save_load_round_trip_gives_the_same_probabilities(tmp_path):
    encoder = load_for_language(None, "en")
    encoder.save(tmp_path / "en")
    again = SpanEncoder.load(tmp_path / "en")
    words = _words(LOADED)
    assert np.array_equal(encoder.word_probabilities(LOADED, words)[0], again.word_probabilities(LOADED, words)[0])
    assert again.get_params() == encoder.get_params()


def test_broken_encoder_files_are_a_model_error(tmp_path):
    shutil.copytree(span_encoder.DEFAULT_DIRECTORY / "en", tmp_path / "en")
    (tmp_path / "en" / span_encoder.PARAMS_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="span encoder"):
        SpanEncoder.load(tmp_path / "en")
    (tmp_path / "en" / span_encoder.PARAMS_FILE).write_text(json.dumps({"params": {}}))
    (tmp_path / "en" / span_encoder.MODEL_FILE).write_bytes(b"not an onnx model")
    broken = SpanEncoder.load(tmp_path / "en")
    with pytest.raises(ModelError, match="span encoder"):
        broken.word_probabilities(LOADED, _words(LOADED))


def test_a_language_without_an_encoder_gets_none(tmp_path):
    assert load_for_language(str(tmp_path), "en") is None
    assert load_for_language(None, "xx") is None
