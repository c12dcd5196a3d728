"""A second look at paragraph labels with the span taggers' evidence.

The paragraph models read n-grams, style cues and word vectors; they never see where the CRF tagger and the span
encoder put their per-word P(inside). `ParagraphStage` is, per technique, a logistic regression over the
paragraph model's logit plus a few summaries of those word probabilities in the paragraph (`EVIDENCE`), with
per-technique thresholds chosen for pooled micro-F1 (the subtask-3 metric). It has to be fitted on out-of-fold
evidence: the shipped encoder saw every training article, so in-sample probabilities would be far too clean.
`experiments/techniques/paragraph_stage.py` collects that evidence from fold-wise detectors and encoders and stores
the fitted stage with the span encoder, whose evidence it reads (the technique detector applies it only where that
encoder runs). Techniques with too few positive paragraphs keep the paragraph model's probability and threshold.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

# per paragraph, over the words of its tagged sentences (encoder_max is 0 where the encoder was gated out;
# inside_share counts words at or above the encoder's decoding cut, also in gated-out sentences)
EVIDENCE = ("encoder_max", "mixed_max", "mixed_mean", "crf_max", "crf_mean", "inside_share", "log_words")
DESIGN_WIDTH = 1 + len(EVIDENCE) + 2  # the columns of `_design`


def paragraph_evidence(n_paragraphs: int, rows: Sequence[tuple[int, np.ndarray, np.ndarray | None, np.ndarray]],
                       threshold: float) -> np.ndarray:
    """`EVIDENCE` per paragraph from (paragraph, CRF P(inside), encoder P(inside) or None where it was gated out,
    the mixed P(inside) decoding reads) per tagged sentence; `threshold` is the decoding cut."""
    grouped: list[list] = [[] for _ in range(n_paragraphs)]
    for i, crf, encoder, mixed in rows:
        grouped[i].append((crf, np.zeros_like(crf) if encoder is None else encoder, mixed))
    out = np.zeros((n_paragraphs, len(EVIDENCE)))
    for i, sentences in enumerate(grouped):
        if sentences:
            crf, encoder, mixed = (np.concatenate(part) for part in zip(*sentences))
            out[i] = (encoder.max(), mixed.max(), mixed.mean(), crf.max(), crf.mean(), (mixed >= threshold).mean(),
                      math.log1p(len(crf)))
    return out


def _design(probabilities: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Columns for one technique: its logit, the evidence, and the logit times the two strongest cues."""
    p = np.clip(probabilities, 1e-4, 1 - 1e-4)
    z = np.log(p / (1 - p))
    return np.column_stack([z, evidence, z[:, None] * evidence[:, :2]])


