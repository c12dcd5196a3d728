"""Cross-validated frame (subtask 2) micro-F1 per language, optionally pooling the other languages' data.

Outer stratified 5-fold CV (articles stratified by their rarest frame); every outer training set picks its own
per-frame thresholds on inner folds inside `FrameDetector.fit`, so the held-out fold is never used for tuning.

  python experiments/article_level/frames_cv.py --eval en --params '{"C": 10}' --repeats 1 [--pool]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from common import frame_folds, load_all, log, micro_f1
from spinscope.data import LANGUAGES
from spinscope.detectors.frames import FrameDetector
from spinscope.taxonomy import FRAME_NAMES


def run(eval_language, corpora, params, pool, n_folds, repeats):
    articles = [a for a in corpora[eval_language] if "frames" in a.gold]
    others = []
    if pool:
        for lang, items in corpora.items():
            if lang != eval_language:
                others += [a for a in items if "frames" in a.gold]
    scores, fixed_half, inner = [], [], []
    for repeat in range(repeats):
        predicted, predicted_half = [None] * len(articles), [None] * len(articles)
        for train_idx, test_idx in frame_folds(articles, n_folds, seed=repeat):
            detector = FrameDetector(**params).fit([articles[i] for i in train_idx] + others)
            inner.append(np.nanmean(list(detector.metadata_["inner_cv_micro_f1"].values())))
            probabilities = detector.predict_proba([articles[i] for i in test_idx])
            present = detector.decide(probabilities, [articles[i] for i in test_idx])
            for i, row, p in zip(test_idx, present, probabilities):
                predicted[i] = [f for f, keep in zip(FRAME_NAMES, row) if keep]
                predicted_half[i] = [f for f, q in zip(FRAME_NAMES, p) if q >= 0.5]
        gold = [a.gold["frames"] for a in articles]
        scores.append(micro_f1(gold, predicted))
        fixed_half.append(micro_f1(gold, predicted_half))
    return float(np.mean(scores)), float(np.std(scores)), float(np.mean(fixed_half)), float(np.nanmean(inner))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--pool", action="store_true")
    parser.add_argument("--params", default="{}")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    params = json.loads(args.params)
    corpora = load_all(LANGUAGES if args.pool else args.eval)
    for lang in args.eval:
        started = time.time()
        mean, sd, half, inner = run(lang, corpora, params, args.pool, args.folds, args.repeats)
        log(f"{lang} pool={args.pool} params={json.dumps(params, sort_keys=True)} microF1={mean:.3f}±{sd:.3f} "
            f"(threshold 0.5: {half:.3f}; inner-CV {inner:.3f}) ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
