"""The paragraph stage: evidence summaries computed by hand, a fit that learns from the evidence, techniques it
leaves alone, storage with the span encoder, and the detector relabelling paragraphs with it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spinscope.detectors import load_detector
from spinscope.detectors.paragraph_stage import EVIDENCE, ParagraphStage, paragraph_evidence
from spinscope.detectors.span_encoder import SpanEncoder, load_for_language
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS
from spinscope.types import Article

LOADED = ("The corrupt, incompetent elites want to destroy our great nation with their insane, treacherous "
          "schemes, and only fools would believe their lies.")
NEUTRAL = "The council meets on Tuesday at nine in the town hall to discuss the budget for next year."


def test_evidence_summarises_each_paragraphs_words():
    crf_a, enc_a = np.array([0.1, 0.3]), np.array([0.5, 0.7])
    mixed_a = 0.5 * crf_a + 0.5 * enc_a  # 0.3, 0.5
    crf_b = np.array([0.2, 0.0, 0.4])  # gated out: no encoder, decoded from the CRF alone
    rows = [(0, crf_a, enc_a, mixed_a), (0, crf_b, None, crf_b)]
    evidence = paragraph_evidence(3, rows, threshold=0.25)
    assert evidence.shape == (3, len(EVIDENCE))
    expected = {"encoder_max": 0.7, "mixed_max": 0.5, "mixed_mean": (0.3 + 0.5 + 0.2 + 0.0 + 0.4) / 5,
                "crf_max": 0.4, "crf_mean": (0.1 + 0.3 + 0.2 + 0.0 + 0.4) / 5, "inside_share": 3 / 5,
                "log_words": math.log1p(5)}
    assert dict(zip(EVIDENCE, evidence[0])) == pytest.approx(expected)
    assert not evidence[1:].any()  # paragraphs without tagged sentences have no evidence


def _synthetic(n: int, seed: int):
    """Two techniques: A's labels follow the taggers' evidence more than the paragraph model; B is too rare."""
    rng = np.random.default_rng(seed)
    evidence = np.zeros((n, len(EVIDENCE)))
    signal = rng.random(n)
    evidence[:, 0] = signal
    evidence[:, 1] = signal
    labels = np.zeros((n, 2), bool)
    labels[:, 0] = rng.random(n) < signal ** 3
    labels[:5, 1] = True
    probabilities = np.column_stack([np.clip(0.2 + 0.3 * labels[:, 0] + 0.3 * rng.standard_normal(n), 0.01, 0.99),
                                     rng.uniform(0.01, 0.3, n)])
    return ["A", "B"], probabilities, evidence, labels


def _f1(predicted, gold):
    tp = (predicted & gold).sum()
    return 2 * tp / (2 * tp + (predicted & ~gold).sum() + (~predicted & gold).sum())


def test_stage_learns_from_the_evidence_and_leaves_rare_techniques_alone():
    techniques, probabilities, evidence, labels = _synthetic(3000, 0)
    stage = ParagraphStage().fit(techniques, probabilities, evidence, labels)
    assert stage.fitted_.tolist() == [True, False]
    assert math.isnan(stage.thresholds_[1])
    # scored on fresh data: better than the paragraph model's own probability at its best threshold
    techniques, probabilities, evidence, labels = _synthetic(3000, 1)
    own = max(_f1(probabilities[:, 0] >= c, labels[:, 0]) for c in np.linspace(0.05, 0.95, 91))
    restacked, cuts = stage.apply(techniques, probabilities, evidence, np.array([0.5, 0.42]))
    assert _f1(restacked[:, 0] >= cuts[0], labels[:, 0]) > own + 0.05
    assert np.array_equal(restacked[:, 1], probabilities[:, 1]) and cuts[1] == 0.42  # B: untouched
    # the caller's technique order and techniques the stage never saw
    swapped, swapped_cuts = stage.apply(["C", "A"], probabilities[:, ::-1], evidence, np.array([0.3, 0.5]))
    assert np.array_equal(swapped[:, 0], probabilities[:, 1]) and swapped_cuts[0] == 0.3
    assert np.allclose(swapped[:, 1], restacked[:, 0]) and swapped_cuts[1] == cuts[0]


def test_stage_round_trips_through_its_dict_and_refuses_other_shapes():
    stage = ParagraphStage(C=0.5).fit(*_synthetic(500, 2))
    again = ParagraphStage.from_dict(stage.to_dict())
    assert again.get_params() == stage.get_params()
    techniques, probabilities, evidence, _ = _synthetic(200, 3)
    for a, b in zip(stage.apply(techniques, probabilities, evidence, np.array([0.5, 0.5])),
                    again.apply(techniques, probabilities, evidence, np.array([0.5, 0.5]))):
        assert np.allclose(a, b, atol=1e-5, equal_nan=True)
    broken = stage.to_dict()
    broken["evidence"] = broken["evidence"][:-1]
    with pytest.raises(ValueError, match="other evidence"):
        ParagraphStage.from_dict(broken)
    for field, value, message in [("coef", lambda d: d["coef"][:1], "do not match"),
                                  ("fitted", lambda d: ["false"] * len(d["fitted"]), "true or false"),
                                  ("techniques", lambda d: [d["techniques"][0]] * len(d["techniques"]), "twice"),
                                  ("coef", lambda d: [[float("nan")] * len(row) for row in d["coef"]], "non-finite"),
                                  ("thresholds", lambda d: [None] * len(d["thresholds"]), "0-1"),
                                  ("thresholds", lambda d: [1.5] * len(d["thresholds"]), "0-1")]:
        broken = stage.to_dict()
        broken[field] = value(broken)
        with pytest.raises(ValueError, match=message):
            ParagraphStage.from_dict(broken)
    newer = stage.to_dict()
    newer["params"]["a_later_option"] = 1  # written by a newer version: still loads
    assert ParagraphStage.from_dict(newer).get_params() == stage.get_params()


def test_a_technique_the_stage_never_predicts_keeps_the_paragraph_models_decision():
    techniques, probabilities, evidence, labels = _synthetic(3000, 4)
    labels[:, 1] = False
    labels[:40, 1] = True  # enough positives to fit, but nothing singles them out
    stage = ParagraphStage().fit(techniques, probabilities, evidence, labels)
    assert stage.fitted_.tolist() == [True, False] and math.isnan(stage.thresholds_[1])


def test_detector_relabels_paragraphs_with_the_encoders_stage(monkeypatch, tmp_path):
    detector = load_detector(PACKAGED_MODELS / "techniques")
    encoder = load_for_language(None, "en")
    text = f"Headline\n{LOADED}\n{NEUTRAL}"
    techniques, probabilities, evidence = detector.tagger_evidence(segment(Article(text=text, language="en")))
    assert evidence.shape == (3, len(EVIDENCE)) and probabilities.shape == (3, len(techniques))
    # only the loaded paragraph has words the taggers think are inside a span
    assert evidence[1, EVIDENCE.index("mixed_max")] > evidence[2, EVIDENCE.index("mixed_max")]
    monkeypatch.setattr(encoder, "paragraph_stage_", None, raising=False)
    without_stage = detector.annotate(segment(Article(text=text, language="en")))
    without_version = detector.version

    # a stage that sends Doubt to certainty wherever the encoder sees a likely span, and nowhere else
    stage = ParagraphStage()
    stage.techniques_ = ["Doubt"]
    stage.coef_ = np.zeros((1, 1 + len(EVIDENCE) + 2))
    stage.coef_[0, 1 + EVIDENCE.index("encoder_max")] = 60.0
    stage.intercept_ = np.array([-30.0])
    stage.fitted_ = np.array([True])
    stage.thresholds_ = np.array([0.5])
    monkeypatch.setattr(encoder, "paragraph_stage_", stage, raising=False)
    annotated = detector.annotate(segment(Article(text=text, language="en")))
    assert "Doubt" in annotated.paragraphs[1].techniques
    assert "Doubt" not in annotated.paragraphs[2].techniques
    assert annotated.paragraphs[1].technique_scores["Doubt"] > 0.99
    assert any(s.technique == "Doubt" and text[s.start:s.end] == s.text for s in annotated.spans)  # backed by a span
    assert detector.version != without_version  # stored analyses made without the stage show as stale
    # span confidences keep reading the paragraph model's own probabilities: the stage moves labels, not them
    before = {(s.start, s.end, s.technique): s.confidence for s in without_stage.spans}
    shared = [(s, before[s.start, s.end, s.technique]) for s in annotated.spans if (s.start, s.end, s.technique) in before]
    assert shared and all(s.confidence == pytest.approx(c) for s, c in shared)
    # stored with the encoder
    encoder.save(tmp_path / "en")
    loaded = SpanEncoder.load(tmp_path / "en")
    assert loaded.paragraph_stage_.to_dict() == stage.to_dict()
    assert loaded.version == encoder.version