class ParagraphStage:
    """Per-technique logistic regression over the paragraph model's logit and the taggers' evidence."""

    def __init__(self, C: float = 1.0, min_positives: int = 20, threshold_floor: float = 0.1):
        self.C = C
        self.min_positives = min_positives
        self.threshold_floor = threshold_floor

    def get_params(self) -> dict[str, Any]:
        return {"C": self.C, "min_positives": self.min_positives, "threshold_floor": self.threshold_floor}

    def fit(self, techniques: Sequence[str], probabilities: np.ndarray, evidence: np.ndarray,
            labels: np.ndarray) -> "ParagraphStage":
        """probabilities, labels: (paragraphs, techniques); evidence: (paragraphs, len(EVIDENCE)); all out of fold."""
        from sklearn.linear_model import LogisticRegression

        from .techniques import choose_thresholds

        labels = np.asarray(labels, bool)
        self.techniques_ = list(techniques)
        self.coef_ = np.zeros((len(techniques), DESIGN_WIDTH))
        self.intercept_ = np.zeros(len(techniques))
        self.fitted_ = labels.sum(axis=0) >= self.min_positives
        restacked = np.array(probabilities, np.float64)
        for j in np.flatnonzero(self.fitted_):
            design = _design(probabilities[:, j], evidence)
            model = LogisticRegression(C=self.C, max_iter=2000).fit(design, labels[:, j])
            self.coef_[j], self.intercept_[j] = model.coef_[0], model.intercept_[0]
            restacked[:, j] = model.predict_proba(design)[:, 1]
        # thresholds for every technique on the stage's own probabilities (a few coefficients, so in-sample is
        # close to out-of-fold); techniques left unfitted keep the paragraph model's threshold at analysis time
        self.thresholds_ = choose_thresholds(restacked, labels, "micro", self.threshold_floor).astype(np.float64)
        # a technique the stage never predicts on its own rows gains nothing from it (its threshold would be an
        # arbitrary tie-break): it keeps the paragraph model's probability and threshold
        self.fitted_ &= (restacked >= self.thresholds_).any(axis=0)
        self.thresholds_[~self.fitted_] = np.nan
        return self

    def apply(self, techniques: Sequence[str], probabilities: np.ndarray, evidence: np.ndarray,
              thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, thresholds) after the stage, in the caller's technique order; techniques the stage does
        not know or did not fit keep theirs."""
        out, cut = np.array(probabilities, np.float64), np.array(thresholds, np.float64)
        index = {t: j for j, t in enumerate(self.techniques_)}
        for k, technique in enumerate(techniques):
            j = index.get(technique)
            if j is None or not self.fitted_[j]:
                continue
            z = _design(probabilities[:, k], evidence) @ self.coef_[j] + self.intercept_[j]
            out[:, k] = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
            cut[k] = self.thresholds_[j]
        return out, cut

    def to_dict(self) -> dict[str, Any]:
        return {"params": self.get_params(), "evidence": list(EVIDENCE), "techniques": self.techniques_,
                "coef": self.coef_.round(6).tolist(), "intercept": self.intercept_.round(6).tolist(),
                "fitted": self.fitted_.tolist(),
                "thresholds": [None if math.isnan(t) else round(float(t), 6) for t in self.thresholds_]}

    @classmethod
    def from_dict(cls, saved: dict[str, Any]) -> "ParagraphStage":
        """The stage as `to_dict` wrote it; ValueError when anything is off (a stage that silently mislabels
        paragraphs is worse than none). Parameters this version does not know are ignored."""
        if list(saved["evidence"]) != list(EVIDENCE):
            raise ValueError("the paragraph stage was fitted on other evidence features")
        known = cls().get_params()
        stage = cls(**{k: v for k, v in saved["params"].items() if k in known})
        stage.techniques_ = list(saved["techniques"])
        stage.coef_ = np.asarray(saved["coef"], np.float64)
        stage.intercept_ = np.asarray(saved["intercept"], np.float64)
        fitted = list(saved["fitted"])
        if not all(isinstance(f, bool) for f in fitted):
            raise ValueError("the paragraph stage's 'fitted' flags must be true or false")
        stage.fitted_ = np.asarray(fitted, bool)
        stage.thresholds_ = np.asarray([np.nan if t is None else t for t in saved["thresholds"]], np.float64)
        n = len(stage.techniques_)
        if stage.coef_.shape != (n, DESIGN_WIDTH) or stage.intercept_.shape != (n,) \
                or stage.fitted_.shape != (n,) or stage.thresholds_.shape != (n,):
            raise ValueError("the paragraph stage's arrays do not match its techniques")
        if len(set(stage.techniques_)) != n:
            raise ValueError("the paragraph stage names a technique twice")
        if not (np.isfinite(stage.coef_[stage.fitted_]).all() and np.isfinite(stage.intercept_[stage.fitted_]).all()):
            raise ValueError("the paragraph stage has non-finite coefficients")
        cuts = stage.thresholds_[stage.fitted_]
        if not (np.isfinite(cuts).all() and ((cuts >= 0) & (cuts <= 1)).all()):
            raise ValueError("the paragraph stage's thresholds must lie in 0-1 for every fitted technique")
        return stage
