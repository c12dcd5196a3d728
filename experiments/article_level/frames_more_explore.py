"""Frames: out-of-fold technique scores as features, per-frame C chosen on inner folds, label co-occurrence
(a second-stage logistic regression per frame over every frame's first-stage probability).

  python experiments/article_level/technique_oof.py en it ru fr ge po       # once
  python experiments/article_level/frames_more_explore.py --eval en --seeds 0 1 2

Protocol as frames_explore.py: per language, 5 outer folds (stratified by rarest frame, `common.frame_folds`),
every fold refits the TF-IDF (`fastfeatures.FoldTfidf`, 30k word (1,2)-grams) and the classifiers on its training
part; per-frame thresholds (and, for the variants that choose something, the choice) come from 3 inner folds of
the training part only. Reported: official micro-F1, mean ± sd over seeds.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from common import frame_folds, load_all, log, micro_f1
from density_explore import oof_technique_matrix, standardise
from fastfeatures import FoldTfidf
from spinscope.detectors.frames import _stratification_keys, tune_thresholds
from spinscope.taxonomy import FRAME_NAMES

C_GRID = (0.3, 1.0, 3.0, 10.0)


def design(words, tech, train_idx, test_idx, tech_weight):
    a, b = words.matrices(train_idx, test_idx, 30000)
    if tech_weight:
        z = standardise(tech, train_idx) * tech_weight
        a = sparse.hstack([a, sparse.csr_matrix(z[train_idx])], format="csr")
        b = sparse.hstack([b, sparse.csr_matrix(z[test_idx])], format="csr")
    return a, b


def fit_predict(Xtr, Xte, y, C):
    """(test x frames) probabilities; C is one value or one per frame."""
    out = np.zeros((Xte.shape[0], y.shape[1]))
    for k in range(y.shape[1]):
        if y[:, k].min() == y[:, k].max():
            out[:, k] = float(y[0, k])
            continue
        c = C[k] if np.ndim(C) else C
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)
        model.fit(Xtr, y[:, k])
        out[:, k] = model.predict_proba(Xte)[:, 1]
    return out


def inner_oof(words, tech, gold, train_idx, setting, C):
    oof = np.zeros((len(train_idx), gold.shape[1]))
    keys = _stratification_keys(gold[train_idx], 3)
    for itr, iva in StratifiedKFold(3, shuffle=True, random_state=0).split(np.zeros(len(keys)), keys):
        Xa, Xb = design(words, tech, train_idx[itr], train_idx[iva], setting.get("tech", 0))
        oof[iva] = fit_predict(Xa, Xb, gold[train_idx[itr]], C)
    return oof


def stack_features(p):
    return np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))


def run(setting, own, words, tech, gold, seeds):
    scores = []
    for seed in seeds:
        predicted = np.zeros((len(own), gold.shape[1]), dtype=bool)
        for tr, te in frame_folds([ARTICLES[i] for i in own], 5, seed=seed):
            train_idx, test_idx = own[tr], own[te]
            C = setting.get("C", 3.0)
            if setting.get("per_frame_C"):
                # each frame's C by inner-fold average precision (threshold-free), then thresholds on those OOF
                oofs = {c: inner_oof(words, tech, gold, train_idx, setting, c) for c in C_GRID}
                best = []
                for k in range(gold.shape[1]):
                    y = gold[train_idx, k]
                    if y.min() == y.max():
                        best.append(3.0)
                        continue
                    best.append(max(C_GRID, key=lambda c: average_precision_score(y, oofs[c][:, k])))
                C = np.array(best)
                oof = np.column_stack([oofs[c][:, k] for k, c in enumerate(C)])
            else:
                oof = inner_oof(words, tech, gold, train_idx, setting, C)
            Xa, Xb = design(words, tech, train_idx, test_idx, setting.get("tech", 0))
            probability = fit_predict(Xa, Xb, gold[train_idx], C)
            if setting.get("stack"):
                # second stage on the inner OOF probabilities of every frame (learns co-occurrence); its own
                # thresholds from a 3-fold split of those same OOF rows
                S_train, S_test = stack_features(oof), stack_features(probability)
                second_oof = np.zeros_like(oof)
                keys = _stratification_keys(gold[train_idx], 3)
                for itr, iva in StratifiedKFold(3, shuffle=True, random_state=1).split(np.zeros(len(keys)), keys):
                    second_oof[iva] = fit_predict(S_train[itr], S_train[iva], gold[train_idx[itr]], 1.0)
                probability = fit_predict(S_train, S_test, gold[train_idx], 1.0)
                oof = second_oof
            thresholds = tune_thresholds(gold[train_idx], oof)
            present = probability >= thresholds
            empty = ~present.any(1)
            present[empty, probability[empty].argmax(1)] = True
            predicted[te] = present
        g = [[f for f, x in zip(FRAME_NAMES, row) if x] for row in gold[own]]
        scores.append(micro_f1(g, [[f for f, x in zip(FRAME_NAMES, row) if x] for row in predicted]))
    return scores


VARIANTS = {
    "shipped": {},
    "tech0.3": {"tech": 0.3},
    "tech1": {"tech": 1.0},
    "per_frame_C": {"per_frame_C": True},
    "stack": {"stack": True},
}
ARTICLES: list = []


def main():
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    args = parser.parse_args()
    corpora = load_all()
    ARTICLES.extend(a for items in corpora.values() for a in items if "frames" in a.gold)
    words = FoldTfidf([a.text for a in ARTICLES])
    tech = oof_technique_matrix(ARTICLES)
    gold = np.array([[f in a.gold["frames"] for f in FRAME_NAMES] for a in ARTICLES], dtype=int)
    languages = np.array([a.language for a in ARTICLES])
    for lang in args.eval:
        own = np.flatnonzero(languages == lang)
        for name in args.variants:
            started = time.time()
            scores = run(VARIANTS[name], own, words, tech, gold, args.seeds)
            log(json.dumps({"language": lang, "variant": name, "micro_f1": round(float(np.mean(scores)), 4),
                            "sd": round(float(np.std(scores)), 4), "runs": [round(s, 4) for s in scores],
                            "seconds": round(time.time() - started)}))


if __name__ == "__main__":
    main()
