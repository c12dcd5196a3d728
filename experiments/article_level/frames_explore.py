"""Fast frame exploration on cached token counts (see fastfeatures.py): nested CV, thresholds from inner folds.

  python experiments/article_level/frames_explore.py --eval en --grid '{"pool": [false], "C": [10], "words": [30000]}'
"""

from __future__ import annotations

import argparse
import warnings
import itertools
import json
import time

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from common import frame_folds, load_all, log, micro_f1
from fastfeatures import DenseFeature, FoldTfidf, static_article_vectors
from spinscope.detectors.frames import _stratification_keys, tune_thresholds
from spinscope.taxonomy import FRAME_NAMES


def fit_predict(feats, train_idx, test_idx, gold, setting, sample_weight=None):
    blocks = {name: f.matrices(train_idx, test_idx, setting[name]) for name, f in feats.items() if setting.get(name)}
    if "title" in blocks:  # the headline block's weight against the article's words
        blocks["title"] = tuple(m * setting.get("title_w", 1.0) for m in blocks["title"])
    Xtr = sparse.hstack([a for a, _ in blocks.values()], format="csr")
    Xte = sparse.hstack([b for _, b in blocks.values()], format="csr")
    out = np.zeros((len(test_idx), len(FRAME_NAMES)))
    for k in range(len(FRAME_NAMES)):
        y = gold[train_idx, k]
        if y.min() == y.max():
            out[:, k] = float(y[0])
            continue
        frame_train, frame_test = Xtr, Xte
        if setting.get("nb") and "words" in blocks:
            # NB-SVM (Wang & Manning 2012): scale each word column by its log-count ratio between the classes
            # (the word block comes first in `feats`, so its columns lead the stacked matrix)
            present = (blocks["words"][0] > 0).astype(np.float64)
            p = setting["nb"] + np.asarray(present[y == 1].sum(0)).ravel()
            q = setting["nb"] + np.asarray(present[y == 0].sum(0)).ravel()
            r = np.ones(Xtr.shape[1])
            r[:len(p)] = np.log((p / p.sum()) / (q / q.sum()))
            frame_train, frame_test = Xtr @ sparse.diags(r), Xte @ sparse.diags(r)
        m = LogisticRegression(C=setting["C"], class_weight=setting.get("cw"), max_iter=2000,
                               solver="liblinear")
        m.fit(frame_train, y, sample_weight=sample_weight)
        out[:, k] = m.predict_proba(frame_test)[:, 1]
    return out


def main():
    warnings.filterwarnings("ignore", category=UserWarning)
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--grid", default='{"pool": [false], "C": [10], "words": [30000]}')
    parser.add_argument("--ctx", default="minilm:full", help="contextual vectors for the 'ctx' block: KIND:VARIANT "
                        "(contextual_vectors.py)")
    args = parser.parse_args()
    grid = json.loads(args.grid)
    corpora = load_all()
    everything = [a for items in corpora.values() for a in items if "frames" in a.gold]
    texts = [a.text for a in everything]
    feats = {"words": FoldTfidf(texts)}
    if any(grid.get("emb", [0])):
        feats["emb"] = DenseFeature(static_article_vectors(everything))
    if any(grid.get("ctx", [0])):
        from contextual_vectors import lookup

        feats["ctx"] = DenseFeature(lookup(*args.ctx.split(":"), everything))
    if any(grid.get("chars", [0])):
        feats["chars"] = FoldTfidf(texts, "char_wb", (3, 5))
    if any(grid.get("title", [0])):  # the headline's words again, as their own block (max_features)
        feats["title"] = FoldTfidf([a.title or a.text.split("\n", 1)[0] for a in everything])
    gold = np.array([[f in a.gold["frames"] for f in FRAME_NAMES] for a in everything], dtype=int)
    languages = np.array([a.language for a in everything])
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        for lang in args.eval:
            started = time.time()
            own = np.flatnonzero(languages == lang)
            other = np.flatnonzero(languages != lang) if setting["pool"] else np.array([], dtype=int)
            scores, half_scores = [], []
            for repeat in range(args.repeats):
                predicted = np.zeros((len(own), len(FRAME_NAMES)), dtype=bool)
                half = np.zeros_like(predicted)
                for tr, te in frame_folds([everything[i] for i in own], 5, seed=repeat):
                    train_idx = np.concatenate([own[tr], other])
                    # thresholds from inner folds of the training part only
                    oof = np.zeros((len(train_idx), len(FRAME_NAMES)))
                    keys = _stratification_keys(gold[train_idx], 3)
                    for itr, iva in StratifiedKFold(3, shuffle=True, random_state=0).split(np.zeros(len(keys)), keys):
                        oof[iva] = fit_predict(feats, train_idx[itr], train_idx[iva], gold, setting)
                    # tune on the evaluation language's part of the training set when it is large enough
                    tune_rows = np.arange(len(tr)) if setting.get("tune_own") else np.arange(len(train_idx))
                    thresholds = tune_thresholds(gold[train_idx][tune_rows], oof[tune_rows],
                                                 passes=0 if setting.get("thr") == "global" else 2)
                    prob = fit_predict(feats, train_idx, own[te], gold, setting)
                    present = prob >= thresholds
                    empty = ~present.any(1)
                    present[empty, prob[empty].argmax(1)] = True
                    predicted[te] = present
                    half[te] = prob >= 0.5
                g = [[f for f, x in zip(FRAME_NAMES, row) if x] for row in gold[own]]
                scores.append(micro_f1(g, [[f for f, x in zip(FRAME_NAMES, row) if x] for row in predicted]))
                half_scores.append(micro_f1(g, [[f for f, x in zip(FRAME_NAMES, row) if x] for row in half]))
            log(f"{lang} {json.dumps(setting, sort_keys=True)} microF1={np.mean(scores):.3f}±{np.std(scores):.3f} "
                f"(at 0.5: {np.mean(half_scores):.3f}) ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
