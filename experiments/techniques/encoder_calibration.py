"""Recalibrate the confidences of spans decoded with the span encoder, from out-of-fold predictions.

    python experiments/techniques/encoder_calibration.py                       # measure only
    python experiments/techniques/encoder_calibration.py --write src/spinscope/models/span_encoder/en

Reads the `with_encoder` predictions that `encoder_eval.py --defaults-only` kept for the five folds: every
English training article annotated by a detector and an encoder that never saw it. The 1-D Platt map
(`SpanEncoder.calibrate_confidences`) is fitted on four folds and scored on the fifth, then fitted on all five.
The all-folds map is also checked on the harder collection-round split (`--tag round_` predictions of
`encoder_eval.py --folds 0`, other models altogether) when those are kept. `--write` stores the all-folds map in
the span encoder at DIR (params.json; the ONNX and tokenizer files are rewritten unchanged).
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, expected_calibration_error, load_language, span_hits_gold  # noqa: E402

from spinscope.detectors.span_encoder import SpanEncoder  # noqa: E402


def span_outcomes(paths: list[Path], gold_spans: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(confidence, overlaps a gold span of its technique, index of the file) for every predicted span."""
    confidences, outcomes, part = [], [], []
    for k, path in enumerate(paths):
        for article_id, article in pickle.loads(path.read_bytes()).items():
            gold = gold_spans[article_id]
            for span in article.spans:
                confidences.append(span.confidence)
                outcomes.append(span_hits_gold(span, gold))
                part.append(k)
    return np.asarray(confidences), np.asarray(outcomes, np.int8), np.asarray(part)


def apply(encoder: SpanEncoder, confidences: np.ndarray) -> np.ndarray:
    return np.array([encoder.calibrated(c) for c in confidences])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="span encoder folder (…/span_encoder/en) to store the map in")
    parser.add_argument("--tag", default="", help="the prefix encoder_eval.py --tag kept the five folds' predictions under")
    parser.add_argument("--round-tag", default="round_", help="prefix of the harder split's kept predictions")
    args = parser.parse_args()
    gold_spans = {a.id: a.gold.get("spans", []) for a in load_language("en")}
    kept = CACHE / "encoder_predictions"
    folds = sorted(kept.glob(f"{args.tag}with_encoder_fold*of5.pkl"))
    if len(folds) != 5:
        sys.exit(f"need the five {args.tag}with_encoder_fold*of5.pkl files in {kept} (encoder_eval.py --defaults-only)")
    confidences, outcomes, fold = span_outcomes(folds, gold_spans)
    recalibrated = np.zeros_like(confidences)
    for k in range(5):
        held = fold == k
        encoder = SpanEncoder().calibrate_confidences(confidences[~held], outcomes[~held])
        recalibrated[held] = apply(encoder, confidences[held])
    everything = SpanEncoder().calibrate_confidences(confidences, outcomes)
    report = {
        "spans": len(confidences), "mean_confidence": float(confidences.mean()), "hit_rate": float(outcomes.mean()),
        "ece_before": expected_calibration_error(confidences, outcomes),
        "ece_cross_fitted": expected_calibration_error(recalibrated, outcomes),
        "per_fold_before": [round(expected_calibration_error(confidences[fold == k], outcomes[fold == k]), 3)
                            for k in range(5)],
        "per_fold_cross_fitted": [round(expected_calibration_error(recalibrated[fold == k], outcomes[fold == k]), 3)
                                  for k in range(5)],
        "map_all_folds": everything.confidence_calibration_,
    }
    rounds = sorted(kept.glob(f"{args.round_tag}with_encoder_fold*of0.pkl"))
    if rounds:
        c, y, _ = span_outcomes(rounds, gold_spans)
        report["round_split"] = {"spans": len(c), "mean_confidence": float(c.mean()), "hit_rate": float(y.mean()),
                                 "ece_before": expected_calibration_error(c, y),
                                 "ece_after": expected_calibration_error(apply(everything, c), y)}
    print(json.dumps(report, indent=2))
    if args.write:
        shipped = SpanEncoder.load(args.write)
        shipped.confidence_calibration_ = everything.confidence_calibration_
        shipped.metadata_["confidence_calibration"] = (
            "Platt map on logit(confidence), fitted on the out-of-fold spans of 5 fold-wise encoders "
            "(python experiments/techniques/encoder_calibration.py --write DIR)")
        print("saved", shipped.save(args.write))


if __name__ == "__main__":
    main()
