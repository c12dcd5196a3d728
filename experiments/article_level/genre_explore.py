"""Fast genre exploration on cached features (see fastfeatures.py). Prints OOF macro-F1 per variant.

  python experiments/article_level/genre_explore.py --eval en --repeats 2
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

import spinscope.detectors.genre as G
from common import genre_folds, load_all, log, macro_f1, per_class_f1
from fastfeatures import FoldTfidf, cached_dense, static_article_vectors


def gold_technique_vector(article):
    G.gold_technique_scores(article)
    vector = G.technique_features(article)
    for p in article.paragraphs:
        p.technique_scores = {}
    return vector


def tune_offsets(log_probabilities, gold, grid=np.linspace(-2, 2, 17)):
    """Per-class additive log-probability offsets (opinion fixed at 0) maximising macro-F1 on inner folds."""
    best, best_score = np.zeros(3), -1
    names = list(G.GENRES)
    gold_names = [names[i] for i in gold]
    for a in grid:
        for c in grid:
            offsets = np.array([a, 0.0, c])
            pred = (log_probabilities + offsets).argmax(1)
            score = macro_f1(gold_names, [names[i] for i in pred])
            if score > best_score + 1e-9 or (abs(score - best_score) < 1e-9 and abs(a) + abs(c) < np.abs(best).sum()):
                best, best_score = offsets, score
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--grid", default='{"pool": [false, true], "style": [0, 1], "tech": [0], "words": [20000], "C": [1]}')
    parser.add_argument("--ctx", default="minilm:full", help="contextual vectors for the 'ctx' block: KIND:VARIANT "
                        "(contextual_vectors.py)")
    args = parser.parse_args()
    grid = json.loads(args.grid)
    corpora = load_all()
    everything = [a for items in corpora.values() for a in items if a.gold.get("genre")]
    style = cached_dense("style", everything, G.style_features)
    tech = cached_dense("goldtech", everything, gold_technique_vector)
    words = FoldTfidf([a.text for a in everything])
    emb = static_article_vectors(everything) if any(grid.get("emb", [0])) else None
    if any(grid.get("ctx", [0])):
        from contextual_vectors import lookup

        ctx = lookup(*args.ctx.split(":"), everything)
    chars = FoldTfidf([a.text for a in everything], "char_wb", (2, 4)) if 1 in grid.get("chars", [0]) or any(
        c > 0 for c in grid.get("chars", [0])) else None
    labels = np.array([G.GENRES.index(a.gold["genre"]) for a in everything])
    languages = np.array([a.language for a in everything])
    keys = list(grid)
    for values in itertools.product(*grid.values()):
        setting = dict(zip(keys, values))
        if not (setting["style"] or setting.get("tech") or setting["words"] or setting.get("chars")):
            continue
        for lang in args.eval:
            started = time.time()
            own = np.flatnonzero(languages == lang)
            other = np.flatnonzero(languages != lang) if setting["pool"] else np.array([], dtype=int)
            pool_langs = setting.get("pool_langs")
            if pool_langs:
                other = np.array([i for i in other if languages[i] in pool_langs], dtype=int)
            scores, balanced, classes = [], [], []
            for repeat in range(args.repeats):
                predicted = np.zeros(len(own), dtype=int)
                for tr, te in genre_folds([everything[i] for i in own], 5, seed=repeat):
                    train_idx = np.concatenate([own[tr], other])
                    test_idx = own[te]
                    def build(train_idx, test_idx):
                        blocks_train, blocks_test = [], []
                        dense = ([(style, setting["style"])] if setting["style"] else []) + (
                            [(tech, setting["tech"])] if setting.get("tech") else []) + (
                            [(emb, setting["emb"])] if setting.get("emb") else []) + (
                            [(ctx, setting["ctx"])] if setting.get("ctx") else [])
                        if dense:
                            d = np.hstack([block for block, _ in dense])
                            scale = np.concatenate([np.full(block.shape[1], w) for block, w in dense])
                            mean, sd = d[train_idx].mean(0), d[train_idx].std(0)
                            sd[sd < 1e-9] = 1
                            z = np.clip((d - mean) / sd, -5, 5) * scale
                            if setting.get("augment"):
                                # Daume's feature augmentation: a shared copy for every language (weighted
                                # "augment") and an own copy that only the evaluated language's rows fill
                                own_copy = np.where((languages == lang)[:, None], z, 0.0)
                                z = np.hstack([z * setting["augment"], own_copy])
                            blocks_train.append(sparse.csr_matrix(z[train_idx]))
                            blocks_test.append(sparse.csr_matrix(z[test_idx]))
                        if setting["words"]:
                            a, b = words.matrices(train_idx, test_idx, setting["words"])
                            blocks_train.append(a * setting.get("word_weight", 1.0))
                            blocks_test.append(b * setting.get("word_weight", 1.0))
                        if setting.get("chars"):
                            a, b = chars.matrices(train_idx, test_idx, setting["chars"])
                            blocks_train.append(a * setting.get("char_weight", 1.0))
                            blocks_test.append(b * setting.get("char_weight", 1.0))
                        return (sparse.hstack(blocks_train, format="csr"), sparse.hstack(blocks_test, format="csr"))

                    def fit_proba(train_idx, test_idx):
                        Xtr, Xte = build(train_idx, test_idx)
                        model = LogisticRegression(C=setting["C"], class_weight="balanced", max_iter=3000)
                        model.fit(Xtr, labels[train_idx])
                        out = np.full((len(test_idx), 3), 1e-9)
                        out[:, model.classes_] = model.predict_proba(Xte)
                        return out

                    probabilities = fit_proba(train_idx, test_idx)
                    offsets = np.zeros(3)
                    if setting.get("bias"):
                        inner = np.zeros((len(train_idx), 3))
                        sub = [everything[i] for i in train_idx]
                        for itr, iva in genre_folds(sub, 3, seed=100 + repeat):
                            inner[iva] = fit_proba(train_idx[itr], train_idx[iva])
                        offsets = tune_offsets(np.log(inner), labels[train_idx])
                    predicted[te] = (np.log(probabilities) + offsets).argmax(1)
                gold = [G.GENRES[i] for i in labels[own]]
                pred = [G.GENRES[i] for i in predicted]
                scores.append(macro_f1(gold, pred))
                balanced.append(macro_f1(gold, pred, balanced=True))
                classes.append(per_class_f1(gold, pred))
            per = {g: round(float(np.mean([c[g] for c in classes])), 2) for g in G.GENRES}
            log(f"{lang} {json.dumps(setting, sort_keys=True)} macroF1={np.mean(scores):.3f}±{np.std(scores):.3f} "
                f"balanced={np.mean(balanced):.3f} {per} ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
